import type { Client } from 'pg';
import type { EventBus } from './bus';
import { OUTBOX_COLUMNS, streamEventOf } from './events';
import { LeaderWorker } from './leader';
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
  /** the checkpointed consumers (by name): no event is pruned before each has applied it */
  consumers?: string[];
  batchSize?: number;
  /** lock retry and safety poll when no NOTIFY arrives (ms) */
  pollMs?: number;
  log?: (m: string, e?: unknown) => void;
}

/**
 * The outbox relay. One process at a time (a PostgreSQL advisory lock held on its own
 * connection) gives committed events their positions, in insert order, and publishes them on
 * the bus; the others wait to take over. Publication is at least once: the last published
 * position is kept in `outbox_relay`, and a new leader re-publishes from there.
 */
export class OutboxRelay extends LeaderWorker {
  private lastPrune = 0;
  private published: string | null = null;
  private checkpointedAt = 0;

  constructor(private readonly o: RelayOptions) {
    // a short gathering pause (GATHER_MS): under load, one pass positions many commits' events
    super({ databaseUrl: o.databaseUrl, lock: LEADER_LOCK, name: 'minsheng-relay', listen: OUTBOX_CHANNEL, pollMs: o.pollMs, delayMs: GATHER_MS, log: o.log });
  }

  protected override async onLead(c: Client): Promise<void> {
    await this.republishUnconfirmed(c);
    this.kick();
  }

  protected override async pass(c: Client): Promise<void> {
    for (;;) {
      const events = await this.assign(c);
      if (events.length) await this.publish(c, events);
      // a partial batch was everything visible; commits after it notify again
      if (events.length < (this.o.batchSize ?? 500)) break;
    }
    if (Date.now() - this.checkpointedAt >= 1000) await this.checkpoint(c);
    await this.prune(c);
  }

  protected override async onStop(c: Client): Promise<void> {
    await this.checkpoint(c);
  }

  /**
   * Positions the committed, not yet positioned events in id order, in one statement.
   * Uncommitted rows are invisible here and get later positions once they commit: positions
   * grow in the order events become visible, and events of one aggregate (serialised by its
   * row lock) keep their order.
   */
  private async assign(c: Client): Promise<StreamEvent[]> {
    const { rows } = await c.query<OutboxRow>(
      `with next as (
         select id from outbox_events where position is null order by id limit $1 for update
       ), base as (
         -- never below what was published before: positions only grow, even after a prune
         select greatest(coalesce(max(position), 0), coalesce((select published from outbox_relay where id = 1), 0)) as p from outbox_events
       ), numbered as (
         select next.id, base.p + row_number() over (order by next.id) as pos from next, base
       )
       update outbox_events o set position = numbered.pos from numbered where o.id = numbered.id
       returning ${OUTBOX_COLUMNS.split(', ').map((c) => `o.${c}`).join(', ')}`,
      [this.o.batchSize ?? 500],
    );
    return rows.map(streamEventOf).sort((a, b) => Number(BigInt(a.position) - BigInt(b.position)));
  }

  private async publish(c: Client, events: StreamEvent[]): Promise<void> {
    await this.o.bus.publish({ events });
    this.published = events[events.length - 1].position;
    // the checkpoint only bounds what a new leader re-publishes (consumers de-duplicate by
    // position), so it is written at most once a second, not per batch
    if (Date.now() - this.checkpointedAt >= 1000) await this.checkpoint(c);
  }

  private async checkpoint(c: Client): Promise<void> {
    if (!this.published) return;
    this.checkpointedAt = Date.now();
    await c.query(
      `insert into outbox_relay (id, published) values (1, $1) on conflict (id) do update set published = greatest(outbox_relay.published, excluded.published)`,
      [this.published],
    );
  }

  /** A new leader re-publishes what the previous one positioned but may not have published. */
  private async republishUnconfirmed(c: Client): Promise<void> {
    const { rows: cp } = await c.query<{ published: string }>('select published from outbox_relay where id = 1');
    let after = cp[0]?.published ?? '0';
    for (;;) {
      const { rows } = await c.query<OutboxRow>(`select ${OUTBOX_COLUMNS} from outbox_events where position > $1 order by position limit 500`, [after]);
      if (!rows.length) return;
      const events = rows.map(streamEventOf);
      await this.publish(c, events);
      after = events[events.length - 1].position;
    }
  }

  /**
   * Drops published events older than the retention window (at most once a minute): a prefix of
   * positions only — up to the first event still within the window, so a client resuming after
   * a kept position never finds a hole — never past an event a background consumer (heatmap
   * rollups, risk, duplicates) has not applied yet, and always keeping the newest positioned
   * one: the next positions are counted on from it, so they keep growing however long the
   * hotline was quiet.
   */
  private async prune(c: Client): Promise<void> {
    const now = Date.now();
    if (now - this.lastPrune < 60_000) return;
    this.lastPrune = now;
    await c.query(
      `delete from outbox_events where position is not null
          and position <= coalesce((select published from outbox_relay where id = 1), 0)
          and position < (select max(position) from outbox_events)
          and position <= coalesce((select min(coalesce(k.position, 0)) from unnest($2::text[]) as n(name) left join consumer_checkpoints k on k.name = n.name), position)
          and position < coalesce((select min(position) from outbox_events where position is not null and occurred_at >= now() - make_interval(secs => $1)), position + 1)`,
      [this.o.retentionMs / 1000, this.o.consumers ?? []],
    );
  }
}
