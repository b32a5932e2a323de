/**
 * The checkpointed consumer's `prepare` phase, on a real PostgreSQL with the hub's relay
 * positioning events: prepare runs outside any transaction (a slow batch holds none open),
 * handle inside one, each event handled once; and a batch whose checkpoint moved while it was
 * prepared is not applied.
 */
import { Client } from 'pg';
import { CheckpointedConsumer } from '../src/realtime/consumer';
import type { Tx } from '../src/realtime/consumer';
import { insertEvent } from '../src/realtime/events';
import type { StreamEvent } from '../src/realtime/events';
import { startTestHub } from './support/hub';
import type { TestHub } from './support/hub';
import { until } from './support/wait';

jest.setTimeout(60_000);

let t: TestHub;
let db: Client;
const consumers: CheckpointedConsumer<unknown>[] = [];

beforeAll(async () => {
  t = await startTestHub({ directory: false });
  db = new Client({ connectionString: t.databaseUrl });
  await db.connect();
});
afterAll(async () => {
  for (const c of consumers) await c.stop();
  await db.end();
  await t.stop();
});

/** Inserts events of a type of their own and waits until the relay has positioned them. */
async function events(type: string, n: number): Promise<string[]> {
  for (let i = 0; i < n; i++) {
    await insertEvent(db, { topic: 'dutylist', type, aggregateId: '00000000-0000-4000-8000-00000000000' + i, payload: { i }, occurredAt: new Date() });
  }
  return until(`${n} ${type} events positioned`, async () => {
    const { rows } = await db.query<{ position: string }>(`select position from outbox_events where type = $1 and position is not null order by position`, [type]);
    return rows.length === n ? rows.map((r) => r.position) : null;
  });
}

/** Whether the statement runs in a transaction of its own (autocommit) rather than an open one. */
async function autocommit(sql: Tx): Promise<boolean> {
  const { rows } = await sql.query<{ own: boolean }>('select xact_start = query_start as own from pg_stat_activity where pid = pg_backend_pid()');
  return rows[0].own;
}

test('prepare runs outside a transaction, handle inside one, every event once', async () => {
  const positions = await events('PREPARE_TEST', 5);
  const prepared: string[] = [];
  const handled: string[] = [];
  const inTransaction: boolean[] = [];
  const outside: boolean[] = [];
  const consumer = new CheckpointedConsumer<string[]>({
    databaseUrl: t.databaseUrl,
    name: 'test-prepare',
    batchSize: 2,
    prepare: async (batch: StreamEvent[], sql) => {
      outside.push(await autocommit(sql));
      const mine = batch.filter((e) => e.type === 'PREPARE_TEST').map((e) => e.position);
      prepared.push(...mine);
      return mine;
    },
    handle: async (_batch, tx, mine) => {
      inTransaction.push(!(await autocommit(tx)));
      handled.push(...mine);
    },
  });
  consumers.push(consumer as CheckpointedConsumer<unknown>);
  await consumer.start();
  await until('every event handled', async () => handled.length >= 5);
  await consumer.drain();
  expect(handled).toEqual(positions);
  expect(prepared).toEqual(positions);
  expect(outside.length).toBeGreaterThanOrEqual(3); // batches of 2
  expect(outside.every(Boolean)).toBe(true);
  expect(inTransaction.every(Boolean)).toBe(true);
  const { rows } = await db.query<{ position: string }>(`select position from consumer_checkpoints where name = 'test-prepare'`);
  expect(BigInt(rows[0].position) >= BigInt(positions[positions.length - 1])).toBe(true);
});

test('a batch whose checkpoint moved while it was prepared is not applied', async () => {
  const positions = await events('MOVED_TEST', 3);
  const handled: string[] = [];
  let prepares = 0;
  const consumer = new CheckpointedConsumer<string[]>({
    databaseUrl: t.databaseUrl,
    name: 'test-moved',
    prepare: async (batch: StreamEvent[]) => {
      prepares++;
      if (prepares === 1) {
        // another process took the lead and handled everything meanwhile
        await db.query(
          `insert into consumer_checkpoints (name, position) values ('test-moved', $1) on conflict (name) do update set position = excluded.position`,
          [positions[positions.length - 1]],
        );
      }
      return batch.filter((e) => e.type === 'MOVED_TEST').map((e) => e.position);
    },
    handle: async (_batch, _tx, mine) => {
      handled.push(...mine);
    },
  });
  consumers.push(consumer as CheckpointedConsumer<unknown>);
  await consumer.start();
  await until('the first batch prepared', async () => prepares >= 1);
  await consumer.drain();
  expect(handled).toEqual([]);
  const { rows } = await db.query<{ position: string }>(`select position from consumer_checkpoints where name = 'test-moved'`);
  expect(BigInt(rows[0].position) >= BigInt(positions[positions.length - 1])).toBe(true);
});
