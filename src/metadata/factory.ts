import type { MetadataStoreConfig } from '../config.js';
import type { MetadataStore } from './metadata-store.js';
import { SqliteMetadataStore } from './sqlite/sqlite-metadata-store.js';

/** Creates the metadata store the configuration names. */
export async function createMetadataStore(config: MetadataStoreConfig): Promise<MetadataStore> {
  switch (config.kind) {
    case 'sqlite':
      return new SqliteMetadataStore(config.path);
    case 'postgres':
      throw new Error('the PostgreSQL metadata store is not built yet');
  }
}
