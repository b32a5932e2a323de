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

export interface OpenOptions {
  /** resume: every event after this position first (from the outbox), then live ones */
  after?: string | null;
  accept: (e: StreamEvent) => boolean;
  /** events a subscriber may fall behind before it is cut off */
  limit: number;
  /** called once when the subscriber fell too far behind (its iterator then ends) */
  onOverflow?: () => void;
}

const PAGE = 500;

/**
 * The events as this hub process sees them: contiguous, in position order, with nothing lost.
 * It takes what the bus brings and, where the bus skipped something (a dropped connection, a
 * batch sent as a range), reads the gap from the outbox. Subscribers get an async iterator
 * that first replays from the outbox (resume) and then follows live events.
 */
export class EventStream {
  private last = 0n;
  private chain: Promise<void> = Promise.resolve();
  private readonly subscribers = new Set<Subscriber>();
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
    for (const s of this.subscribers) s.end();
    this.subscribers.clear();
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
    for (const s of this.subscribers) s.push(e);
  }

  /**
   * A subscriber's iterator. With `after`, it replays from the outbox first; an `after` beyond
   * the newest event is unknown, one before the retention window is expired — both refused
   * before anything is sent.
   */
  async open(o: OpenOptions): Promise<AsyncIterableIterator<StreamEvent>> {
    let from = this.last;
    if (o.after != null) {
      if (!/^\d{1,19}$/.test(o.after)) throw badInput('after', `after must be an event id (a decimal number), not ${JSON.stringify(o.after)}`);
      from = BigInt(o.after);
      const [{ max, min }] = await this.o.sql<{ max: string | null; min: string | null }>(
        'select max(position) as max, min(position) as min from outbox_events',
      );
      const newest = BigInt(max ?? 0);
      if (from > newest && from > this.last) throw badInput('after', `event ${o.after} is unknown: the newest event is ${newest}`);
      if (min && from < BigInt(min) - 1n) {
        throw new DomainError(ErrorCode.EVENT_EXPIRED, `event ${o.after} is older than the events kept (oldest ${min}); reload, then subscribe without after`, {
          field: 'after',
          oldest: min,
        });
      }
    }
    const sub = new Subscriber(o, from, () => this.subscribers.delete(sub));
    this.subscribers.add(sub);
    if (from < this.last) void this.replay(sub, from, this.last);
    else sub.live();
    return sub;
  }

  private async replay(sub: Subscriber, from: bigint, to: bigint): Promise<void> {
    try {
      let cursor = from;
      while (cursor < to && !sub.done) {
        const rows = await this.o.sql<OutboxRow>(
          `select ${OUTBOX_COLUMNS} from outbox_events where position > $1 and position <= $2 order by position limit ${PAGE}`,
          [cursor.toString(), to.toString()],
        );
        if (!rows.length) break;
        for (const r of rows) sub.replayed(streamEventOf(r));
        cursor = BigInt(rows[rows.length - 1].position);
      }
      sub.live();
    } catch (e) {
      sub.fail(e instanceof Error ? e : new Error(String(e)));
    }
  }
}

/** One subscription: replayed events, then live ones, filtered, with a bounded buffer. */
class Subscriber implements AsyncIterableIterator<StreamEvent> {
  done = false;
  private readonly queue: StreamEvent[] = [];
  /** live events that arrived during the replay */
  private pending: StreamEvent[] | null = [];
  private cursor: bigint;
  private waiter: ((r: IteratorResult<StreamEvent>) => void) | null = null;
  private failure: Error | null = null;

  constructor(
    private readonly o: OpenOptions,
    from: bigint,
    private readonly detach: () => void,
  ) {
    this.cursor = from;
  }

  /** A live event from the stream. */
  push(e: StreamEvent): void {
    if (this.done) return;
    if (this.pending) {
      this.pending.push(e);
      if (this.pending.length > this.o.limit * 4) this.overflow();
      return;
    }
    this.offer(e);
  }

  replayed(e: StreamEvent): void {
    this.offer(e);
  }

  /** Replay is over: what arrived meanwhile follows, without repeats. */
  live(): void {
    const pending = this.pending ?? [];
    this.pending = null;
    for (const e of pending) this.offer(e);
  }

  private offer(e: StreamEvent): void {
    const p = BigInt(e.position);
    if (p <= this.cursor || this.done) return;
    this.cursor = p;
    if (!this.o.accept(e)) return;
    if (this.waiter) {
      const w = this.waiter;
      this.waiter = null;
      w({ value: e, done: false });
      return;
    }
    this.queue.push(e);
    if (this.queue.length > this.o.limit) this.overflow();
  }

  private overflow(): void {
    this.o.onOverflow?.();
    this.fail(new DomainError(ErrorCode.CONFLICT, 'subscriber fell too far behind; resume with after: <last event id received>', { reason: 'SLOW_CONSUMER' }));
  }

  fail(e: Error): void {
    if (this.done) return;
    this.failure = e;
    this.queue.length = 0;
    this.end();
  }

  end(): void {
    if (this.done) return;
    this.done = true;
    this.detach();
    const w = this.waiter;
    this.waiter = null;
    w?.({ value: undefined, done: true });
  }

  next(): Promise<IteratorResult<StreamEvent>> {
    const e = this.queue.shift();
    if (e) return Promise.resolve({ value: e, done: false });
    if (this.failure && !this.o.onOverflow) {
      const f = this.failure;
      this.failure = null;
      return Promise.reject(f);
    }
    if (this.done) return Promise.resolve({ value: undefined, done: true });
    return new Promise((resolve) => (this.waiter = resolve));
  }

  return(): Promise<IteratorResult<StreamEvent>> {
    this.end();
    return Promise.resolve({ value: undefined, done: true });
  }

  throw(e?: unknown): Promise<IteratorResult<StreamEvent>> {
    this.end();
    return Promise.reject(e);
  }

  [Symbol.asyncIterator](): AsyncIterableIterator<StreamEvent> {
    return this;
  }
}
