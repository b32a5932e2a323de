/**
 * Nothing lost: 2,000 intakes with idempotency keys and client retries while PostgreSQL is
 * killed (immediate shutdown) and started again in the middle. Every acknowledged ticket
 * exists exactly once, with its events, and the hub recovers without a restart. The test runs
 * its own embedded PostgreSQL (it kills it), whatever DATABASE_URL says.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { print } from 'graphql';
import { loadConfig } from '../src/app/config';
import { freePort } from '../src/app/database';
import { startHub } from '../src/app/hub';
import type { Hub } from '../src/app/hub';
import { Role, signToken } from '../src/auth/viewer';
import { seedDirectory } from '../src/seed/demo';
import { CreateTicketDocument } from './generated/graphql';
import { startPgProcess } from './support/embedded-pg';
import type { PgProcess } from './support/embedded-pg';
import { TEST_SECRET } from './support/hub';

jest.setTimeout(180_000);

const INTAKES = 2000;
const CONCURRENCY = 20;

test('2,000 intakes through an immediate PostgreSQL restart: every acknowledged ticket exactly once', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'minsheng-durability-'));
  let db: PgProcess | null = null;
  let hub: Hub | null = null;
  try {
    const port = await freePort();
    db = await startPgProcess(dir, port, 'durability');
    const config = loadConfig({ NODE_ENV: 'test', AUTH_SECRET: TEST_SECRET, DATABASE_URL: db.url, HOST: '127.0.0.1' });
    hub = await startHub({ config, databaseUrl: config.DATABASE_URL!, port: 0, logger: { info: () => undefined, error: () => undefined } });
    await seedDirectory(hub.orm);
    const token = await signToken(TEST_SECRET, { role: Role.OPERATOR, subject: 'durability' });
    const query = print(CreateTicketDocument);
    const url = hub.url.replace('localhost', '127.0.0.1');

    const acknowledged = new Map<string, string>(); // key → ticket number
    let failures = 0;
    let restarted = false;
    const intake = async (key: string, i: number) => {
      for (let attempt = 0; ; attempt++) {
        try {
          const res = await fetch(url, {
            method: 'POST',
            headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
            body: JSON.stringify({
              query,
              variables: { input: { channel: 'PHONE', title: '停水', content: `第${i}栋停水`, districtCode: '440106', dispatchTo: '440106-UM', idempotencyKey: key } },
            }),
          });
          const body = (await res.json()) as { data?: { createTicket: { number: string } } };
          if (body.data?.createTicket) {
            acknowledged.set(key, body.data.createTicket.number);
            return;
          }
        } catch {
          // the connection dropped: retry
        }
        failures++;
        if (attempt > 600) throw new Error(`intake ${key} never went through`);
        await new Promise((r) => setTimeout(r, 100));
      }
    };

    let next = 0;
    const workers = Array.from({ length: CONCURRENCY }, async () => {
      while (next < INTAKES) {
        const i = next++;
        await intake(`durability-${String(i).padStart(5, '0')}`, i);
      }
    });
    // kill PostgreSQL (immediate shutdown: no checkpoint, crash recovery at the next start) mid-stream
    const chaos = (async () => {
      while (acknowledged.size < INTAKES / 4) await new Promise((r) => setTimeout(r, 20));
      const pid = Number(fs.readFileSync(path.join(dir, 'pg', 'postmaster.pid'), 'utf8').split('\n')[0]);
      process.kill(pid, 'SIGQUIT');
      while (fs.existsSync(`/proc/${pid}`)) await new Promise((r) => setTimeout(r, 20));
      db!.abandon();
      await new Promise((r) => setTimeout(r, 500));
      db = await startPgProcess(dir, port, 'durability');
      restarted = true;
    })();
    await Promise.all([...workers, chaos]);

    expect(restarted).toBe(true);
    expect(failures).toBeGreaterThan(0); // the outage was felt
    expect(acknowledged.size).toBe(INTAKES);

    const sql = hub.orm.em.getConnection();
    const [{ tickets, numbers }] = await sql.execute<{ tickets: string; numbers: string }[]>(
      'select count(*) as tickets, count(distinct number) as numbers from tickets',
    );
    expect(Number(tickets)).toBe(INTAKES);
    expect(Number(numbers)).toBe(INTAKES);
    const keyed = await sql.execute<{ key: string; number: string }[]>('select k.key, t.number from intake_keys k join tickets t on t.id = k.ticket_id');
    expect(new Map(keyed.map((r) => [r.key, r.number]))).toEqual(acknowledged);
    const [{ events }] = await sql.execute<{ events: string }[]>('select count(*) as events from ticket_events');
    expect(Number(events)).toBe(2 * INTAKES);
    // the relay recovered too: every event gets its position
    for (let i = 0; ; i++) {
      const [{ n }] = await sql.execute<{ n: string }[]>('select count(*) as n from outbox_events where position is null');
      if (Number(n) === 0) break;
      if (i > 200) throw new Error(`${n} events never positioned`);
      await new Promise((r) => setTimeout(r, 50));
    }
    const [{ positioned }] = await sql.execute<{ positioned: string }[]>('select count(distinct position) as positioned from outbox_events');
    expect(Number(positioned)).toBe(2 * INTAKES);
  } finally {
    await hub?.stop().catch(() => undefined);
    await (db as PgProcess | null)?.stop().catch(() => undefined);
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
