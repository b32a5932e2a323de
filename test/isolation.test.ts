/**
 * Isolation: 1,000 generated queries and subscriptions as a district office reach nothing
 * outside its district — not by list, number, node, aggregate nor subscription — and an
 * analyst never receives a phone number, in responses or in the hub's logs. Every query goes
 * over HTTP or over WebSocket (graphql-ws), alternately: the same answers either way.
 */
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';
import { seededRandom } from '../src/routing/random';
import { GUANGZHOU_DISTRICTS } from '../src/seed/guangzhou';
import { Role, startTestHub } from './support/hub';
import type { TestHub } from './support/hub';

jest.setTimeout(120_000);

const MINE = '440106';
// (a phone number as written: not digits inside an id — a UUID's hex or a base64 Relay id can hold eleven in a row)
const PHONE = /(?<![0-9A-Za-z+/=-])1[3-9]\d{9}(?![0-9A-Za-z])/;
let t: TestHub;
let operator: string;
const tickets: { id: string; number: string; district: string }[] = [];

const create = `mutation($input: CreateTicketInput!) { createTicket(input: $input) { id number } }`;

async function intake(district: string, i: number) {
  const res = await t.raw(
    {
      query: create,
      variables: {
        input: {
          channel: 'PHONE',
          title: `来电 ${i}`,
          content: `第${i}号：小区停水`,
          districtCode: district,
          dispatchTo: i % 2 ? `${district}-UM` : null,
          citizenName: '李娜',
          citizenPhone: `139${String(10_000_000 + i).slice(-8)}`,
          citizenAddress: `幸福路${i}号`,
        },
      },
    },
    { authorization: `Bearer ${operator}` },
  );
  const d = (res.body.data as { createTicket: { id: string; number: string } }).createTicket;
  tickets.push({ ...d, district });
}

beforeAll(async () => {
  t = await startTestHub();
  operator = await t.token({ role: Role.OPERATOR });
  let i = 0;
  for (const d of GUANGZHOU_DISTRICTS) for (let k = 0; k < 3; k++) await intake(d.code, i++);
});
afterAll(() => t.stop());

/** Every district code in a response: each must be ours. */
function districtsIn(body: unknown): string[] {
  const found: string[] = [];
  JSON.stringify(body, (k, v: unknown) => {
    if (k === 'district' && v && typeof v === 'object' && 'code' in v) found.push(String((v as { code: string }).code));
    return v;
  });
  return found;
}

