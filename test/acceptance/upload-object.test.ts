import assert from 'node:assert/strict';
import { request } from 'node:http';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { complete, generate, putBytes, samples } from '../helpers/api.js';
import { startTestServer, type TestServer } from '../helpers/test-server.js';

/** Sends a raw PUT with full control over headers and how much of the body is sent. */
function rawPut(
  url: string,
  headers: Record<string, string>,
  body: Buffer,
  options: { cutAfterBytes?: number } = {},
): Promise<
  { status: number; text: string; headers: Record<string, unknown> } | 'connection closed'
> {
  return new Promise((resolve, reject) => {
    const outgoing = request(url, { method: 'PUT', headers }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () =>
        resolve({
          status: response.statusCode ?? 0,
          text: Buffer.concat(chunks).toString('utf8'),
          headers: response.headers,
        }),
      );
    });
    outgoing.on('error', (error: NodeJS.ErrnoException) => {
      if (options.cutAfterBytes !== undefined) resolve('connection closed');
      else reject(error);
    });
    if (options.cutAfterBytes !== undefined) {
      outgoing.write(body.subarray(0, options.cutAfterBytes), () => {
        setTimeout(() => {
          outgoing.destroy();
          resolve('connection closed');
        }, 100);
      });
      return;
    }
    outgoing.end(body);
  });
}

async function filesUnder(folder: string): Promise<string[]> {
  const entries = await readdir(folder, { recursive: true, withFileTypes: true }).catch(() => []);
  return entries
    .filter((entry) => entry.isFile())
    .map((entry) => join(entry.parentPath, entry.name));
}

