import assert from 'node:assert/strict';
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import type { Readable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { StagedObjectChangedError, type ObjectStore } from '../../src/storage/object-store.js';

/** One object store under test, with a way to upload the way clients do. */
export interface ObjectStoreHarness {
  store: ObjectStore;
  /** Uploads `bytes` as the staged object of `fileId` through the store's own upload URL. */
  putStaged(fileId: string, bytes: Buffer, contentType: string): Promise<void>;
  /** Deletes what the tests stored and closes the store. */
  cleanup(): Promise<void>;
}

const contentType = 'application/octet-stream';
const MiB = 1024 * 1024;

/**
 * Defines the behaviour every object store must share: staging, conditional reads, promotion
 * to a final object that later uploads cannot change, ranged reads and idempotent deletes.
 */
export function describeObjectStore(name: string, create: () => Promise<ObjectStoreHarness>) {
  describe(`${name} object store conformance`, { timeout: 120_000 }, () => {
    let harness: ObjectStoreHarness | undefined;
    const store = () => harness!.store;
    const put = (fileId: string, bytes: Buffer) => harness!.putStaged(fileId, bytes, contentType);

    before(async () => {
      harness = await create();
    });
    after(async () => {
      await harness?.cleanup();
    });

    it('head of missing objects is null', async () => {
      const fileId = randomUUID();
      assert.equal(await store().headStaged(fileId), null);
      assert.equal(await store().headFile(fileId), null);
    });

    it('upload URL round trip', async () => {
      const fileId = randomUUID();
      const bytes = randomBytes(1000);
      const before = Date.now();
      await put(fileId, bytes);

      const info = await store().headStaged(fileId);
      assert.ok(info !== null, 'the staged object exists after the PUT');
      assert.equal(info.sizeBytes, 1000);
      assert.equal(typeof info.etag, 'string');
      assert.notEqual(info.etag, '');
      assert.ok(info.sha256 === null || info.sha256 === sha256(bytes), `sha256 ${info.sha256}`);
      // Stores keep whole seconds, and clocks may differ a little.
      assert.ok(
        info.lastModified.getTime() > before - 60_000,
        `lastModified ${info.lastModified.toISOString()}`,
      );
      assert.equal(await store().headFile(fileId), null);
    });

    it('readStaged returns the requested ranges', async () => {
      const fileId = randomUUID();
      const bytes = randomBytes(1000);
      await put(fileId, bytes);
      const { etag } = (await store().headStaged(fileId))!;

      assert.deepEqual(
        await store().readStaged(fileId, { start: 0, end: 9 }, etag),
        bytes.subarray(0, 10),
      );
      assert.deepEqual(
        await store().readStaged(fileId, { start: 100, end: 199 }, etag),
        bytes.subarray(100, 200),
      );
      const clipped = await store().readStaged(fileId, { start: 990, end: 4095 }, etag);
      assert.deepEqual(clipped, bytes.subarray(990));
      const pastEnd = await store().readStaged(fileId, { start: 1000, end: 4095 }, etag);
      assert.equal(pastEnd.length, 0);
    });

    it('readStaged rejects a stale etag', async () => {
      const fileId = randomUUID();
      await put(fileId, randomBytes(100));
      const { etag: staleEtag } = (await store().headStaged(fileId))!;
      await put(fileId, randomBytes(100));

      await assert.rejects(
        store().readStaged(fileId, { start: 0, end: 9 }, staleEtag),
        StagedObjectChangedError,
      );
    });

    it('readStaged of a deleted object rejects', async () => {
      const fileId = randomUUID();
      await put(fileId, randomBytes(100));
      const { etag } = (await store().headStaged(fileId))!;
      await store().deleteStaged(fileId);

      await assert.rejects(
        store().readStaged(fileId, { start: 0, end: 9 }, etag),
        StagedObjectChangedError,
      );
    });

    it('promote moves the staged object', async () => {
      const fileId = randomUUID();
      const bytes = randomBytes(5000);
      await put(fileId, bytes);
      const { etag } = (await store().headStaged(fileId))!;

      const promoted = await store().promote(fileId, etag);
      assert.equal(promoted.sizeBytes, 5000);
      assert.ok(
        promoted.sha256 === null || promoted.sha256 === sha256(bytes),
        `sha256 ${promoted.sha256}`,
      );
      assert.equal(await store().headStaged(fileId), null);
      const final = await store().headFile(fileId);
      assert.ok(final !== null, 'the final object exists after promotion');
      assert.equal(final.sizeBytes, 5000);
      assert.equal(final.etag, promoted.etag);
      assert.deepEqual(await readAll(await store().openFile(fileId)), bytes);
    });

    it('promote rejects a stale etag', async () => {
      const fileId = randomUUID();
      await put(fileId, randomBytes(100));
      const { etag: staleEtag } = (await store().headStaged(fileId))!;
      const replacement = randomBytes(120);
      await put(fileId, replacement);

      await assert.rejects(store().promote(fileId, staleEtag), StagedObjectChangedError);
      assert.equal(await store().headFile(fileId), null);
      const staged = await store().headStaged(fileId);
      assert.equal(staged?.sizeBytes, 120, 'the replacement stays staged');
    });

    it('promote of a missing staged object rejects', async () => {
      const fileId = randomUUID();
      await assert.rejects(store().promote(fileId, '"0123456789abcdef"'), StagedObjectChangedError);
      assert.equal(await store().headFile(fileId), null);
    });

    it('PUT after promotion leaves the final object', async () => {
      const fileId = randomUUID();
      const bytes = randomBytes(300);
      await put(fileId, bytes);
      const promoted = await store().promote(fileId, (await store().headStaged(fileId))!.etag);

      await put(fileId, randomBytes(400));
      const final = await store().headFile(fileId);
      assert.equal(final?.etag, promoted.etag);
      assert.equal(final?.sizeBytes, 300);
      assert.deepEqual(await readAll(await store().openFile(fileId)), bytes);
    });

    it('openFile reads whole and ranged', async () => {
      const fileId = randomUUID();
      const bytes = randomBytes(2048);
      await put(fileId, bytes);
      await store().promote(fileId, (await store().headStaged(fileId))!.etag);

      assert.deepEqual(await readAll(await store().openFile(fileId)), bytes);
      assert.deepEqual(
        await readAll(await store().openFile(fileId, { start: 0, end: 0 })),
        bytes.subarray(0, 1),
      );
      assert.deepEqual(
        await readAll(await store().openFile(fileId, { start: 1000, end: 1099 })),
        bytes.subarray(1000, 1100),
      );
      assert.deepEqual(
        await readAll(await store().openFile(fileId, { start: 2000, end: 2047 })),
        bytes.subarray(2000),
      );
    });

    it('deletes of missing objects succeed', async () => {
      const fileId = randomUUID();
      await store().deleteStaged(fileId);
      await store().deleteFile(fileId);
    });

    it('deletes remove the objects', async () => {
      const fileId = randomUUID();
      await put(fileId, randomBytes(10));
      await store().promote(fileId, (await store().headStaged(fileId))!.etag);
      await put(fileId, randomBytes(20));

      await store().deleteStaged(fileId);
      assert.equal(await store().headStaged(fileId), null);
      assert.notEqual(await store().headFile(fileId), null, 'deleteStaged keeps the final object');
      await store().deleteFile(fileId);
      assert.equal(await store().headFile(fileId), null);
    });

    it('0-byte object round trip', async () => {
      const fileId = randomUUID();
      await put(fileId, Buffer.alloc(0));
      const staged = await store().headStaged(fileId);
      assert.equal(staged?.sizeBytes, 0);

      const read = await store().readStaged(fileId, { start: 0, end: 4095 }, staged.etag);
      assert.equal(read.length, 0);
      const promoted = await store().promote(fileId, staged.etag);
      assert.equal(promoted.sizeBytes, 0);
      assert.equal((await readAll(await store().openFile(fileId))).length, 0);
    });

    it('3 MiB object round trip', async () => {
      const fileId = randomUUID();
      const bytes = randomBytes(3 * MiB);
      await put(fileId, bytes);
      const staged = (await store().headStaged(fileId))!;
      assert.equal(staged.sizeBytes, 3 * MiB);

      const middle = await store().readStaged(
        fileId,
        { start: MiB, end: 2 * MiB - 1 },
        staged.etag,
      );
      assert.deepEqual(middle, bytes.subarray(MiB, 2 * MiB));
      await store().promote(fileId, staged.etag);
      const copy = await readAll(await store().openFile(fileId));
      assert.equal(copy.length, bytes.length);
      assert.equal(sha256(copy), sha256(bytes));
    });
  });
}

export function sha256(bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('hex');
}

export async function readAll(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.from(chunk as Uint8Array));
  return Buffer.concat(chunks);
}

/** Sends a PUT of `bytes` to an upload URL and throws with the server's response unless it is 2xx. */
export async function putToUploadUrl(url: string, bytes: Buffer, type: string): Promise<void> {
  const response = await fetch(url, {
    method: 'PUT',
    headers: { 'content-type': type },
    body: new Uint8Array(bytes),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`PUT to the upload URL failed: ${response.status} ${text}`);
}
