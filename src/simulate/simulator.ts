/**
 * 模拟话务: sends simulated calls (./generator) to a running hub as `createTicket` mutations,
 * at a fixed rate, for demos and benchmarks.
 *
 * Open loop: send k is due at k / rate seconds after the start, whatever the responses do, so a
 * slow server sees the load it would see from real operators (no coordinated omission). At most
 * `concurrency` requests are in flight; a send due while the cap is reached is skipped and
 * counted, not queued.
 */
import { CallGenerator } from './generator';

export const CREATE_TICKET_MUTATION = 'mutation($input: CreateTicketInput!) { createTicket(input: $input) { id number status } }';

/** How many distinct error messages the stats keep. */
const MAX_ERRORS = 5;

export interface SimulationOptions {
  /** the GraphQL endpoint, e.g. http://127.0.0.1:4000/graphql */
  url: string;
  /** a bearer token of a role that may take in tickets (operator) */
  token: string;
  /** tickets per second */
  rate: number;
  /** seconds; 0 = until `signal` aborts */
  duration: number;
  /** seed of the call generator (same seed, same calls) */
  seed?: number;
  /** the most requests in flight at once; default 200 */
  concurrency?: number;
  /** a request still open after this many ms fails; default 30,000 */
  timeoutMs?: number;
  /** called about once a second with the stats so far */
  onProgress?: (stats: SimulationStats) => void;
  /** stops sending; requests still in flight are cancelled */
  signal?: AbortSignal;
}

export interface SimulationStats {
  /** requests sent */
  sent: number;
  /** answered with a ticket */
  ok: number;
  /** HTTP errors, GraphQL errors, network errors and timeouts */
  failed: number;
  /** sends that were due while `concurrency` requests were in flight */
  skipped: number;
  /** in flight when the run was aborted: cut off, neither ok nor failed */
  cancelled: number;
  /** in flight now */
  inFlight: number;
  /** ok tickets the router dispatched at intake (status DISPATCHED) */
  dispatched: number;
  /** the first few distinct error messages */
  errors: string[];
  /** latency of ok requests, ms (from a log histogram: within ±1 %) */
  latencyMs: { p50: number; p99: number; max: number };
  /** seconds since the start (at the end: including waiting for the last responses) */
  elapsedSeconds: number;
  /** requests sent per second while sending */
  achievedRate: number;
  targetRate: number;
}

/**
 * Latencies in logarithmic buckets (2 % wide, 0.01 ms .. about an hour): constant memory however
 * long the run, percentiles within ±1 %.
 */
class LatencyHistogram {
  private static readonly MIN_MS = 0.01;
  private static readonly LOG_STEP = Math.log(1.02);
  private readonly counts = new Uint32Array(1000);
  private total = 0;
  private maxMs = 0;

  record(ms: number): void {
    const i = Math.min(
      this.counts.length - 1,
      Math.max(0, Math.floor(Math.log(Math.max(ms, LatencyHistogram.MIN_MS) / LatencyHistogram.MIN_MS) / LatencyHistogram.LOG_STEP)),
    );
    this.counts[i]++;
    this.total++;
    if (ms > this.maxMs) this.maxMs = ms;
  }

  /** The p-th percentile (0-100); 0 when nothing was recorded. */
  percentile(p: number): number {
    if (!this.total) return 0;
    const rank = Math.max(1, Math.ceil((p / 100) * this.total));
    let seen = 0;
    for (let i = 0; i < this.counts.length; i++) {
      seen += this.counts[i];
      // the bucket's geometric middle, never above the largest value seen
      if (seen >= rank) return Math.min(this.maxMs, LatencyHistogram.MIN_MS * Math.exp((i + 0.5) * LatencyHistogram.LOG_STEP));
    }
    return this.maxMs;
  }

  get max(): number {
    return this.maxMs;
  }
}

interface GraphQLResponse {
  data?: { createTicket?: { id: string; number: string; status: string } | null } | null;
  errors?: { message?: string; extensions?: { code?: string } }[];
}

function check(options: SimulationOptions): { concurrency: number; timeoutMs: number } {
  const { rate, duration } = options;
  const concurrency = options.concurrency ?? 200;
  const timeoutMs = options.timeoutMs ?? 30_000;
  if (!(Number.isFinite(rate) && rate > 0)) throw new RangeError(`rate must be a positive number of tickets per second, got ${rate}`);
  if (!(Number.isFinite(duration) && duration >= 0)) {
    throw new RangeError(`duration must be ≥ 0 seconds (0 = until aborted), got ${duration}`);
  }
  if (!(Number.isInteger(concurrency) && concurrency >= 1)) throw new RangeError(`concurrency must be an integer ≥ 1, got ${concurrency}`);
  if (!(Number.isFinite(timeoutMs) && timeoutMs > 0)) throw new RangeError(`timeoutMs must be > 0, got ${timeoutMs}`);
  return { concurrency, timeoutMs };
}

/**
 * Runs the simulation; resolves with the final stats when `duration` has passed and the last
 * responses are in, or at once (cancelling what is in flight) when `signal` aborts.
 */
