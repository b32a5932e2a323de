import type { Client } from 'pg';
import { LeaderWorker } from '../realtime/leader';
import type { Clock } from '../shared/clock';

export interface RetentionOptions {
  databaseUrl: string;
  clock: Clock;
  /** closed tickets older than this lose the caller's personal data */
  retentionDays: number;
  /** how often the job looks (ms) */
  everyMs: number;
  log?: (m: string, e?: unknown) => void;
}

const BATCH = 1000;

/**
 * PIPL retention (个人信息保存期限): once a ticket has been closed for `retentionDays`, the
 * caller's name, phone and address are removed; the ticket keeps everything else — status,
 * times, district, matter, cell, and the caller's pseudonym (`citizenKey`) — so every statistic
 * stays the same. One process at a time, in batches.
 */
export class RetentionJob extends LeaderWorker {
  constructor(private readonly o: RetentionOptions) {
    super({ databaseUrl: o.databaseUrl, lock: 'minsheng.retention', name: 'minsheng-retention', pollMs: o.everyMs, log: o.log });
  }

  protected override async pass(c: Client): Promise<void> {
    const cutoff = new Date(this.o.clock.now().getTime() - this.o.retentionDays * 86_400_000);
    for (;;) {
      const { rowCount } = await c.query(
        `update tickets set citizen_name = null, citizen_phone = null, citizen_address = null, pseudonymised_at = $2
          where id in (
            select id from tickets
             where status = 'CLOSED' and closed_at < $1 and pseudonymised_at is null
             limit ${BATCH}
          )`,
        [cutoff, this.o.clock.now()],
      );
      if ((rowCount ?? 0) < BATCH) return;
    }
  }
}
