import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import { api, complete, generate, getFile, putBytes, samples } from '../helpers/api.js';
import {
  runAttache,
  startAttacheProcess,
  type AttacheProcess,
} from '../helpers/attache-process.js';
import {
  setUpBackends,
  testBackends,
  testDatabaseUrl,
  type BackendSetup,
} from '../helpers/backends.js';
import { TcpProxy } from '../helpers/tcp-proxy.js';

const run = promisify(execFile);
const perMinute = 400;

// These tests need the S3 and PostgreSQL stack; a run limited to local-sqlite leaves them out.
const scaleOut = testBackends().includes('s3-postgres') ? describe : describe.skip;

/** Two `attache serve` processes of one deployment: shared PostgreSQL, Redis and S3. */
scaleOut('two processes on PostgreSQL, Redis and S3', () => {
  let setup: BackendSetup;
  let env: Record<string, string>;
  let dataDir: string;
  let first: AttacheProcess;
  let second: AttacheProcess;
  let apiKey: string;

  before(async () => {
    setup = await setUpBackends('s3-postgres');
    dataDir = await mkdtemp(join(tmpdir(), 'attache-scale-'));
    env = {
      ...setup.env,
      ATTACHE_DATA_DIR: dataDir,
      ATTACHE_REDIS_URL: 'redis://127.0.0.1:6379',
      ATTACHE_RATE_LIMIT_PER_MINUTE: String(perMinute),
      ATTACHE_RATE_LIMIT_PER_DAY: '100000',
    };
    await runAttache(['migrate'], env);
    apiKey = JSON.parse(
      await runAttache(['keys', 'create', '--account', 'acme', '--json'], env),
    ).apiKey;
    [first, second] = await Promise.all([startAttacheProcess(env), startAttacheProcess(env)]);
  });

  after(async () => {
    await Promise.all([first?.stop(), second?.stop()]);
    await setup?.cleanup();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  test('generate on one, complete on the other, read on both', async () => {
    const upload = await generate(first.baseUrl, apiKey, { fileName: 'report.pdf' });
    assert.match(upload.uploadFileUrl, /X-Amz-Signature=/);
    assert.equal(
      (await putBytes(upload.uploadFileUrl, samples.pdf, 'application/pdf')).status,
      200,
    );
    assert.equal((await complete(second.baseUrl, apiKey, upload.fileId)).status, 200);
    for (const process of [first, second]) {
      const metadata = await getFile(process.baseUrl, apiKey, upload.fileId);
      assert.equal(metadata.body.data.uploadCompleted, true);
      const served = await fetch(metadata.body.data.fileUrl);
      assert.equal(served.status, 200);
      assert.deepEqual(Buffer.from(await served.arrayBuffer()), samples.pdf);
    }
  });

  test('20 concurrent completes across both give one 200', async () => {
    const upload = await generate(first.baseUrl, apiKey, { fileName: 'a.pdf' });
    await putBytes(upload.uploadFileUrl, samples.pdf, 'application/pdf');
    const responses = await Promise.all(
      Array.from({ length: 20 }, (_, index) =>
        complete((index % 2 === 0 ? first : second).baseUrl, apiKey, upload.fileId),
      ),
    );
    const statuses = responses.map((response) => response.status);
    assert.equal(statuses.filter((status) => status === 200).length, 1);
    assert.equal(statuses.filter((status) => status === 409).length, 19);
  });

  test('API processes receive no file bytes', async () => {
    const fileBytes = Buffer.concat([samples.pdf, randomBytes(8 * 1024 * 1024)]);
    const before = (await first.bytesRead()) + (await second.bytesRead());
    const upload = await generate(first.baseUrl, apiKey, { fileName: 'large.pdf' });
    assert.equal((await putBytes(upload.uploadFileUrl, fileBytes, 'application/pdf')).status, 200);
    assert.equal((await complete(second.baseUrl, apiKey, upload.fileId)).status, 200);
    const read = (await first.bytesRead()) + (await second.bytesRead()) - before;
    // The content check reads a 64 KiB prefix from the store; requests and database replies
    // add a few KiB. The 8 MiB body goes from the client to the store directly.
    console.log(
      `# bytes read by the API processes for an upload of ${fileBytes.length} bytes: ${read}`,
    );
    assert.ok(read < 256 * 1024, `API processes read ${read} bytes`);
  });

  test('rate-limit budget is shared', async () => {
    const path = '/attachments/v1/files/3f2b8c1e-0000-4000-8000-000000000000';
    let probe = await api(first.baseUrl, 'GET', path, { apiKey });
    // Start in a fresh minute window when the current one is about to roll over.
    if (Number(probe.headers.get('x-ratelimit-minute-reset')) < 10) {
      await sleep(Number(probe.headers.get('x-ratelimit-minute-reset')) * 1000 + 200);
      probe = await api(first.baseUrl, 'GET', path, { apiKey });
    }
    const remaining = Number(probe.headers.get('x-ratelimit-minute-remaining'));
    const next = await api(second.baseUrl, 'GET', path, { apiKey });
    assert.equal(Number(next.headers.get('x-ratelimit-minute-remaining')), remaining - 1);

    for (let index = 0; index < remaining - 1; index += 1) {
      await api(index % 2 === 0 ? first.baseUrl : second.baseUrl, 'GET', path, { apiKey });
    }
    for (const process of [first, second]) {
      const limited = await api(process.baseUrl, 'GET', path, { apiKey });
      assert.equal(limited.status, 429);
      assert.equal(limited.body.code, 'rate_limited');
    }
  });
});

scaleOut('store outages', () => {
  let setup: BackendSetup;
  let proxy: TcpProxy;
  let dataDir: string;
  let server: AttacheProcess;
  let apiKey: string;

  before(async () => {
    setup = await setUpBackends('s3-postgres');
    const database = new URL(testDatabaseUrl);
    proxy = await new TcpProxy({
      host: database.hostname,
      port: Number(database.port || 5432),
    }).start();
    const proxied = new URL(setup.env.ATTACHE_DATABASE_URL!);
    proxied.port = String(proxy.port);
    dataDir = await mkdtemp(join(tmpdir(), 'attache-outage-'));
    const env = {
      ...setup.env,
      ATTACHE_DATA_DIR: dataDir,
      ATTACHE_DATABASE_URL: proxied.toString(),
    };
    await runAttache(['migrate'], env);
    apiKey = JSON.parse(await runAttache(['keys', 'create', '--json'], env)).apiKey;
    server = await startAttacheProcess(env);
  });

  after(async () => {
    await server?.stop();
    await proxy?.stop();
    await setup?.cleanup();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  test('PostgreSQL down gives 503 and service resumes', async () => {
    const upload = await generate(server.baseUrl, apiKey, { fileName: 'a.pdf' });
    await putBytes(upload.uploadFileUrl, samples.pdf, 'application/pdf');
    await proxy.cut();
    try {
      const started = Date.now();
      const response = await complete(server.baseUrl, apiKey, upload.fileId);
      assert.equal(response.status, 503);
      assert.equal(response.body.code, 'metadata_store_unavailable');
      assert.equal(response.body.detail, 'Metadata store is unavailable, retry later');
      assert.ok(Date.now() - started < 15_000, 'answered within 15 s');
      assert.equal((await fetch(`${server.baseUrl}/readyz`)).status, 503);
    } finally {
      await proxy.restore();
    }
    const again = await complete(server.baseUrl, apiKey, upload.fileId);
    assert.equal(again.status, 200, JSON.stringify(again.body));
    assert.equal((await fetch(`${server.baseUrl}/readyz`)).status, 200);
  });

  test('S3 server down gives 503 and service resumes', async () => {
    const upload = await generate(server.baseUrl, apiKey, { fileName: 'b.pdf' });
    await putBytes(upload.uploadFileUrl, samples.pdf, 'application/pdf');
    await run('bash', ['scripts/s3-server/stop-gateway.sh', '.s3-server']);
    try {
      const response = await complete(server.baseUrl, apiKey, upload.fileId);
      assert.equal(response.status, 503);
      assert.equal(response.body.code, 'object_store_unavailable');
      assert.equal(response.body.detail, 'Object store is unavailable, retry later');
      const ready = await fetch(`${server.baseUrl}/readyz`);
      assert.equal(ready.status, 503);
      assert.deepEqual((await ready.json()).checks, {
        metadataStore: 'ok',
        objectStore: 'unavailable',
      });
    } finally {
      await run('bash', ['scripts/s3-server/start-gateway.sh', '.s3-server']);
    }
    const again = await complete(server.baseUrl, apiKey, upload.fileId);
    assert.equal(again.status, 200, JSON.stringify(again.body));
  });
});