test('1,000 generated reads and subscriptions as a district office: nothing from other districts', async () => {
  const office = await t.token({ role: Role.DISTRICT_OFFICE, districtCodes: [MINE] });
  const random = seededRandom(42);
  const pick = <T>(xs: T[]) => xs[Math.floor(random() * xs.length)];
  const codes = GUANGZHOU_DISTRICTS.map((d) => d.code);
  const statuses = ['RECEIVED', 'DISPATCHED', 'ACCEPTED', 'RESOLVED'];
  const mine = tickets.filter((x) => x.district === MINE);
  let checked = 0;
  let leaks = 0;

  // subscriptions first: they must see only our district's events from the tickets made below
  const ws = createClient({ url: t.hub.wsUrl.replace('localhost', '127.0.0.1'), webSocketImpl: WebSocket, retryAttempts: 0, connectionParams: { authorization: `Bearer ${office}` } });
  const seen: string[] = [];
  const refusedSubs: string[] = [];
  const subs = Array.from({ length: 50 }, () => {
    const filter = random() < 0.5 ? {} : random() < 0.5 ? { statuses: [pick(statuses)] } : { districtCodes: [pick(codes)] };
    return ws.subscribe(
      { query: 'subscription($f: TicketEventFilter) { ticketEvents(filter: $f) { id number district { code } } }', variables: { f: filter } },
      {
        next: (r) => {
          if (r.errors) refusedSubs.push(String(r.errors[0].extensions?.code));
          else seen.push(...districtsIn(r.data));
        },
        error: (e) => refusedSubs.push(String((e as { extensions?: { code?: string } }[])[0]?.extensions?.code ?? e)),
        complete: () => undefined,
      },
    );
  });
  await new Promise((r) => setTimeout(r, 300));

  // queries alternate between HTTP and a second WebSocket connection
  const wsq = createClient({ url: t.hub.wsUrl.replace('localhost', '127.0.0.1'), webSocketImpl: WebSocket, retryAttempts: 0, connectionParams: { authorization: `Bearer ${office}` } });
  const over = { http: 0, ws: 0 };
  let turn = 0;
  const read = async (body: { query: string; variables?: Record<string, unknown> }): Promise<{ body: { data?: unknown; errors?: readonly { extensions?: Record<string, unknown> }[] } }> => {
    if (turn++ % 2 === 0) {
      over.http++;
      return t.raw(body, { authorization: `Bearer ${office}` });
    }
    over.ws++;
    return { body: await new Promise((resolve, reject) => {
      let result: unknown;
      wsq.subscribe(body, { next: (r) => (result = r), error: (e) => reject(e instanceof Error ? e : new Error(JSON.stringify(e))), complete: () => resolve(result as never) });
    }) };
  };

  for (let n = 0; n < 950; n++) {
    const kind = pick(['list', 'list', 'number', 'node', 'count', 'heatmap', 'reveal']);
    let res;
    if (kind === 'list') {
      const filter: Record<string, unknown> = {};
      if (random() < 0.4) filter.status = [pick(statuses)];
      if (random() < 0.3) filter.districtCode = pick(codes);
      if (random() < 0.2) filter.search = '停水';
      res = await read({ query: 'query($f: TicketFilter, $n: Int) { tickets(first: $n, filter: $f) { totalCount edges { node { number district { code } citizen { phone masked } } } } }', variables: { f: filter, n: 1 + Math.floor(random() * 50) } });
      const conn = (res.body.data as { tickets?: { totalCount: number; edges: { node: { citizen: { masked: boolean } } }[] } } | null)?.tickets;
      if (conn) {
        for (const e of conn.edges) if (!e.node.citizen.masked) leaks++;
        if (conn.totalCount > mine.length) leaks++;
      }
    } else if (kind === 'number') {
      const x = pick(tickets);
      res = await read({ query: 'query($n: String!) { ticket(number: $n) { number district { code } } }', variables: { n: x.number } });
      const got = (res.body.data as { ticket: unknown } | null)?.ticket;
      if (x.district !== MINE && got) leaks++;
    } else if (kind === 'node') {
      const x = pick(tickets);
      res = await read({ query: 'query($id: ID!) { node(id: $id) { ... on Ticket { number district { code } } } }', variables: { id: x.id } });
      const got = (res.body.data as { node: { number?: string } | null } | null)?.node;
      if (x.district !== MINE && got?.number) leaks++;
    } else if (kind === 'count') {
      res = await read({ query: '{ tickets(first: 1) { totalCount } }' });
      const total = (res.body.data as { tickets: { totalCount: number } }).tickets.totalCount;
      if (total !== mine.length) leaks++;
    } else if (kind === 'reveal') {
      // unmasking is for the centre and the handling department: a district office is refused, even in its own district
      const x = pick(tickets);
      res = await read({
        query: 'mutation($id: ID!) { revealCitizen(input: { id: $id, purpose: VERIFICATION, reason: "核实来电人信息" }) { phone masked } }',
        variables: { id: x.id },
      });
      const code = res.body.errors?.[0]?.extensions?.code;
      if (!(x.district === MINE ? code === 'FORBIDDEN' : code === 'NOT_FOUND' || code === 'FORBIDDEN')) leaks++;
      if (PHONE.test(JSON.stringify(res.body))) leaks++;
    } else {
      const d = random() < 0.5 ? null : pick(codes);
      res = await read({ query: 'query($d: [String!]) { heatmap(window: LAST_7D, districtCodes: $d) { total } }', variables: { d } });
      if (d && d !== MINE && !res.body.errors) leaks++;
    }
    for (const code of districtsIn(res.body)) if (code !== MINE) leaks++;
    checked++;
  }

  // new tickets everywhere while the subscriptions listen
  let i = 1000;
  for (const d of GUANGZHOU_DISTRICTS) await intake(d.code, i++);
  await new Promise((r) => setTimeout(r, 1000));
  for (const s of subs) s();
  await ws.dispose();
  await wsq.dispose();

  expect(checked + subs.length).toBe(1000);
  expect(over.http).toBeGreaterThanOrEqual(450);
  expect(over.ws).toBeGreaterThanOrEqual(450);
  expect(seen.length).toBeGreaterThan(0);
  expect(seen.filter((c) => c !== MINE)).toEqual([]);
  expect(refusedSubs.every((c) => c === 'FORBIDDEN')).toBe(true);
  expect(leaks).toBe(0);
});

test('an analyst never receives a phone number, in responses or in the logs', async () => {
  const analyst = await t.token({ role: Role.ANALYST });
  const bodies: string[] = [];
  for (const q of [
    '{ tickets(first: 100) { edges { node { number title content citizen { name phone address masked } events { actor note changes } } } } }',
    '{ heatmap(window: LAST_7D) { total counts } }',
  ]) {
    const res = await t.raw({ query: q }, { authorization: `Bearer ${analyst}` });
    expect(res.body.errors).toBeUndefined();
    bodies.push(JSON.stringify(res.body));
  }
  for (const x of tickets.slice(0, 20)) {
    bodies.push(JSON.stringify((await t.raw({ query: `{ ticket(number: "${x.number}") { citizen { phone name address } } }` }, { authorization: `Bearer ${analyst}` })).body));
  }
  // the same over WebSocket, and a reveal is refused
  const wsa = createClient({ url: t.hub.wsUrl.replace('localhost', '127.0.0.1'), webSocketImpl: WebSocket, retryAttempts: 0, connectionParams: { authorization: `Bearer ${analyst}` } });
  try {
    for (const q of [
      { query: '{ tickets(first: 100) { edges { node { number citizen { name phone address masked } events { actor note changes } } } } }' },
      { query: 'mutation($id: ID!) { revealCitizen(input: { id: $id, purpose: SUPERVISION, reason: "抽查工单质量" }) { phone } }', variables: { id: tickets[0].id } },
    ]) {
      const r = await new Promise<unknown>((resolve, reject) => {
        let result: unknown;
        wsa.subscribe(q, { next: (x) => (result = x), error: reject, complete: () => resolve(result) });
      });
      bodies.push(JSON.stringify(r));
    }
    expect(bodies[bodies.length - 1]).toContain('FORBIDDEN');
  } finally {
    await wsa.dispose();
  }
  expect(bodies.filter((b) => PHONE.test(b))).toEqual([]);
  expect(t.errors.filter((line) => PHONE.test(line))).toEqual([]);
});
