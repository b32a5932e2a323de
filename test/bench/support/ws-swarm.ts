/**
 * A light load client for subscription fan-out benchmarks: thousands of graphql-ws subscribers
 * ("graphql-transport-ws" subprotocol, see node_modules/graphql-ws/PROTOCOL.md) over raw `ws`
 * sockets, without the graphql-ws client (too heavy per socket).
 *
 *   const swarm = new Swarm({ url, subscribers: 10_000, query, latencyField: ['data', 'heatmap', 'sentAt'] });
 *   await swarm.start();   // every socket acknowledged and its subscriptions sent (or closed)
 *   swarm.resetStats();    // after a warm-up
 *   ...publish...
 *   console.log(swarm.report());
 *   await swarm.stop();
 *
 * Run it off the hub's event loop: `forkSwarm(opts, workers)` splits the subscribers across child
 * processes (dist/test/bench/support/ws-swarm-worker.js, so `npm run build` first) and merges
 * their reports; latency histograms are merged bucket by bucket, not by averaging percentiles.
 *
 * Per socket the swarm keeps the `ws` object (with two extra fields) and a few bytes in typed
 * arrays; listeners are shared functions, so no closure is allocated per socket or per message.
 * A `next` message is parsed (once) only when it is sampled for latency; the others are counted
 * from the first bytes of the frame (`{"id":"<n>","type":"next"`, the order graphql-ws writes).
 */
import { fork } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import WebSocket from 'ws';

export type Variables = Record<string, unknown>;

export interface SwarmOptions {
  /** ws:// URL of the GraphQL endpoint. */
  url: string;
  /** Payload of `connection_init`. */
  connectionParams?: Record<string, unknown>;
  /** Number of sockets. Each carries `subscriptionsPerSocket` subscriptions. */
  subscribers: number;
  /** The subscription document. */
  query: string;
  /**
   * Variables of every subscription: one object for all, a list used round-robin, or a function
   * of the subscription's global index `i` (socket index × subscriptionsPerSocket + k).
   */
  variables?: Variables | Variables[] | ((i: number) => Variables);
  /** New sockets per second (default 2000). */
  connectRate?: number;
  /** At most this many sockets between "connecting" and "subscribed" at once (default 1000). */
  maxPending?: number;
  /** Subscriptions per socket, with ids '0', '1', … (default 1). */
  subscriptionsPerSocket?: number;
  /**
   * Latency of a `next` message in ms, from its payload (an ExecutionResult) and its arrival
   * time (epoch ms, sub-millisecond). Return undefined to skip the message.
   */
  latencyOf?: (payload: any, receivedAt: number) => number | undefined; // eslint-disable-line @typescript-eslint/no-explicit-any
  /**
   * Declarative alternative to `latencyOf` (the only one that crosses IPC): the path, inside the
   * `next` payload, of the send time as epoch ms (number or numeric string) or an ISO string.
   */
  latencyField?: string[];
  /** Parse and measure one `next` message in N (default 1: all); the others are only counted. */
  sampleEvery?: number;
  /** Timeout of the HTTP upgrade in ms (default 30000). */
  handshakeTimeout?: number;
  /** Global index of this swarm's first socket (forkSwarm sets it for each worker). */
  firstIndex?: number;
}

export interface LatencySummary {
  p50: number;
  p90: number;
  p99: number;
  max: number;
  count: number;
  min: number;
  mean: number;
}

export interface SwarmReport {
  /** Sockets open now. */
  connected: number;
  /** Sockets open now whose connection_init was acknowledged. */
  acked: number;
  /** Subscriptions active now: sent, neither completed nor failed, on an open socket. */
  subscribed: number;
  /** `next` messages received. */
  messages: number;
  /** `error` messages, `next` payloads with `errors`, socket errors and protocol violations. */
  errors: number;
  /** Closes not asked for by stop(), by close code (1006: dropped or never opened). */
  closes: Record<string, number>;
  /** Latency of the measured `next` messages, ms. All zero while count is 0. */
  latency: LatencySummary;
  /** `complete` messages received (the server ended a subscription). */
  completed: number;
  /** Fewest and most `next` messages received by one subscription. */
  perSubscription: { min: number; max: number };
  /** The last error seen, for diagnosis. */
  lastError?: string;
}

