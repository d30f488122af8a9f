import assert from 'node:assert/strict';
import { randomBytes, randomUUID } from 'node:crypto';
import { createServer, type Socket } from 'node:net';
import { after, before, describe, test } from 'node:test';
import pg from 'pg';
import { AttacheError } from '../../src/errors.js';
import { postgresMigrations } from '../../src/metadata/postgres/migrations.js';
import {
  PostgresMetadataStore,
  type PostgresMetadataStoreOptions,
} from '../../src/metadata/postgres/postgres-metadata-store.js';
import { describeMetadataStore } from '../conformance/metadata-store-suite.js';

/** The test server: PostgreSQL on the default port with trust authentication. */
const databaseUrl = 'postgres://postgres@127.0.0.1:5432/test';

/** Runs one statement on a short-lived connection of its own. */
async function adminQuery(sql: string, parameters: unknown[] = []): Promise<pg.QueryResult> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    return await client.query(sql, parameters);
  } finally {
    await client.end();
  }
}

interface TestSchema {
  schema: string;
  /** Connection string for the store; its `application_name` is the schema name. */
  url: string;
  /** Connection string for helper connections, which `terminateStoreConnections` spares. */
  helperUrl: string;
  drop(): Promise<void>;
}

/** Creates a schema with a random name and connection strings whose `search_path` is it. */
async function createSchema(): Promise<TestSchema> {
  const schema = `attache_test_${randomBytes(8).toString('hex')}`;
  await adminQuery(`CREATE SCHEMA ${schema}`);
  const options = encodeURIComponent(`-c search_path=${schema}`);
  return {
    schema,
    url: `${databaseUrl}?options=${options}&application_name=${schema}`,
    helperUrl: `${databaseUrl}?options=${options}&application_name=${schema}_helper`,
    drop: async () => {
      await adminQuery(`DROP SCHEMA ${schema} CASCADE`);
    },
  };
}

function assertUnavailable(error: unknown): true {
  assert.ok(error instanceof AttacheError, `expected an AttacheError, got ${String(error)}`);
  assert.equal(error.code, 'metadata_store_unavailable');
  return true;
}

describeMetadataStore('PostgreSQL', async () => {
  const { url, drop } = await createSchema();
  const store = new PostgresMetadataStore({ connectionString: url, poolMax: 10 });
  return {
    store,
    async cleanup() {
      await store.close();
      await drop();
    },
  };
});

