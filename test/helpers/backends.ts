import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { loadS3TestConfig } from '../integration/s3-settings.js';

/** The two deployments every acceptance suite runs against. */
export type Backends = 'local-sqlite' | 's3-postgres';

/**
 * Returns the deployments to test: both, unless ATTACHE_TEST_BACKENDS names one (for a quick
 * run while developing).
 */
export function testBackends(): Backends[] {
  const selected = process.env.ATTACHE_TEST_BACKENDS;
  if (selected === 'local-sqlite' || selected === 's3-postgres') return [selected];
  return ['local-sqlite', 's3-postgres'];
}

export const testDatabaseUrl =
  process.env.ATTACHE_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

export interface BackendSetup {
  env: Record<string, string>;
  cleanup(): Promise<void>;
}

async function adminQuery(sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: testDatabaseUrl });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

/** Creates a PostgreSQL schema of its own and returns a database URL that uses it. */
export async function createTestSchema(): Promise<{ url: string; drop(): Promise<void> }> {
  const schema = `attache_test_${randomBytes(6).toString('hex')}`;
  await adminQuery(`CREATE SCHEMA ${schema}`);
  const separator = testDatabaseUrl.includes('?') ? '&' : '?';
  return {
    url: `${testDatabaseUrl}${separator}options=${encodeURIComponent(`-c search_path=${schema}`)}`,
    drop: () => adminQuery(`DROP SCHEMA IF EXISTS ${schema} CASCADE`),
  };
}

/**
 * Environment for a server on the given backends. For S3 and PostgreSQL each call gets a
 * schema and an object key prefix of its own, so servers of different tests never share data.
 * Servers that must share data (several processes of one deployment) reuse one setup's `env`.
 */
export async function setUpBackends(backends: Backends): Promise<BackendSetup> {
  if (backends === 'local-sqlite') return { env: {}, cleanup: async () => {} };
  const s3 = await loadS3TestConfig();
  const schema = await createTestSchema();
  return {
    env: {
      ATTACHE_DATABASE_URL: schema.url,
      ATTACHE_OBJECT_STORE: 's3',
      ATTACHE_S3_ENDPOINT: s3.endpoint ?? '',
      ATTACHE_S3_BUCKET: s3.bucket,
      ATTACHE_S3_REGION: s3.region,
      ATTACHE_S3_ACCESS_KEY_ID: s3.accessKeyId ?? '',
      ATTACHE_S3_SECRET_ACCESS_KEY: s3.secretAccessKey ?? '',
      ATTACHE_S3_FORCE_PATH_STYLE: String(s3.forcePathStyle),
      ATTACHE_S3_KEY_PREFIX: s3.keyPrefix,
      // Several processes of one deployment must sign alike.
      ATTACHE_SIGNING_SECRET: randomBytes(32).toString('hex'),
    },
    cleanup: () => schema.drop(),
  };
}