/** What a worker sends back: the report's counters plus the histogram, so reports merge exactly. */
export interface SwarmSnapshot extends Omit<SwarmReport, 'latency'> {
  histogram: HistogramSnapshot;
}

// ---------------------------------------------------------------------------------------------
// Latency histogram: log-linear buckets over integer microseconds (128 exact buckets below 128 µs,
// then 64 per power of two: ≤ 0.8 % error at the bucket midpoint), 1728 buckets up to ~71 min.

const SUB_BITS = 7;
const SUB = 1 << SUB_BITS;
const HALF = SUB >> 1;
const BUCKETS = SUB + (32 - SUB_BITS) * HALF;
const MAX_US = 0xffffffff;

function bucketOf(us: number): number {
  if (us < SUB) return us;
  const shift = 31 - Math.clz32(us) - (SUB_BITS - 1);
  return SUB + (shift - 1) * HALF + ((us >>> shift) - HALF);
}

/** Midpoint of a bucket, in µs. */
function bucketMid(b: number): number {
  if (b < SUB) return b;
  const shift = Math.floor((b - SUB) / HALF) + 1;
  const m = ((b - SUB) % HALF) + HALF;
  return m * 2 ** shift + (2 ** shift - 1) / 2;
}

export interface HistogramSnapshot {
  /** Flat [bucket, count, bucket, count, …] of the non-empty buckets. */
  buckets: number[];
  count: number;
  sum: number;
  min: number;
  max: number;
}

export class LatencyHistogram {
  private counts = new Float64Array(BUCKETS);
  count = 0;
  sum = 0;
  min = Infinity;
  max = 0;

  /** Records a latency in ms; negative values count as 0, NaN is ignored. */
  record(ms: number): void {
    if (Number.isNaN(ms)) return;
    if (ms < 0) ms = 0;
    const us = Math.min(Math.round(ms * 1000), MAX_US);
    this.counts[bucketOf(us)]++;
    this.count++;
    this.sum += ms;
    if (ms < this.min) this.min = ms;
    if (ms > this.max) this.max = ms;
  }

  reset(): void {
    this.counts.fill(0);
    this.count = 0;
    this.sum = 0;
    this.min = Infinity;
    this.max = 0;
  }

  /** The value (ms) at percentile p (0–100]; 0 when empty. */
  percentile(p: number): number {
    if (this.count === 0) return 0;
    const rank = Math.max(1, Math.ceil((p / 100) * this.count));
    let seen = 0;
    for (let b = 0; b < BUCKETS; b++) {
      seen += this.counts[b];
      if (seen >= rank) return Math.min(Math.max(bucketMid(b) / 1000, this.min), this.max);
    }
    return this.max;
  }

  summary(): LatencySummary {
    const empty = this.count === 0;
    return {
      p50: this.percentile(50),
      p90: this.percentile(90),
      p99: this.percentile(99),
      max: this.max,
      count: this.count,
      min: empty ? 0 : this.min,
      mean: empty ? 0 : this.sum / this.count,
    };
  }

  snapshot(): HistogramSnapshot {
    const buckets: number[] = [];
    for (let b = 0; b < BUCKETS; b++) if (this.counts[b] !== 0) buckets.push(b, this.counts[b]);
    return { buckets, count: this.count, sum: this.sum, min: this.min === Infinity ? 0 : this.min, max: this.max };
  }

  /** Adds another histogram's snapshot (exact: counts add up bucket by bucket). */
  merge(s: HistogramSnapshot): void {
    if (s.count === 0) return;
    for (let j = 0; j < s.buckets.length; j += 2) this.counts[s.buckets[j]] += s.buckets[j + 1];
    this.count += s.count;
    this.sum += s.sum;
    if (s.min < this.min) this.min = s.min;
    if (s.max > this.max) this.max = s.max;
  }
}

