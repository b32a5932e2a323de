import { createClient } from 'graphql-ws';
import type { Client } from 'graphql-ws';
import { print } from 'graphql';
import type { DocumentNode } from 'graphql';
import WebSocket from 'ws';
import { CreateTicketDocument, RedispatchTicketDocument, TicketEventsDocument, TicketEventsWithTicketDocument } from './generated/graphql';
import type { TicketEventsSubscription } from './generated/graphql';
import { Role, startTestHub } from './support/hub';
import type { TestHub } from './support/hub';

type Ev = TicketEventsSubscription['ticketEvents'];

let t: TestHub;
let operator: string;
const clients: Client[] = [];

beforeAll(async () => {
  t = await startTestHub();
  operator = await t.token({ role: Role.OPERATOR });
});
afterAll(async () => {
  await Promise.all(clients.map((c) => c.dispose()));
  await t.stop();
});

function client(token: string, url = t.hub.wsUrl): Client {
  const c = createClient({
    url: url.replace('localhost', '127.0.0.1'),
    webSocketImpl: WebSocket,
    retryAttempts: 0,
    connectionParams: { authorization: `Bearer ${token}` },
  });
  clients.push(c);
  return c;
}

interface Stream<T> {
  got: T[];
  errors: { message: string; extensions?: { code?: string; field?: string } }[];
  stop(): void;
}

function follow<T = Ev>(c: Client, doc: DocumentNode, variables: Record<string, unknown> = {}, pick = (d: { ticketEvents: T }) => d.ticketEvents): Stream<T> {
  const s: Stream<T> = { got: [], errors: [], stop: () => undefined };
  s.stop = c.subscribe<{ ticketEvents: T }>(
    { query: print(doc), variables },
    {
      next: (r) => {
        if (r.errors) s.errors.push(...(r.errors as unknown as Stream<T>['errors']));
        else s.got.push(pick(r.data!));
      },
      error: (e) => s.errors.push({ message: String((e as Error).message ?? e) }),
      complete: () => undefined,
    },
  );
  return s;
}

