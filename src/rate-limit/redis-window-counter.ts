import { Redis } from 'ioredis';
import type { WindowCounter } from './rate-limiter.js';

/**
 * Counters in Redis, shared by every process of a deployment. INCR and PEXPIREAT go in one
 * MULTI, so a key never outlives its window even if the process dies between the two.
 */
export class RedisWindowCounter implements WindowCounter {
  readonly #redis: Redis;

  constructor(url: string) {
    this.#redis = new Redis(url, {
      // Fail fast while Redis is down: the rate limiter then lets requests through.
      maxRetriesPerRequest: 1,
      connectTimeout: 2000,
      commandTimeout: 1000,
      enableOfflineQueue: false,
      lazyConnect: true,
    });
    // Connection errors surface through the commands; without a listener ioredis logs them to
    // stderr on every reconnection attempt.
    this.#redis.on('error', () => {});
  }

  /**
   * Connects before the first request is counted. A Redis that is down at start-up is not
   * fatal: ioredis keeps reconnecting, and until then requests pass uncounted.
   */
  async open(onError: (error: unknown) => void): Promise<this> {
    await this.#redis.connect().catch(onError);
    return this;
  }

  async increment(key: string, windowEndMs: number): Promise<number> {
    const redisKey = `attache:rate-limit:${key}`;
    const results = await this.#redis
      .multi()
      .incr(redisKey)
      .pexpireat(redisKey, windowEndMs + 1000)
      .exec();
    const [incrError, count] = results?.[0] ?? [new Error('empty MULTI reply'), null];
    if (incrError) throw incrError;
    return Number(count);
  }

  async close(): Promise<void> {
    this.#redis.disconnect();
  }
}
