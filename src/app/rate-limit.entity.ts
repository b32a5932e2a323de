import { Entity, PrimaryKey, Property } from '@mikro-orm/core';

/**
 * Rate-limit counters shared by every hub process when `RATE_LIMIT_STORE=postgres`
 * (rate-limiter-flexible's table layout). Unlogged: counters need not survive a crash.
 */
@Entity({ tableName: 'rate_limits' })
export class RateLimitCounter {
  @PrimaryKey({ type: 'string', length: 255 })
  key!: string;

  @Property({ type: 'integer', default: 0 })
  points!: number;

  /** epoch milliseconds */
  @Property({ type: 'bigint', nullable: true })
  expire!: string | null;
}
