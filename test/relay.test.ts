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
