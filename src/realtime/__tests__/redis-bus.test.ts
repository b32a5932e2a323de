/**
 * Hubs on one Redis: the channel is named by the database's identity, not by how its URL is
 * spelt; and while Redis is away, publishing does not wait for it (every hub reads new events
 * from the outbox meanwhile). The outage test runs a Redis of its own (redis-server on PATH), as
 * it stops it; the identity test needs only PostgreSQL.
 */
import { spawn, spawnSync } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { databaseKey, RedisBus } from '../bus';
import type { BusMessage } from '../bus';
import { until } from '../../../test/support/wait';

jest.setTimeout(30_000);

test('one database has one key however its URL is spelt; another database has another', async () => {
  const url = new URL(process.env.DATABASE_URL!);
  const key = await databaseKey(url.toString());
  // the same database, spelt otherwise: the host by name or by address, extra parameters
  const respelt = new URL(url.toString());
  respelt.hostname = url.hostname === 'localhost' ? '127.0.0.1' : url.hostname === '127.0.0.1' ? 'localhost' : url.hostname;
  respelt.searchParams.set('application_name', 'another-spelling');
  expect(await databaseKey(respelt.toString())).toBe(key);
  const other = new URL(url.toString());
  other.pathname = '/template1';
  expect(await databaseKey(other.toString())).not.toBe(key);
  expect(key).toMatch(/^\d+:\d+$/);
});

const haveRedisServer = spawnSync('redis-server', ['--version']).status === 0;
if (!haveRedisServer) console.warn('redis-server is not on PATH: the Redis outage test is skipped');
const withRedisServer = haveRedisServer ? test : test.skip;

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
    s.on('error', reject);
  });
}

async function startRedis(port: number): Promise<ChildProcess> {
  const p = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
  await until('redis-server', async () => spawnSync('redis-cli', ['-p', String(port), 'ping']).stdout?.toString().includes('PONG'));
  return p;
}

withRedisServer('Redis stopped: publishing returns at once without it; back, messages flow again', async () => {
  const port = await freePort();
  let redis = await startRedis(port);
  const logged: string[] = [];
  const bus = new RedisBus(`redis://127.0.0.1:${port}`, 'minsheng:events:test', (m) => logged.push(m));
  const received: BusMessage[] = [];
  let reconnects = 0;
  bus.subscribe(
    (m) => received.push(m),
    () => reconnects++,
  );
  try {
    await bus.start();
    await bus.publish({ from: '1', to: '1' });
    await until('the first message', async () => received.length === 1);

    redis.kill('SIGKILL');
    await new Promise((r) => redis.once('exit', r));
    await new Promise((r) => setTimeout(r, 200));
    const started = Date.now();
    await expect(bus.publish({ from: '2', to: '2' })).resolves.toBeUndefined();
    await expect(bus.publish({ from: '3', to: '3' })).resolves.toBeUndefined();
    expect(Date.now() - started).toBeLessThan(1000);
    expect(logged.filter((m) => m.includes('unreachable'))).toHaveLength(1);

    redis = await startRedis(port);
    await until('the subscriber back', async () => reconnects > 0, 15_000);
    await until('the publisher back', async () => {
      await bus.publish({ from: '4', to: '4' });
      return received.some((m) => 'from' in m && m.from === '4');
    }, 15_000);
    // what was published while Redis was away never arrives (hubs read it from the outbox)
    expect(received.some((m) => 'from' in m && (m.from === '2' || m.from === '3'))).toBe(false);
  } finally {
    await bus.stop();
    redis.kill('SIGKILL');
  }
});
