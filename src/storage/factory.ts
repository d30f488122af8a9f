import type { ObjectStoreConfig } from '../config.js';
import type { UrlSigner } from '../lib/url-signer.js';
import { LocalObjectStore } from './local/local-object-store.js';
import type { ObjectStore } from './object-store.js';

export interface ObjectStoreContext {
  publicBaseUrl: string;
  signer: UrlSigner;
}

/** Creates and opens the object store the configuration names. */
export async function createObjectStore(
  config: ObjectStoreConfig,
  context: ObjectStoreContext,
): Promise<ObjectStore> {
  switch (config.kind) {
    case 'local': {
      const store = new LocalObjectStore({ rootDir: config.rootDir, ...context });
      await store.open();
      return store;
    }
    case 's3': {
      // Loaded on demand, so a local-store deployment never loads the AWS SDK.
      const { S3ObjectStore } = await import('./s3/s3-object-store.js');
      return new S3ObjectStore(config);
    }
  }
}
