import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  api,
  assertError,
  complete,
  generate,
  getFile,
  putBytes,
  samples,
} from '../helpers/api.js';
import { testBackends } from '../helpers/backends.js';
import { startTestServer, type TestServer } from '../helpers/test-server.js';

const generatePath = '/attachments/v1/files/generate-upload-url';

/** Tells whether the store still contains a staged or final object for the fileId. */
async function hasObjects(server: TestServer, fileId: string): Promise<boolean> {
  const { objects } = server.server.services;
  return (await objects.headStaged(fileId)) !== null || (await objects.headFile(fileId)) !== null;
}

for (const backends of testBackends()) {
  describe(`error responses (${backends})`, () => {
    let server: TestServer;
    let baseUrl: string;
    let apiKey: string;

    before(async () => {
      server = await startTestServer({ backends, env: { ATTACHE_MAX_FILE_BYTES: '1024' } });
      baseUrl = server.baseUrl;
      apiKey = server.apiKey;
    });
    after(() => server.cleanup());

    describe('422 validation_error', () => {
      test('missing body', async () => {
        const response = await api(baseUrl, 'POST', generatePath, { apiKey });
        assertError(
          response,
          422,
          [{ loc: ['body'], msg: 'Field required', type: 'missing' }],
          'validation_error',
        );
      });

      test('body that is not JSON', async () => {
        const response = await api(baseUrl, 'POST', generatePath, {
          apiKey,
          rawBody: '{"fileName": ',
          headers: { 'content-type': 'application/json' },
        });
        assert.equal(response.status, 422);
        assert.equal(response.body.code, 'validation_error');
        assert.equal(response.body.detail[0].type, 'json_invalid');
        assert.equal(response.body.detail[0].loc[0], 'body');
      });

      test('missing fields', async () => {
        const response = await api(baseUrl, 'POST', generatePath, { apiKey, body: {} });
        assertError(
          response,
          422,
          [
            { loc: ['body', 'fileName'], msg: 'Field required', type: 'missing' },
            { loc: ['body', 'featureType'], msg: 'Field required', type: 'missing' },
          ],
          'validation_error',
        );
      });

      test('field of the wrong type', async () => {
        const response = await api(baseUrl, 'POST', generatePath, {
          apiKey,
          body: { fileName: 42, featureType: 'chat' },
        });
        assertError(
          response,
          422,
          [
            {
              loc: ['body', 'fileName'],
              msg: 'Input should be a valid string',
              type: 'string_type',
            },
          ],
          'validation_error',
        );
      });

      test('body that is an array', async () => {
        const response = await api(baseUrl, 'POST', generatePath, { apiKey, body: [] });
        assert.equal(response.status, 422);
        assert.equal(response.body.detail[0].type, 'model_attributes_type');
      });

      test('control character in the file name', async () => {
        const response = await api(baseUrl, 'POST', generatePath, {
          apiKey,
          body: { fileName: 'a\nb.pdf', featureType: 'chat' },
        });
        assert.equal(response.status, 422);
        assert.deepEqual(response.body.detail[0].loc, ['body', 'fileName']);
      });

      test('file name over 1024 characters', async () => {
        const response = await api(baseUrl, 'POST', generatePath, {
          apiKey,
          body: { fileName: `${'a'.repeat(1021)}.pdf`, featureType: 'chat' },
        });
        assert.equal(response.status, 422);
        assert.equal(response.body.detail[0].type, 'string_too_long');
      });

      test('lone surrogate in the file name', async () => {
        const response = await api(baseUrl, 'POST', generatePath, {
          apiKey,
          rawBody: '{"fileName": "a\\ud800.txt", "featureType": "chat"}',
          headers: { 'content-type': 'application/json' },
        });
        assert.equal(response.status, 422);
        assert.deepEqual(response.body.detail, [
          {
            loc: ['body', 'fileName'],
            msg: 'String should be valid Unicode',
            type: 'string_unicode',
          },
        ]);
      });

      test('body that is not UTF-8', async () => {
        const response = await fetch(baseUrl + generatePath, {
          method: 'POST',
          headers: { 'x-api-key': apiKey, 'content-type': 'application/json' },
          body: new Uint8Array([
            ...Buffer.from('{"fileName": "a'),
            0xff,
            ...Buffer.from('.txt", "featureType": "chat"}'),
          ]),
        });
        assert.equal(response.status, 422);
        assert.equal((await response.json()).detail[0].msg, 'Invalid UTF-8');
      });

      test('download-url expiration out of range', async () => {
        const response = await api(baseUrl, 'POST', '/attachments/v1/files/download-url', {
          apiKey,
          body: { fileUrl: `${baseUrl}/files/x/y`, expirationInSeconds: 4 },
        });
        assert.equal(response.status, 422);
        assert.deepEqual(response.body.detail[0].loc, ['body', 'expirationInSeconds']);
      });
    });

    test('400 unsupported_feature_type', async () => {
      const response = await api(baseUrl, 'POST', generatePath, {
        apiKey,
        body: { fileName: 'a.pdf', featureType: 'payroll' },
      });
      assertError(response, 400, 'Unsupported attachment feature type', 'unsupported_feature_type');
    });

    test('400 unknown_file_type', async () => {
      for (const fileName of [
        'json',
        'Makefile',
        '.env',
        'notes.',
        'data.unknownext',
        'a.__proto__',
        'a.constructor',
      ]) {
        const response = await api(baseUrl, 'POST', generatePath, {
          apiKey,
          body: { fileName, featureType: 'chat' },
        });
        assertError(response, 400, 'Could not identify file type', 'unknown_file_type');
      }
    });

    test('400 invalid_file_type_hint', async () => {
      for (const fileTypeHint of ['text', 'foo', 'image/', 'foo/bar baz']) {
        const response = await api(baseUrl, 'POST', generatePath, {
          apiKey,
          body: { fileName: 'a.pdf', fileTypeHint, featureType: 'chat' },
        });
        assertError(response, 400, 'Invalid file type hint', 'invalid_file_type_hint');
      }
    });

    describe('404 file_not_found', () => {
      test('unknown fileId', async () => {
        const response = await getFile(baseUrl, apiKey, '3f2b8c1e-0000-4000-8000-000000000000');
        assertError(response, 404, 'File ID not found', 'file_not_found');
      });

      test('malformed fileId', async () => {
        for (const fileId of [
          'not-a-uuid',
          '..%2F..%2Fetc',
          'F8E7D6C5-B4A3-2109-8765-43210FEDCBA9x',
        ]) {
          const response = await complete(baseUrl, apiKey, fileId);
          assertError(response, 404, 'File ID not found', 'file_not_found');
        }
      });

      test('another account’s file', async () => {
        const upload = await generate(baseUrl, apiKey, { fileName: 'a.pdf' });
        const otherKey = await server.createKey('other-account');
        assertError(
          await getFile(baseUrl, otherKey, upload.fileId),
          404,
          'File ID not found',
          'file_not_found',
        );
        assertError(
          await complete(baseUrl, otherKey, upload.fileId),
          404,
          'File ID not found',
          'file_not_found',
        );
      });

      test('rejected file', async () => {
        const upload = await generate(baseUrl, apiKey, { fileName: 'photo.png' });
        await putBytes(upload.uploadFileUrl, samples.pdf, 'image/png');
        assert.equal((await complete(baseUrl, apiKey, upload.fileId)).status, 415);
        assertError(
          await complete(baseUrl, apiKey, upload.fileId),
          404,
          'File ID not found',
          'file_not_found',
        );
        assertError(
          await getFile(baseUrl, apiKey, upload.fileId),
          404,
          'File ID not found',
          'file_not_found',
        );
      });

      test('deleted file', async () => {
        const upload = await generate(baseUrl, apiKey, { fileName: 'a.txt' });
        await putBytes(upload.uploadFileUrl, samples.text, 'text/plain');
        assert.equal((await complete(baseUrl, apiKey, upload.fileId)).status, 200);
        const deleted = await api(baseUrl, 'DELETE', `/attachments/v1/files/${upload.fileId}`, {
          apiKey,
        });
        assert.equal(deleted.status, 200);
        assertError(
          await getFile(baseUrl, apiKey, upload.fileId),
          404,
          'File ID not found',
          'file_not_found',
        );
      });
    });

    test('400 file_not_in_storage', async () => {
      const upload = await generate(baseUrl, apiKey, { fileName: 'a.pdf' });
      const response = await complete(baseUrl, apiKey, upload.fileId);
      assertError(
        response,
        400,
        'File not found in storage, upload the file',
        'file_not_in_storage',
      );
      // The upload stays pending: the client may still PUT and complete.
      assert.equal(
        (await putBytes(upload.uploadFileUrl, samples.pdf, 'application/pdf')).status,
        200,
      );
      assert.equal((await complete(baseUrl, apiKey, upload.fileId)).status, 200);
    });

    test('413 file_too_large deletes the object', async () => {
      const upload = await generate(baseUrl, apiKey, { fileName: 'big.bin' });
      assert.equal(
        (await putBytes(upload.uploadFileUrl, Buffer.alloc(1025), 'application/octet-stream'))
          .status,
        200,
      );
      const response = await complete(baseUrl, apiKey, upload.fileId);
      assertError(response, 413, 'File size is too big, file got deleted', 'file_too_large');
      assert.equal(await hasObjects(server, upload.fileId), false);
    });

    test('file of exactly the size limit is accepted', async () => {
      const upload = await generate(baseUrl, apiKey, { fileName: 'limit.bin' });
      assert.equal(
        (await putBytes(upload.uploadFileUrl, Buffer.alloc(1024), 'application/octet-stream'))
          .status,
        200,
      );
      assert.equal((await complete(baseUrl, apiKey, upload.fileId)).status, 200);
    });

    test('409 upload_already_completed', async () => {
      const upload = await generate(baseUrl, apiKey, { fileName: 'a.pdf' });
      await putBytes(upload.uploadFileUrl, samples.pdf, 'application/pdf');
      assert.equal((await complete(baseUrl, apiKey, upload.fileId)).status, 200);
      const response = await complete(baseUrl, apiKey, upload.fileId);
      assertError(
        response,
        409,
        'File already set as upload completed',
        'upload_already_completed',
      );
    });

    test('415 file_type_mismatch deletes the object', async () => {
      const upload = await generate(baseUrl, apiKey, { fileName: 'invoice.pdf' });
      assert.equal(
        (await putBytes(upload.uploadFileUrl, samples.png, 'application/pdf')).status,
        200,
      );
      const response = await complete(baseUrl, apiKey, upload.fileId);
      assertError(
        response,
        415,
        'File type is not the same as declared, file got deleted',
        'file_type_mismatch',
      );
      assert.equal(await hasObjects(server, upload.fileId), false);
    });

    describe('401 unauthorized', () => {
      test('no API key', async () => {
        const response = await api(baseUrl, 'POST', generatePath, {
          body: { fileName: 'a.pdf', featureType: 'chat' },
        });
        assertError(response, 401, 'Not authenticated', 'unauthorized');
      });

      test('unknown API key', async () => {
        const response = await getFile(
          baseUrl,
          'atk_unknown',
          '3f2b8c1e-0000-4000-8000-000000000000',
        );
        assertError(response, 401, 'Not authenticated', 'unauthorized');
      });

      test('revoked API key', async () => {
        const key = await server.createKey('default');
        const record = (await server.server.services.apiKeys.list()).at(-1)!;
        await server.server.services.apiKeys.revoke(record.keyId);
        const response = await getFile(baseUrl, key, '3f2b8c1e-0000-4000-8000-000000000000');
        assertError(response, 401, 'Not authenticated', 'unauthorized');
      });

      test('authentication comes before validation', async () => {
        const response = await api(baseUrl, 'POST', generatePath, { rawBody: 'not json' });
        assertError(response, 401, 'Not authenticated', 'unauthorized');
      });
    });

    test('403 forbidden without the scope', async () => {
      const readOnly = await server.createKey('default', ['attachments.read']);
      const response = await api(baseUrl, 'POST', generatePath, {
        apiKey: readOnly,
        body: { fileName: 'a.pdf', featureType: 'chat' },
      });
      assertError(response, 403, 'Not enough permissions', 'forbidden');
      const writeOnly = await server.createKey('default', ['attachments.write']);
      const read = await getFile(baseUrl, writeOnly, '3f2b8c1e-0000-4000-8000-000000000000');
      assertError(read, 403, 'Not enough permissions', 'forbidden');
    });

    test('404 not_found for an unknown route', async () => {
      const response = await api(baseUrl, 'GET', '/attachments/v2/files', { apiKey });
      assertError(response, 404, 'Not Found', 'not_found');
    });

    test('405 method_not_allowed for a wrong method', async () => {
      const response = await api(baseUrl, 'GET', generatePath, { apiKey });
      assertError(response, 405, 'Method Not Allowed', 'method_not_allowed');
      assert.equal(response.headers.get('allow'), 'POST');
      const put = await api(baseUrl, 'POST', '/attachments/v1/files/complete-upload/x', { apiKey });
      assertError(put, 405, 'Method Not Allowed', 'method_not_allowed');
    });

    test('request id from X-Request-Id is echoed', async () => {
      const requestId = 'a1b2c3d4-e5f6-4890-abcd-ef1234567890';
      const response = await api(baseUrl, 'GET', '/attachments/v1/files/nope', {
        apiKey,
        headers: { 'x-request-id': requestId },
      });
      assert.equal(response.body.requestId, requestId);
      assert.equal(response.headers.get('x-request-id'), requestId);
    });

    test('malformed X-Request-Id is replaced', async () => {
      const response = await api(baseUrl, 'GET', '/attachments/v1/files/nope', {
        apiKey,
        headers: { 'x-request-id': '<script>' },
      });
      assert.match(response.body.requestId, /^[0-9a-f-]{36}$/);
    });
  });
}