/** Merges worker snapshots into one report. */
export function mergeSnapshots(snapshots: SwarmSnapshot[]): SwarmReport {
  const hist = new LatencyHistogram();
  const closes: Record<string, number> = {};
  const r: SwarmReport = {
    connected: 0,
    acked: 0,
    subscribed: 0,
    messages: 0,
    errors: 0,
    closes,
    latency: hist.summary(),
    completed: 0,
    perSubscription: { min: snapshots.length ? Infinity : 0, max: 0 },
  };
  for (const s of snapshots) {
    r.connected += s.connected;
    r.acked += s.acked;
    r.subscribed += s.subscribed;
    r.messages += s.messages;
    r.errors += s.errors;
    r.completed += s.completed;
    r.perSubscription.min = Math.min(r.perSubscription.min, s.perSubscription.min);
    r.perSubscription.max = Math.max(r.perSubscription.max, s.perSubscription.max);
    for (const [code, n] of Object.entries(s.closes)) closes[code] = (closes[code] ?? 0) + n;
    if (s.lastError !== undefined) r.lastError = s.lastError;
    hist.merge(s.histogram);
  }
  r.latency = hist.summary();
  return r;
}

// ---------------------------------------------------------------------------------------------
// The swarm

const PROTOCOL = 'graphql-transport-ws';
const PONG = '{"type":"pong"}';

// socket states (0: not opened yet)
const CONNECTING = 1;
const OPEN = 2; // connection_init sent
const READY = 3; // acknowledged, subscriptions sent
const CLOSED = 4;

// `{"id":"<digits>","type":"next"` — what graphql-ws writes first in a next message
const ID_HEAD = Buffer.from('{"id":"');
const NEXT_TAIL = Buffer.from('","type":"next"');
const ERRORS_KEY = Buffer.from('"errors":');

/**
 * The subscription id of a `next` frame read from its first bytes, or -1 when the frame does not
 * have that shape (or may carry errors) and must be parsed.
 */
function nextIdOf(buf: Buffer): number {
  if (buf.length < ID_HEAD.length + 1 + NEXT_TAIL.length) return -1;
  for (let p = 0; p < ID_HEAD.length; p++) if (buf[p] !== ID_HEAD[p]) return -1;
  let p = ID_HEAD.length;
  let id = 0;
  while (p < buf.length && p - ID_HEAD.length < 9) {
    const c = buf[p];
    if (c < 48 || c > 57) break;
    id = id * 10 + (c - 48);
    p++;
  }
  if (p === ID_HEAD.length) return -1;
  for (let q = 0; q < NEXT_TAIL.length; q++) if (buf[p + q] !== NEXT_TAIL[q]) return -1;
  if (buf.indexOf(ERRORS_KEY, p + NEXT_TAIL.length) !== -1) return -1;
  return id;
}

/** A latency extractor from a path to a send time (epoch ms, numeric string or ISO string). */
export function latencyFromField(field: string[]): (payload: unknown, receivedAt: number) => number | undefined {
  return (payload, receivedAt) => {
    let v: unknown = payload;
    for (const key of field) {
      if (v === null || typeof v !== 'object') return undefined;
      v = (v as Record<string, unknown>)[key];
    }
    let sent: number;
    if (typeof v === 'number') sent = v;
    else if (typeof v === 'string') sent = /^\d+(\.\d+)?$/.test(v) ? Number(v) : Date.parse(v);
    else return undefined;
    return Number.isFinite(sent) ? receivedAt - sent : undefined;
  };
}

class SwarmSocket extends WebSocket {
  declare swarm: Swarm;
  /** Local index of the socket in its swarm. */
  declare i: number;
}

interface ParsedMessage {
  type?: unknown;
  id?: unknown;
  payload?: unknown;
}

function errorText(e: unknown): string {
  return e instanceof Error ? e.message : typeof e === 'string' ? e : JSON.stringify(e);
}

export class Swarm {
  private readonly n: number;
  private readonly perSocket: number;
  private readonly rate: number;
  private readonly maxPending: number;
  private readonly sampleEvery: number;
  private readonly firstIndex: number;
  private readonly latency?: (payload: unknown, receivedAt: number) => number | undefined;
  private readonly initMessage: string;
  /** `","type":"subscribe","payload":{…}}` when the variables are the same for all. */
  private readonly sharedSubscribeTail?: string;

