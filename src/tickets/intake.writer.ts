import type { EntityMetadata, MikroORM } from '@mikro-orm/postgresql';
import { OutboxEvent } from '../realtime/outbox.entity';
import type { Sql } from '../realtime/stream';
import { insertRows } from '../shared/insert';
import { TicketEvent } from './ticket-event.entity';
import { IntakeKey } from './intake-key.entity';
import { Ticket } from './ticket.entity';

/** What one intake writes: the ticket, its audit-log rows and its outbox events. */
export interface IntakeUnit {
  ticket: Ticket;
  events: TicketEvent[];
  outbox: OutboxEvent[];
  /** the caller's idempotency key, written with the ticket */
  key?: IntakeKey;
}

interface Waiting {
  unit: IntakeUnit;
  resolve: () => void;
  reject: (e: unknown) => void;
}

const MAX_BATCH = 100;
const NUMBER_BLOCK = 20;

/**
 * The intake hot path's writer. A new ticket, its events and its outbox rows go to the
 * database in ONE statement (data-modifying CTEs: atomic, no BEGIN/COMMIT round trips), and
 * intakes that arrive while a statement is in flight share the next one (group commit). If a
 * shared statement fails, each intake in it is retried alone, so one bad row fails only itself.
 * Ticket numbers come from the sequence in small blocks.
 */
export class IntakeWriter {
  private readonly queue: Waiting[] = [];
  private busy = false;
  private numbers: number[] = [];
  private refill: Promise<void> | null = null;
  private readonly meta: {
    ticket: EntityMetadata<Ticket>;
    event: EntityMetadata<TicketEvent>;
    outbox: EntityMetadata<OutboxEvent>;
    key: EntityMetadata<IntakeKey>;
  };

  constructor(
    orm: MikroORM,
    private readonly sql: Sql,
  ) {
    const m = orm.getMetadata();
    this.meta = { ticket: m.get(Ticket.name), event: m.get(TicketEvent.name), outbox: m.get(OutboxEvent.name), key: m.get(IntakeKey.name) };
  }

  /** The next ticket number from the sequence (blocks of 20: numbers stay unique across processes). */
  async nextNumber(): Promise<number> {
    while (!this.numbers.length) {
      this.refill ??= this.sql<{ n: string }>(`select nextval('ticket_number_seq') as n from generate_series(1, ${NUMBER_BLOCK})`)
        .then((rows) => void this.numbers.push(...rows.map((r) => Number(r.n)).sort((a, b) => a - b)))
        .finally(() => (this.refill = null));
      await this.refill;
    }
    return this.numbers.shift()!;
  }

  write(unit: IntakeUnit): Promise<void> {
    return new Promise((resolve, reject) => {
      this.queue.push({ unit, resolve, reject });
      if (!this.busy) void this.drain();
    });
  }

  private async drain(): Promise<void> {
    this.busy = true;
    try {
      while (this.queue.length) {
        const batch = this.queue.splice(0, MAX_BATCH);
        try {
          await this.insert(batch.map((w) => w.unit));
          for (const w of batch) w.resolve();
        } catch (e) {
          if (batch.length === 1) batch[0].reject(e);
          else {
            for (const w of batch) {
              try {
                await this.insert([w.unit]);
                w.resolve();
              } catch (err) {
                w.reject(err);
              }
            }
          }
        }
      }
    } finally {
      this.busy = false;
    }
  }

  private async insert(units: IntakeUnit[]): Promise<void> {
    const params: unknown[] = [];
    const tickets = insertRows(this.meta.ticket, units.map((u) => u.ticket), params);
    const events = insertRows(this.meta.event, units.flatMap((u) => u.events), params);
    const outbox = insertRows(this.meta.outbox, units.flatMap((u) => u.outbox), params);
    const keys = units.flatMap((u) => (u.key ? [u.key] : []));
    const k = keys.length ? `, k as (${insertRows(this.meta.key, keys, params)})` : '';
    await this.sql(`with t as (${tickets}), e as (${events}), o as (${outbox})${k} select 1`, params);
  }
}
