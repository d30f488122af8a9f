import { HeadObjectCommand, S3Client } from '@aws-sdk/client-s3';
import assert from 'node:assert/strict';
import { randomBytes, randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, it } from 'node:test';
import { contentDisposition } from '../../src/lib/content-disposition.js';
import { AttacheError } from '../../src/errors.js';
import { S3ObjectStore } from '../../src/storage/s3/s3-object-store.js';
import { putToUploadUrl } from '../conformance/object-store-suite.js';
import { loadS3TestConfig, serverDownError, type S3Config } from './s3-settings.js';

const declaredType = 'image/png';

async function putStatus(url: string, headers: Record<string, string>, bytes: Buffer) {
  const response = await fetch(url, { method: 'PUT', headers, body: new Uint8Array(bytes) });
  const text = await response.text();
  return { status: response.status, text };
}

describe('S3 presigned upload URLs', { timeout: 60_000 }, () => {
  let config: S3Config;
  let store: S3ObjectStore;
  const fileIds: string[] = [];

  /** Returns a fresh fileId and its upload URL, valid for `seconds`. */
  async function newUploadUrl(seconds = 300) {
    const fileId = randomUUID();
    fileIds.push(fileId);
    const expiresAt = Date.now() + seconds * 1000;
    const url = await store.createUploadUrl({ fileId, contentType: declaredType, expiresAt });
    return { fileId, url };
  }

  before(async () => {
    config = await loadS3TestConfig();
    store = new S3ObjectStore(config);
    await store.ping().catch((error: unknown) => {
      throw serverDownError(config, error);
    });
  });
  after(async () => {
    for (const fileId of fileIds) {
      await store.deleteStaged(fileId);
      await store.deleteFile(fileId);
    }
    await store.close();
  });

  it('URL carries no checksum parameter', async () => {
    const { url } = await newUploadUrl();
    const query = new URL(url).searchParams;
    const names = [...query.keys()].map((name) => name.toLowerCase());
    assert.deepEqual(
      names.filter((name) => name.includes('checksum')),
      [],
      `query parameters: ${names.join(', ')}`,
    );
    assert.equal(query.get('X-Amz-Algorithm'), 'AWS4-HMAC-SHA256');
    assert.ok(query.get('X-Amz-SignedHeaders')?.split(';').includes('content-type'));
  });

  it('PUT with the declared type succeeds', async () => {
    const { fileId, url } = await newUploadUrl();
    const response = await putStatus(url, { 'content-type': declaredType }, randomBytes(64));
    assert.equal(response.status, 200, response.text);
    assert.equal((await store.headStaged(fileId))?.sizeBytes, 64);
  });

  it('PUT with another Content-Type is rejected', async () => {
    const { fileId, url } = await newUploadUrl();
    const response = await putStatus(url, { 'content-type': 'text/html' }, randomBytes(64));
    assert.equal(response.status, 403, response.text);
    assert.equal(await store.headStaged(fileId), null);
  });

  it('PUT without Content-Type is rejected', async () => {
    const { fileId, url } = await newUploadUrl();
    const response = await putStatus(url, {}, randomBytes(64));
    assert.equal(response.status, 403, response.text);
    assert.equal(await store.headStaged(fileId), null);
  });

  it('PUT with a tampered signature is rejected', async () => {
    const { fileId, url } = await newUploadUrl();
    const tampered = new URL(url);
    const signature = tampered.searchParams.get('X-Amz-Signature') ?? '';
    const flipped = (signature[0] === '0' ? '1' : '0') + signature.slice(1);
    tampered.searchParams.set('X-Amz-Signature', flipped);
    const response = await putStatus(
      tampered.toString(),
      { 'content-type': declaredType },
      randomBytes(64),
    );
    assert.equal(response.status, 403, response.text);
    assert.equal(await store.headStaged(fileId), null);
  });

  it('PUT to another key with the same signature is rejected', async () => {
    const { url } = await newUploadUrl();
    const otherFileId = randomUUID();
    fileIds.push(otherFileId);
    const moved = url.replace(
      /staging\/[0-9a-f]{2}\/[0-9a-f-]{36}/,
      `staging/${otherFileId.slice(0, 2)}/${otherFileId}`,
    );
    assert.notEqual(moved, url);
    const response = await putStatus(moved, { 'content-type': declaredType }, randomBytes(64));
    assert.equal(response.status, 403, response.text);
    assert.equal(await store.headStaged(otherFileId), null);
  });

  it('PUT after expiry is rejected', async () => {
    const { fileId, url } = await newUploadUrl(1);
    assert.equal(new URL(url).searchParams.get('X-Amz-Expires'), '1');
    await sleep(2000);
    const response = await putStatus(url, { 'content-type': declaredType }, randomBytes(64));
    assert.equal(response.status, 403, response.text);
    assert.equal(await store.headStaged(fileId), null);
  });

  it('download URL serves the final object', async () => {
    const { fileId, url } = await newUploadUrl();
    const bytes = randomBytes(500);
    await putToUploadUrl(url, bytes, declaredType);
    await store.promote(fileId, (await store.headStaged(fileId))!.etag);

    const fileName = 'Grüße "2026".png';
    const downloadUrl = await store.createDownloadUrl({
      fileId,
      fileName,
      contentType: declaredType,
      expiresInSeconds: 60,
    });
    assert.ok(downloadUrl !== null);
    const response = await fetch(downloadUrl);
    assert.equal(response.status, 200);
    assert.equal(response.headers.get('content-type'), declaredType);
    // The server returns the signed response-content-disposition parameter unchanged.
    assert.equal(
      response.headers.get('content-disposition'),
      contentDisposition(fileName, declaredType),
    );
    assert.deepEqual(Buffer.from(await response.arrayBuffer()), bytes);
  });

  it('promoted object has its type and cache headers', async () => {
    const { fileId, url } = await newUploadUrl();
    await putToUploadUrl(url, randomBytes(10), declaredType);
    await store.promote(fileId, (await store.headStaged(fileId))!.etag);

    const client = new S3Client({
      endpoint: config.endpoint ?? undefined,
      region: config.region,
      forcePathStyle: config.forcePathStyle,
      credentials: { accessKeyId: config.accessKeyId!, secretAccessKey: config.secretAccessKey! },
    });
    try {
      const key = `${config.keyPrefix}files/${fileId.slice(0, 2)}/${fileId}`;
      const head = await client.send(new HeadObjectCommand({ Bucket: config.bucket, Key: key }));
      assert.equal(head.ContentType, declaredType);
      assert.equal(head.CacheControl, 'public, max-age=31536000, immutable');
      assert.equal(head.ContentLength, 10);
    } finally {
      client.destroy();
    }
  });
});