  private readonly sockets: (SwarmSocket | undefined)[];
  private readonly state: Uint8Array;
  private readonly subActive: Uint8Array;
  private readonly subMessages: Uint32Array;
  private readonly hist = new LatencyHistogram();

  private connected = 0;
  private acked = 0;
  private subscribed = 0;
  private messages = 0;
  private errors = 0;
  private completed = 0;
  private closes: Record<string, number> = {};
  private lastError?: string;

  private opened = 0;
  private pending = 0;
  private live = 0;
  private settled = 0;
  private seq = 0;
  private t0 = 0;
  private timer?: NodeJS.Timeout;
  private stopping = false;
  private stopped?: Promise<void>;
  private started?: Promise<void>;
  private onStarted?: () => void;
  private onAllClosed?: () => void;

  constructor(private readonly opts: SwarmOptions) {
    this.n = Math.max(0, Math.floor(opts.subscribers));
    this.perSocket = Math.max(1, Math.floor(opts.subscriptionsPerSocket ?? 1));
    this.rate = opts.connectRate ?? 2000;
    this.maxPending = Math.max(1, opts.maxPending ?? 1000);
    this.sampleEvery = Math.max(1, Math.floor(opts.sampleEvery ?? 1));
    this.firstIndex = opts.firstIndex ?? 0;
    this.latency = opts.latencyOf ?? (opts.latencyField ? latencyFromField(opts.latencyField) : undefined);
    this.initMessage = JSON.stringify(
      opts.connectionParams ? { type: 'connection_init', payload: opts.connectionParams } : { type: 'connection_init' },
    );
    const v = opts.variables;
    if (v === undefined || (typeof v === 'object' && !Array.isArray(v))) {
      this.sharedSubscribeTail = `","type":"subscribe","payload":${JSON.stringify({ query: opts.query, variables: v ?? {} })}}`;
    }
    this.sockets = new Array<SwarmSocket | undefined>(this.n);
    this.state = new Uint8Array(this.n);
    this.subActive = new Uint8Array(this.n * this.perSocket);
    this.subMessages = new Uint32Array(this.n * this.perSocket);
  }

  /** Opens the sockets at `connectRate`; resolves once each is subscribed or closed. */
  start(): Promise<void> {
    if (this.started) return this.started;
    this.started = new Promise<void>((resolve) => {
      this.onStarted = resolve;
    });
    if (this.n === 0) this.onStarted!();
    else {
      this.t0 = performance.now();
      this.timer = setInterval(() => this.pace(), 5);
      this.pace();
    }
    return this.started;
  }

  /** Zeroes the counters (messages, errors, closes, completions, latency); gauges stay. */
  resetStats(): void {
    this.messages = 0;
    this.errors = 0;
    this.completed = 0;
    this.closes = {};
    this.lastError = undefined;
    this.subMessages.fill(0);
    this.hist.reset();
  }

  report(): SwarmReport {
    const { histogram: _, ...counters } = this.counters(false);
    return { ...counters, latency: this.hist.summary() };
  }

  /** The report with the raw histogram, for merging across processes. */
  snapshot(): SwarmSnapshot {
    return this.counters(true);
  }

  /** Closes every socket (1000) and waits for them; closes it causes are not counted. */
  stop(): Promise<void> {
    this.stopped ??= this.close();
    return this.stopped;
  }

  private async close(): Promise<void> {
    this.stopping = true;
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    if (this.live > 0) {
      const closed = new Promise<void>((resolve) => {
        this.onAllClosed = resolve;
      });
      for (const ws of this.sockets) {
        if (!ws || ws.readyState === WebSocket.CLOSED) continue;
        if (ws.readyState === WebSocket.CONNECTING) ws.terminate();
        else ws.close(1000, 'swarm stopped');
      }
      const kill = setTimeout(() => {
        for (const ws of this.sockets) if (ws && ws.readyState !== WebSocket.CLOSED) ws.terminate();
      }, 3000);
      await closed;
      clearTimeout(kill);
    }
    this.onStarted?.();
  }

