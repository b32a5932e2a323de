/**
 * 承办单位考核: departments' figures over a period — rejects (退单), on-time accept and resolution,
 * overdue, return-visit satisfaction — each ticket counted once, within the reader's scope.
 */
import { ManualClock } from '../src/shared/clock';
import { Role, startTestHub } from './support/hub';
import type { TestHub } from './support/hub';

jest.setTimeout(60_000);

const HOUR = 3_600_000;
const clock = new ManualClock(new Date('2026-03-02T01:00:00Z')); // Monday 09:00 in Guangzhou
let t: TestHub;
let operator: string;
let um: string;
let hud: string;
let supervisor: string;

async function gql<R>(token: string, query: string, variables: Record<string, unknown> = {}): Promise<R> {
  const res = await t.raw({ query, variables }, { authorization: `Bearer ${token}` });
  if (res.body.errors) throw new Error(JSON.stringify(res.body.errors));
  return res.body.data as R;
}
const change = async (token: string, m: string, input: Record<string, unknown>, type = 'TicketChangeInput') =>
  (await gql<Record<string, { version: number }>>(token, `mutation($i: ${type}!) { ${m}(input: $i) { version } }`, { i: input }))[m].version;
const create = async (content: string) =>
  (await gql<{ createTicket: { id: string; version: number } }>(operator, 'mutation($i: CreateTicketInput!) { createTicket(input: $i) { id version } }', {
    i: { channel: 'PHONE', title: content.slice(0, 10), content, districtCode: '440106', dispatchTo: '440106-UM' },
  })).createTicket;

const FIGURES = `query($from: DateTimeISO!, $to: DateTimeISO!, $d: [String!], $deps: [String!]) {
  departmentFigures(from: $from, to: $to, districtCodes: $d, departmentCodes: $deps) {
    department { code } tickets rejected accepted acceptedOnTime resolved resolvedOnTime overdue
    returnVisits satisfied basicallySatisfied dissatisfied satisfactionRate onTimeResolutionRate rejectRate } }`;
// March in Guangzhou: the bounds are instants, given with their offset
const period = { from: '2026-03-01T00:00:00+08:00', to: '2026-04-01T00:00:00+08:00' };

beforeAll(async () => {
  t = await startTestHub({ clock });
  operator = await t.token({ role: Role.OPERATOR, subject: 'op-1' });
  um = await t.token({ role: Role.DEPARTMENT_STAFF, departmentCode: '440106-UM', subject: 'um-1' });
  hud = await t.token({ role: Role.DEPARTMENT_STAFF, departmentCode: '440106-HUD', subject: 'hud-1' });
  supervisor = await t.token({ role: Role.SUPERVISOR, subject: 'sup-1' });

  // 1: urban management accepts and resolves in time; the caller is satisfied
  const a = await create('体育西路占道经营，摊贩堵住人行道');
  let v = await change(um, 'acceptTicket', { id: a.id, expectedVersion: a.version });
  v = await change(um, 'startTicket', { id: a.id, expectedVersion: v });
  v = await change(um, 'resolveTicket', { id: a.id, expectedVersion: v, reply: '已清理占道摊贩' }, 'ResolveTicketInput');
  await change(operator, 'returnVisit', { id: a.id, expectedVersion: v, satisfaction: 'SATISFIED', resolution: 'RESOLVED' }, 'ReturnVisitInput');
  // 2: urban management rejects it (not its own); housing takes it, accepts and resolves late
  const b = await create('小区电梯经常困人，物业不维修');
  v = await change(um, 'rejectTicket', { id: b.id, expectedVersion: b.version, reason: '电梯属住建部门监管' }, 'RejectTicketInput');
  v = await change(operator, 'dispatchTicket', { id: b.id, expectedVersion: v, departmentCode: '440106-HUD' }, 'DispatchTicketInput');
  // a neighbour calls about the same lift: merged into it, their return visit counts for its lead
  const d = (await gql<{ createTicket: { id: string; version: number } }>(operator, 'mutation($i: CreateTicketInput!) { createTicket(input: $i) { id version } }', {
    i: { channel: 'PHONE', title: '电梯困人', content: '我们楼的电梯又困人了，物业不管', districtCode: '440106' },
  })).createTicket;
  await change(operator, 'mergeTicket', { id: d.id, expectedVersion: d.version, parentId: b.id }, 'MergeTicketInput');
  clock.advance(30 * HOUR);
  v = await change(hud, 'acceptTicket', { id: b.id, expectedVersion: v });
  v = await change(hud, 'startTicket', { id: b.id, expectedVersion: v });
  clock.advance(14 * 24 * HOUR);
  v = await change(hud, 'resolveTicket', { id: b.id, expectedVersion: v, reply: '已督促物业维修电梯' }, 'ResolveTicketInput');
  await change(operator, 'returnVisit', { id: b.id, expectedVersion: v, satisfaction: 'BASICALLY_SATISFIED', resolution: 'PARTLY_RESOLVED' }, 'ReturnVisitInput');
  const child = (await gql<{ node: { version: number } }>(operator, 'query($id: ID!) { node(id: $id) { ... on Ticket { version } } }', { id: d.id })).node;
  await change(operator, 'returnVisit', { id: d.id, expectedVersion: child.version, satisfaction: 'SATISFIED', resolution: 'RESOLVED' }, 'ReturnVisitInput');
  // 3: urban management leaves it: by now it is past its deadline
  await create('天河路井盖缺失，夜间很危险');
  // 4: urban management rejects it; the centre disputes the reject and arbitration sends it back —
  // an overruled reject is still a reject; then it is urban management's again
  const c = await create('人行道树木倒伏压住护栏，无人处理');
  v = await change(um, 'rejectTicket', { id: c.id, expectedVersion: c.version, reason: '树木归园林部门' }, 'RejectTicketInput');
  v = await change(supervisor, 'disputeReject', { id: c.id, expectedVersion: v, reason: '人行道设施由城管负责' }, 'DisputeRejectInput');
  await change(supervisor, 'arbitrateTicket', { id: c.id, expectedVersion: v, departmentCode: '440106-UM', decision: '人行道设施属城管职责，由城管办理' }, 'ArbitrateTicketInput');
});
afterAll(() => t.stop());

