import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { promisify } from 'node:util';
import { testBackends } from '../helpers/backends.js';
import { startTestServer, type TestServer } from '../helpers/test-server.js';

const run = promisify(execFile);
const corpusDir = join(process.cwd(), 'test', 'fixtures', 'files');

/**
 * The curl commands of the Connecteam upload guide, word for word except for the host and the
 * key, run against a real server: code written for that API must work unchanged.
 */
for (const backends of testBackends()) {
  describe(`upload guide curl examples (${backends})`, () => {
    let server: TestServer;

    async function curl(args: string[]): Promise<string> {
      const { stdout } = await run('curl', [
        '--silent',
        '--show-error',
        '--fail-with-body',
        ...args,
      ]);
      return stdout;
    }

    before(async () => {
      server = await startTestServer({ backends });
    });
    after(() => server.cleanup());

    for (const [fileName, contentType, path] of [
      ['report.pdf', 'application/pdf', 'documents/report.pdf'],
      ['photo.jpg', 'image/jpeg', 'images/rose.jpg'],
    ] as const) {
      test(`guide steps for ${fileName}`, async () => {
        const generated = JSON.parse(
          await curl([
            '--request',
            'POST',
            '--url',
            `${server.baseUrl}/attachments/v1/files/generate-upload-url`,
            '--header',
            'Content-Type: application/json',
            '--header',
            `X-API-KEY: ${server.apiKey}`,
            '--data',
            `{\n    "fileName": "${fileName}",\n    "fileTypeHint": "${contentType}",\n    "featureType": "chat"\n  }`,
          ]),
        );
        assert.match(generated.requestId, /^[0-9a-f-]{36}$/);
        const { fileId, uploadFileUrl } = generated.data;

        await curl([
          '--request',
          'PUT',
          '--url',
          uploadFileUrl,
          '--header',
          `Content-Type: ${contentType}`,
          '--data-binary',
          `@${join(corpusDir, path)}`,
        ]);

        const completed = JSON.parse(
          await curl([
            '--request',
            'PUT',
            '--url',
            `${server.baseUrl}/attachments/v1/files/complete-upload/${fileId}`,
            '--header',
            `X-API-KEY: ${server.apiKey}`,
          ]),
        );
        assert.deepEqual(completed.data, { fileId });

        const metadata = JSON.parse(
          await curl([
            '--request',
            'GET',
            '--url',
            `${server.baseUrl}/attachments/v1/files/${fileId}`,
            '--header',
            `X-API-KEY: ${server.apiKey}`,
          ]),
        );
        assert.equal(metadata.data.fileId, fileId);
        assert.equal(metadata.data.uploadCompleted, true);
        assert.equal(metadata.data.fileType, contentType);
        assert.equal(metadata.data.featureType, 'chat');

        const served = await run(
          'curl',
          ['--silent', '--fail', '--location', '--output', '-', metadata.data.fileUrl],
          {
            encoding: 'buffer',
            maxBuffer: 10 * 1024 * 1024,
          },
        );
        const { readFile } = await import('node:fs/promises');
        assert.deepEqual(served.stdout, await readFile(join(corpusDir, path)));
      });
    }
  });
}