  private counters(withHistogram: boolean): SwarmSnapshot {
    let min = this.subMessages.length ? Infinity : 0;
    let max = 0;
    for (let j = 0; j < this.subMessages.length; j++) {
      const m = this.subMessages[j];
      if (m < min) min = m;
      if (m > max) max = m;
    }
    const s: SwarmSnapshot = {
      connected: this.connected,
      acked: this.acked,
      subscribed: this.subscribed,
      messages: this.messages,
      errors: this.errors,
      closes: { ...this.closes },
      completed: this.completed,
      perSubscription: { min, max },
      histogram: withHistogram ? this.hist.snapshot() : { buckets: [], count: 0, sum: 0, min: 0, max: 0 },
    };
    if (this.lastError !== undefined) s.lastError = this.lastError;
    return s;
  }

  private pace(): void {
    if (this.stopping) return;
    const due = Math.min(this.n, Math.floor(((performance.now() - this.t0) * this.rate) / 1000) + 1);
    while (this.opened < due && this.pending < this.maxPending) this.open(this.opened++);
    if (this.opened >= this.n && this.timer) {
      clearInterval(this.timer);
      this.timer = undefined;
    }
  }

  private open(i: number): void {
    const ws = new SwarmSocket(this.opts.url, PROTOCOL, {
      perMessageDeflate: false,
      skipUTF8Validation: true,
      handshakeTimeout: this.opts.handshakeTimeout ?? 30_000,
    });
    ws.swarm = this;
    ws.i = i;
    this.sockets[i] = ws;
    this.state[i] = CONNECTING;
    this.pending++;
    this.live++;
    ws.on('open', Swarm.onOpen);
    ws.on('message', Swarm.onMessage);
    ws.on('error', Swarm.onError);
    ws.on('close', Swarm.onClose);
  }

  // Listeners shared by all sockets (`this` is the socket).

  private static onOpen(this: WebSocket): void {
    const ws = this as SwarmSocket;
    const s = ws.swarm;
    s.state[ws.i] = OPEN;
    s.connected++;
    ws.send(s.initMessage);
  }

  private static onMessage(this: WebSocket, data: WebSocket.RawData): void {
    const ws = this as SwarmSocket;
    ws.swarm.handle(ws, data as Buffer);
  }

  private static onError(this: WebSocket, e: Error): void {
    const s = (this as SwarmSocket).swarm;
    if (s.stopping) return;
    s.errors++;
    s.lastError = e.message;
  }

  private static onClose(this: WebSocket, code: number, reason: Buffer): void {
    const s = (this as SwarmSocket).swarm;
    const i = (this as SwarmSocket).i;
    const was = s.state[i];
    s.state[i] = CLOSED;
    s.sockets[i] = undefined;
    s.live--;
    if (was === OPEN || was === READY) s.connected--;
    if (was === READY) s.acked--;
    const base = i * s.perSocket;
    for (let k = 0; k < s.perSocket; k++) {
      if (s.subActive[base + k]) {
        s.subActive[base + k] = 0;
        s.subscribed--;
      }
    }
    if (!s.stopping) {
      const key = String(code);
      s.closes[key] = (s.closes[key] ?? 0) + 1;
      if (code !== 1000 && reason.length) s.lastError = `close ${code}: ${reason.toString()}`;
    }
    if (was !== READY) s.settle();
    if (s.live === 0 && s.stopping) s.onAllClosed?.();
  }

  private settle(): void {
    this.pending--;
    if (++this.settled === this.n) this.onStarted?.();
    else if (this.pending === this.maxPending - 1 && this.opened < this.n) this.pace(); // a slot freed: do not wait for the timer
  }

