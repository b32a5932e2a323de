import { Ticket } from '../src/tickets/ticket.entity';
import { TicketEvent } from '../src/tickets/ticket-event.entity';
import { replay } from '../src/tickets/ticket.lifecycle';
import { stateOf } from '../src/tickets/tickets.service';
import { ManualClock } from '../src/shared/clock';
import { GUANGZHOU_DEPARTMENTS } from '../src/seed/guangzhou';
import {
  AcceptTicketDocument,
  AddCoDepartmentsDocument,
  ArbitrateTicketDocument,
  CloseTicketDocument,
  CreateTicketDocument,
  DecideExtensionDocument,
  DispatchTicketDocument,
  DisputeRejectDocument,
  MergeTicketDocument,
  RedispatchTicketDocument,
  RejectTicketDocument,
  RequestExtensionDocument,
  ResolveOnCallDocument,
  ResolveTicketDocument,
  ReturnVisitDocument,
  StartTicketDocument,
  TicketByNumberDocument,
  TicketsNestedDocument,
} from './generated/graphql';
import type { TicketFieldsFragment } from './generated/graphql';
import { Role, startTestHub } from './support/hub';
import type { TestHub } from './support/hub';

let t: TestHub;
const clock = new ManualClock(new Date('2026-03-02T01:00:00Z'));
let operator: string;
let supervisor: string;
const departmentTokens = new Map<string, string>();

const DISTRICT_BRANCHES = GUANGZHOU_DEPARTMENTS.filter((d) => d.districtCode && d.level === 'DISTRICT').map((d) => d.code);

async function deptToken(code: string): Promise<string> {
  if (!departmentTokens.has(code)) departmentTokens.set(code, await t.token({ role: Role.DEPARTMENT_STAFF, departmentCode: code }));
  return departmentTokens.get(code)!;
}

async function newTicket(i: number, dispatchTo?: string): Promise<TicketFieldsFragment> {
  const { createTicket } = await t.ok(
    CreateTicketDocument,
    {
      input: {
        channel: 'PHONE',
        title: `测试工单 ${i}`,
        content: `第${i}号测试诉求：小区路灯不亮`,
        citizenPhone: '13800138000',
        districtCode: ['440106', '440104', '440105', '440111'][i % 4],
        dispatchTo,
      },
    },
    operator,
  );
  return createTicket;
}

beforeAll(async () => {
  t = await startTestHub({ clock });
  operator = await t.token({ role: Role.OPERATOR });
  supervisor = await t.token({ role: Role.SUPERVISOR });
});
afterAll(() => t.stop());

describe('optimistic locking', () => {
  test('of two concurrent accepts of one ticket exactly one wins; the other gets CONFLICT and writes nothing', async () => {
    for (let round = 0; round < 5; round++) {
      const ticket = await newTicket(round, '440106-UM');
      const token = await deptToken('440106-UM');
      const input = { id: ticket.id, expectedVersion: ticket.version };
      const results = await Promise.all([
        t.gql(AcceptTicketDocument, { input }, token),
        t.gql(AcceptTicketDocument, { input }, token),
      ]);
      const wins = results.filter((r) => r.data?.acceptTicket);
      const losses = results.filter((r) => r.errors?.[0]?.extensions?.code === 'CONFLICT');
      expect(wins).toHaveLength(1);
      expect(losses).toHaveLength(1);
      const { ticket: after } = await t.ok(TicketByNumberDocument, { number: ticket.number }, operator);
      expect(after!.version).toBe(ticket.version + 1);
      expect(after!.events.filter((e) => e.type === 'ACCEPTED')).toHaveLength(1);
    }
  });

  test('ten concurrent writers on one ticket: exactly one change lands', async () => {
    const ticket = await newTicket(99, '440104-UM');
    const dept = await deptToken('440104-UM');
    const input = { id: ticket.id, expectedVersion: ticket.version };
    const calls = [
      ...Array.from({ length: 5 }, () => t.gql(AcceptTicketDocument, { input }, dept)),
      ...Array.from({ length: 5 }, (_, i) =>
        t.gql(RedispatchTicketDocument, { input: { ...input, departmentCode: DISTRICT_BRANCHES[i], reason: '改派' } }, operator),
      ),
    ];
    const results = await Promise.all(calls);
    const wins = results.filter((r) => !r.errors);
    expect(wins).toHaveLength(1);
    for (const r of results.filter((x) => x.errors)) {
      expect(['CONFLICT', 'NOT_FOUND']).toContain(r.errors![0].extensions?.code);
    }
    const { ticket: after } = await t.ok(TicketByNumberDocument, { number: ticket.number }, operator);
    expect(after!.version).toBe(ticket.version + 1);
    expect(after!.events).toHaveLength(ticket.version + 1);
  });
});

