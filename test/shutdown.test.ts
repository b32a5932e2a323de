/**
 * `minsheng serve` on its embedded PostgreSQL, stopped with SIGTERM: the hub stops first (HTTP,
 * sockets, background workers), then the database — no worker finds its database gone under it.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
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

test('SIGTERM stops the hub, then its embedded database, without a worker losing its connection', async () => {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'minsheng-shutdown-'));
  try {
    const env = { ...process.env, DATABASE_URL: '', NODE_ENV: 'test', DATA_DIR: dataDir, EMBEDDED_PG_PORT: String(await freePort()), PORT: '0', HOST: '127.0.0.1', SEED_DEMO: 'false' };
    const hub = await spawnReady([path.join(PROJECT_ROOT, 'dist', 'src', 'main.js'), 'serve'], env, /ready in (\d+) ms/, 'the hub', 90_000);
    const code = new Promise<number | null>((resolve) => hub.child.once('exit', (c) => resolve(c)));
    hub.child.kill('SIGTERM');
    expect(await code).toBe(0);
    const out = hub.output();
    expect(out).toContain('SIGTERM: stopping');
    expect(out).not.toMatch(/connection error|pool error|terminating connection/);
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
});