describe('S3 public file URLs', () => {
  const config: S3Config = {
    kind: 's3',
    endpoint: 'http://127.0.0.1:1',
    region: 'us-east-1',
    bucket: 'attache',
    keyPrefix: 'tenant-a/',
    accessKeyId: 'test',
    secretAccessKey: 'test',
    forcePathStyle: true,
    publicFileBaseUrl: 'https://cdn.example.test/attachments',
  };
  const store = new S3ObjectStore(config);
  const fileId = '3f2b8c1e-9a4d-4e6f-8b2a-1c3d5e7f9a0b';

  it('publicFileUrl names the final key', () => {
    assert.equal(
      store.publicFileUrl(fileId, 'photo.png'),
      `https://cdn.example.test/attachments/tenant-a/files/3f/${fileId}`,
    );
  });

  it('fileIdFromPublicUrl inverts publicFileUrl', () => {
    const url = store.publicFileUrl(fileId, 'photo.png')!;
    assert.equal(store.fileIdFromPublicUrl(url), fileId);
    assert.equal(store.fileIdFromPublicUrl(`${url}?download=1`), fileId);
  });

  it('fileIdFromPublicUrl rejects other URLs', () => {
    const base = 'https://cdn.example.test/attachments';
    assert.equal(store.fileIdFromPublicUrl(`${base}/tenant-a/files/aa/${fileId}`), null);
    assert.equal(store.fileIdFromPublicUrl(`${base}/tenant-a/staging/3f/${fileId}`), null);
    assert.equal(store.fileIdFromPublicUrl(`${base}/tenant-b/files/3f/${fileId}`), null);
    assert.equal(store.fileIdFromPublicUrl(`${base}/tenant-a/files/3f/${fileId}/x`), null);
    assert.equal(store.fileIdFromPublicUrl('https://example.test/other'), null);
  });

  it('publicFileUrl is null without a base URL', () => {
    const plain = new S3ObjectStore({ ...config, publicFileBaseUrl: null });
    assert.equal(plain.publicFileUrl(fileId, 'photo.png'), null);
    assert.equal(
      plain.fileIdFromPublicUrl(`https://cdn.example.test/attachments/tenant-a/files/3f/${fileId}`),
      null,
    );
  });
});

