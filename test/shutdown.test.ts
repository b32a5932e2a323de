/**
 * `minsheng serve` on its embedded PostgreSQL, stopped by a signal: the hub stops first (HTTP,
 * sockets, background workers), then the database — no worker finds its database gone under it;
 * a second signal cuts the wait short, and no database is left running either way.
 */
import { spawn } from 'node:child_process';
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

const MAIN = path.join(PROJECT_ROOT, 'dist', 'src', 'main.js');

async function serve(options: { ownProcessGroup?: boolean } = {}) {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'minsheng-shutdown-'));
  const pgPort = await freePort();
  const env = { ...process.env, DATABASE_URL: '', NODE_ENV: 'test', DATA_DIR: dataDir, EMBEDDED_PG_PORT: String(pgPort), PORT: '0', HOST: '127.0.0.1', SEED_DEMO: 'false' };
  const hub = await spawnReady([MAIN, 'serve'], env, /at http:\/\/[^/]+:(\d+)\/graphql — ready in/, 'the hub', 90_000, options);
  const code = new Promise<number | null>((resolve) => hub.child.once('exit', (c) => resolve(c)));
  return { hub, code, pgPort, env, cleanup: () => rmSync(dataDir, { recursive: true, force: true }) };
}

/** Runs `node main.js args…` to its end: exit code and output. */
function run(args: string[], env: NodeJS.ProcessEnv): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [MAIN, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (b: Buffer) => (out += b.toString()));
    child.stderr.on('data', (b: Buffer) => (out += b.toString()));
    child.once('exit', (code) => resolve({ code, out }));
  });
}

test('Ctrl-C in a terminal (SIGINT to the whole process group) stops the hub first, then its database', async () => {
  const { hub, code, pgPort, cleanup } = await serve({ ownProcessGroup: true });
  try {
    process.kill(-hub.child.pid!, 'SIGINT'); // what a terminal does: the group, the database's processes included if they are in it
    expect(await code).toBe(0);
    expect(hub.output()).toContain('SIGINT: stopping');
    expect(hub.output()).not.toMatch(/connection error|pool error|terminating connection|Connection terminated/);
    expect(await listening(pgPort)).toBe(false);
  } finally {
    cleanup();
  }
});

test('a command run beside the hub works on its embedded database; a second hub is told how to share it', async () => {
  const { hub, code, env, cleanup } = await serve();
  try {
    const migrate = await run(['migrate'], env);
    expect(migrate).toMatchObject({ code: 0 });
    expect(migrate.out).toMatch(/using the embedded PostgreSQL a hub started/);
    expect(migrate.out).toMatch(/database is up to date/);
    const second = await run(['serve'], { ...env, PORT: '0' });
    expect(second.code).toBe(1);
    expect(second.out).toMatch(/is in use by another hub .*DATABASE_URL=postgres:\/\/postgres:postgres@127\.0\.0\.1:\d+\/minsheng/);
    expect(second.out).not.toMatch(/\n\s+at /); // a message, not a stack trace
    hub.child.kill('SIGTERM');
    expect(await code).toBe(0);
  } finally {
    cleanup();
  }
});

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