test('per department: tickets, rejects, on-time accept and resolution, overdue and satisfaction', async () => {
  clock.advance(10 * 24 * HOUR);
  const { departmentFigures } = await gql<{ departmentFigures: Record<string, unknown>[] }>(supervisor, FIGURES, period);
  expect(departmentFigures).toEqual([
    {
      department: { code: '440106-HUD' }, tickets: 1, rejected: 0, accepted: 1, acceptedOnTime: 0, resolved: 1, resolvedOnTime: 0, overdue: 0,
      returnVisits: 2, satisfied: 1, basicallySatisfied: 1, dissatisfied: 0, satisfactionRate: 1, onTimeResolutionRate: 0, rejectRate: 0,
    },
    {
      department: { code: '440106-UM' }, tickets: 3, rejected: 2, accepted: 1, acceptedOnTime: 1, resolved: 1, resolvedOnTime: 1, overdue: 2,
      returnVisits: 1, satisfied: 1, basicallySatisfied: 0, dissatisfied: 0, satisfactionRate: 1, onTimeResolutionRate: 1, rejectRate: 0.4,
    },
  ]);
  // a department reads its own row, the same as the centre does
  for (const [token, i] of [[hud, 0], [um, 1]] as const) {
    expect((await gql<{ departmentFigures: unknown[] }>(token, FIGURES, period)).departmentFigures).toEqual([departmentFigures[i]]);
  }
  // an analyst reads the same; the period is by intake: a period before it has nothing
  const analyst = await t.token({ role: Role.ANALYST, subject: 'bi-1' });
  expect((await gql<{ departmentFigures: unknown[] }>(analyst, FIGURES, period)).departmentFigures).toEqual(departmentFigures);
  expect((await gql<{ departmentFigures: unknown[] }>(analyst, FIGURES, { from: '2026-02-01T00:00:00+08:00', to: '2026-03-01T00:00:00+08:00' })).departmentFigures).toEqual([]);
});

test('scope: a department reads its own figures, a district office its districts’; bad periods are coded errors', async () => {
  const mine = await gql<{ departmentFigures: { department: { code: string } }[] }>(hud, FIGURES, period);
  expect(mine.departmentFigures.map((f) => f.department.code)).toEqual(['440106-HUD']);
  const other = await t.raw({ query: FIGURES, variables: { ...period, deps: ['440106-UM'] } }, { authorization: `Bearer ${hud}` });
  expect(other.body.errors?.[0].extensions?.code).toBe('FORBIDDEN');
  const yuexiu = await t.token({ role: Role.DISTRICT_OFFICE, districtCodes: ['440104'], subject: 'yx-1' });
  expect((await gql<{ departmentFigures: unknown[] }>(yuexiu, FIGURES, period)).departmentFigures).toEqual([]);
  const tianhe = await t.token({ role: Role.DISTRICT_OFFICE, districtCodes: ['440106'], subject: 'th-1' });
  expect((await gql<{ departmentFigures: unknown[] }>(tianhe, FIGURES, period)).departmentFigures).toHaveLength(2);
  const refused = await t.raw({ query: FIGURES, variables: { ...period, d: ['440106'] } }, { authorization: `Bearer ${yuexiu}` });
  expect(refused.body.errors?.[0].extensions?.code).toBe('FORBIDDEN');
  for (const [bad, field] of [
    [{ from: period.to, to: period.from }, 'to'],
    [{ from: '2025-01-01T00:00:00Z', to: '2026-06-01T00:00:00Z' }, 'from'],
  ] as const) {
    const res = await t.raw({ query: FIGURES, variables: bad }, { authorization: `Bearer ${tianhe}` });
    expect(res.body.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field });
  }
});

