import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ConfigError, loadConfig } from '../../src/config.js';

describe('loadConfig', () => {
  test('defaults are the embedded mode', () => {
    const config = loadConfig({});
    assert.equal(config.port, 8080);
    assert.equal(config.host, '127.0.0.1');
    assert.equal(config.publicBaseUrl, 'http://127.0.0.1:8080');
    assert.equal(config.uploadUrlTtlSeconds, 300);
    assert.equal(config.completeGraceSeconds, 300);
    assert.equal(config.maxFileBytes, 1073741824);
    assert.equal(config.metadataStore.kind, 'sqlite');
    assert.equal(config.objectStore.kind, 'local');
    assert.deepEqual(config.corsOrigins, ['*']);
  });

  test('result is frozen', () => {
    const config = loadConfig({});
    assert.ok(Object.isFrozen(config));
    assert.ok(Object.isFrozen(config.rateLimit));
  });

  test('invalid values name the variable', () => {
    const cases: [Record<string, string>, RegExp][] = [
      [{ ATTACHE_PORT: '70000' }, /ATTACHE_PORT/],
      [{ ATTACHE_PORT: '8080abc' }, /ATTACHE_PORT/],
      [{ ATTACHE_MAX_FILE_BYTES: '-1' }, /ATTACHE_MAX_FILE_BYTES/],
      [{ ATTACHE_PUBLIC_URL: 'ftp://x' }, /ATTACHE_PUBLIC_URL/],
      [{ ATTACHE_OBJECT_STORE: 'gcs' }, /ATTACHE_OBJECT_STORE/],
      [{ ATTACHE_OBJECT_STORE: 's3' }, /ATTACHE_S3_BUCKET/],
      [{ ATTACHE_DATABASE_URL: 'mysql://x' }, /ATTACHE_DATABASE_URL/],
      [{ ATTACHE_SIGNING_SECRET: 'short' }, /ATTACHE_SIGNING_SECRET/],
      [
        {
          ATTACHE_S3_FORCE_PATH_STYLE: 'maybe',
          ATTACHE_OBJECT_STORE: 's3',
          ATTACHE_S3_BUCKET: 'b',
        },
        /ATTACHE_S3_FORCE_PATH_STYLE/,
      ],
    ];
    for (const [env, message] of cases) {
      assert.throws(
        () => loadConfig(env),
        (error: Error) => error instanceof ConfigError && message.test(error.message),
      );
    }
  });

  test('secret values are not echoed', () => {
    assert.throws(
      () => loadConfig({ ATTACHE_SIGNING_SECRET: 'short-secret' }),
      (error: Error) => !error.message.includes('short-secret'),
    );
  });

  test('postgres URL selects PostgreSQL', () => {
    const config = loadConfig({ ATTACHE_DATABASE_URL: 'postgres://u@h/db' });
    assert.equal(config.metadataStore.kind, 'postgres');
  });
});
