import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, test } from 'node:test';
import {
  api,
  complete,
  generate,
  getFile,
  putBytes,
  samples,
  uploadBytes,
} from '../helpers/api.js';
import { testBackends } from '../helpers/backends.js';
import { startTestServer, type TestServer } from '../helpers/test-server.js';

for (const backends of testBackends()) {
  describe(`upload lifecycle (${backends})`, () => {
    let server: TestServer;

    before(async () => {
      server = await startTestServer({ backends });
    });
    after(() => server.cleanup());

    test('three steps then the file is served', async () => {
      const upload = await generate(server.baseUrl, server.apiKey, {
        fileName: 'report.pdf',
        fileTypeHint: 'application/pdf',
      });
      const pending = await getFile(server.baseUrl, server.apiKey, upload.fileId);
      assert.equal(pending.body.data.uploadCompleted, false);
      assert.equal(pending.body.data.fileUrl, null);
      assert.equal(pending.body.data.featureType, 'chat');

      assert.equal(
        (await putBytes(upload.uploadFileUrl, samples.pdf, 'application/pdf')).status,
        200,
      );
      const completed = await complete(server.baseUrl, server.apiKey, upload.fileId);
      assert.equal(completed.status, 200);
      assert.deepEqual(completed.body.data, { fileId: upload.fileId });

      const metadata = (await getFile(server.baseUrl, server.apiKey, upload.fileId)).body.data;
      assert.equal(metadata.uploadCompleted, true);
      assert.equal(metadata.fileType, 'application/pdf');
      assert.equal(metadata.sizeBytes, samples.pdf.length);
      assert.equal(metadata.fileUrl, `${server.baseUrl}/files/${upload.fileId}/report.pdf`);
      const served = await fetch(metadata.fileUrl);
      assert.deepEqual(Buffer.from(await served.arrayBuffer()), samples.pdf);
    });

    test('20 concurrent completes give exactly one 200', async () => {
      const upload = await generate(server.baseUrl, server.apiKey, { fileName: 'a.pdf' });
      await putBytes(upload.uploadFileUrl, samples.pdf, 'application/pdf');
      const responses = await Promise.all(
        Array.from({ length: 20 }, () => complete(server.baseUrl, server.apiKey, upload.fileId)),
      );
      const statuses = responses.map((response) => response.status).sort();
      assert.equal(statuses.filter((status) => status === 200).length, 1);
      assert.equal(statuses.filter((status) => status === 409).length, 19);
    });

    test('20 concurrent completes of a disguised file give one 415', async () => {
      const upload = await generate(server.baseUrl, server.apiKey, { fileName: 'a.pdf' });
      await putBytes(upload.uploadFileUrl, samples.png, 'application/pdf');
      const responses = await Promise.all(
        Array.from({ length: 20 }, () => complete(server.baseUrl, server.apiKey, upload.fileId)),
      );
      const statuses = responses.map((response) => response.status);
      assert.equal(statuses.filter((status) => status === 415).length, 1);
      assert.equal(statuses.filter((status) => status === 404).length, 19);
    });

    test('PUT after completion leaves the served bytes', async () => {
      const upload = await generate(server.baseUrl, server.apiKey, { fileName: 'notes.txt' });
      await putBytes(upload.uploadFileUrl, samples.text, 'text/plain');
      assert.equal((await complete(server.baseUrl, server.apiKey, upload.fileId)).status, 200);

      const again = await putBytes(upload.uploadFileUrl, Buffer.from('replaced!'), 'text/plain');
      if (backends === 'local-sqlite') {
        // The local store refuses PUTs once the upload left `pending`. S3 accepts the PUT while
        // the URL is valid, but it lands on the staging key, not on the served object.
        assert.equal(again.status, 403);
        assert.match(again.text, /<Code>AccessDenied<\/Code>/);
      }
      const metadata = (await getFile(server.baseUrl, server.apiKey, upload.fileId)).body.data;
      const served = await fetch(metadata.fileUrl);
      assert.deepEqual(Buffer.from(await served.arrayBuffer()), samples.text);
    });

    test('second PUT before completion replaces the bytes', async () => {
      const upload = await generate(server.baseUrl, server.apiKey, { fileName: 'notes.txt' });
      await putBytes(upload.uploadFileUrl, Buffer.from('first'), 'text/plain');
      await putBytes(upload.uploadFileUrl, Buffer.from('second'), 'text/plain');
      assert.equal((await complete(server.baseUrl, server.apiKey, upload.fileId)).status, 200);
      const metadata = (await getFile(server.baseUrl, server.apiKey, upload.fileId)).body.data;
      assert.equal(await (await fetch(metadata.fileUrl)).text(), 'second');
    });

    test('file names are kept exactly', async () => {
      const names = [
        'Ünïcödé résumé.pdf',
        'Ünïcödé résumé.pdf'.normalize('NFD'),
        '报告 2026.pdf',
        'a"b\\c%20d.pdf',
      ];
      for (const fileName of names) {
        const metadata = await uploadBytes(server.baseUrl, server.apiKey, fileName, samples.pdf);
        const stored = (await getFile(server.baseUrl, server.apiKey, metadata.fileId)).body.data;
        assert.equal(stored.fileName, fileName);
        const served = await fetch(stored.fileUrl);
        assert.equal(served.status, 200, `serving ${fileName}`);
      }
    });

    test('hint is normalised', async () => {
      for (const [hint, expected] of [
        ['image/jpg', 'image/jpeg'],
        ['Image/JPEG', 'image/jpeg'],
        ['Text/Plain; charset=UTF-8', 'text/plain'],
      ] as const) {
        const upload = await generate(server.baseUrl, server.apiKey, {
          fileName: 'x',
          fileTypeHint: hint,
        });
        assert.equal(upload.fileType, expected);
        const metadata = (await getFile(server.baseUrl, server.apiKey, upload.fileId)).body.data;
        assert.equal(metadata.fileType, expected);
      }
    });

    test('extension gives the type without a hint', async () => {
      for (const [fileName, expected] of [
        ['PHOTO.JPG', 'image/jpeg'],
        ['archive.tgz', 'application/gzip'],
        ['IMG_0001.HEIC', 'image/heic'],
        ['invoice.pdf.exe', 'application/vnd.microsoft.portable-executable'],
      ] as const) {
        const upload = await generate(server.baseUrl, server.apiKey, { fileName });
        assert.equal(upload.fileType, expected, fileName);
      }
    });

    test('empty hint falls back to the extension', async () => {
      const upload = await generate(server.baseUrl, server.apiKey, {
        fileName: 'a.png',
        fileTypeHint: '',
      });
      assert.equal(upload.fileType, 'image/png');
    });

    test('restart keeps completed files', async () => {
      const metadata = await uploadBytes(server.baseUrl, server.apiKey, 'keep.pdf', samples.pdf);
      server = await server.restart();
      const after = await getFile(server.baseUrl, server.apiKey, metadata.fileId);
      assert.equal(after.status, 200);
      assert.equal(after.body.data.uploadCompleted, true);
      const served = await fetch(after.body.data.fileUrl);
      assert.deepEqual(Buffer.from(await served.arrayBuffer()), samples.pdf);
    });

    test('download-url returns a working time-limited URL', async () => {
      const metadata = await uploadBytes(server.baseUrl, server.apiKey, 'a.pdf', samples.pdf);
      const response = await api(server.baseUrl, 'POST', '/attachments/v1/files/download-url', {
        apiKey: server.apiKey,
        body: { fileUrl: metadata.fileUrl, expirationInSeconds: 60 },
      });
      assert.equal(response.status, 200);
      assert.equal(response.body.data.expiresInSeconds, 60);
      const served = await fetch(response.body.data.url);
      assert.equal(served.status, 200);
      // Flip the first hex digit of the signature (Attache's `signature=` or S3's `X-Amz-Signature=`).
      const tampered = response.body.data.url.replace(
        /(signature=)([0-9a-f])/i,
        (_match: string, name: string, digit: string) => name + (digit === '0' ? '1' : '0'),
      );
      assert.notEqual(tampered, response.body.data.url);
      assert.equal((await fetch(tampered)).status, 403);
    });

    test('download-url of another account’s file is 404', async () => {
      const metadata = await uploadBytes(server.baseUrl, server.apiKey, 'a.pdf', samples.pdf);
      const otherKey = await server.createKey('someone-else');
      const response = await api(server.baseUrl, 'POST', '/attachments/v1/files/download-url', {
        apiKey: otherKey,
        body: { fileUrl: metadata.fileUrl },
      });
      assert.equal(response.status, 404);
      assert.equal(response.body.code, 'file_not_found');
    });

    test('log has one line per request without secrets', async () => {
      const upload = await generate(server.baseUrl, server.apiKey, { fileName: 'a.pdf' });
      await putBytes(upload.uploadFileUrl, samples.pdf, 'application/pdf');
      await complete(server.baseUrl, server.apiKey, upload.fileId);
      const lines = server.logLines.filter((line) => line.fileId === upload.fileId);
      assert.ok(
        lines.some(
          (line) => line.path === `/attachments/v1/files/complete-upload/${upload.fileId}`,
        ),
      );
      const text = JSON.stringify(server.logLines);
      assert.ok(!text.includes(server.apiKey), 'API key in the log');
      assert.ok(!/Signature=/i.test(text), 'URL signature in the log');
    });
  });

  describe(`upload expiry (${backends})`, () => {
    let server: TestServer;

    before(async () => {
      server = await startTestServer({
        backends,
        env: { ATTACHE_UPLOAD_URL_TTL_SECONDS: '1', ATTACHE_COMPLETE_GRACE_SECONDS: '0' },
      });
    });
    after(() => server.cleanup());

    test('expired upload URL is refused', async () => {
      const upload = await generate(server.baseUrl, server.apiKey, { fileName: 'a.pdf' });
      await sleep(2100);
      const put = await putBytes(upload.uploadFileUrl, samples.pdf, 'application/pdf');
      assert.equal(put.status, 403);
      assert.match(put.text, /<Code>AccessDenied<\/Code>/);
    });

    test('complete after the deadline is 404 and the sweeper deletes the bytes', async () => {
      const upload = await generate(server.baseUrl, server.apiKey, { fileName: 'a.pdf' });
      assert.equal(
        (await putBytes(upload.uploadFileUrl, samples.pdf, 'application/pdf')).status,
        200,
      );
      await sleep(2100);
      const response = await complete(server.baseUrl, server.apiKey, upload.fileId);
      assert.equal(response.status, 404);
      assert.equal(response.body.code, 'file_not_found');
      const expired = await server.server.services.uploads.sweep();
      assert.ok(expired >= 1);
      assert.equal(await server.server.services.objects.headStaged(upload.fileId), null);
      const record = await server.server.services.metadata.findUpload(upload.fileId);
      assert.equal(record?.state, 'expired');
    });
  });

  describe(`complete grace period (${backends})`, () => {
    let server: TestServer;

    before(async () => {
      server = await startTestServer({
        backends,
        env: { ATTACHE_UPLOAD_URL_TTL_SECONDS: '1', ATTACHE_COMPLETE_GRACE_SECONDS: '30' },
      });
    });
    after(() => server.cleanup());

    test('complete within the grace period succeeds', async () => {
      const upload = await generate(server.baseUrl, server.apiKey, { fileName: 'a.pdf' });
      await putBytes(upload.uploadFileUrl, samples.pdf, 'application/pdf');
      await sleep(1500);
      assert.equal((await complete(server.baseUrl, server.apiKey, upload.fileId)).status, 200);
    });
  });
}
