import { S3ObjectStore } from '../../src/storage/s3/s3-object-store.js';
import {
  describeObjectStore,
  putToUploadUrl,
  type ObjectStoreHarness,
} from '../conformance/object-store-suite.js';
import { loadS3TestConfig, serverDownError } from './s3-settings.js';

/** Runs against the S3 test server, under a key prefix of its own. */
async function createS3Harness(): Promise<ObjectStoreHarness> {
  const config = await loadS3TestConfig();
  const store = new S3ObjectStore(config);
  await store.ping().catch((error: unknown) => {
    throw serverDownError(config, error);
  });
  const fileIds = new Set<string>();

  return {
    store,
    async putStaged(fileId, bytes, contentType) {
      fileIds.add(fileId);
      const url = await store.createUploadUrl({
        fileId,
        contentType,
        expiresAt: Date.now() + 10 * 60_000,
      });
      await putToUploadUrl(url, bytes, contentType);
    },
    async cleanup() {
      for (const fileId of fileIds) {
        await store.deleteStaged(fileId);
        await store.deleteFile(fileId);
      }
      await store.close();
    },
  };
}

describeObjectStore('S3', createS3Harness);
