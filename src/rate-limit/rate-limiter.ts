import type { Logger } from '../domain/logger.js';

/** One rate-limit window's state for an account after counting a request. */
export interface WindowUsage {
  limit: number;
  remaining: number;
  /** Seconds until the window resets. */
  resetSeconds: number;
}

export interface RateLimitDecision {
  allowed: boolean;
  minute: WindowUsage | null;
  day: WindowUsage | null;
}

/** Counts requests in fixed windows. Implementations: in memory, and Redis for many processes. */
export interface WindowCounter {
  /** Adds one to the counter `key` of the window ending at `windowEndMs`; returns the new count. */
  increment(key: string, windowEndMs: number): Promise<number>;
  close(): Promise<void>;
}

export interface RateLimiterOptions {
  perMinute: number;
  perDay: number;
  counter: WindowCounter;
  logger: Logger;
  now?: () => number;
}

const windows = { minute: 60_000, day: 86_400_000 } as const;

/**
 * Per-account request budgets over fixed windows: a minute and a UTC day. A limit of 0 turns
 * that window off. When the counter store fails, requests are allowed and the failure is
 * logged: an outage of Redis must not take the API down with it.
 */
export class RateLimiter {
  readonly #options: RateLimiterOptions;
  readonly #now: () => number;

  constructor(options: RateLimiterOptions) {
    this.#options = options;
    this.#now = options.now ?? Date.now;
  }

  get enabled(): boolean {
    return this.#options.perMinute > 0 || this.#options.perDay > 0;
  }

  async consume(accountId: string): Promise<RateLimitDecision> {
    const now = this.#now();
    try {
      const [minute, day] = await Promise.all([
        this.#count(accountId, 'minute', this.#options.perMinute, now),
        this.#count(accountId, 'day', this.#options.perDay, now),
      ]);
      const allowed =
        (minute === null || minute.count <= minute.limit) &&
        (day === null || day.count <= day.limit);
      return { allowed, minute: minute && toUsage(minute), day: day && toUsage(day) };
    } catch (error) {
      this.#options.logger.warn(
        { err: error, accountId },
        'rate limit counters unavailable; request allowed',
      );
      return { allowed: true, minute: null, day: null };
    }
  }

  async close(): Promise<void> {
    await this.#options.counter.close();
  }

  async #count(accountId: string, window: keyof typeof windows, limit: number, now: number) {
    if (limit === 0) return null;
    const length = windows[window];
    const windowEndMs = (Math.floor(now / length) + 1) * length;
    const count = await this.#options.counter.increment(
      `${accountId}:${window}:${windowEndMs}`,
      windowEndMs,
    );
    return { limit, count, resetSeconds: Math.ceil((windowEndMs - now) / 1000) };
  }
}

function toUsage(counted: { limit: number; count: number; resetSeconds: number }): WindowUsage {
  return {
    limit: counted.limit,
    remaining: Math.max(0, counted.limit - counted.count),
    resetSeconds: counted.resetSeconds,
  };
}

/** Counters in this process's memory; windows that ended are dropped as new ones start. */
export class MemoryWindowCounter implements WindowCounter {
  readonly #counts = new Map<string, { count: number; windowEndMs: number }>();
  readonly #now: () => number;

  constructor(now: () => number = Date.now) {
    this.#now = now;
  }

  async increment(key: string, windowEndMs: number): Promise<number> {
    const entry = this.#counts.get(key) ?? { count: 0, windowEndMs };
    entry.count += 1;
    this.#counts.set(key, entry);
    if (this.#counts.size > 10_000) this.#dropEnded();
    return entry.count;
  }

  async close(): Promise<void> {}

  #dropEnded(): void {
    const now = this.#now();
    for (const [key, entry] of this.#counts) if (entry.windowEndMs <= now) this.#counts.delete(key);
  }
}
