/**
 * `minsheng serve` on its embedded PostgreSQL, stopped by a signal: the hub stops first (HTTP,
 * sockets, background workers), then the database — no worker finds its database gone under it;
 * a second signal cuts the wait short, and no database is left running either way.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PROJECT_ROOT } from '../src/app/config';
import { spawnReady } from './support/process';

jest.setTimeout(120_000);

const freePort = () =>
  new Promise<number>((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });

/** Is anything listening there? */
const listening = (port: number) =>
  new Promise<boolean>((resolve) => {
    const c = connect(port, '127.0.0.1');
    c.once('connect', () => (c.destroy(), resolve(true)));
    c.once('error', () => resolve(false));
  });

async function serve() {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'minsheng-shutdown-'));
  const pgPort = await freePort();
  const env = { ...process.env, DATABASE_URL: '', NODE_ENV: 'test', DATA_DIR: dataDir, EMBEDDED_PG_PORT: String(pgPort), PORT: '0', HOST: '127.0.0.1', SEED_DEMO: 'false' };
  const hub = await spawnReady([path.join(PROJECT_ROOT, 'dist', 'src', 'main.js'), 'serve'], env, /at http:\/\/[^/]+:(\d+)\/graphql — ready in/, 'the hub', 90_000);
  const code = new Promise<number | null>((resolve) => hub.child.once('exit', (c) => resolve(c)));
  return { hub, code, pgPort, cleanup: () => rmSync(dataDir, { recursive: true, force: true }) };
}

test.each(['SIGTERM', 'SIGINT', 'SIGHUP'] as const)('%s stops the hub, then its embedded database, without a worker losing its connection', async (signal) => {
  const { hub, code, pgPort, cleanup } = await serve();
  try {
    expect(await listening(pgPort)).toBe(true);
    hub.child.kill(signal);
    expect(await code).toBe(0);
    const out = hub.output();
    expect(out).toContain(`${signal}: stopping`);
    expect(out).not.toMatch(/connection error|pool error|terminating connection/);
    expect(await listening(pgPort)).toBe(false);
  } finally {
    cleanup();
  }
});

test('a second signal stops at once, and the database with it', async () => {
  const { hub, code, pgPort, cleanup } = await serve();
  try {
    // an open subscription socket and a request still coming in: the graceful stop drains them
    const slow = connect(Number(hub.value), '127.0.0.1');
    await new Promise((resolve) => slow.once('connect', resolve));
    slow.write('POST /graphql HTTP/1.1\r\nHost: hub\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{"query":');
    hub.child.kill('SIGTERM');
    while (!hub.output().includes('SIGTERM: stopping')) await new Promise((r) => setImmediate(r));
    const started = Date.now();
    hub.child.kill('SIGTERM');
    expect(await code).toBe(1);
    expect(Date.now() - started).toBeLessThan(8_000);
    expect(hub.output()).toContain('not waiting any longer');
    slow.destroy();
    expect(await listening(pgPort)).toBe(false);
  } finally {
    cleanup();
  }
});