describe('PostgreSQL metadata store connections', () => {
  test('calls reject as unavailable when nothing listens', async () => {
    const store = new PostgresMetadataStore({
      connectionString: 'postgres://postgres@127.0.0.1:1/test',
      poolMax: 2,
    });
    try {
      const started = Date.now();
      await assert.rejects(store.ping(), assertUnavailable);
      await assert.rejects(store.migrate(), assertUnavailable);
      await assert.rejects(store.findUpload(randomUUID()), assertUnavailable);
      await assert.rejects(store.expireOverdue(Date.now(), 10), assertUnavailable);
      assert.ok(Date.now() - started < 3000, `took ${Date.now() - started} ms`);
    } finally {
      await store.close();
    }
  });

  test('ping rejects as unavailable on connect timeout', async () => {
    // A server that accepts TCP connections and never sends a byte, like a hung database.
    const sockets = new Set<Socket>();
    const server = createServer((socket) => {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const address = server.address();
    if (address === null || typeof address === 'string') throw new Error('server has no TCP port');
    const store = new PostgresMetadataStore({
      connectionString: `postgres://postgres@127.0.0.1:${address.port}/test`,
      poolMax: 2,
      connectionTimeoutMillis: 300,
    });
    try {
      const started = Date.now();
      await assert.rejects(store.ping(), assertUnavailable);
      assert.ok(Date.now() - started < 3000, `took ${Date.now() - started} ms`);
    } finally {
      await store.close();
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
});

describe('PostgreSQL metadata store server failures', () => {
  let schema: TestSchema;
  const stores: PostgresMetadataStore[] = [];

  async function openStore(options: Partial<PostgresMetadataStoreOptions> = {}) {
    const store = new PostgresMetadataStore({
      connectionString: schema.url,
      poolMax: 4,
      ...options,
    });
    stores.push(store);
    await store.migrate();
    return store;
  }

  async function insertPending(store: PostgresMetadataStore): Promise<string> {
    const fileId = randomUUID();
    await store.insertUpload({
      fileId,
      accountId: 'account-1',
      fileName: 'a.txt',
      fileType: 'text/plain',
      featureType: 'chat',
      createdAt: 1000,
      expiresAt: 2000,
      completeBy: 3000,
    });
    return fileId;
  }

  /** Opens a transaction that holds a row lock on the upload until `release` is called. */
  async function lockUpload(fileId: string): Promise<{ release(): Promise<void> }> {
    const client = new pg.Client({ connectionString: schema.helperUrl });
    await client.connect();
    await client.query('BEGIN');
    await client.query('SELECT 1 FROM uploads WHERE file_id = $1 FOR UPDATE', [fileId]);
    return {
      release: async () => {
        await client.query('ROLLBACK');
        await client.end();
      },
    };
  }

  async function terminateStoreConnections(): Promise<number> {
    const result = await adminQuery(
      `SELECT pg_terminate_backend(pid) FROM pg_stat_activity
       WHERE application_name = $1 AND pid <> pg_backend_pid()`,
      [schema.schema],
    );
    return result.rowCount ?? 0;
  }

  before(async () => {
    schema = await createSchema();
    const store = await openStore();
    await store.createAccount({ accountId: 'account-1', name: 'acme', createdAt: 1000 });
  });

  after(async () => {
    for (const store of stores) await store.close();
    await schema.drop();
  });

  test('migrate runs concurrently in two stores', async () => {
    const fresh = await createSchema();
    const first = new PostgresMetadataStore({ connectionString: fresh.url, poolMax: 2 });
    const second = new PostgresMetadataStore({ connectionString: fresh.url, poolMax: 2 });
    try {
      await Promise.all([first.migrate(), second.migrate(), first.migrate()]);

      const versions = await adminQuery(`SELECT version FROM ${fresh.schema}.schema_migrations`);
      assert.equal(versions.rowCount, postgresMigrations.length);
      await first.ping();
    } finally {
      await first.close();
      await second.close();
      await fresh.drop();
    }
  });

  test('pool recovers after connections are terminated', async () => {
    const store = await openStore();
    await Promise.all([store.ping(), store.ping(), store.ping()]);
    assert.ok((await terminateStoreConnections()) > 0, 'setup: no connection was terminated');

    // A connection whose termination the client has not read yet fails once. The pool then
    // discards it, so one of a few attempts must reach a new connection.
    let recovered = false;
    for (let attempt = 0; attempt < 5 && !recovered; attempt += 1) {
      try {
        await store.ping();
        recovered = true;
      } catch (error) {
        assertUnavailable(error);
      }
    }
    assert.ok(recovered, 'ping kept failing after the connections were terminated');
    assert.deepEqual(await store.findAccountByName('acme'), {
      accountId: 'account-1',
      name: 'acme',
      createdAt: 1000,
    });
  });

  test('query in flight rejects as unavailable on termination', async () => {
    const store = await openStore();
    const fileId = await insertPending(store);
    const lock = await lockUpload(fileId);
    try {
      const claim = { fileId, token: 'token', now: 1000, claimExpiresAt: 9000 };
      // Attach the check now, because the claim rejects while the loop below is still running.
      const rejection = assert.rejects(store.claimCompletion(claim), assertUnavailable);
      // Wait until the claim is blocked on the row lock, then terminate its connection.
      for (let i = 0; i < 100; i += 1) {
        const waiting = await adminQuery(
          `SELECT 1 FROM pg_stat_activity WHERE application_name = $1 AND wait_event_type = 'Lock'`,
          [schema.schema],
        );
        if (waiting.rowCount) break;
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      assert.ok((await terminateStoreConnections()) > 0, 'setup: no connection was terminated');

      await rejection;
    } finally {
      await lock.release();
    }
  });

  test('statement timeout rejects as unavailable', async () => {
    const store = await openStore({ statementTimeoutMillis: 300 });
    const fileId = await insertPending(store);
    const lock = await lockUpload(fileId);
    try {
      const started = Date.now();
      const claim = { fileId, token: 'token', now: 1000, claimExpiresAt: 9000 };
      await assert.rejects(store.claimCompletion(claim), assertUnavailable);
      assert.ok(Date.now() - started < 3000, `took ${Date.now() - started} ms`);
    } finally {
      await lock.release();
    }
  });

  test('expireOverdue skips a locked row', async () => {
    const store = await openStore({ statementTimeoutMillis: 1000 });
    const locked = await insertPending(store);
    const lock = await lockUpload(locked);
    try {
      const expired = await store.expireOverdue(3001, 1000);
      assert.ok(!expired.some((upload) => upload.fileId === locked));
    } finally {
      await lock.release();
    }
    assert.equal((await store.findUpload(locked))?.state, 'pending');
  });

  test('query errors propagate unchanged', async () => {
    const store = await openStore();
    const duplicate = { accountId: 'account-2', name: 'acme', createdAt: 1000 };
    await assert.rejects(store.createAccount(duplicate), (error: unknown) => {
      assert.ok(!(error instanceof AttacheError));
      assert.equal((error as { code?: unknown }).code, '23505');
      return true;
    });
  });
});
