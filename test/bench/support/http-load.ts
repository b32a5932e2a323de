/**
 * A closed-loop HTTP load generator for GraphQL, run in its own process (child_process.fork)
 * so that it does not share the hub's event loop: `concurrency` clients, each sending its next
 * request as soon as the previous one is answered. Lean on purpose: node:http with keep-alive.
 */
import http from 'node:http';
import { postJson } from './child';

export interface LoadRequest {
  url: string;
  token: string;
  concurrency: number;
  requests: number;
  /** JSON bodies, used round-robin */
  bodies: string[];
  /**
   * Requests sent first over the same connections and not measured: a run then measures
   * clients that are connected and warm, as operators' browsers are, not 50 TCP handshakes
   * and a cold process at once.
   */
  warmup?: number;
  /**
   * Bursts instead of a closed loop: `concurrency` requests at the same instant, all answered,
   * then this many ms of quiet, and again, until `requests` are sent.
   */
  burstPauseMs?: number;
}

export interface LoadResult {
  latencies: number[];
  seconds: number;
  errors: string[];
  /** how many responses contained the marker (e.g. "DISPATCHED") */
  marked: number;
}

export async function runLoad(r: LoadRequest, marker = ''): Promise<LoadResult> {
  const u = new URL(r.url);
  const agent = new http.Agent({ keepAlive: true, maxSockets: r.concurrency });
  const bodies = r.bodies.map((b) => Buffer.from(b));
  const latencies: number[] = [];
  const errors: string[] = [];
  let marked = 0;
  const once = async (i: number) => {
    const reply = await postJson(agent, u, r.token, bodies[((r.warmup ?? 0) + i) % bodies.length]);
    latencies.push(reply.ms);
    if ((reply.status !== 200 || reply.text.includes('"errors"')) && errors.length < 5) errors.push(reply.text.slice(0, 300));
    if (marker && reply.text.includes(marker)) marked++;
  };
  if (r.warmup) {
    let w = 0;
    await Promise.all(
      Array.from({ length: r.concurrency }, async () => {
        while (w < r.warmup!) await postJson(agent, u, r.token, bodies[w++ % bodies.length]);
      }),
    );
  }
  let next = 0;
  const t0 = performance.now();
  if (r.burstPauseMs != null) {
    while (next < r.requests) {
      const wave = Array.from({ length: Math.min(r.concurrency, r.requests - next) }, () => next++);
      await Promise.all(wave.map((i) => once(i)));
      await new Promise((ok) => setTimeout(ok, r.burstPauseMs));
    }
  } else {
    await Promise.all(
      Array.from({ length: r.concurrency }, async () => {
        while (next < r.requests) await once(next++);
      }),
    );
  }
  const seconds = (performance.now() - t0) / 1000;
  agent.destroy();
  return { latencies, seconds, errors, marked };
}

// as a child process: one message in (the request and marker), one message out (the result)
if (require.main === module) {
  process.once('message', (m: { request: LoadRequest; marker?: string }) => {
    void runLoad(m.request, m.marker).then((res) => {
      process.send!(res, () => process.exit(0));
    });
  });
}
