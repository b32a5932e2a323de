/**
 * Background workers that run in one process at a time (advisory lock): a worker whose passes
 * are an hour apart is still taken over within about a second when its leader goes — by a
 * graceful stop or a lost connection — with a pass at once. Real PostgreSQL (DATABASE_URL).
 */
import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { until } from '../../../test/support/wait';
import { LeaderWorker } from '../leader';
import type { LeaderOptions } from '../leader';

jest.setTimeout(30_000);

class Counting extends LeaderWorker {
  passes = 0;
  constructor(o: LeaderOptions) {
    super(o);
  }
  protected async pass(): Promise<void> {
    this.passes++;
  }
}

const HOUR = 3_600_000;
const workers: Counting[] = [];
afterEach(async () => {
  await Promise.all(workers.splice(0).map((w) => w.stop()));
});

function worker(lock: string, name: string, pollMs = HOUR): Counting {
  const w = new Counting({ databaseUrl: process.env.DATABASE_URL!, lock, name, pollMs });
  workers.push(w);
  return w;
}

test('an hourly worker: one pass at the start, none each second after; stopped, the other takes over within seconds with a pass at once', async () => {
  const lock = `test.leader.${randomBytes(4).toString('hex')}`;
  const a = worker(lock, 'leader-a');
  const b = worker(lock, 'leader-b');
  await a.start();
  await b.start();
  await until('the first pass', async () => a.passes === 1);
  await new Promise((r) => setTimeout(r, 2500));
  expect([a.passes, b.passes]).toEqual([1, 0]);
  const stoppedAt = Date.now();
  await a.stop();
  await until('the take-over', async () => b.passes === 1, 10_000);
  // (the lock is retried each second; before, an hourly worker retried it hourly)
  expect(Date.now() - stoppedAt).toBeLessThan(10_000);
});

test("the leader's connection lost (its process gone): a pass within seconds, by whichever retakes the lock", async () => {
  const lock = `test.leader.${randomBytes(4).toString('hex')}`;
  const suffix = randomBytes(3).toString('hex');
  const a = worker(lock, `leader-a-${suffix}`);
  const b = worker(lock, `leader-b-${suffix}`);
  await a.start();
  await b.start();
  await until('the first pass', async () => a.passes + b.passes === 1);
  const leaderName = a.passes === 1 ? `leader-a-${suffix}` : `leader-b-${suffix}`;
  const admin = new Client({ connectionString: process.env.DATABASE_URL });
  await admin.connect();
  try {
    const { rowCount } = await admin.query('select pg_terminate_backend(pid) from pg_stat_activity where application_name = $1', [leaderName]);
    expect(rowCount).toBe(1);
  } finally {
    await admin.end();
  }
  await until('a pass by the new leader', async () => a.passes + b.passes === 2, 10_000);
});

test('a worker whose passes are more frequent than the lock retries runs them at its own pace', async () => {
  const lock = `test.leader.${randomBytes(4).toString('hex')}`;
  const fast = worker(lock, 'leader-fast', 100);
  await fast.start();
  await until('ten passes in about a second', async () => fast.passes >= 10, 5_000);
});