export async function simulate(options: SimulationOptions): Promise<SimulationStats> {
  const { concurrency, timeoutMs } = check(options);
  const { url, token, rate, duration, signal, onProgress } = options;
  const generator = new CallGenerator(options.seed);
  const histogram = new LatencyHistogram();
  const counts = { sent: 0, ok: 0, failed: 0, skipped: 0, cancelled: 0, dispatched: 0 };
  const errors: string[] = [];
  const inFlight = new Set<AbortController>();
  const total = duration > 0 ? Math.ceil(rate * duration) : Infinity;

  const start = performance.now();
  let due = 0; // sends that came due: sent + skipped
  let sendingEnd: number | null = null; // when sending stopped (ms, performance clock)
  let pumpTimer: NodeJS.Timeout | undefined;
  let windowTimer: NodeJS.Timeout | undefined;
  let progressTimer: NodeJS.Timeout | undefined;
  let finish: () => void = () => undefined;
  const finished = new Promise<void>((resolve) => (finish = resolve));

  const snapshot = (): SimulationStats => {
    const now = performance.now();
    const sendingSeconds = ((sendingEnd ?? now) - start) / 1000;
    return {
      ...counts,
      inFlight: inFlight.size,
      errors: [...errors],
      latencyMs: { p50: histogram.percentile(50), p99: histogram.percentile(99), max: histogram.max },
      elapsedSeconds: (now - start) / 1000,
      achievedRate: sendingSeconds > 0 ? counts.sent / sendingSeconds : 0,
      targetRate: rate,
    };
  };

  const noteError = (message: string): void => {
    counts.failed++;
    if (errors.length < MAX_ERRORS && !errors.includes(message)) errors.push(message);
  };

  const settleIfDone = (): void => {
    if (sendingEnd !== null && inFlight.size === 0) finish();
  };

  const send = async (): Promise<void> => {
    const controller = new AbortController();
    inFlight.add(controller);
    counts.sent++;
    const timer = setTimeout(() => controller.abort('timeout'), timeoutMs);
    const t0 = performance.now();
    try {
      const res = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: JSON.stringify({ query: CREATE_TICKET_MUTATION, variables: { input: generator.next() } }),
        signal: controller.signal,
      });
      const text = await res.text();
      const ms = performance.now() - t0;
      let body: GraphQLResponse | null = null;
      try {
        body = JSON.parse(text) as GraphQLResponse;
      } catch {
        body = null;
      }
      const ticket = body?.data?.createTicket;
      if (body?.errors?.length) {
        const [first] = body.errors;
        const code = first.extensions?.code;
        noteError(`${code ? `${code}: ` : ''}${first.message ?? 'GraphQL error'}`);
      } else if (!res.ok || !ticket) {
        noteError(`HTTP ${res.status}${text ? `: ${text.slice(0, 200)}` : ''}`);
      } else {
        counts.ok++;
        histogram.record(ms);
        if (ticket.status === 'DISPATCHED') counts.dispatched++;
      }
    } catch (e) {
      if (controller.signal.aborted && controller.signal.reason === 'cancelled') counts.cancelled++;
      else if (controller.signal.aborted && controller.signal.reason === 'timeout') noteError(`timed out after ${timeoutMs} ms`);
      else noteError(networkMessage(e));
    } finally {
      clearTimeout(timer);
      inFlight.delete(controller);
      settleIfDone();
    }
  };

  const stopSending = (): void => {
    if (sendingEnd !== null) return;
    sendingEnd = performance.now();
    clearTimeout(pumpTimer);
    clearTimeout(windowTimer);
    settleIfDone();
  };

  const onAbort = (): void => {
    stopSending();
    for (const controller of inFlight) controller.abort('cancelled');
  };

  /** Sends every request that came due, then sleeps until the next one is. */
  const pump = (): void => {
    if (sendingEnd !== null) return;
    const elapsedMs = performance.now() - start;
    const now = Math.min(total, Math.floor((elapsedMs / 1000) * rate) + 1);
    while (due < now) {
      due++;
      if (inFlight.size >= concurrency) counts.skipped++;
      else void send();
    }
    if (due >= total) {
      // the last send is out; the sending window closes at `duration`
      windowTimer = setTimeout(stopSending, Math.max(0, duration * 1000 - elapsedMs));
      return;
    }
    pumpTimer = setTimeout(pump, Math.max(0, (due / rate) * 1000 - elapsedMs));
  };

  if (signal?.aborted) {
    sendingEnd = start;
    return snapshot();
  }
  signal?.addEventListener('abort', onAbort, { once: true });
  if (onProgress) progressTimer = setInterval(() => onProgress(snapshot()), 1000);
  pump();
  try {
    await finished;
  } finally {
    clearInterval(progressTimer);
    clearTimeout(pumpTimer);
    clearTimeout(windowTimer);
    signal?.removeEventListener('abort', onAbort);
  }
  return snapshot();
}

/** One line for a terminal: `12.0 s  sent 600 (50.0/s of 50)  ok 598  failed 2 … p50 23 ms  p99 120 ms`. */
export function formatStats(s: SimulationStats): string {
  const share = s.ok ? ` (${Math.round((100 * s.dispatched) / s.ok)} %)` : '';
  const parts = [
    `${s.elapsedSeconds.toFixed(1)} s`,
    `sent ${s.sent} (${s.achievedRate.toFixed(1)}/s of ${s.targetRate})`,
    `ok ${s.ok}`,
    `failed ${s.failed}`,
    `skipped ${s.skipped}`,
    ...(s.cancelled ? [`cancelled ${s.cancelled}`] : []),
    `in flight ${s.inFlight}`,
    `dispatched ${s.dispatched}${share}`,
    `p50 ${s.latencyMs.p50.toFixed(0)} ms`,
    `p99 ${s.latencyMs.p99.toFixed(0)} ms`,
  ];
  return parts.join('  ');
}

/** fetch's "fetch failed" hides the reason in `cause` (ECONNREFUSED, ECONNRESET…). */
function networkMessage(e: unknown): string {
  if (!(e instanceof Error)) return String(e);
  const cause = (e as Error & { cause?: unknown }).cause;
  if (cause instanceof Error) {
    const code = (cause as Error & { code?: string }).code;
    return `${e.message}: ${code ?? cause.message}`;
  }
  return e.message;
}
