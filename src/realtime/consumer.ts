import type { Client } from 'pg';
import { OUTBOX_COLUMNS, streamEventOf } from './events';
import { LeaderWorker } from './leader';
import type { OutboxRow, StreamEvent } from './events';

/** What a consumer's handler may run its statements on: the consumer's transaction. */
export interface Tx {
  query<T = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<{ rows: T[] }>;
}

/**
 * Runs `run` under a savepoint of the consumer's transaction: its work is rolled back if it
 * throws, and the error is returned (null when it succeeded), so a handler can skip what fails
 * and keep its batch and checkpoint going.
 */
export async function underSavepoint(tx: Tx, run: () => Promise<void>): Promise<unknown> {
  await tx.query('savepoint consumer_step');
  try {
    await run();
    await tx.query('release savepoint consumer_step');
    return null;
  } catch (e) {
    await tx.query('rollback to savepoint consumer_step');
    return e;
  }
}

export interface ConsumerOptions {
  databaseUrl: string;
  /** the checkpoint's name; also the leader lock's */
  name: string;
  /** applies a batch of events (position order) in the consumer's transaction */
  handle: (events: StreamEvent[], tx: Tx) => Promise<void>;
  batchSize?: number;
  pollMs?: number;
  /** gather events for this long after a kick before a pass (ms; default 0) */
  delayMs?: number;
  log?: (m: string, e?: unknown) => void;
}

/**
 * A checkpointed consumer of the outbox: exactly once, in order, once across processes.
 * One process at a time holds its advisory lock; each pass reads the events after its
 * checkpoint and applies them and the new checkpoint in one transaction, so a crash
 * repeats nothing and skips nothing. Wake it with `kick()` (e.g. on every stream event).
 */
export class CheckpointedConsumer extends LeaderWorker {
  constructor(private readonly o: ConsumerOptions) {
    super({ databaseUrl: o.databaseUrl, lock: `minsheng.consumer.${o.name}`, name: `minsheng-${o.name}`, pollMs: o.pollMs, delayMs: o.delayMs, log: o.log });
  }

  protected override async pass(c: Client): Promise<void> {
    const size = this.o.batchSize ?? 1000;
    for (;;) {
      await c.query('begin');
      try {
        const { rows: cp } = await c.query<{ position: string }>('select position from consumer_checkpoints where name = $1 for update', [this.o.name]);
        const { rows } = await c.query<OutboxRow>(`select ${OUTBOX_COLUMNS} from outbox_events where position > $1 order by position limit ${size}`, [
          cp[0]?.position ?? '0',
        ]);
        if (!rows.length) {
          await c.query('rollback');
          return;
        }
        const events = rows.map(streamEventOf);
        await this.o.handle(events, c);
        await c.query(
          `insert into consumer_checkpoints (name, position) values ($1, $2)
           on conflict (name) do update set position = excluded.position`,
          [this.o.name, events[events.length - 1].position],
        );
        await c.query('commit');
        if (rows.length < size) return;
      } catch (e) {
        await c.query('rollback').catch(() => undefined);
        throw e;
      }
    }
  }
}
