/**
 * The outbox relay's retention, on a real PostgreSQL: pruning old events never lets positions
 * start again from 1 — after a quiet spell longer than the retention window, the next events
 * still come after every position consumers and subscribers have seen.
 */
import { Client } from 'pg';
import { MemoryBus } from '../src/realtime/bus';
import { insertEvent } from '../src/realtime/events';
import { OutboxRelay } from '../src/realtime/relay';
import { startTestHub } from './support/hub';
import type { TestHub } from './support/hub';
import { until } from './support/wait';

jest.setTimeout(60_000);

let t: TestHub;
let db: Client;
let relay: OutboxRelay | undefined;

beforeAll(async () => {
  t = await startTestHub({ directory: false });
  db = new Client({ connectionString: t.databaseUrl });
  await db.connect();
  // this test's relay, with no retention, stands in for the hub's
  await t.hub.relay.stop();
});
afterAll(async () => {
  await relay?.stop();
  await db.end();
  await t.stop();
});

async function insert(type: string, n: number): Promise<void> {
  for (let i = 0; i < n; i++) {
    await insertEvent(db, { topic: 'dutylist', type, aggregateId: '00000000-0000-4000-8000-00000000000' + i, payload: { i }, occurredAt: new Date(Date.now() - 60_000) });
  }
}

async function positioned(type: string, n: number): Promise<number[]> {
  return until(`${n} ${type} events positioned`, async () => {
    const { rows } = await db.query<{ position: string }>(`select position from outbox_events where type = $1 and position is not null order by position`, [type]);
    return rows.length === n ? rows.map((r) => Number(r.position)) : null;
  });
}

test('after a prune empties the window, positions go on from the last one, never from 1', async () => {
  await insert('BEFORE_PRUNE', 3);
  relay = new OutboxRelay({ databaseUrl: t.databaseUrl, bus: new MemoryBus(), retentionMs: 0 });
  await relay.start();
  // the first pass positions, publishes and prunes everything older than the (empty) window
  const before = await until('the old events pruned', async () => {
    const { rows } = await db.query<{ type: string; position: string }>(`select type, position from outbox_events where position is not null order by position`);
    return rows.length === 1 ? rows : null;
  });
  // the newest event is kept: the next positions are counted on from it
  expect(before[0].type).toBe('BEFORE_PRUNE');
  const last = Number(before[0].position);
  expect(last).toBeGreaterThanOrEqual(3);

  await insert('AFTER_PRUNE', 2);
  relay.kick();
  expect(await positioned('AFTER_PRUNE', 2)).toEqual([last + 1, last + 2]);
});

async function restartRelay(o: { retentionMs: number; consumers?: string[] }): Promise<void> {
  await relay?.stop();
  relay = new OutboxRelay({ databaseUrl: t.databaseUrl, bus: new MemoryBus(), ...o });
  await relay.start();
}

async function insertAt(type: string, occurredAt: Date): Promise<void> {
  await insertEvent(db, { topic: 'dutylist', type, aggregateId: '00000000-0000-4000-8000-000000000009', payload: {}, occurredAt });
}

const kept = async (types: string[]) =>
  (await db.query<{ type: string }>(`select type from outbox_events where type = any($1) order by position`, [types])).rows.map((r) => r.type);

test('an event a background consumer has not applied yet is never pruned', async () => {
  await insertAt('UNREAD_1', new Date(Date.now() - 3_600_000));
  await insertAt('UNREAD_2', new Date(Date.now() - 3_600_000));
  await insertAt('UNREAD_3', new Date(Date.now() - 3_600_000));
  await restartRelay({ retentionMs: 0, consumers: ['slow-consumer'] });
  const [first] = await positioned('UNREAD_1', 1);
  await db.query(`insert into consumer_checkpoints (name, position) values ('slow-consumer', $1) on conflict (name) do update set position = excluded.position`, [first]);
  // the next relay's first pass prunes: up to what the consumer applied, no further
  await restartRelay({ retentionMs: 0, consumers: ['slow-consumer'] });
  await until('the prune to pass', async () => ((await kept(['UNREAD_1'])).length === 0 ? true : null));
  expect(await kept(['UNREAD_1', 'UNREAD_2', 'UNREAD_3'])).toEqual(['UNREAD_2', 'UNREAD_3']);
});

test('the prune takes a prefix of positions: an old event positioned after a recent one stays, so a resume finds no hole', async () => {
  const hour = 3_600_000;
  await insertAt('RECENT_X', new Date(Date.now() - 50 * 60_000)); // within the hour
  await insertAt('OLD_Y', new Date(Date.now() - 61 * 60_000)); // older, but positioned after X
  await insertAt('NOW_Z', new Date());
  await restartRelay({ retentionMs: hour });
  await positioned('NOW_Z', 1);
  await restartRelay({ retentionMs: hour });
  await new Promise((r) => setTimeout(r, 300));
  expect(await kept(['RECENT_X', 'OLD_Y', 'NOW_Z'])).toEqual(['RECENT_X', 'OLD_Y', 'NOW_Z']);
});
