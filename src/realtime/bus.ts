import { Client } from 'pg';
import type { Notification } from 'pg';
import Redis from 'ioredis';
import type { StreamEvent } from './events';

/**
 * What travels on the bus: committed events in position order, or — when a batch is too large
 * for the transport — the range of positions to read from the outbox.
 */
export type BusMessage = { events: StreamEvent[] } | { from: string; to: string };

export type BusKind = 'memory' | 'postgres' | 'redis';

/**
 * The event bus: one interface, three adapters. It carries what the relay publishes to every
 * hub process; it is not the source of truth (the outbox is), so a message lost while a
 * connection was down is recovered by the stream from the outbox.
 */
export interface EventBus {
  readonly kind: BusKind;
  start(): Promise<void>;
  publish(message: BusMessage): Promise<void>;
  /** `onMessage` gets every message; `onReconnect` fires after a dropped connection came back. */
  subscribe(onMessage: (m: BusMessage) => void, onReconnect: () => void): void;
  stop(): Promise<void>;
}

type Handlers = { onMessage: (m: BusMessage) => void; onReconnect: () => void };

/** One process: a direct call, asynchronously. */
export class MemoryBus implements EventBus {
  readonly kind = 'memory' as const;
  private handlers: Handlers[] = [];
  async start(): Promise<void> {}
  async publish(message: BusMessage): Promise<void> {
    for (const h of this.handlers) queueMicrotask(() => h.onMessage(message));
  }
  subscribe(onMessage: (m: BusMessage) => void, onReconnect: () => void): void {
    this.handlers.push({ onMessage, onReconnect });
  }
  async stop(): Promise<void> {
    this.handlers = [];
  }
}

/** NOTIFY payloads must stay under 8000 bytes; larger batches travel as a range (see `encode`). */
const NOTIFY_LIMIT = 7500;
export const EVENTS_CHANNEL = 'minsheng_events';

export function encode(message: BusMessage, limit: number): string {
  const full = JSON.stringify(message);
  // the limit is in bytes: Chinese text takes three a character
  if (Buffer.byteLength(full, 'utf8') <= limit || !('events' in message) || !message.events.length) return full;
  const ev = message.events;
  return JSON.stringify({ from: ev[0].position, to: ev[ev.length - 1].position });
}

function decode(text: string): BusMessage | null {
  try {
    return JSON.parse(text) as BusMessage;
  } catch {
    return null;
  }
}

/**
 * Several hub processes, one database: LISTEN/NOTIFY on a dedicated connection, reconnected
 * with back-off when it drops.
 */
export class PostgresBus implements EventBus {
  readonly kind = 'postgres' as const;
  private listener: Client | null = null;
  private publisher: Client | null = null;
  private handlers: Handlers[] = [];
  private stopped = false;
  private reconnecting = false;

  constructor(
    private readonly url: string,
    private readonly log: (m: string, e?: unknown) => void = () => undefined,
  ) {}

  async start(): Promise<void> {
    this.listener = await this.connectListener();
  }

  private async connectListener(): Promise<Client> {
    const c = new Client({ connectionString: this.url, application_name: 'minsheng-bus' });
    await c.connect();
    c.on('notification', (n: Notification) => {
      if (n.channel !== EVENTS_CHANNEL || !n.payload) return;
      const m = decode(n.payload);
      if (m) for (const h of this.handlers) h.onMessage(m);
    });
    c.on('error', (e) => this.log('event bus (postgres) connection error', e));
    c.on('end', () => void this.reconnect());
    await c.query(`listen ${EVENTS_CHANNEL}`);
    return c;
  }

  private async reconnect(): Promise<void> {
    if (this.stopped || this.reconnecting) return;
    this.reconnecting = true;
    this.listener = null;
    for (let delay = 100; !this.stopped; delay = Math.min(delay * 2, 5000)) {
      try {
        this.listener = await this.connectListener();
        this.reconnecting = false;
        for (const h of this.handlers) h.onReconnect();
        return;
      } catch (e) {
        this.log(`event bus (postgres) reconnect failed; retrying in ${delay} ms`, e);
        await new Promise((r) => setTimeout(r, delay));
      }
    }
  }

  async publish(message: BusMessage): Promise<void> {
    if (!this.publisher) {
      const c = new Client({ connectionString: this.url, application_name: 'minsheng-bus-publisher' });
      c.on('error', () => undefined);
      c.on('end', () => {
        if (this.publisher === c) this.publisher = null;
      });
      await c.connect();
      this.publisher = c;
    }
    await this.publisher.query('select pg_notify($1, $2)', [EVENTS_CHANNEL, encode(message, NOTIFY_LIMIT)]);
  }

  subscribe(onMessage: (m: BusMessage) => void, onReconnect: () => void): void {
    this.handlers.push({ onMessage, onReconnect });
  }