  private handle(ws: SwarmSocket, buf: Buffer): void {
    // fast path: a `next` message that is not measured is only counted
    let sampled = false;
    if (this.latency === undefined || this.sampleEvery > 1) {
      const k = nextIdOf(buf);
      if (k >= 0) {
        if (this.latency === undefined || ++this.seq % this.sampleEvery !== 0) {
          this.messages++;
          if (k < this.perSocket) this.subMessages[ws.i * this.perSocket + k]++;
          return;
        }
        sampled = true;
      }
    }
    const receivedAt = performance.timeOrigin + performance.now();
    let msg: ParsedMessage;
    try {
      msg = JSON.parse(buf.toString()) as ParsedMessage;
    } catch (e) {
      this.protocolError(`unparsable message: ${errorText(e)}`);
      return;
    }
    switch (msg.type) {
      case 'next': {
        this.messages++;
        const j = this.subscription(ws, msg.id);
        if (j >= 0) this.subMessages[j]++;
        const payload = msg.payload as { errors?: unknown[] } | undefined;
        if (payload && Array.isArray(payload.errors) && payload.errors.length) {
          this.errors++;
          this.lastError = errorText((payload.errors[0] as { message?: unknown }).message ?? payload.errors[0]);
        }
        // (a next message of another shape than graphql-ws's goes through the sampling here)
        if (this.latency && (sampled || this.sampleEvery === 1 || ++this.seq % this.sampleEvery === 0)) {
          const ms = this.latency(payload, receivedAt);
          if (ms !== undefined) this.hist.record(ms);
        }
        return;
      }
      case 'ping':
        ws.send(PONG);
        return;
      case 'pong':
        return;
      case 'connection_ack':
        if (this.state[ws.i] === OPEN) this.subscribe(ws);
        return;
      case 'error': {
        this.errors++;
        const errs = msg.payload as { message?: unknown }[] | undefined;
        this.lastError = errorText(Array.isArray(errs) && errs.length ? (errs[0].message ?? errs[0]) : msg.payload);
        this.end(ws, msg.id);
        return;
      }
      case 'complete':
        this.completed++;
        this.end(ws, msg.id);
        return;
      default:
        this.protocolError(`unexpected message type ${JSON.stringify(msg.type)}`);
    }
  }

  private subscribe(ws: SwarmSocket): void {
    const i = ws.i;
    this.state[i] = READY;
    this.acked++;
    const base = i * this.perSocket;
    const v = this.opts.variables;
    for (let k = 0; k < this.perSocket; k++) {
      const g = (this.firstIndex + i) * this.perSocket + k;
      let message: string;
      if (this.sharedSubscribeTail !== undefined) message = `{"id":"${k}${this.sharedSubscribeTail}`;
      else {
        const variables = typeof v === 'function' ? v(g) : (v as Variables[])[g % (v as Variables[]).length];
        message = JSON.stringify({ id: String(k), type: 'subscribe', payload: { query: this.opts.query, variables } });
      }
      ws.send(message);
      this.subActive[base + k] = 1;
      this.subscribed++;
    }
    this.settle();
  }

  /** Index of a subscription of this socket from a message id, or -1. */
  private subscription(ws: SwarmSocket, id: unknown): number {
    const k = typeof id === 'string' ? Number(id) : -1;
    return Number.isInteger(k) && k >= 0 && k < this.perSocket ? ws.i * this.perSocket + k : -1;
  }

  private end(ws: SwarmSocket, id: unknown): void {
    const j = this.subscription(ws, id);
    if (j >= 0 && this.subActive[j]) {
      this.subActive[j] = 0;
      this.subscribed--;
    }
  }

  private protocolError(text: string): void {
    this.errors++;
    this.lastError = text;
  }
}

// ---------------------------------------------------------------------------------------------
// Forked swarms

/** Options of a forked swarm: what can cross IPC (no functions; use `latencyField`). */
export type ForkSwarmOptions = Omit<SwarmOptions, 'latencyOf' | 'variables' | 'firstIndex'> & {
  variables?: Variables | Variables[];
  /** Node flags of the workers (default none). */
  execArgv?: string[];
};

export interface ForkedSwarm {
  /** Resolves when every worker's swarm has started (rejects if a worker fails or exits). */
  ready: Promise<void>;
  report(): Promise<SwarmReport>;
  reset(): Promise<void>;
  stop(): Promise<void>;
}

/** Messages between forkSwarm and its workers. */
export type WorkerCommand =
  | { cmd: 'start'; opts: SwarmOptions }
  | { cmd: 'report' | 'reset' | 'stop'; seq: number };
