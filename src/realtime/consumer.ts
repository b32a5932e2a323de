import type { EntityManager } from '@mikro-orm/postgresql';
import type { Client } from 'pg';
import { OUTBOX_COLUMNS, streamEventOf } from './events';
import { LeaderWorker } from './leader';
import type { OutboxRow, StreamEvent } from './events';

/** What a consumer's handler may run its statements on: the consumer's transaction. */
/** How many events on the stream each background consumer has not read yet, by its name. */
export async function consumersBehind(em: EntityManager): Promise<{ name: string; behind: number }[]> {
  const rows = await em
    .getConnection()
    .execute<{ name: string; behind: string }[]>(
      `select c.name, greatest(coalesce((select max(position) from outbox_events), 0) - c.position, 0) as behind
         from consumer_checkpoints c order by c.name`,
    );
  return rows.map((r) => ({ name: r.name, behind: Number(r.behind) }));
}

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

export interface ConsumerOptions<P = undefined> {
  databaseUrl: string;
  /** the checkpoint's name; also the leader lock's */
  name: string;
  /**
   * Work for a batch that needs no transaction — reads and computation — run before the
   * transaction opens, so a slow batch (a loaded event loop) does not hold one open: an open
   * transaction keeps vacuum from cleaning every table. Its statements run on their own. It may
   * run more than once for a batch (a failed pass, a checkpoint moved meanwhile): what it does
   * besides reading must be idempotent.
   */
  prepare?: (events: StreamEvent[], sql: Tx) => Promise<P>;
  /** applies a batch of events (position order) in the consumer's transaction, with what `prepare` returned */
  handle: (events: StreamEvent[], tx: Tx, prepared: P) => Promise<void>;
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
 * repeats nothing and skips nothing. With `prepare`, the events are read and prepared first,
 * outside the transaction, which then checks that the checkpoint has not moved meanwhile.
 * Wake it with `kick()` (e.g. on every stream event).
 */
export class CheckpointedConsumer<P = undefined> extends LeaderWorker {
  /** the checkpoint's name */
  get checkpointName(): string {
    return this.o.name;
  }

  constructor(private readonly o: ConsumerOptions<P>) {
    super({ databaseUrl: o.databaseUrl, lock: `minsheng.consumer.${o.name}`, name: `minsheng-${o.name}`, pollMs: o.pollMs, delayMs: o.delayMs, log: o.log });
  }

  protected override async pass(c: Client): Promise<void> {
    const size = this.o.batchSize ?? 1000;
    const checkpoint = async (lock: boolean) =>
      (await c.query<{ position: string }>(`select position from consumer_checkpoints where name = $1${lock ? ' for update' : ''}`, [this.o.name])).rows[0]?.position ?? '0';
    const after = (position: string) =>
      c.query<OutboxRow>(`select ${OUTBOX_COLUMNS} from outbox_events where position > $1 order by position limit ${size}`, [position]);
    for (;;) {
      let rows: OutboxRow[] = [];
      let prepared: P | undefined;
      let read: string | null = null;
      if (this.o.prepare) {
        read = await checkpoint(false);
        rows = (await after(read)).rows;
        if (!rows.length) return;
        prepared = await this.o.prepare(rows.map(streamEventOf), c);
      }
      await c.query('begin');
      try {
        const position = await checkpoint(true);
        if (read === null) rows = (await after(position)).rows;
        else if (position !== read) {
          // moved while this batch was prepared (another process led meanwhile): read again
          await c.query('rollback');
          continue;
        }
        if (!rows.length) {
          await c.query('rollback');
          return;
        }
        const events = rows.map(streamEventOf);
        await this.o.handle(events, c, prepared as P);
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
