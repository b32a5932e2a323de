/**
 * Several hub processes on one database: a mutation on one reaches a subscriber on another,
 * over PostgreSQL LISTEN/NOTIFY and over Redis (when REDIS_URL is set); and a subscriber whose
 * hub is killed mid-stream resumes on a restarted hub without losing an event.
 */
import { createClient } from 'graphql-ws';
import type { Client } from 'graphql-ws';
import { print } from 'graphql';
import Redis from 'ioredis';
import WebSocket from 'ws';
import { CreateTicketDocument, TicketEventsDocument } from './generated/graphql';
import type { TicketEventsSubscription } from './generated/graphql';
import { Role, startTestHub } from './support/hub';
import type { TestHub } from './support/hub';
import { spawnHub } from './support/process';
import type { HubProcess } from './support/process';

jest.setTimeout(60_000);

type Ev = TicketEventsSubscription['ticketEvents'];

async function until(what: string, cond: () => boolean, ms = 15_000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

function subscribe(url: string, token: string, after: string | null, onEvent: (e: Ev) => void, onEnd: (why: unknown) => void): Client {
  const c = createClient({
    url: url.replace('localhost', '127.0.0.1'),
    webSocketImpl: WebSocket,
    retryAttempts: 0,
    connectionParams: { authorization: `Bearer ${token}` },
  });
  c.subscribe<{ ticketEvents: Ev }>(
    { query: print(TicketEventsDocument), variables: after ? { after } : {} },
    { next: (r) => (r.data ? onEvent(r.data.ticketEvents) : onEnd(r.errors)), error: onEnd, complete: () => onEnd('complete') },
  );
  return c;
}

const buses: [string, Record<string, string> | null][] = [
  ['postgres', { EVENT_BUS: 'postgres' }],
  ['redis', process.env.REDIS_URL ? { EVENT_BUS: 'redis', REDIS_URL: process.env.REDIS_URL } : null],
];

describe.each(buses)('two hub processes, one database, EVENT_BUS=%s', (name, env) => {
  if (!env) {
    test.skip(`skipped: set REDIS_URL to run the ${name} bus across processes`, () => undefined);
    return;
  }
  let t: TestHub;
  let other: HubProcess;
  let operator: string;
  beforeAll(async () => {
    t = await startTestHub({ env });
    other = await spawnHub(t.databaseUrl, env);
    operator = await t.token({ role: Role.OPERATOR });
  });
  afterAll(async () => {
    await other?.stop();
    await t?.stop();
  });

  test('a mutation on one process reaches a subscriber on the other, both ways', async () => {
    const onOther: Ev[] = [];
    const onThis: Ev[] = [];
    const c1 = subscribe(other.wsUrl, operator, null, (e) => onOther.push(e), () => undefined);
    const c2 = subscribe(t.hub.wsUrl, operator, null, (e) => onThis.push(e), () => undefined);
    try {
      await new Promise((r) => setTimeout(r, 300));
      const { createTicket: a } = await t.ok(
        CreateTicketDocument,
        { input: { channel: 'PHONE', title: '停水', content: '整栋楼停水没有通知', districtCode: '440106', dispatchTo: '440106-UM' } },
        operator,
      );
      await until('the other process’s subscriber', () => onOther.filter((e) => e.number === a.number).length === 2);
      // and a mutation sent to the spawned process reaches this one
      const res = await fetch(other.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${operator}` },
        body: JSON.stringify({
          query: print(CreateTicketDocument),
          variables: { input: { channel: 'WEB', title: '噪音', content: '夜间施工噪音', districtCode: '440103' } },
        }),
      });
      const body = (await res.json()) as { data: { createTicket: { number: string } } };
      const b = body.data.createTicket.number;
      await until('this process’s subscriber', () => onThis.some((e) => e.number === b));
      await until('both see the same events', () => onOther.some((e) => e.number === b));
      const key = (e: Ev) => `${e.id}:${e.number}:${e.type}`;
      expect(onThis.map(key)).toEqual(onOther.map(key));
    } finally {
      await Promise.all([c1.dispose(), c2.dispose()]);
    }
  });
});

describe.each(buses)('the bus connection dropping mid-stream loses nothing, EVENT_BUS=%s', (name, env) => {
  if (!env) {
    test.skip(`skipped: set REDIS_URL to run the ${name} bus`, () => undefined);
    return;
  }
  test('events committed while the bus was down reach the subscriber, once each, in order', async () => {
    const t = await startTestHub({ env });
    const operator = await t.token({ role: Role.OPERATOR });
    const received: string[] = [];
    const c = subscribe(t.hub.wsUrl, operator, null, (e) => received.push(e.id), () => undefined);
    const sql = t.hub.orm.em.getConnection();
    try {
      await new Promise((r) => setTimeout(r, 300));
      const intake = (i: number) =>
        t.ok(CreateTicketDocument, { input: { channel: 'PHONE', title: '来电', content: `停水 ${i}`, districtCode: '440106', dispatchTo: '440106-UM' } }, operator);
      for (let i = 0; i < 5; i++) await intake(i);
      // cut the hub's bus connection(s) from the server side
      if (name === 'postgres') {
        await sql.execute(`select pg_terminate_backend(pid) from pg_stat_activity where application_name = 'minsheng-bus' and datname = current_database()`);
      } else {
        const admin = new Redis(process.env.REDIS_URL!);
        await admin.client('KILL', 'TYPE', 'pubsub');
        await admin.quit();
      }
      for (let i = 5; i < 15; i++) await intake(i);
      for (;;) {
        const [{ n }] = await sql.execute<{ n: string }[]>('select count(*) as n from outbox_events where position is null');
        if (Number(n) === 0) break;
        await new Promise((r) => setTimeout(r, 20));
      }
      const committed = (await sql.execute<{ p: string }[]>('select position::text as p from outbox_events order by outbox_events.position')).map((r) => r.p);
      await until('every committed event', () => received.length >= committed.length);
      await new Promise((r) => setTimeout(r, 300));
      expect(received).toEqual(committed);
      expect(committed).toHaveLength(30);
    } finally {
      await c.dispose();
      await t.stop();
    }
  });
});

test('a hub killed mid-stream and restarted: the resumed client has every committed event, each once', async () => {
  const env = { EVENT_BUS: 'postgres' };
  const t = await startTestHub({ env });
  let serving = await spawnHub(t.databaseUrl, env);
  const operator = await t.token({ role: Role.OPERATOR });
  const received: string[] = [];
  let client: Client | null = null;
  let dropped = false;
  const connect = (url: string) => {
    client = subscribe(url, operator, received.length ? received[received.length - 1] : null, (e) => received.push(e.id), () => (dropped = true));
  };
  try {
    // the stream starts from the subscriber's first event; everything committed after it counts
    connect(serving.wsUrl);
    await new Promise((r) => setTimeout(r, 300));
    let writing = true;
    let written = 0;
    const writer = (async () => {
      while (writing) {
        await t.ok(
          CreateTicketDocument,
          { input: { channel: 'PHONE', title: '来电', content: `路灯坏了 ${written}`, districtCode: '440106', dispatchTo: '440106-UM' } },
          operator,
        );
        written++;
        await new Promise((r) => setTimeout(r, 15));
      }
    })();
    await until('some events', () => received.length >= 20);
    await serving.kill();
    await until('the client noticing', () => dropped);
    const atKill = received.length;
    await new Promise((r) => setTimeout(r, 300)); // tickets keep coming while the hub is down
    serving = await spawnHub(t.databaseUrl, env);
    await (client as Client | null)?.dispose();
    connect(serving.wsUrl);
    await until('events after the restart', () => received.length >= atKill + 20);
    writing = false;
    await writer;
    const sql = t.hub.orm.em.getConnection();
    // every write is committed; wait for the relay to position the last of them
    for (;;) {
      const [{ n }] = await sql.execute<{ n: string }[]>('select count(*) as n from outbox_events where position is null');
      if (Number(n) === 0) break;
      await new Promise((r) => setTimeout(r, 20));
    }
    const committed = (
      await sql.execute<{ p: string }[]>(`select position::text as p from outbox_events where position >= ? order by outbox_events.position`, [received[0]])
    ).map((r) => r.p);
    await until('every committed event', () => received.includes(committed[committed.length - 1]));
    const unique = [...new Set(received)];
    expect(unique).toEqual(committed);
    expect(written).toBeGreaterThan(20);
  } finally {
    await (client as Client | null)?.dispose();
    await serving.stop();
    await t.stop();
  }
});
