import { Client } from 'pg';
import { OUTBOX_COLUMNS, streamEventOf } from './events';
import type { OutboxRow, StreamEvent } from './events';

/** What a consumer's handler may run its statements on: the consumer's transaction. */
export interface Tx {
  query<T = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<{ rows: T[] }>;
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
export class CheckpointedConsumer {
  private client: Client | null = null;
  private leader = false;
  private stopped = false;
  private running: Promise<void> | null = null;
  private again = false;
  private timer: NodeJS.Timeout | null = null;
  private readonly log: (m: string, e?: unknown) => void;
  private idle: (() => void)[] = [];

  constructor(private readonly o: ConsumerOptions) {
    this.log = o.log ?? (() => undefined);
  }

  async start(): Promise<void> {
    await this.connect().catch((e) => this.log(`consumer ${this.o.name}: cannot reach the database; retrying`, e));
    this.timer = setInterval(() => void this.tick(), this.o.pollMs ?? 1000);
    this.timer.unref();
    this.kick();
  }

  private async connect(): Promise<void> {
    const c = new Client({ connectionString: this.o.databaseUrl, application_name: `minsheng-${this.o.name}` });
    c.on('error', (e) => this.log(`consumer ${this.o.name} connection error`, e));
    c.on('end', () => {
      if (this.client !== c) return;
      this.client = null;
      this.leader = false;
    });
    await c.connect();
    this.client = c;
    const { rows } = await c.query<{ ok: boolean }>('select pg_try_advisory_lock(hashtext($1)) as ok', [`minsheng.consumer.${this.o.name}`]);
    this.leader = rows[0].ok;
  }

  private async tick(): Promise<void> {
    try {
      if (!this.client) await this.connect();
      else if (!this.leader) {
        const { rows } = await this.client.query<{ ok: boolean }>('select pg_try_advisory_lock(hashtext($1)) as ok', [`minsheng.consumer.${this.o.name}`]);
        this.leader = rows[0].ok;
      }
      this.kick();
    } catch (e) {
      this.log(`consumer ${this.o.name}: cannot reach the database; retrying`, e);
    }
  }

  kick(): void {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    const delay = this.o.delayMs ?? 0;
    const wait = delay ? new Promise((r) => setTimeout(r, delay)) : Promise.resolve();
    this.running = wait.then(() => this.passes()).finally(() => {
      this.running = null;
      if (this.again) {
        this.again = false;
        this.kick();
      } else for (const w of this.idle.splice(0)) w();
    });
  }

  private async passes(): Promise<void> {
    if (!this.leader || !this.client) return;
    const c = this.client;
    const size = this.o.batchSize ?? 1000;
    try {
      for (;;) {
        await c.query('begin');
        try {
          const { rows: cp } = await c.query<{ position: string }>('select position from consumer_checkpoints where name = $1 for update', [this.o.name]);
          const from = cp[0]?.position ?? '0';
          const { rows } = await c.query<OutboxRow>(
            `select ${OUTBOX_COLUMNS} from outbox_events where position > $1 order by position limit ${size}`,
            [from],
          );
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
    } catch (e) {
      this.log(`consumer ${this.o.name}: a pass failed; it will be retried`, e);
    }
  }

  /** Resolves when the consumer has applied everything positioned so far (tests, benchmarks). */
  async drain(): Promise<void> {
    this.kick();
    if (this.running) await new Promise<void>((r) => this.idle.push(r));
    // a pass that was running may have missed the newest events: one more
    this.kick();
    if (this.running) await new Promise<void>((r) => this.idle.push(r));
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    await this.running;
    const c = this.client;
    this.client = null;
    await c?.end().catch(() => undefined);
  }
}
