import type { EventBus, BusMessage } from './bus';
import { OUTBOX_COLUMNS, streamEventOf } from './events';
import type { OutboxRow, StreamEvent } from './events';
import { badInput, DomainError, ErrorCode } from '../shared/errors';

/** Reads the outbox: a query function over the hub's database (positional $1 parameters). */
export type Sql = <T>(sql: string, params?: unknown[]) => Promise<T[]>;

export interface StreamOptions {
  sql: Sql;
  bus: EventBus;
  /** safety poll for a missed tail (ms) */
  pollMs?: number;
  log?: (m: string, e?: unknown) => void;
}

const PAGE = 500;

/**
 * The events as this hub process sees them: contiguous, in position order, with nothing lost.
 * It takes what the bus brings and, where the bus skipped something (a dropped connection, a
 * batch sent as a range), reads the gap from the outbox. Consumers (subscription groups,
 * live heatmaps, the rollups) get every event once, in order.
 */
export class EventStream {
  private last = 0n;
  private chain: Promise<void> = Promise.resolve();
  private readonly consumers: ((e: StreamEvent) => void)[] = [];
  private timer: NodeJS.Timeout | null = null;
  private readonly log: (m: string, e?: unknown) => void;

  constructor(private readonly o: StreamOptions) {
    this.log = o.log ?? (() => undefined);
  }

  /** The position of the last event delivered in this process. */
  get position(): string {
    return this.last.toString();
  }

  async start(): Promise<void> {
    const [{ max }] = await this.o.sql<{ max: string | null }>('select max(position) as max from outbox_events');
    this.last = BigInt(max ?? 0);
    this.o.bus.subscribe(
      (m) => this.enqueue(() => this.onMessage(m)),
      () => this.enqueue(() => this.catchUp()),
    );
    this.timer = setInterval(() => this.enqueue(() => this.catchUp()), this.o.pollMs ?? 1000);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.chain;
  }

  /** Every event, in order, once (e.g. fan-out to subscription groups). */
  onEvent(consumer: (e: StreamEvent) => void): void {
    this.consumers.push(consumer);
  }

  /** Resolves once every event up to `position` has been delivered here (tests, benchmarks). */
  async reached(position: string, timeoutMs = 5000): Promise<void> {
    const until = Date.now() + timeoutMs;
    while (this.last < BigInt(position)) {
      if (Date.now() > until) throw new Error(`stream did not reach ${position} (at ${this.last})`);
      this.enqueue(() => this.catchUp());
      await new Promise((r) => setTimeout(r, 10));
    }
  }

  private enqueue(work: () => Promise<void>): void {
    this.chain = this.chain.then(work).catch((e) => this.log('event stream: delivery failed; it will catch up', e));
  }

  private async onMessage(m: BusMessage): Promise<void> {
    if ('events' in m) {
      for (const e of m.events) {
        const p = BigInt(e.position);
        if (p <= this.last) continue;
        if (p > this.last + 1n) await this.fill(p - 1n);
        if (p === this.last + 1n) this.deliver(e, p);
      }
    } else {
      await this.fill(BigInt(m.to));
    }
  }

  /** Reads whatever was positioned but not delivered here (after a reconnect, or as a poll). */
  private async catchUp(): Promise<void> {
    const [{ max }] = await this.o.sql<{ max: string | null }>('select max(position) as max from outbox_events');
    if (max && BigInt(max) > this.last) await this.fill(BigInt(max));
  }

  private async fill(to: bigint): Promise<void> {
    while (this.last < to) {
      const rows = await this.o.sql<OutboxRow>(
        `select ${OUTBOX_COLUMNS} from outbox_events where position > $1 and position <= $2 order by position limit ${PAGE}`,
        [this.last.toString(), to.toString()],
      );
      if (!rows.length) {
        // pruned or never there: nothing to deliver below `to`
        this.last = to;
        return;
      }
      for (const r of rows) {
        const e = streamEventOf(r);
        this.deliver(e, BigInt(e.position));
      }
    }
  }

  private deliver(e: StreamEvent, p: bigint): void {
    this.last = p;
    for (const c of this.consumers) {
      try {
        c(e);
      } catch (err) {
        this.log('event consumer failed', err);
      }
    }
  }

  /**
   * Checks a resume point: an id beyond the newest event is unknown, one before the retention
   * window is expired — both refused before anything is sent.
   */
  async checkAfter(after: string): Promise<bigint> {
    if (!/^\d{1,19}$/.test(after)) throw badInput('after', `after must be an event id (a decimal number), not ${JSON.stringify(after)}`);
    const from = BigInt(after);
    const [{ max, min }] = await this.o.sql<{ max: string | null; min: string | null }>('select max(position) as max, min(position) as min from outbox_events');
    const newest = BigInt(max ?? 0);
    if (from > newest && from > this.last) throw badInput('after', `event ${after} is unknown: the newest event is ${newest}`);
    if (min && from < BigInt(min) - 1n) {
      throw new DomainError(ErrorCode.EVENT_EXPIRED, `event ${after} is older than the events kept (oldest ${min}); reload, then subscribe without after`, {
        field: 'after',
        oldest: min,
      });
    }
    return from;
  }
}
