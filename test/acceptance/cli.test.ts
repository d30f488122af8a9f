import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { open, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { promisify } from 'node:util';
import { startTestServer, type TestServer } from '../helpers/test-server.js';

const run = promisify(execFile);
const cliPath = join(process.cwd(), 'dist', 'src', 'cli', 'main.js');
const corpusDir = join(process.cwd(), 'test', 'fixtures', 'files');

describe('attache CLI', () => {
  let server: TestServer;

  function cli(args: string[], env: Record<string, string> = {}) {
    return run(process.execPath, [cliPath, ...args], {
      env: { ...process.env, ATTACHE_URL: server.baseUrl, ATTACHE_API_KEY: server.apiKey, ...env },
      maxBuffer: 10 * 1024 * 1024,
    });
  }

  before(async () => {
    server = await startTestServer();
  });
  after(() => server.cleanup());

  const realFiles: [string, string][] = [
    ['documents/report.pdf', 'application/pdf'],
    ['images/rose.jpg', 'image/jpeg'],
    ['images/rose.png', 'image/png'],
    [
      'documents/report.docx',
      'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
    ],
    ['text/hours.csv', 'text/csv'],
  ];

  for (const [file, expectedType] of realFiles) {
    test(`upload ${file} prints its metadata`, async () => {
      const { stdout } = await cli([
        'upload',
        join(corpusDir, file),
        '--feature',
        'chat',
        '--json',
      ]);
      const metadata = JSON.parse(stdout);
      assert.equal(metadata.uploadCompleted, true);
      assert.equal(metadata.fileType, expectedType);
      assert.match(metadata.fileUrl, new RegExp(`^${server.baseUrl}/files/${metadata.fileId}/`));
      const served = await fetch(metadata.fileUrl);
      assert.equal(served.status, 200);
    });
  }

  test('upload prints readable text without --json', async () => {
    const { stdout } = await cli([
      'upload',
      join(corpusDir, 'documents/report.pdf'),
      '--feature',
      'users',
    ]);
    assert.match(stdout, /^fileId: {3}[0-9a-f-]{36}$/m);
    assert.match(stdout, /^fileType: application\/pdf$/m);
    assert.match(stdout, /^feature: {2}users$/m);
  });

  test('upload of a 200 MB binary', async () => {
    const path = join(tmpdir(), `attache-cli-${process.pid}.bin`);
    const handle = await open(path, 'w');
    const chunk = Buffer.alloc(1024 * 1024, 0x5a);
    for (let index = 0; index < 200; index += 1) await handle.write(chunk);
    await handle.close();
    try {
      const { stdout } = await cli(['upload', path, '--feature', 'quicktasks', '--json']);
      const metadata = JSON.parse(stdout);
      assert.equal(metadata.sizeBytes, 200 * 1024 * 1024);
      assert.equal(metadata.fileType, 'application/octet-stream');
    } finally {
      await rm(path, { force: true });
    }
  });

  test('disguised file is rejected and its bytes are gone', async () => {
    const disguised = join(corpusDir, 'disguises/scan.pdf');
    await assert.rejects(
      cli(['upload', disguised, '--feature', 'chat']),
      (error: { stderr: string; code: number }) => {
        assert.equal(error.code, 1);
        assert.match(
          error.stderr,
          /File type is not the same as declared, file got deleted \(HTTP 415, file_type_mismatch\)/,
        );
        return true;
      },
    );
    const objects = await readdir(join(server.dataDir, 'objects'), {
      recursive: true,
      withFileTypes: true,
    });
    const rejected = server.logLines.find(
      (line) => line.msg === 'upload rejected: stored bytes are not the declared type',
    );
    assert.ok(rejected, 'rejection was logged');
    const leftovers = objects.filter(
      (entry) => entry.isFile() && entry.name.startsWith(String(rejected.fileId)),
    );
    assert.deepEqual(leftovers, []);
  });

  test('info prints a file', async () => {
    const uploaded = JSON.parse(
      (await cli(['upload', join(corpusDir, 'images/rose.png'), '--feature', 'chat', '--json']))
        .stdout,
    );
    const { stdout } = await cli(['info', uploaded.fileId, '--json']);
    assert.deepEqual(JSON.parse(stdout).fileId, uploaded.fileId);
  });

  test('missing API key is a clear error', async () => {
    await assert.rejects(
      cli(['info', '3f2b8c1e-0000-4000-8000-000000000000'], { ATTACHE_API_KEY: '' }),
      (error: { stderr: string }) => {
        assert.match(error.stderr, /missing API key: pass --api-key or set ATTACHE_API_KEY/);
        return true;
      },
    );
  });

  test('keys create, list and revoke', async () => {
    const env = { ATTACHE_DATA_DIR: server.dataDir, ATTACHE_LOG_LEVEL: 'silent' };
    const created = JSON.parse(
      (
        await cli(
          [
            'keys',
            'create',
            '--account',
            'acme',
            '--name',
            'ci',
            '--scopes',
            'attachments.read',
            '--json',
          ],
          env,
        )
      ).stdout,
    );
    assert.match(created.apiKey, /^atk_/);
    assert.deepEqual(created.scopes, ['attachments.read']);
    const listed = JSON.parse((await cli(['keys', 'list', '--json'], env)).stdout);
    const entry = listed.find((key: { keyId: string }) => key.keyId === created.keyId);
    assert.equal(entry.revokedAt, null);
    assert.equal(JSON.stringify(listed).includes(created.apiKey), false);
    await cli(['keys', 'revoke', created.keyId], env);
    const response = await fetch(
      `${server.baseUrl}/attachments/v1/files/3f2b8c1e-0000-4000-8000-000000000000`,
      {
        headers: { 'x-api-key': created.apiKey },
      },
    );
    assert.equal(response.status, 401);
  });

  test('invalid configuration names the variable', async () => {
    await assert.rejects(
      cli(['sweep'], { ATTACHE_DATA_DIR: server.dataDir, ATTACHE_PORT: 'eighty' }),
      (error: { stderr: string }) => {
        assert.match(
          error.stderr,
          /invalid ATTACHE_PORT="eighty": expected an integer from 0 to 65535/,
        );
        return true;
      },
    );
  });
});
