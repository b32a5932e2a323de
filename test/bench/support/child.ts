import { fork } from 'node:child_process';
import http from 'node:http';
import path from 'node:path';

/**
 * Runs one of the load scripts in this folder in its own process (so it does not share the
 * hub's event loop): sends it one message, resolves with its one reply.
 */
export function inChild<R>(script: 'http-load' | 'open-loop', message: unknown): Promise<R> {
  return new Promise((resolve, reject) => {
    const child = fork(path.join(__dirname, `${script}.js`));
    child.once('message', (m) => resolve(m as R));
    child.once('error', reject);
    child.once('exit', (code) => code && reject(new Error(`${script} exited with ${code}`)));
    child.send(message as object);
  });
}

export interface Reply {
  status: number;
  text: string;
  ms: number;
}

/** POSTs a JSON body with a bearer token over a keep-alive agent; never rejects (errors are status 0). */
export function postJson(agent: http.Agent, url: URL, token: string, body: Buffer): Promise<Reply> {
  return new Promise((resolve) => {
    const t0 = performance.now();
    const req = http.request(
      {
        agent,
        host: url.hostname,
        port: url.port,
        path: url.pathname,
        method: 'POST',
        headers: { 'content-type': 'application/json', 'content-length': body.length, authorization: `Bearer ${token}` },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString(), ms: performance.now() - t0 }));
      },
    );
    req.on('error', (e) => resolve({ status: 0, text: String(e), ms: performance.now() - t0 }));
    req.end(body);
  });
}