describe('local store upload endpoint', () => {
  let server: TestServer;

  before(async () => {
    server = await startTestServer({
      env: { ATTACHE_MAX_OBJECT_BYTES: '4096', ATTACHE_CORS_ORIGINS: '*' },
    });
  });
  after(() => server.cleanup());

  test('success returns an ETag', async () => {
    const upload = await generate(server.baseUrl, server.apiKey, { fileName: 'a.pdf' });
    const put = await putBytes(upload.uploadFileUrl, samples.pdf, 'application/pdf');
    assert.equal(put.status, 200);
    assert.match(put.headers.get('etag') ?? '', /^"[0-9a-f]{64}"$/);
  });

  test('Content-Type parameters and case are accepted', async () => {
    const upload = await generate(server.baseUrl, server.apiKey, { fileName: 'a.txt' });
    const put = await putBytes(upload.uploadFileUrl, samples.text, 'Text/Plain; charset=utf-8');
    assert.equal(put.status, 200);
  });

  test('different Content-Type is SignatureDoesNotMatch', async () => {
    const upload = await generate(server.baseUrl, server.apiKey, { fileName: 'a.pdf' });
    const put = await putBytes(upload.uploadFileUrl, samples.pdf, 'image/png');
    assert.equal(put.status, 403);
    assert.match(put.text, /<Code>SignatureDoesNotMatch<\/Code>/);
    assert.match(put.text, /<RequestId>[0-9a-f-]{36}<\/RequestId>/);
  });

  test('missing Content-Type is SignatureDoesNotMatch', async () => {
    const upload = await generate(server.baseUrl, server.apiKey, { fileName: 'a.pdf' });
    const put = await rawPut(
      upload.uploadFileUrl,
      { 'content-length': String(samples.pdf.length) },
      samples.pdf,
    );
    assert.notEqual(put, 'connection closed');
    if (put === 'connection closed') return;
    assert.equal(put.status, 403);
    assert.match(put.text, /SignatureDoesNotMatch/);
  });

  test('unparsable Content-Type is SignatureDoesNotMatch', async () => {
    const upload = await generate(server.baseUrl, server.apiKey, { fileName: 'a.txt' });
    for (const contentType of ['text/plain, text/html', ';', '"', 'a/b/c', '/']) {
      const put = await putBytes(upload.uploadFileUrl, samples.text, contentType);
      assert.equal(put.status, 403, contentType);
      assert.match(put.text, /SignatureDoesNotMatch/, contentType);
    }
  });

  test('hostile Content-Type is rejected quickly', async () => {
    const upload = await generate(server.baseUrl, server.apiKey, { fileName: 'a.txt' });
    const started = Date.now();
    const put = await putBytes(upload.uploadFileUrl, samples.text, `a/b${'\t'.repeat(16000)};x`);
    assert.equal(put.status, 403);
    // Seconds would mean the parser backtracks; the bound is loose for a busy machine.
    assert.ok(Date.now() - started < 1000, `took ${Date.now() - started} ms`);
  });

  test('tampered signature is SignatureDoesNotMatch', async () => {
    const upload = await generate(server.baseUrl, server.apiKey, { fileName: 'a.pdf' });
    const url = new URL(upload.uploadFileUrl);
    const signature = url.searchParams.get('X-Attache-Signature')!;
    url.searchParams.set(
      'X-Attache-Signature',
      (signature[0] === 'a' ? 'b' : 'a') + signature.slice(1),
    );
    const put = await putBytes(url.toString(), samples.pdf, 'application/pdf');
    assert.equal(put.status, 403);
    assert.match(put.text, /SignatureDoesNotMatch/);
  });

  test('extended expiry is SignatureDoesNotMatch', async () => {
    const upload = await generate(server.baseUrl, server.apiKey, { fileName: 'a.pdf' });
    const url = new URL(upload.uploadFileUrl);
    url.searchParams.set(
      'X-Attache-Expires',
      String(Number(url.searchParams.get('X-Attache-Expires')) + 3600),
    );
    const put = await putBytes(url.toString(), samples.pdf, 'application/pdf');
    assert.equal(put.status, 403);
    assert.match(put.text, /SignatureDoesNotMatch/);
  });

  test('URL of another fileId is SignatureDoesNotMatch', async () => {
    const first = await generate(server.baseUrl, server.apiKey, { fileName: 'a.pdf' });
    const second = await generate(server.baseUrl, server.apiKey, { fileName: 'b.pdf' });
    const forged = first.uploadFileUrl.replace(first.fileId, second.fileId);
    const put = await putBytes(forged, samples.pdf, 'application/pdf');
    assert.equal(put.status, 403);
  });

  test('missing query is AccessDenied', async () => {
    const upload = await generate(server.baseUrl, server.apiKey, { fileName: 'a.pdf' });
    const put = await putBytes(upload.uploadFileUrl.split('?')[0]!, samples.pdf, 'application/pdf');
    assert.equal(put.status, 403);
    assert.match(put.text, /<Code>AccessDenied<\/Code>/);
  });

  test('chunked body without Content-Length is 411', async () => {
    const upload = await generate(server.baseUrl, server.apiKey, { fileName: 'a.pdf' });
    const put = await rawPut(
      upload.uploadFileUrl,
      { 'content-type': 'application/pdf', 'transfer-encoding': 'chunked' },
      samples.pdf,
    );
    assert.notEqual(put, 'connection closed');
    if (put === 'connection closed') return;
    assert.equal(put.status, 411);
    assert.match(put.text, /<Code>MissingContentLength<\/Code>/);
  });

  test('body over the object limit is EntityTooLarge and nothing is kept', async () => {
    const upload = await generate(server.baseUrl, server.apiKey, { fileName: 'a.bin' });
    const put = await putBytes(
      upload.uploadFileUrl,
      Buffer.alloc(4097),
      'application/octet-stream',
    );
    assert.equal(put.status, 400);
    assert.match(put.text, /<Code>EntityTooLarge<\/Code>/);
    const response = await complete(server.baseUrl, server.apiKey, upload.fileId);
    assert.equal(response.body.code, 'file_not_in_storage');
  });

  test('body of exactly the object limit is accepted', async () => {
    const upload = await generate(server.baseUrl, server.apiKey, { fileName: 'a.bin' });
    const put = await putBytes(
      upload.uploadFileUrl,
      Buffer.alloc(4096),
      'application/octet-stream',
    );
    assert.equal(put.status, 200);
  });

  test('cut-off body leaves no object', async () => {
    const upload = await generate(server.baseUrl, server.apiKey, { fileName: 'a.bin' });
    const body = Buffer.alloc(4000, 7);
    const put = await rawPut(
      upload.uploadFileUrl,
      { 'content-type': 'application/octet-stream', 'content-length': String(body.length) },
      body,
      { cutAfterBytes: 1000 },
    );
    assert.equal(put, 'connection closed');
    // The server notices the closed connection and removes its temporary file.
    for (let attempt = 0; attempt < 50; attempt += 1) {
      if ((await filesUnder(join(server.dataDir, 'objects', 'tmp'))).length === 0) break;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    assert.deepEqual(await filesUnder(join(server.dataDir, 'objects', 'tmp')), []);
    const response = await complete(server.baseUrl, server.apiKey, upload.fileId);
    assert.equal(response.body.code, 'file_not_in_storage');
  });

  test('cut-off second PUT keeps the first object', async () => {
    const upload = await generate(server.baseUrl, server.apiKey, { fileName: 'a.txt' });
    assert.equal((await putBytes(upload.uploadFileUrl, samples.text, 'text/plain')).status, 200);
    const body = Buffer.alloc(3000, 0x41);
    await rawPut(
      upload.uploadFileUrl,
      { 'content-type': 'text/plain', 'content-length': String(body.length) },
      body,
      { cutAfterBytes: 100 },
    );
    assert.equal((await complete(server.baseUrl, server.apiKey, upload.fileId)).status, 200);
    const staged = await server.server.services.objects.headFile(upload.fileId);
    assert.equal(staged?.sizeBytes, samples.text.length);
  });

  test('CORS preflight allows a browser PUT', async () => {
    const upload = await generate(server.baseUrl, server.apiKey, { fileName: 'a.pdf' });
    const response = await fetch(upload.uploadFileUrl, {
      method: 'OPTIONS',
      headers: {
        origin: 'https://app.example',
        'access-control-request-method': 'PUT',
        'access-control-request-headers': 'content-type',
      },
    });
    assert.equal(response.status, 204);
    assert.equal(response.headers.get('access-control-allow-origin'), '*');
    assert.match(response.headers.get('access-control-allow-methods') ?? '', /PUT/);
    const put = await fetch(upload.uploadFileUrl, {
      method: 'PUT',
      headers: { origin: 'https://app.example', 'content-type': 'application/pdf' },
      body: new Blob([new Uint8Array(samples.pdf)]),
    });
    assert.equal(put.headers.get('access-control-allow-origin'), '*');
    assert.match(put.headers.get('access-control-expose-headers') ?? '', /etag/);
  });

  test('temporary files of a crash are removed at start-up', async () => {
    const { writeFile } = await import('node:fs/promises');
    const leftover = join(server.dataDir, 'objects', 'tmp', 'crashed-upload.tmp');
    await writeFile(leftover, 'partial');
    server = await server.restart();
    assert.deepEqual(await filesUnder(join(server.dataDir, 'objects', 'tmp')), []);
  });
});

describe('stalled uploads', () => {
  let server: TestServer;

  before(async () => {
    server = await startTestServer({ env: { ATTACHE_SOCKET_IDLE_TIMEOUT_SECONDS: '1' } });
  });
  after(() => server.cleanup());

  test('idle connection is closed and nothing is kept', async () => {
    const upload = await generate(server.baseUrl, server.apiKey, { fileName: 'a.bin' });
    const closed = new Promise<number>((resolve) => {
      const started = Date.now();
      const outgoing = request(upload.uploadFileUrl, {
        method: 'PUT',
        headers: { 'content-type': 'application/octet-stream', 'content-length': '100' },
      });
      outgoing.on('error', () => resolve(Date.now() - started));
      outgoing.on('response', (response) => {
        response.resume();
        response.on('close', () => resolve(Date.now() - started));
      });
      outgoing.write(Buffer.alloc(2));
    });
    const waitedMs = await closed;
    assert.ok(waitedMs < 5000, `connection closed after ${waitedMs} ms`);
    for (let attempt = 0; attempt < 50; attempt += 1) {
      if ((await filesUnder(join(server.dataDir, 'objects', 'tmp'))).length === 0) break;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    assert.deepEqual(await filesUnder(join(server.dataDir, 'objects', 'tmp')), []);
  });
});
