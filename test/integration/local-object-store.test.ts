import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../src/config.js';
import { startServer } from '../../src/server.js';
import {
  describeObjectStore,
  putToUploadUrl,
  type ObjectStoreHarness,
} from '../conformance/object-store-suite.js';

/** Returns a port that was free on 127.0.0.1 a moment ago. */
async function findFreePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === 'string') throw new Error('no TCP port was assigned');
  return address.port;
}

/**
 * Runs a real Attache server, because local upload URLs point at its PUT endpoint, and that
 * endpoint only accepts PUTs for pending uploads: each fileId gets an upload row first.
 */
async function createLocalHarness(): Promise<ObjectStoreHarness> {
  const dataDir = await mkdtemp(join(tmpdir(), 'attache-local-store-'));
  const port = await findFreePort();
  const config = loadConfig({
    ATTACHE_DATA_DIR: dataDir,
    ATTACHE_HOST: '127.0.0.1',
    ATTACHE_PORT: String(port),
    ATTACHE_PUBLIC_URL: `http://127.0.0.1:${port}`,
    ATTACHE_LOG_LEVEL: 'silent',
    ATTACHE_SWEEP_INTERVAL_SECONDS: '0',
  });
  const server = await startServer(config);
  const { metadata, objects } = server.services;
  // The first start creates this account for its development API key.
  const account = await metadata.findAccountByName('default');
  if (account === null) throw new Error('the server created no "default" account');

  return {
    store: objects,
    async putStaged(fileId, bytes, contentType) {
      const now = Date.now();
      const expiresAt = now + 10 * 60_000;
      if ((await metadata.findUpload(fileId)) === null) {
        await metadata.insertUpload({
          fileId,
          accountId: account.accountId,
          fileName: `${randomUUID()}.bin`,
          fileType: contentType,
          featureType: 'chat',
          createdAt: now,
          expiresAt,
          completeBy: expiresAt,
        });
      }
      const url = await objects.createUploadUrl({ fileId, contentType, expiresAt });
      await putToUploadUrl(url, bytes, contentType);
    },
    async cleanup() {
      await server.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

describeObjectStore('local', createLocalHarness);
