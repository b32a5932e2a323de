import { GraphQLError } from 'graphql';
import { RateLimiterMemory, RateLimiterRes } from 'rate-limiter-flexible';
import type { Viewer } from '../auth/viewer';

export const RATE_LIMITED = 'RATE_LIMITED';

/**
 * Per-caller rate limits (each token subject or API key, else the client address), the same
 * over HTTP and WebSocket: `perMinute` operations in any 60 seconds, per hub process.
 */
export class RateLimits {
  private readonly limiter: RateLimiterMemory;

  constructor(readonly perMinute: number) {
    this.limiter = new RateLimiterMemory({ points: perMinute, duration: 60 });
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
      const retryAfter = Math.ceil(e.msBeforeNext / 1000);
      return new GraphQLError(`too many requests: at most ${this.perMinute} a minute; retry in ${retryAfter} s`, {
        extensions: { code: RATE_LIMITED, retryAfter, http: { status: 429, headers: new Map([['retry-after', String(retryAfter)]]) } },
      });
    }
  }
}
