import { GraphQLError } from 'graphql';
import Redis from 'ioredis';
import type { Pool } from 'pg';
import { RateLimiterMemory, RateLimiterPostgres, RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';
import type { RateLimiterAbstract } from 'rate-limiter-flexible';
import type { Viewer } from '../auth/viewer';

export const RATE_LIMITED = 'RATE_LIMITED';

/** Where the counters live: this process only, or shared by every hub process. */
export type RateLimitStore =
  | { kind: 'memory' }
  | { kind: 'redis'; url: string; /** keeps hubs of different databases apart on one Redis */ namespace: string }
  | { kind: 'postgres'; pool: Pool };

/**
 * Per-caller rate limits (each token subject or API key, else the client address), the same
 * over HTTP and WebSocket: `perMinute` operations in any 60 seconds. With a Redis or
 * PostgreSQL store the budget is shared by every hub process (a caller cannot multiply it by
 * spreading requests over processes); if the store is unreachable, each process falls back to
 * its own in-memory counters rather than refusing or waving everything through.
 */
export class RateLimits {
  private readonly limiter: RateLimiterAbstract;
  private readonly redis?: Redis;

  constructor(readonly perMinute: number, store: RateLimitStore = { kind: 'memory' }) {
    const base = { points: perMinute, duration: 60, keyPrefix: 'minsheng_rate' };
    const insuranceLimiter = new RateLimiterMemory(base);
    switch (store.kind) {
      case 'memory':
        this.limiter = insuranceLimiter;
        break;
      case 'redis':
        this.redis = new Redis(store.url, { enableOfflineQueue: false, maxRetriesPerRequest: 1, lazyConnect: false });
        this.redis.on('error', () => undefined); // the insurance limiter takes over; ioredis reconnects
        this.limiter = new RateLimiterRedis({ ...base, keyPrefix: `minsheng:rate:${store.namespace}`, storeClient: this.redis, insuranceLimiter });
        break;
      case 'postgres':
        // the table comes with the migrations (rate_limits), so no DDL at run time
        this.limiter = new RateLimiterPostgres({
          ...base,
          storeClient: store.pool,
          storeType: 'pool',
          tableName: 'rate_limits',
          tableCreated: true,
          clearExpiredByTimeout: true,
          insuranceLimiter,
        });
        break;
    }
  }

  /** Waits (up to `timeoutMs`) for the shared store's connection, so the first calls count there too. */
  async ready(timeoutMs = 5000): Promise<void> {
    const redis = this.redis;
    if (!redis || redis.status === 'ready') return;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, timeoutMs);
      redis.once('ready', () => {
        clearTimeout(timer);
        resolve();
      });
    });
  }

  static keyOf(viewer: Viewer, address: string | undefined): string {
    return viewer.role ? `${viewer.role}:${viewer.subject}` : `ip:${address ?? 'unknown'}`;
  }

  /** null when the operation may go; else the error to send (429 over HTTP). */
  async check(key: string): Promise<GraphQLError | null> {
    try {
      await this.limiter.consume(key);
      return null;
    } catch (e) {
      if (!(e instanceof RateLimiterRes)) throw e;
      const retryAfter = Math.max(1, Math.ceil(e.msBeforeNext / 1000));
      return new GraphQLError(`too many requests: at most ${this.perMinute} a minute; retry in ${retryAfter} s`, {
        extensions: { code: RATE_LIMITED, retryAfter, http: { status: 429, headers: new Map([['retry-after', String(retryAfter)]]) } },
      });
    }
  }

  async close(): Promise<void> {
    this.redis?.disconnect();
  }
}
