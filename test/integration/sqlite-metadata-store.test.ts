import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteMetadataStore } from '../../src/metadata/sqlite/sqlite-metadata-store.js';
import { describeMetadataStore } from '../conformance/metadata-store-suite.js';

describeMetadataStore('SQLite', async () => {
  const folder = await mkdtemp(join(tmpdir(), 'attache-sqlite-'));
  const store = new SqliteMetadataStore(join(folder, 'attache.db'));
  return {
    store,
    async cleanup() {
      await store.close();
      await rm(folder, { recursive: true, force: true });
    },
  };
});