  async stop(): Promise<void> {
    this.stopped = true;
    const cs = [this.listener, this.publisher].filter((c): c is Client => !!c);
    this.listener = this.publisher = null;
    await Promise.all(cs.map((c) => c.end().catch(() => undefined)));
  }
}

/** Several hub processes with Redis pub/sub: one connection publishes, one subscribes. */
export class RedisBus implements EventBus {
  readonly kind = 'redis' as const;
  private pub: Redis | null = null;
  private sub: Redis | null = null;
  private handlers: Handlers[] = [];
  /** Redis was unreachable at the last publication (said once per outage) */
  private away = false;

  constructor(
    private readonly url: string,
    private readonly channel = 'minsheng:events',
    private readonly log: (m: string, e?: unknown) => void = () => undefined,
  ) {}

  async start(): Promise<void> {
    const options = { lazyConnect: true, maxRetriesPerRequest: 3, enableOfflineQueue: true };
    // the publisher never waits for Redis to come back: the relay would hold its batch (and the
    // positions of every event committed meanwhile) through the reconnection's back-off, and
    // every hub's live delivery would fall behind by seconds. Unpublished, an event is still read
    // from the outbox by every hub's poll within a second.
    this.pub = new Redis(this.url, { lazyConnect: true, maxRetriesPerRequest: 0, enableOfflineQueue: false });
    this.sub = new Redis(this.url, options);
    this.pub.on('error', (e) => this.log('event bus (redis) publisher error', e));
    this.sub.on('error', (e) => this.log('event bus (redis) subscriber error', e));
    await Promise.all([this.pub.connect(), this.sub.connect()]);
    this.sub.on('message', (channel: string, text: string) => {
      if (channel !== this.channel) return;
      const m = decode(text);
      if (m) for (const h of this.handlers) h.onMessage(m);
    });
    await this.sub.subscribe(this.channel);
    // ioredis reconnects and re-subscribes by itself; then the stream backfills what it missed
    this.sub.on('ready', () => {
      for (const h of this.handlers) h.onReconnect();
    });
  }

  async publish(message: BusMessage): Promise<void> {
    const pub = this.pub!;
    if (pub.status !== 'ready') {
      if (!this.away) this.log('event bus (redis) unreachable: every hub reads new events from the outbox each second until it is back');
      this.away = true;
      return;
    }
    this.away = false;
    await pub.publish(this.channel, JSON.stringify(message));
  }

  subscribe(onMessage: (m: BusMessage) => void, onReconnect: () => void): void {
    this.handlers.push({ onMessage, onReconnect });
  }

  async stop(): Promise<void> {
    const cs = [this.pub, this.sub].filter((c): c is Redis => !!c);
    this.pub = this.sub = null;
    await Promise.all(cs.map((c) => c.quit().catch(() => c.disconnect())));
  }
}

/**
 * What names one database on a shared Redis (the event channel, the rate-limit keys): the
 * PostgreSQL cluster's system identifier (set by initdb; a streaming replica shares it) and the
 * database's oid — the same however its URL is spelt (`127.0.0.1:5432` or `localhost`, with or
 * without the port), different for two databases that happen to be spelt alike (two
 * deployments' `db:5432/minsheng` on one Redis). Where the server does not tell its identifier,
 * the URL's host and database name (and a warning).
 */
export async function databaseKey(databaseUrl: string, log: (m: string, e?: unknown) => void = () => undefined): Promise<string> {
  const c = new Client({ connectionString: databaseUrl, application_name: 'minsheng-identity' });
  // (a database that cannot be reached stops the start, as it would anyway: only a server that
  // will not tell its identity falls back to the URL, never a passing connection failure)
  await c.connect();
  try {
    const { rows } = await c.query<{ system: string; db: string }>(
      'select s.system_identifier::text as system, d.oid::text as db from pg_control_system() s, pg_database d where d.datname = current_database()',
    );
    return `${rows[0].system}:${rows[0].db}`;
  } catch (e) {
    const db = new URL(databaseUrl);
    log(`the database's identity is unknown (pg_control_system); hubs sharing Redis are told apart by DATABASE_URL as written (${db.host}${db.pathname}): spell it the same in every hub`, e);
    return `${db.host}${db.pathname}`;
  } finally {
    await c.end().catch(() => undefined);
  }
}

/** @param urls.databaseKey {@link databaseKey} of the database (for `redis`) */
export function createBus(kind: BusKind, urls: { databaseUrl: string; redisUrl?: string; databaseKey?: string }, log?: (m: string, e?: unknown) => void): EventBus {
  if (kind === 'postgres') return new PostgresBus(urls.databaseUrl, log);
  if (kind === 'redis') {
    if (!urls.redisUrl) throw new Error('EVENT_BUS=redis needs REDIS_URL');
    if (!urls.databaseKey) throw new Error('EVENT_BUS=redis needs the database key');
    // one channel per database, so hubs of different databases can share one Redis
    return new RedisBus(urls.redisUrl, `minsheng:events:${urls.databaseKey}`, log);
  }
  return new MemoryBus();
}