export type WorkerReply =
  | { type: 'ready' }
  | { type: 'failed'; error: string }
  | { type: 'reply'; seq: number; snapshot: SwarmSnapshot };

/** The compiled worker: next to this file, or under dist/ when this file runs from sources. */
function workerScript(): string {
  const here = path.join(__dirname, 'ws-swarm-worker.js');
  if (existsSync(here)) return here;
  const rel = path.relative(path.resolve(__dirname, '../../..'), __dirname);
  const built = path.resolve(__dirname, '../../../dist', rel, 'ws-swarm-worker.js');
  if (existsSync(built)) return built;
  throw new Error(`ws-swarm-worker.js not found next to ${__filename} nor at ${built}: run npm run build`);
}

interface Worker {
  child: ChildProcess;
  waiting: Map<number, { resolve: (s: SwarmSnapshot) => void; reject: (e: Error) => void }>;
  exited: Promise<void>;
  gone: boolean;
}

/** Splits `opts.subscribers` across `workers` child processes and merges their reports. */
export async function forkSwarm(opts: ForkSwarmOptions, workers = 1): Promise<ForkedSwarm> {
  const script = workerScript();
  const count = Math.max(1, Math.min(Math.floor(workers), Math.max(1, opts.subscribers)));
  const { execArgv = [], ...swarmOpts } = opts;
  const rate = opts.connectRate ?? 2000;
  let seq = 0;
  const list: Worker[] = [];
  const readies: Promise<void>[] = [];
  let first = 0;
  for (let w = 0; w < count; w++) {
    const subscribers = Math.floor(opts.subscribers / count) + (w < opts.subscribers % count ? 1 : 0);
    const child = fork(script, [], { execArgv, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    const worker: Worker = {
      child,
      waiting: new Map(),
      gone: false,
      exited: new Promise<void>((resolve) => child.once('exit', () => resolve())),
    };
    readies.push(
      new Promise<void>((resolve, reject) => {
        child.on('error', (e) => reject(new Error(`swarm worker ${w}: ${e.message}`)));
        child.on('message', (m: WorkerReply) => {
          if (m.type === 'ready') resolve();
          else if (m.type === 'failed') reject(new Error(`swarm worker ${w}: ${m.error}`));
          else {
            worker.waiting.get(m.seq)?.resolve(m.snapshot);
            worker.waiting.delete(m.seq);
          }
        });
        child.once('exit', (code, signal) => {
          worker.gone = true;
          const e = new Error(`swarm worker ${w} exited (${signal ?? code})`);
          reject(e);
          for (const p of worker.waiting.values()) p.reject(e);
          worker.waiting.clear();
        });
      }),
    );
    const start: WorkerCommand = { cmd: 'start', opts: { ...swarmOpts, subscribers, connectRate: rate / count, firstIndex: first } };
    child.send(start);
    first += subscribers;
    list.push(worker);
  }
  const ready = Promise.all(readies).then(() => undefined);
  ready.catch(() => undefined); // observed by the caller, if at all

  const ask = (cmd: 'report' | 'reset' | 'stop'): Promise<SwarmSnapshot[]> =>
    Promise.all(
      list.map(
        (w) =>
          new Promise<SwarmSnapshot>((resolve, reject) => {
            if (w.gone) return reject(new Error('swarm worker has exited'));
            const s = ++seq;
            w.waiting.set(s, { resolve, reject });
            const c: WorkerCommand = { cmd, seq: s };
            w.child.send(c);
          }),
      ),
    );

  return {
    ready,
    report: async () => mergeSnapshots(await ask('report')),
    reset: async () => void (await ask('reset')),
    stop: async () => {
      await Promise.all(
        list.map(async (w) => {
          if (!w.gone) {
            const s = ++seq;
            const done = new Promise<void>((resolve) => w.waiting.set(s, { resolve: () => resolve(), reject: () => resolve() }));
            const c: WorkerCommand = { cmd: 'stop', seq: s };
            w.child.send(c);
            const kill = setTimeout(() => w.child.kill('SIGKILL'), 10_000);
            await done;
            await w.exited;
            clearTimeout(kill);
          }
        }),
      );
    },
  };
}
