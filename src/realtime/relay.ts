import { Client } from 'pg';
import type { Notification } from 'pg';
import type { EventBus } from './bus';
import { OUTBOX_COLUMNS, streamEventOf } from './events';
import type { OutboxRow, StreamEvent } from './events';

/** The trigger on outbox_events notifies this channel when a transaction that wrote events commits. */
export const OUTBOX_CHANNEL = 'minsheng_outbox';
const LEADER_LOCK = 'minsheng.outbox.relay';
const GATHER_MS = 2;

export interface RelayOptions {
  databaseUrl: string;
  bus: EventBus;
  /** how long published events stay in the outbox for resuming clients */
  retentionMs: number;
  batchSize?: number;
  /** safety poll when no NOTIFY arrives (ms) */
  pollMs?: number;
  log?: (m: string, e?: unknown) => void;
}

/**
 * The outbox relay. One process at a time (a PostgreSQL advisory lock held on its own
 * connection) gives committed events their positions, in insert order, and publishes them on
 * the bus; the others wait to take over. Publication is at least once: the last published
 * position is kept in `outbox_relay`, and a new leader re-publishes from there.
 */
export class OutboxRelay {
  private client: Client | null = null;
  private leader = false;
  private stopped = false;
  private running: Promise<void> | null = null;
  private again = false;
  private timer: NodeJS.Timeout | null = null;
  private lastPrune = 0;
  private published: string | null = null;
  private checkpointedAt = 0;
  private readonly log: (m: string, e?: unknown) => void;
  /** resolves waiters of `drain()` (tests, shutdown) */
  private idleWaiters: (() => void)[] = [];

  constructor(private readonly o: RelayOptions) {
    this.log = o.log ?? (() => undefined);
  }

  get isLeader(): boolean {
    return this.leader;
  }

  async start(): Promise<void> {
    await this.connect();
    this.timer = setInterval(() => void this.tick(), this.o.pollMs ?? 1000);
    this.timer.unref();
  }

  private async connect(): Promise<void> {
    const c = new Client({ connectionString: this.o.databaseUrl, application_name: 'minsheng-relay' });
    c.on('error', (e) => this.log('outbox relay connection error', e));
    c.on('notification', (n: Notification) => {
      if (n.channel === OUTBOX_CHANNEL) this.kick();
    });
    c.on('end', () => {
      if (this.client !== c) return;
      this.client = null;
      this.leader = false;
    });
    await c.connect();
    await c.query(`listen ${OUTBOX_CHANNEL}`);
    this.client = c;
    await this.tryLead();
  }

  private async tryLead(): Promise<void> {
    if (!this.client || this.leader) return;
    const { rows } = await this.client.query<{ ok: boolean }>('select pg_try_advisory_lock(hashtext($1)) as ok', [LEADER_LOCK]);
    this.leader = rows[0].ok;
    if (this.leader) {
      await this.republishUnconfirmed();
      this.kick();
    }
  }

  /** Runs a relay pass now (or right after the current one). */
  kick(): void {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = this.loop().finally(() => {
      this.running = null;
      if (this.again) {
        this.again = false;
        this.kick();
      } else {
        for (const w of this.idleWaiters.splice(0)) w();
      }
    });
  }

  private async tick(): Promise<void> {
    try {
      if (!this.client) await this.connect();
      else if (!this.leader) await this.tryLead();
      this.kick();
    } catch (e) {
      this.log('outbox relay: cannot reach the database; retrying', e);
    }
  }

  private async loop(): Promise<void> {
    if (!this.leader || !this.client) return;
    try {
      // a short gathering pause: under load, one pass positions many commits' events
      await new Promise((r) => setTimeout(r, GATHER_MS));
      for (;;) {
        const events = await this.assign();
        if (events.length) await this.publish(events);
        // a partial batch was everything visible; commits after it notify again
        if (events.length < (this.o.batchSize ?? 500)) break;
      }
      if (Date.now() - this.checkpointedAt >= 1000) await this.checkpoint();
      await this.prune();
    } catch (e) {
      this.log('outbox relay pass failed; it will be retried', e);
    }
  }

  /**
   * Positions the committed, not yet positioned events in id order, in one statement.
   * Uncommitted rows are invisible here and get later positions once they commit: positions
   * grow in the order events become visible, and events of one aggregate (serialised by its
   * row lock) keep their order.
   */
  private async assign(): Promise<StreamEvent[]> {
    const { rows } = await this.client!.query<OutboxRow>(
      `with next as (
         select id from outbox_events where position is null order by id limit $1 for update
       ), base as (
         select coalesce(max(position), 0) as p from outbox_events
       ), numbered as (
         select next.id, base.p + row_number() over (order by next.id) as pos from next, base
       )
       update outbox_events o set position = numbered.pos from numbered where o.id = numbered.id
       returning ${OUTBOX_COLUMNS.split(', ').map((c) => `o.${c}`).join(', ')}`,
      [this.o.batchSize ?? 500],
    );
    return rows.map(streamEventOf).sort((a, b) => Number(BigInt(a.position) - BigInt(b.position)));
  }

  private async publish(events: StreamEvent[]): Promise<void> {
    await this.o.bus.publish({ events });
    this.published = events[events.length - 1].position;
    // the checkpoint only bounds what a new leader re-publishes (consumers de-duplicate by
    // position), so it is written at most once a second, not per batch
    if (Date.now() - this.checkpointedAt >= 1000) await this.checkpoint();
  }

  private async checkpoint(): Promise<void> {
    if (!this.published || !this.client) return;
    this.checkpointedAt = Date.now();
    await this.client.query(
      `insert into outbox_relay (id, published) values (1, $1) on conflict (id) do update set published = greatest(outbox_relay.published, excluded.published)`,
      [this.published],
    );
  }

  /** A new leader re-publishes what the previous one positioned but may not have published. */
  private async republishUnconfirmed(): Promise<void> {
    for (;;) {
      const { rows } = await this.client!.query<OutboxRow>(
        `select ${OUTBOX_COLUMNS} from outbox_events
          where position > coalesce((select published from outbox_relay where id = 1), 0)
          order by position limit 500`,
      );
      if (!rows.length) return;
      await this.publish(rows.map(streamEventOf));
    }
  }

  /** Drops events older than the retention window (at most once a minute). */
  private async prune(): Promise<void> {
    const now = Date.now();
    if (now - this.lastPrune < 60_000) return;
    this.lastPrune = now;
    await this.client!.query(
      `delete from outbox_events where position is not null
          and position <= coalesce((select published from outbox_relay where id = 1), 0)
          and occurred_at < now() - make_interval(secs => $1)`,
      [this.o.retentionMs / 1000],
    );
  }

  /** Resolves when no relay pass is running (tests, shutdown). */
  async drain(): Promise<void> {
    if (!this.running) return;
    await new Promise<void>((r) => this.idleWaiters.push(r));
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    await this.running;
    await this.checkpoint().catch(() => undefined);
    const c = this.client;
    this.client = null;
    this.leader = false;
    await c?.end().catch(() => undefined);
  }
}
