import assert from 'node:assert/strict';
import { request } from 'node:http';
import { after, before, describe, test } from 'node:test';
import { complete, generate, putBytes, samples, uploadBytes } from '../helpers/api.js';
import { testBackends } from '../helpers/backends.js';
import { startTestServer, type TestServer } from '../helpers/test-server.js';

for (const backends of testBackends()) {
  describe(`operations endpoints (${backends})`, () => {
    let server: TestServer;

    before(async () => {
      server = await startTestServer({ backends });
    });
    after(() => server.cleanup());

    test('healthz and readyz answer', async () => {
      const health = await fetch(`${server.baseUrl}/healthz`);
      assert.equal(health.status, 200);
      const ready = await fetch(`${server.baseUrl}/readyz`);
      assert.equal(ready.status, 200);
      assert.deepEqual(await ready.json(), {
        status: 'ready',
        checks: { metadataStore: 'ok', objectStore: 'ok' },
      });
    });

    test('metrics count uploads and requests', async () => {
      await uploadBytes(server.baseUrl, server.apiKey, 'a.pdf', samples.pdf);
      const mismatch = await generate(server.baseUrl, server.apiKey, { fileName: 'b.pdf' });
      await putBytes(mismatch.uploadFileUrl, samples.png, 'application/pdf');
      await complete(server.baseUrl, server.apiKey, mismatch.fileId);

      const response = await fetch(`${server.baseUrl}/metrics`);
      assert.equal(response.status, 200);
      const text = await response.text();
      assert.match(text, /^attache_uploads_generated_total\{feature_type="chat"\} 2$/m);
      assert.match(text, /^attache_uploads_completed_total 1$/m);
      assert.match(text, new RegExp(`^attache_uploaded_bytes_total ${samples.pdf.length}$`, 'm'));
      assert.match(text, /^attache_uploads_rejected_total\{reason="file_type_mismatch"\} 1$/m);
      assert.match(
        text,
        /^attache_http_request_duration_seconds_count\{method="PUT",route="\/attachments\/v1\/files\/complete-upload\/:fileId",status_code="200"\} 1$/m,
      );
      assert.ok(!text.includes(mismatch.fileId), 'fileIds must not become label values');
    });
  });
}

describe('API documents', () => {
  let server: TestServer;

  before(async () => {
    server = await startTestServer();
  });
  after(() => server.cleanup());

  test('openapi.json describes every operation', async () => {
    const response = await fetch(`${server.baseUrl}/openapi.json`);
    assert.equal(response.status, 200);
    const document = await response.json();
    assert.equal(document.openapi, '3.1.0');
    assert.deepEqual(document.servers, [{ url: server.baseUrl }]);
    const operations = Object.entries(document.paths as Record<string, object>).flatMap(
      ([path, methods]) => Object.keys(methods).map((method) => `${method.toUpperCase()} ${path}`),
    );
    assert.deepEqual(operations.sort(), [
      'DELETE /attachments/v1/files/{fileId}',
      'GET /attachments/v1/files/{fileId}',
      'POST /attachments/v1/files/download-url',
      'POST /attachments/v1/files/generate-upload-url',
      'POST /oauth/v1/token',
      'PUT /attachments/v1/files/complete-upload/{fileId}',
    ]);
    const complete = document.paths['/attachments/v1/files/complete-upload/{fileId}'].put;
    for (const status of ['200', '400', '404', '409', '413', '415']) {
      assert.ok(complete.responses[status], `complete-upload documents ${status}`);
    }
    for (const code of ['file_not_in_storage', 'file_type_mismatch', 'rate_limited']) {
      assert.ok(document.info.description.includes(`\`${code}\``), `description lists ${code}`);
    }
  });

  test('docs page is served', async () => {
    const response = await fetch(`${server.baseUrl}/docs/`);
    assert.equal(response.status, 200);
    assert.match(await response.text(), /swagger/i);
  });
});

describe('graceful shutdown', () => {
  let server: TestServer;

  before(async () => {
    server = await startTestServer();
  });
  after(() => server.cleanup());

  test('running upload finishes and new requests are refused', async () => {
    const upload = await generate(server.baseUrl, server.apiKey, { fileName: 'slow.bin' });
    const body = Buffer.alloc(256 * 1024, 1);
    const finished = new Promise<number>((resolve, reject) => {
      const outgoing = request(upload.uploadFileUrl, {
        method: 'PUT',
        headers: {
          'content-type': 'application/octet-stream',
          'content-length': String(body.length),
        },
      });
      outgoing.on('response', (response) => {
        response.resume();
        resolve(response.statusCode ?? 0);
      });
      outgoing.on('error', reject);
      // Half the body now, the rest after shutdown has begun.
      outgoing.write(body.subarray(0, body.length / 2));
      setTimeout(() => outgoing.end(body.subarray(body.length / 2)), 500);
    });
    await new Promise((resolve) => setTimeout(resolve, 100));
    const stopping = server.stop();
    await new Promise((resolve) => setTimeout(resolve, 100));
    await assert.rejects(fetch(`${server.baseUrl}/healthz`));
    assert.equal(await finished, 200);
    await stopping;
    assert.ok(server.logLines.some((line) => line.msg === 'attache stopped'));
  });
});