describe('S3 store unavailable', { timeout: 60_000 }, () => {
  const fileId = randomUUID();

  function storeAt(endpoint: string): S3ObjectStore {
    return new S3ObjectStore({
      kind: 's3',
      endpoint,
      region: 'us-east-1',
      bucket: 'attache',
      keyPrefix: '',
      accessKeyId: 'test',
      secretAccessKey: 'test',
      forcePathStyle: true,
      publicFileBaseUrl: null,
    });
  }

  /** Checks that `operation` fails with object_store_unavailable in under 10 seconds. */
  async function assertUnavailable(operation: () => Promise<unknown>) {
    const started = Date.now();
    await assert.rejects(operation(), (error: unknown) => {
      assert.ok(error instanceof AttacheError, `expected an AttacheError, got ${String(error)}`);
      assert.equal(error.code, 'object_store_unavailable');
      return true;
    });
    const elapsedMs = Date.now() - started;
    assert.ok(elapsedMs < 10_000, `took ${elapsedMs} ms`);
  }

  /** Starts an HTTP server on 127.0.0.1 that handles every request with `handler`. */
  async function startFakeServer(handler: Parameters<typeof createServer>[1]): Promise<Server> {
    const server = createServer(handler);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return server;
  }

  async function stopFakeServer(server: Server): Promise<void> {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  it('nothing listening gives unavailable', async () => {
    const store = storeAt('http://127.0.0.1:1');
    try {
      await assertUnavailable(() => store.ping());
      await assertUnavailable(() => store.headStaged(fileId));
      await assertUnavailable(() => store.promote(fileId, '"0"'));
      await assertUnavailable(() => store.deleteStaged(fileId));
    } finally {
      await store.close();
    }
  });

  it('5xx responses give unavailable', async () => {
    const server = await startFakeServer((_request, response) => {
      response.writeHead(503, { 'content-type': 'application/xml' });
      response.end(
        '<?xml version="1.0"?><Error><Code>SlowDown</Code><Message>busy</Message></Error>',
      );
    });
    const { port } = server.address() as AddressInfo;
    const store = storeAt(`http://127.0.0.1:${port}`);
    try {
      await assertUnavailable(() => store.ping());
      await assertUnavailable(() => store.headStaged(fileId));
      await assertUnavailable(() => store.readStaged(fileId, { start: 0, end: 9 }, '"0"'));
    } finally {
      await store.close();
      await stopFakeServer(server);
    }
  });

  it('dropped connections give unavailable', async () => {
    const server = await startFakeServer((request) => request.socket.destroy());
    const { port } = server.address() as AddressInfo;
    const store = storeAt(`http://127.0.0.1:${port}`);
    try {
      await assertUnavailable(() => store.ping());
      await assertUnavailable(() => store.openFile(fileId));
    } finally {
      await store.close();
      await stopFakeServer(server);
    }
  });

  it('4xx responses other than 404 propagate', async () => {
    const server = await startFakeServer((_request, response) => {
      response.writeHead(403, { 'content-type': 'application/xml' });
      response.end(
        '<?xml version="1.0"?><Error><Code>AccessDenied</Code><Message>no</Message></Error>',
      );
    });
    const { port } = server.address() as AddressInfo;
    const store = storeAt(`http://127.0.0.1:${port}`);
    try {
      await assert.rejects(store.headStaged(fileId), (error: unknown) => {
        assert.ok(!(error instanceof AttacheError), `got ${String(error)}`);
        return true;
      });
    } finally {
      await store.close();
      await stopFakeServer(server);
    }
  });
});