const ACTIONS = [
  'dispatch', 'redispatch', 'accept', 'start', 'reject', 'dispute', 'arbitrate', 'co', 'extend', 'decide',
  'resolve', 'oncall', 'visitOk', 'visitBad', 'close', 'merge',
] as const;
type Action = (typeof ACTIONS)[number];
const PLAUSIBLE: Record<TicketFieldsFragment['status'], readonly Action[]> = {
  RECEIVED: ['dispatch', 'oncall', 'merge', 'dispute'],
  DISPATCHED: ['accept', 'accept', 'reject', 'redispatch', 'merge'],
  ACCEPTED: ['start', 'start', 'co', 'extend'],
  IN_PROGRESS: ['resolve', 'resolve', 'extend', 'decide', 'co'],
  ARBITRATION: ['arbitrate'],
  RESOLVED: ['visitOk', 'visitBad', 'close'],
  REOPENED: ['dispatch'],
  CLOSED: ['visitOk'],
  MERGED: ['visitOk'],
};

/** A tiny deterministic PRNG so a failing walk can be replayed. */
function rng(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

test('a random walk over the lifecycle: replaying every ticket’s events gives its current state', async () => {
  const rand = rng(20260131);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)];
  const tickets: TicketFieldsFragment[] = [];
  for (let i = 0; i < 24; i++) tickets.push(await newTicket(i, i % 3 === 0 ? pick(DISTRICT_BRANCHES) : undefined));

  let applied = 0;
  let refused = 0;
  for (let step = 0; step < 400; step++) {
    const idx = Math.floor(rand() * tickets.length);
    const cur = tickets[idx];
    const input = { id: cur.id, expectedVersion: cur.version };
    const lead = cur.leadDepartment?.code ?? pick(DISTRICT_BRANCHES);
    const dept = await deptToken(lead);
    clock.advance(Math.floor(rand() * 4 * 3600_000));
    // mostly a plausible next step for the status, sometimes anything (which must be refused cleanly)
    const action = rand() < 0.7 ? pick(PLAUSIBLE[cur.status]) : pick(ACTIONS);
    let res: { data?: unknown; errors?: readonly { extensions?: Record<string, unknown> }[] };
    let next: TicketFieldsFragment | undefined;
    switch (action) {
      case 'dispatch': {
        const r = await t.gql(DispatchTicketDocument, { input: { ...input, departmentCode: cur.leadDepartment?.code ?? pick(DISTRICT_BRANCHES) } }, operator);
        res = r; next = r.data?.dispatchTicket; break;
      }
      case 'redispatch': {
        const r = await t.gql(RedispatchTicketDocument, { input: { ...input, departmentCode: pick(DISTRICT_BRANCHES), reason: '派错了' } }, operator);
        res = r; next = r.data?.redispatchTicket; break;
      }
      case 'accept': { const r = await t.gql(AcceptTicketDocument, { input }, dept); res = r; next = r.data?.acceptTicket; break; }
      case 'start': { const r = await t.gql(StartTicketDocument, { input }, dept); res = r; next = r.data?.startTicket; break; }
      case 'reject': { const r = await t.gql(RejectTicketDocument, { input: { ...input, reason: '不属于我单位' } }, dept); res = r; next = r.data?.rejectTicket; break; }
      case 'dispute': { const r = await t.gql(DisputeRejectDocument, { input: { ...input, reason: '属于该单位' } }, supervisor); res = r; next = r.data?.disputeReject; break; }
      case 'arbitrate': {
        const r = await t.gql(ArbitrateTicketDocument, { input: { ...input, departmentCode: pick(DISTRICT_BRANCHES), decision: '裁定' } }, supervisor);
        res = r; next = r.data?.arbitrateTicket; break;
      }
      case 'co': {
        const r = await t.gql(AddCoDepartmentsDocument, { input: { ...input, departmentCodes: [pick(DISTRICT_BRANCHES)] } }, dept);
        res = r; next = r.data?.addCoDepartments; break;
      }
      case 'extend': { const r = await t.gql(RequestExtensionDocument, { input: { ...input, days: 1 + Math.floor(rand() * 4), reason: '需要协调' } }, dept); res = r; next = r.data?.requestExtension; break; }
      case 'decide': { const r = await t.gql(DecideExtensionDocument, { input: { ...input, approve: rand() < 0.5 } }, supervisor); res = r; next = r.data?.decideExtension; break; }
      case 'resolve': { const r = await t.gql(ResolveTicketDocument, { input: { ...input, reply: '已处理' } }, dept); res = r; next = r.data?.resolveTicket; break; }
      case 'oncall': { const r = await t.gql(ResolveOnCallDocument, { input: { ...input, reply: '电话中已解答' } }, operator); res = r; next = r.data?.resolveOnCall; break; }
      case 'visitOk': { const r = await t.gql(ReturnVisitDocument, { input: { ...input, satisfaction: 'SATISFIED', resolution: 'RESOLVED' } }, operator); res = r; next = r.data?.returnVisit; break; }
      case 'visitBad': { const r = await t.gql(ReturnVisitDocument, { input: { ...input, satisfaction: 'DISSATISFIED', resolution: 'NOT_RESOLVED' } }, operator); res = r; next = r.data?.returnVisit; break; }
      case 'close': { const r = await t.gql(CloseTicketDocument, { input: { ...input, note: '无法联系' } }, supervisor); res = r; next = r.data?.closeTicket; break; }
      case 'merge': {
        const parent = pick(tickets);
        const r = await t.gql(MergeTicketDocument, { input: { ...input, parentId: parent.id } }, operator);
        res = r; next = r.data?.mergeTicket; break;
      }
    }
    if (res.errors?.length) {
      refused++;
      expect(['ILLEGAL_TRANSITION', 'FORBIDDEN', 'BAD_USER_INPUT', 'NOT_FOUND']).toContain(res.errors[0].extensions?.code);
    } else {
      applied++;
      tickets[idx] = next!;
    }
    // a change may also move other tickets (merged children resolved with their parent)
    if (!res.errors && (action === 'resolve' || action === 'oncall' || action === 'merge')) {
      for (let k = 0; k < tickets.length; k++) {
        const { ticket } = await t.ok(TicketByNumberDocument, { number: tickets[k].number }, operator);
        tickets[k] = ticket!;
      }
    }
  }
  expect(applied).toBeGreaterThan(60);
  expect(refused).toBeGreaterThan(0);

  const em = t.hub.orm.em.fork();
  const rows = await em.find(Ticket, {});
  const statuses = new Set(rows.map((r) => r.status));
  expect(statuses.size).toBeGreaterThanOrEqual(5);
  for (const row of rows) {
    const events = await em.find(TicketEvent, { ticketId: row.id }, { orderBy: { seq: 'asc' } });
    expect(events.map((e) => e.seq)).toEqual(events.map((_, i) => i + 1));
    expect(events.length).toBe(row.version);
    expect(replay(events)).toEqual(stateOf(row));
  }
  expect(t.errors).toEqual([]);
});

test('SQL statements for tickets → lead department → district do not grow with the list', async () => {
  for (let i = 0; i < 40; i++) await newTicket(1000 + i, DISTRICT_BRANCHES[i % DISTRICT_BRANCHES.length]);
  const count = async (first: number) => {
    const before = t.counter.count;
    const data = await t.ok(TicketsNestedDocument, { first }, operator);
    expect(data.tickets.edges).toHaveLength(first);
    expect(data.tickets.edges.every((e) => e.node.leadDepartment?.district?.code)).toBe(true);
    return t.counter.count - before;
  };
  const at10 = await count(10);
  const at40 = await count(40);
  expect(at10).toBeGreaterThan(0);
  expect(at40).toBe(at10);
  expect(at40).toBeLessThanOrEqual(4);
});
