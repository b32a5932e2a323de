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
/** statements in flight at once (each on its own connection): give the writer a pool this size */
export const INTAKE_STATEMENTS_IN_FLIGHT = 3;

/**
 * The intake hot path's writer. A new ticket, its events and its outbox rows go to the
 * database in ONE statement (data-modifying CTEs: atomic, no BEGIN/COMMIT round trips). Up to
 * `INTAKE_STATEMENTS_IN_FLIGHT` statements run at once; intakes that arrive while all of them
 * are busy share the next one (group commit). A ticket thus waits for at most one statement
 * ahead of its own, however busy the hotline, and a slow commit does not hold up the others.
 * If a shared statement fails, each intake in it is retried alone, so one bad row fails only
 * itself. Ticket numbers come from the sequence in small blocks. Each intake's rows are in one
 * statement, so the order of one ticket's events holds; the relay orders the outbox by commit.
 */
export class IntakeWriter {
  private readonly queue: Waiting[] = [];
  private inFlight = 0;
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
    private readonly maxInFlight = INTAKE_STATEMENTS_IN_FLIGHT,
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
      this.pump();
    });
  }

  /** Starts statements while there is work and a free slot. */
  private pump(): void {
    while (this.inFlight < this.maxInFlight && this.queue.length) {
      const batch = this.queue.splice(0, MAX_BATCH);
      this.inFlight++;
      void this.flush(batch).finally(() => {
        this.inFlight--;
        this.pump();
      });
    }
  }

  private async flush(batch: Waiting[]): Promise<void> {
    try {
      await this.insert(batch.map((w) => w.unit));
      for (const w of batch) w.resolve();
    } catch (e) {
      if (batch.length === 1) return batch[0].reject(e);
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
