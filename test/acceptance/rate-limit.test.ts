import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { assertError, getFile } from '../helpers/api.js';
import { startTestServer, type TestServer } from '../helpers/test-server.js';

const unknownFileId = '3f2b8c1e-0000-4000-8000-000000000000';

for (const counters of ['memory', 'redis'] as const) {
  describe(`rate limits with ${counters} counters`, () => {
    let server: TestServer;

    before(async () => {
      server = await startTestServer({
        env: {
          ATTACHE_RATE_LIMIT_PER_MINUTE: '5',
          ATTACHE_RATE_LIMIT_PER_DAY: '1000',
          ...(counters === 'redis' ? { ATTACHE_REDIS_URL: 'redis://127.0.0.1:6379' } : {}),
        },
      });
    });
    after(() => server.cleanup());

    test('budget headers count down then 429', async () => {
      for (let index = 1; index <= 5; index += 1) {
        const response = await getFile(server.baseUrl, server.apiKey, unknownFileId);
        assert.equal(response.status, 404);
        assert.equal(response.headers.get('x-ratelimit-minute-limit'), '5');
        assert.equal(response.headers.get('x-ratelimit-minute-remaining'), String(5 - index));
        assert.equal(response.headers.get('x-ratelimit-day-limit'), '1000');
        assert.equal(response.headers.get('x-ratelimit-day-remaining'), String(1000 - index));
        const reset = Number(response.headers.get('x-ratelimit-minute-reset'));
        assert.ok(reset >= 1, `minute reset ${reset}`);
        assert.ok(reset <= 60, `minute reset ${reset}`);
        assert.ok(Number(response.headers.get('x-ratelimit-day-reset')) <= 86400);
      }
      const limited = await getFile(server.baseUrl, server.apiKey, unknownFileId);
      assertError(limited, 429, 'Too many requests', 'rate_limited');
      assert.equal(limited.headers.get('x-ratelimit-minute-remaining'), '0');
      assert.ok(Number(limited.headers.get('retry-after')) >= 1);
    });

    test('other accounts keep their own budget', async () => {
      const otherKey = await server.createKey(`other-${counters}`);
      const response = await getFile(server.baseUrl, otherKey, unknownFileId);
      assert.equal(response.status, 404);
      assert.equal(response.headers.get('x-ratelimit-minute-remaining'), '4');
    });
  });
}

describe('rate limits with Redis unreachable', () => {
  let server: TestServer;

  before(async () => {
    server = await startTestServer({
      env: { ATTACHE_RATE_LIMIT_PER_MINUTE: '5', ATTACHE_REDIS_URL: 'redis://127.0.0.1:1' },
    });
  });
  after(() => server.cleanup());

  test('requests are allowed and the failure is logged', async () => {
    const response = await getFile(server.baseUrl, server.apiKey, unknownFileId);
    assert.equal(response.status, 404);
    assert.ok(
      server.logLines.some(
        (line) => line.msg === 'rate limit counters unavailable; request allowed',
      ),
    );
  });
});
