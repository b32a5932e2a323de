/**
 * A closed-loop HTTP load generator for GraphQL, run in its own process (child_process.fork)
 * so that it does not share the hub's event loop: `concurrency` clients, each sending its next
 * request as soon as the previous one is answered. Lean on purpose: node:http with keep-alive.
 */
import http from 'node:http';

export interface LoadRequest {
  url: string;
  token: string;
  concurrency: number;
  requests: number;
  /** JSON bodies, used round-robin */
  bodies: string[];
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
  const once = (i: number) =>
    new Promise<void>((resolve) => {
      const body = bodies[i % bodies.length];
      const t0 = performance.now();
      const req = http.request(
        {
          agent,
          host: u.hostname,
          port: u.port,
          path: u.pathname,
          method: 'POST',
          headers: { 'content-type': 'application/json', 'content-length': body.length, authorization: `Bearer ${r.token}` },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => {
            latencies.push(performance.now() - t0);
            const text = Buffer.concat(chunks).toString();
            if (text.includes('"errors"') && errors.length < 5) errors.push(text.slice(0, 300));
            if (marker && text.includes(marker)) marked++;
            resolve();
          });
        },
      );
      req.on('error', (e) => {
        if (errors.length < 5) errors.push(String(e));
        resolve();
      });
      req.end(body);
    });
  let next = 0;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: r.concurrency }, async () => {
      while (next < r.requests) await once(next++);
    }),
  );
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