async function until(what: string, cond: () => boolean, ms = 8000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** A subscription is live once the server has registered it; a ticket created then must arrive. */
async function settle(): Promise<void> {
  await new Promise((r) => setTimeout(r, 150));
}

async function intake(districtCode: string, dispatchTo?: string, phone = '13800138000') {
  const { createTicket } = await t.ok(
    CreateTicketDocument,
    { input: { channel: 'PHONE', title: '路灯不亮', content: '小区门口的路灯坏了一个星期', districtCode, dispatchTo, citizenPhone: phone } },
    operator,
  );
  return createTicket;
}

test('a district office follows its own districts live, and nothing else', async () => {
  const office = await t.token({ role: Role.DISTRICT_OFFICE, districtCodes: ['440106'] });
  const mine = follow(client(office), TicketEventsDocument);
  const all = follow(client(operator), TicketEventsDocument);
  await settle();
  const a = await intake('440106', '440106-UM');
  const b = await intake('440103', '440103-UM');
  await until('the centre sees both tickets', () => all.got.filter((e) => [a.number, b.number].includes(e.number)).length === 4);
  await until('the office sees its ticket', () => mine.got.length >= 2);
  await new Promise((r) => setTimeout(r, 200));
  expect(mine.errors).toEqual([]);
  expect(mine.got.map((e) => [e.number, e.type, e.status, e.district.code])).toEqual([
    [a.number, 'CREATED', 'RECEIVED', '440106'],
    [a.number, 'DISPATCHED', 'DISPATCHED', '440106'],
  ]);
  expect(mine.got[1].leadDepartment?.code).toBe('440106-UM');
  expect(mine.got[1].seq).toBe(2);
  const ids = all.got.map((e) => BigInt(e.id));
  expect(ids).toEqual([...ids].sort((x, y) => (x < y ? -1 : 1)));
  expect(new Set(ids).size).toBe(ids.length);
  mine.stop();
  all.stop();
});

test('a department that loses a ticket (redispatched elsewhere) is told so live; the new one sees it arrive', async () => {
  const um = follow(client(await t.token({ role: Role.DEPARTMENT_STAFF, departmentCode: '440106-UM', subject: 'um-live' })), TicketEventsDocument);
  const hud = follow(client(await t.token({ role: Role.DEPARTMENT_STAFF, departmentCode: '440106-HUD', subject: 'hud-live' })), TicketEventsDocument);
  await settle();
  const a = await intake('440106', '440106-UM');
  const { createTicket: full } = await t.ok(CreateTicketDocument, { input: { channel: 'PHONE', title: '占道经营', content: '天河路有人占道摆摊', districtCode: '440106', dispatchTo: '440106-UM' } }, operator);
  await t.ok(RedispatchTicketDocument, { input: { id: full.id, expectedVersion: full.version, departmentCode: '440106-HUD', reason: '属于住建部门管辖' } }, operator);
  await until('UM hears of the redispatch', () => um.got.some((e) => e.number === full.number && e.type === 'REDISPATCHED'));
  await until('HUD sees the ticket arrive', () => hud.got.some((e) => e.number === full.number));
  await new Promise((r) => setTimeout(r, 200));
  expect(um.errors).toEqual([]);
  expect(um.got.map((e) => [e.number, e.type])).toEqual([
    [a.number, 'DISPATCHED'],
    [full.number, 'DISPATCHED'],
    [full.number, 'REDISPATCHED'],
  ]);
  expect(um.got[2].leadDepartment?.code).toBe('440106-HUD');
  expect(hud.got.map((e) => [e.number, e.type])).toEqual([[full.number, 'REDISPATCHED']]);
  um.stop();
  hud.stop();
});

test('a resume whose replay fails closes that socket only: the group goes on delivering to the others', async () => {
  const live = follow(client(operator), TicketEventsDocument);
  await settle();
  const first = await intake('440106', '440106-UM');
  await until('the live subscriber to see the first ticket', () => live.got.some((e) => e.number === first.number));
  const cursor = live.got[0].id;
  // the replay's last page — the one read in order with the group's deliveries — fails (a
  // database fault), once: the first read finds nothing, the second throws
  const groups = t.hub.services.live.groups as unknown as { page: (...a: unknown[]) => Promise<boolean> };
  const page = jest.spyOn(groups, 'page').mockResolvedValueOnce(false).mockRejectedValueOnce(new Error('injected fault'));
  const closed: number[] = [];
  const resuming = createClient({
    url: t.hub.wsUrl.replace('localhost', '127.0.0.1'),
    webSocketImpl: WebSocket,
    retryAttempts: 0,
    connectionParams: { authorization: `Bearer ${operator}` },
    on: { closed: (e) => closed.push((e as { code: number }).code) },
  });
  clients.push(resuming);
  resuming.subscribe({ query: print(TicketEventsDocument), variables: { after: cursor } }, { next: () => undefined, error: () => undefined, complete: () => undefined });
  await until('the resuming socket to be closed', () => closed.length > 0);
  expect(closed).toEqual([4500]);
  page.mockRestore();
  const second = await intake('440106', '440106-UM');
  await until('the live subscriber to see the next ticket', () => live.got.some((e) => e.number === second.number));
  live.stop();
});

test('nested fields of a live ticket are read afresh for each update (its audit log grows as it is handled)', async () => {
  type Update = { ticketEvents: { type: string; number: string; ticket: { events: { type: string }[] } | null } };
  const got: Update['ticketEvents'][] = [];
  const c = client(operator);
  const stop = c.subscribe<Update>(
    { query: 'subscription { ticketEvents { type number ticket { events { type } } } }' },
    { next: (r) => r.data && got.push(r.data.ticketEvents), error: () => undefined, complete: () => undefined },
  );
  await settle();
  const tk = await intake('440106', '440106-UM');
  const dep = await t.token({ role: Role.DEPARTMENT_STAFF, departmentCode: '440106-UM', subject: 'um-nested' });
  let version = 2;
  for (const m of ['acceptTicket', 'startTicket']) {
    const res = await t.raw({ query: `mutation($i: TicketChangeInput!) { ${m}(input: $i) { version } }`, variables: { i: { id: tk.id, expectedVersion: version } } }, { authorization: `Bearer ${dep}` });
    version = (res.body.data as Record<string, { version: number }>)[m].version;
  }
  await until('four updates of the ticket', () => got.filter((e) => e.number === tk.number).length >= 4);
  const mine = got.filter((e) => e.number === tk.number);
  expect(mine.map((e) => e.type)).toEqual(['CREATED', 'DISPATCHED', 'ACCEPTED', 'STARTED']);
  // each update shows the log as it was then (or later), never an older copy
  const lengths = mine.map((e) => e.ticket!.events.length);
  expect(lengths[2]).toBeGreaterThanOrEqual(3);
  expect(lengths[3]).toBe(4);
  stop();
});

test('identical subscriptions share one group: one execution per event, the same bytes on every socket', async () => {
  const office = await t.token({ role: Role.DISTRICT_OFFICE, districtCodes: ['440112'] });
  await until('earlier subscriptions closed', () => t.hub.services.live.groups.stats().subscribers === 0);
  const before = t.hub.services.live.groups.stats();
  const streams = [0, 1, 2].map(() => follow(client(office), TicketEventsDocument));
  const other = follow(client(operator), TicketEventsDocument, { filter: { districtCodes: ['440112'] } });
  await settle();
  expect(t.hub.services.live.groups.stats()).toEqual({ groups: before.groups + 2, subscribers: before.subscribers + 4 });
  const a = await intake('440112', '440112-UM');
  await until('every subscriber', () => [...streams, other].every((s) => s.got.length === 2));
  for (const s of streams) expect(s.got).toEqual(streams[0].got);
  expect(other.got.map((e) => e.number)).toEqual([a.number, a.number]);
  for (const s of [...streams, other]) s.stop();
  await until('groups closed', () => t.hub.services.live.groups.stats().subscribers === before.subscribers);
});

test('personal data on the live ticket follows the viewer’s role', async () => {
  const office = await t.token({ role: Role.DISTRICT_OFFICE, districtCodes: ['440106'] });
  const s = follow<{ id: string; number: string; ticket: { citizen: { phone: string | null; masked: boolean } } | null }>(
    client(office),
    TicketEventsWithTicketDocument,
  );
  await settle();
  const a = await intake('440106', undefined, '13912345678');
  await until('the event', () => s.got.some((e) => e.number === a.number));
  const e = s.got.find((x) => x.number === a.number)!;
  expect(e.ticket!.citizen).toEqual({ phone: '139****5678', masked: true });
  s.stop();
});

test('resuming with after: first every event missed, then live ones, no repeats', async () => {
  const c = client(operator);
  const first = follow(c, TicketEventsDocument);
  await settle();
  const a = await intake('440104');
  await until('first ticket', () => first.got.some((e) => e.number === a.number));
  const last = first.got[first.got.length - 1].id;
  first.stop();
  // missed while away
  const b = await intake('440104', '440104-UM');
  const c2 = await intake('440105');
  const resumed = follow(client(operator), TicketEventsDocument, { after: last });
  await until('the missed events', () => resumed.got.length >= 3);
  expect(resumed.got.slice(0, 3).map((e) => [e.number, e.type])).toEqual([
    [b.number, 'CREATED'],
    [b.number, 'DISPATCHED'],
    [c2.number, 'CREATED'],
  ]);
  // the first ticket event after `last` (alerts and task forces share the outbox's positions)
  const [next] = (await t.hub.orm.em.getConnection().execute(
    `select min(position)::text as p from outbox_events where topic = 'ticket' and position > ?`,
    [last],
  )) as { p: string }[];
  expect(resumed.got[0].id).toBe(next.p);
  // and then live
  const d = await intake('440104');
  await until('the live event', () => resumed.got.some((e) => e.number === d.number));
  const ids = resumed.got.map((e) => e.id);
  expect(new Set(ids).size).toBe(ids.length);
  resumed.stop();
});

test('a bad filter or an unknown after gets a coded error on that operation; the socket stays usable', async () => {
  const c = client(operator);
  const cases: [Record<string, unknown>, string, string][] = [
    [{ filter: { districtCodes: ['999999'] } }, 'BAD_USER_INPUT', 'filter.districtCodes'],
    [{ filter: { departmentCodes: ['NO-SUCH'] } }, 'BAD_USER_INPUT', 'filter.departmentCodes'],
    [{ filter: { matterCodes: ['NO-SUCH'] } }, 'BAD_USER_INPUT', 'filter.matterCodes'],
    [{ after: '999999999' }, 'BAD_USER_INPUT', 'after'],
    [{ after: 'yesterday' }, 'BAD_USER_INPUT', 'after'],
  ];
  for (const [variables, code, field] of cases) {
    const s = follow(c, TicketEventsDocument, variables);
    await until(`an error for ${JSON.stringify(variables)}`, () => s.errors.length > 0);
    expect(s.errors[0].extensions).toMatchObject({ code, field });
  }
  const office = client(await t.token({ role: Role.DISTRICT_OFFICE, districtCodes: ['440106'] }));
  const other = follow(office, TicketEventsDocument, { filter: { districtCodes: ['440103'] } });
  await until('forbidden', () => other.errors.length > 0);
  expect(other.errors[0].extensions?.code).toBe('FORBIDDEN');
  // the same socket still serves
  const ok = follow(c, TicketEventsDocument, { filter: { districtCodes: ['440111'], statuses: ['RECEIVED'] } });
  await settle();
  const a = await intake('440111', '440111-UM');
  await until('the valid subscription', () => ok.got.length === 1);
  expect(ok.got[0]).toMatchObject({ number: a.number, status: 'RECEIVED' });
  ok.stop();
});

test('every change in one transaction has its outbox row; nothing is published before commit', async () => {
  const before = await t.hub.orm.em.getConnection().execute<{ n: string }[]>('select count(*) as n from outbox_events');
  const refused = await t.gql(CreateTicketDocument, { input: { channel: 'PHONE', title: ' ', content: '有内容', districtCode: '440106' } }, operator);
  expect(refused.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
  const a = await intake('440106', '440106-UM');
  const rows = await t.hub.orm.em
    .getConnection()
    .execute<{ type: string; seq: number }[]>(
      `select o.type, (o.payload->>'seq')::int as seq from outbox_events o join ticket_events e on e.ticket_id = o.aggregate_id and e.seq = (o.payload->>'seq')::int
        join tickets t on t.id = o.aggregate_id where t.number = ? order by o.id`,
      [a.number],
    );
  expect(rows).toEqual([
    { type: 'CREATED', seq: 1 },
    { type: 'DISPATCHED', seq: 2 },
  ]);
  const after = await t.hub.orm.em.getConnection().execute<{ n: string }[]>('select count(*) as n from outbox_events');
  expect(Number(after[0].n) - Number(before[0].n)).toBe(2);
});