test('a merged duplicate re-opened by its caller and handled by another department counts for that department, its visits after the re-open too', async () => {
  clock.set(new Date('2026-04-06T01:00:00Z')); // a Monday in April: a period of its own
  const april = { from: '2026-04-01T00:00:00+08:00', to: '2026-05-01T00:00:00+08:00' };
  const parent = await create('华穗路井盖缺失，晚上很危险');
  const dup = await create('华穗路人行道井盖不见了');
  await change(operator, 'mergeTicket', { id: dup.id, expectedVersion: dup.version, parentId: parent.id }, 'MergeTicketInput');
  let v = await change(um, 'acceptTicket', { id: parent.id, expectedVersion: parent.version });
  v = await change(um, 'startTicket', { id: parent.id, expectedVersion: v });
  v = await change(um, 'resolveTicket', { id: parent.id, expectedVersion: v, reply: '井盖已补上' }, 'ResolveTicketInput');
  await change(operator, 'returnVisit', { id: parent.id, expectedVersion: v, satisfaction: 'SATISFIED', resolution: 'RESOLVED' }, 'ReturnVisitInput');
  const version = async () => (await gql<{ node: { version: number } }>(operator, 'query($id: ID!) { node(id: $id) { ... on Ticket { version } } }', { id: dup.id })).node.version;
  // the neighbour is not satisfied: the problem at their door is housing's, who handle it
  v = await change(operator, 'returnVisit', { id: dup.id, expectedVersion: await version(), satisfaction: 'DISSATISFIED', resolution: 'NOT_RESOLVED' }, 'ReturnVisitInput');
  v = await change(operator, 'dispatchTicket', { id: dup.id, expectedVersion: v, departmentCode: '440106-HUD' }, 'DispatchTicketInput');
  v = await change(hud, 'acceptTicket', { id: dup.id, expectedVersion: v });
  v = await change(hud, 'startTicket', { id: dup.id, expectedVersion: v });
  v = await change(hud, 'resolveTicket', { id: dup.id, expectedVersion: v, reply: '已修复' }, 'ResolveTicketInput');
  await change(operator, 'returnVisit', { id: dup.id, expectedVersion: v, satisfaction: 'SATISFIED', resolution: 'RESOLVED' }, 'ReturnVisitInput');

  const { departmentFigures } = await gql<{ departmentFigures: Record<string, unknown>[] }>(supervisor, FIGURES, april);
  expect(departmentFigures).toEqual([
    expect.objectContaining({ department: { code: '440106-HUD' }, tickets: 1, accepted: 1, resolved: 1, returnVisits: 1, satisfied: 1, dissatisfied: 0 }),
    // the first visit of the duplicate judged urban management's work on the parent
    expect.objectContaining({ department: { code: '440106-UM' }, tickets: 1, accepted: 1, resolved: 1, returnVisits: 2, satisfied: 1, dissatisfied: 1 }),
  ]);
  expect((await gql<{ departmentFigures: unknown[] }>(hud, FIGURES, april)).departmentFigures).toEqual([departmentFigures[0]]);
  // the hotline's figures by department agree on the tickets
  const byDepartment = await gql<{ ticketFigures: { department: { code: string } | null; tickets: number; resolved: number }[] }>(
    supervisor,
    'query($from: DateTimeISO!, $to: DateTimeISO!) { ticketFigures(from: $from, to: $to, groupBy: [DEPARTMENT]) { department { code } tickets resolved } }',
    april,
  );
  expect(byDepartment.ticketFigures).toEqual(
    expect.arrayContaining([
      { department: { code: '440106-HUD' }, tickets: 1, resolved: 1 },
      { department: { code: '440106-UM' }, tickets: 1, resolved: 1 },
    ]),
  );
});
