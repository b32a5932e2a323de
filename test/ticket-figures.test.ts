/**
 * 考核指标: the hotline's figures over a period — intake, on-time acceptance and resolution, mean
 * hours, overdue, rejects, first-dispatch accuracy, re-opens, return-visit satisfaction and
 * resolution — broken down by district, department, matter, channel and day, within the reader's
 * scope, from real tickets worked through GraphQL.
 */
import { ManualClock } from '../src/shared/clock';
import { Role, startTestHub } from './support/hub';
import type { TestHub } from './support/hub';

jest.setTimeout(60_000);

const HOUR = 3_600_000;
const clock = new ManualClock(new Date('2026-03-02T01:00:00Z')); // Monday 09:00 in Guangzhou
let t: TestHub;
let operator: string;
let supervisor: string;

interface Answer {
  data?: Record<string, unknown>;
  errors?: { message: string; extensions: { code: string; field?: string } }[];
}
async function ask(token: string, query: string, variables: Record<string, unknown> = {}): Promise<Answer> {
  return (await t.raw({ query, variables }, { authorization: `Bearer ${token}` })).body as Answer;
}
async function gql<R>(token: string, query: string, variables: Record<string, unknown> = {}): Promise<R> {
  const res = await ask(token, query, variables);
  if (res.errors) throw new Error(JSON.stringify(res.errors));
  return res.data as R;
}
const change = async (token: string, m: string, input: Record<string, unknown>, type = 'TicketChangeInput') =>
  (await gql<Record<string, { version: number }>>(token, `mutation($i: ${type}!) { ${m}(input: $i) { version } }`, { i: input }))[m].version;
const create = async (input: Record<string, unknown>) =>
  (
    await gql<{ createTicket: { id: string; version: number; leadDepartment: { code: string } | null } }>(
      operator,
      'mutation($i: CreateTicketInput!) { createTicket(input: $i) { id version leadDepartment { code } } }',
      { i: { channel: 'PHONE', title: String(input.content).slice(0, 10), ...input } },
    )
  ).createTicket;
const staff = (departmentCode: string) => t.token({ role: Role.DEPARTMENT_STAFF, departmentCode, subject: `${departmentCode}-1` });

const FIELDS = `district { code } department { code } matterCode matterName channel category urgency period
  tickets duplicates dispatched accepted acceptedOnTime meanHoursToAccept resolved resolvedOnTime meanHoursToResolve
  overdue rejected firstDispatchRight reopened returnVisits satisfied basicallySatisfied dissatisfied solved partlySolved notSolved
  onTimeAcceptanceRate onTimeResolutionRate resolutionRate satisfactionRate rejectRate firstDispatchAccuracy reopenRate`;
const FIGURES = `query($from: DateTimeISO!, $to: DateTimeISO!, $g: [FigureDimension!], $f: TicketFiguresFilter) {
  ticketFigures(from: $from, to: $to, groupBy: $g, filter: $f) { ${FIELDS} } }`;
// March in Guangzhou: the bounds are instants, given with their offset
const period = { from: '2026-03-01T00:00:00+08:00', to: '2026-04-01T00:00:00+08:00' };
type Row = Record<string, unknown> & { tickets: number };
const figures = async (token: string, g?: string[], f?: Record<string, unknown>) =>
  (await gql<{ ticketFigures: Row[] }>(token, FIGURES, { ...period, g, f })).ticketFigures;

beforeAll(async () => {
  // (the router dispatches nothing on its own here: every ticket goes where the test sends it)
  t = await startTestHub({ clock, dutyList: true, env: { ROUTING_THRESHOLD: '1.01' } });
  operator = await t.token({ role: Role.OPERATOR, subject: 'op-1' });
  supervisor = await t.token({ role: Role.SUPERVISOR, subject: 'sup-1' });
  const [um06, hud06, hud04] = await Promise.all([staff('440106-UM'), staff('440106-HUD'), staff('440104-HUD')]);

  // Monday 09:00. A: the operator names the matter (street lights); urban management accepts and
  // resolves at once; the caller is satisfied, the problem solved
  const a = await create({ content: '体育东路天桥上的路灯不亮，晚上很黑', districtCode: '440106', matterCode: 'CITY.STREETLIGHT' });
  expect(a.leadDepartment?.code).toBe('440106-UM');
  let v = await change(um06, 'acceptTicket', { id: a.id, expectedVersion: a.version });
  v = await change(um06, 'startTicket', { id: a.id, expectedVersion: v });
  v = await change(um06, 'resolveTicket', { id: a.id, expectedVersion: v, reply: '已修复路灯' }, 'ResolveTicketInput');
  await change(operator, 'returnVisit', { id: a.id, expectedVersion: v, satisfaction: 'SATISFIED', resolution: 'RESOLVED' }, 'ReturnVisitInput');

  // B (web): urban management rejects it; the operator sends it to housing; a neighbour's call is
  // merged into it
  const b = await create({ channel: 'WEB', content: '小区电梯经常困人，物业不维修', districtCode: '440106', dispatchTo: '440106-UM' });
  let vb = await change(um06, 'rejectTicket', { id: b.id, expectedVersion: b.version, reason: '电梯属住建部门监管' }, 'RejectTicketInput');
  vb = await change(operator, 'dispatchTicket', { id: b.id, expectedVersion: vb, departmentCode: '440106-HUD' }, 'DispatchTicketInput');
  const d = await create({ content: '我们楼的电梯又困人了，物业不管', districtCode: '440106', dispatchTo: '440106-HUD' });
  await change(operator, 'mergeTicket', { id: d.id, expectedVersion: d.version, parentId: b.id }, 'MergeTicketInput');

  // C (越秀): re-routed before acceptance, resolved, the caller dissatisfied: re-opened
  const c = await create({ content: '楼道里堆满杂物，存在消防隐患', districtCode: '440104', dispatchTo: '440104-UM' });
  let vc = await change(operator, 'redispatchTicket', { id: c.id, expectedVersion: c.version, departmentCode: '440104-HUD', reason: '属物业管理' }, 'RedispatchTicketInput');
  vc = await change(hud04, 'acceptTicket', { id: c.id, expectedVersion: vc });
  vc = await change(hud04, 'startTicket', { id: c.id, expectedVersion: vc });
  vc = await change(hud04, 'resolveTicket', { id: c.id, expectedVersion: vc, reply: '已通知物业清理' }, 'ResolveTicketInput');
  await change(operator, 'returnVisit', { id: c.id, expectedVersion: vc, satisfaction: 'DISSATISFIED', resolution: 'NOT_RESOLVED' }, 'ReturnVisitInput');

  // Tuesday 01:00 in Guangzhou (still Monday in UTC): E (WeChat, 越秀), never worked — overdue later
  clock.advance(16 * HOUR);
  await create({ channel: 'WECHAT', content: '路边井盖松动，车辆经过响声很大', districtCode: '440104', dispatchTo: '440104-UM' });

  // Tuesday 15:00: housing accepts B 30 hours after its dispatch (late), resolves it 14 days on
  // (late); its caller is basically satisfied (partly solved), the neighbour satisfied
  clock.advance(14 * HOUR);
  vb = await change(hud06, 'acceptTicket', { id: b.id, expectedVersion: vb });
  vb = await change(hud06, 'startTicket', { id: b.id, expectedVersion: vb });
  clock.advance(14 * 24 * HOUR);
  vb = await change(hud06, 'resolveTicket', { id: b.id, expectedVersion: vb, reply: '已督促物业维修电梯' }, 'ResolveTicketInput');
  await change(operator, 'returnVisit', { id: b.id, expectedVersion: vb, satisfaction: 'BASICALLY_SATISFIED', resolution: 'PARTLY_RESOLVED' }, 'ReturnVisitInput');
  const child = (await gql<{ node: { version: number } }>(operator, 'query($id: ID!) { node(id: $id) { ... on Ticket { version } } }', { id: d.id })).node;
  await change(operator, 'returnVisit', { id: d.id, expectedVersion: child.version, satisfaction: 'SATISFIED', resolution: 'RESOLVED' }, 'ReturnVisitInput');
});
afterAll(() => t.stop());

test('the whole period: every figure and rate, a merged duplicate counted apart', async () => {
  const [all] = await figures(supervisor);
  expect(all).toEqual({
    district: null, department: null, matterCode: null, matterName: null, channel: null, category: null, urgency: null, period: null,
    tickets: 4, // A, B, C, E
    duplicates: 1, // D, merged into B
    dispatched: 4,
    accepted: 2, // A and B (C, re-opened, waits for its re-handling; E never accepted)
    acceptedOnTime: 1, // A (B 30 hours after dispatch, past its 2 working hours)
    meanHoursToAccept: 15, // (0 + 30) / 2
    resolved: 2, // A and B (C re-opened since)
    resolvedOnTime: 1,
    meanHoursToResolve: 183, // (0 + 366) / 2
    overdue: 1, // E
    rejected: 1, // B
    firstDispatchRight: 2, // A and E (B rejected, C re-routed)
    reopened: 1, // C
    returnVisits: 4, // A, B, C and D's caller
    satisfied: 2,
    basicallySatisfied: 1,
    dissatisfied: 1,
    solved: 2,
    partlySolved: 1,
    notSolved: 1,
    onTimeAcceptanceRate: 0.5,
    onTimeResolutionRate: 0.5,
    resolutionRate: 0.5,
    satisfactionRate: 0.75,
    rejectRate: 0.25,
    firstDispatchAccuracy: 0.5,
    reopenRate: 0.3333, // C of A, B, C resolved at least once
  });
});

test('by district, by day in China Standard Time, by matter, by channel, by department', async () => {
  const byDistrict = await figures(supervisor, ['DISTRICT']);
  expect(byDistrict.map((r) => [(r.district as { code: string }).code, r.tickets, r.duplicates, r.returnVisits, r.overdue, r.reopened])).toEqual([
    ['440104', 2, 0, 1, 1, 1],
    ['440106', 2, 1, 3, 0, 0],
  ]);
  // E was taken in at 01:00 on Tuesday in Guangzhou (17:00 on Monday in UTC)
  const byDay = await figures(supervisor, ['DAY']);
  expect(byDay.map((r) => [r.period, r.tickets, r.duplicates])).toEqual([
    ['2026-03-02', 3, 1],
    ['2026-03-03', 1, 0],
  ]);
  const byMonth = await figures(supervisor, ['MONTH']);
  expect(byMonth.map((r) => [r.period, r.tickets])).toEqual([['2026-03-01', 4]]);
  const byWeek = await figures(supervisor, ['WEEK']);
  expect(byWeek.map((r) => [r.period, r.tickets])).toEqual([['2026-03-02', 4]]);
  const byMatter = await figures(supervisor, ['MATTER']);
  expect(byMatter.map((r) => [r.matterCode, r.matterName, r.tickets, r.resolvedOnTime])).toEqual([
    ['CITY.STREETLIGHT', '路灯', 1, 1],
    [null, null, 3, 0],
  ]);
  const byChannel = await figures(supervisor, ['CHANNEL']);
  expect(Object.fromEntries(byChannel.map((r) => [r.channel, r.tickets + (r.duplicates as number)]))).toEqual({ PHONE: 3, WEB: 1, WECHAT: 1 });
  // two dimensions at once: each district's days
  const byDistrictDay = await figures(supervisor, ['DISTRICT', 'DAY']);
  expect(byDistrictDay.map((r) => [(r.district as { code: string }).code, r.period, r.tickets])).toEqual([
    ['440104', '2026-03-02', 1],
    ['440104', '2026-03-03', 1],
    ['440106', '2026-03-02', 2],
  ]);
  // by the department leading now: C, re-opened, still with 越秀 housing; D, merged, with its
  // parent's lead (housing), its caller's visit too; each department's rejects are its own (B:
  // urban management's); the groups add up to the whole
  const byDepartment = await figures(supervisor, ['DEPARTMENT']);
  expect(byDepartment.map((r) => [(r.department as { code: string } | null)?.code ?? null, r.tickets, r.duplicates, r.rejected, r.returnVisits])).toEqual([
    ['440104-HUD', 1, 0, 0, 1],
    ['440104-UM', 1, 0, 0, 0],
    ['440106-HUD', 1, 1, 0, 2],
    ['440106-UM', 1, 0, 1, 1],
  ]);
  // urban management rejected one of the two reports it had: 1 ÷ (1 dispatched + 1 rejected)
  expect(byDepartment[3].rejectRate).toBe(0.5);
  const [all] = await figures(supervisor);
  for (const k of ['tickets', 'duplicates', 'dispatched', 'accepted', 'resolved', 'overdue', 'rejected', 'reopened', 'returnVisits', 'satisfied', 'solved'] as const) {
    expect([k, byDepartment.reduce((s, r) => s + (r[k] as number), 0)]).toEqual([k, all[k]]);
  }
});

test('filters: channel, a matter category with its matters, category, district', async () => {
  expect((await figures(supervisor, [], { channels: ['WECHAT'] }))[0]).toMatchObject({ tickets: 1, overdue: 1, dispatched: 1, accepted: 0 });
  expect((await figures(supervisor, [], { matterCodes: ['CITY'] }))[0]).toMatchObject({ tickets: 1, resolvedOnTime: 1, satisfied: 1 });
  expect((await figures(supervisor, [], { categories: ['CONSULTATION'] }))[0]).toMatchObject({ tickets: 0, duplicates: 0, onTimeResolutionRate: null, satisfactionRate: null });
  expect((await figures(supervisor, [], { districtCodes: ['440106'] }))[0]).toMatchObject({ tickets: 2, duplicates: 1, rejected: 1 });
  // a period with no tickets: one row of zeros, rates null
  const empty = (await gql<{ ticketFigures: Row[] }>(supervisor, FIGURES, { from: '2026-01-01T00:00:00+08:00', to: '2026-02-01T00:00:00+08:00' })).ticketFigures;
  expect(empty).toEqual([expect.objectContaining({ tickets: 0, meanHoursToAccept: null, firstDispatchAccuracy: null })]);
  expect((await gql<{ ticketFigures: Row[] }>(supervisor, FIGURES, { from: '2026-01-01T00:00:00+08:00', to: '2026-02-01T00:00:00+08:00', g: ['DISTRICT'] })).ticketFigures).toEqual([]);
});

test('scope: a district office reads its districts, a department the tickets it leads, analysts the city', async () => {
  const office = await t.token({ role: Role.DISTRICT_OFFICE, districtCodes: ['440104'], subject: 'yx-office' });
  expect((await figures(office))[0]).toMatchObject({ tickets: 2, overdue: 1, reopened: 1 });
  expect((await figures(office, ['DISTRICT'])).map((r) => (r.district as { code: string }).code)).toEqual(['440104']);
  const other = await ask(office, FIGURES, { ...period, f: { districtCodes: ['440106'] } });
  expect(other.errors?.[0].extensions.code).toBe('FORBIDDEN');

  const hud = await staff('440106-HUD');
  expect((await figures(hud))[0]).toMatchObject({ tickets: 1, duplicates: 1, accepted: 1, acceptedOnTime: 0, rejected: 0, resolved: 1, returnVisits: 2 });
  // urban management: A, and the reject of B that it made
  expect((await figures(await staff('440106-UM')))[0]).toMatchObject({ tickets: 1, rejected: 1, rejectRate: 0.5, resolvedOnTime: 1 });
  const notMine = await ask(hud, FIGURES, { ...period, f: { departmentCodes: ['440106-UM'] } });
  expect(notMine.errors?.[0].extensions.code).toBe('FORBIDDEN');

  const analyst = await t.token({ role: Role.ANALYST, subject: 'bi-1' });
  expect((await figures(analyst))[0].tickets).toBe(4);
  const anonymous = (await t.raw({ query: FIGURES, variables: period })).body as Answer;
  expect(anonymous.errors?.[0].extensions.code).toBe('UNAUTHENTICATED');
});

test('bad input: a coded error naming the argument', async () => {
  const bad = async (variables: Record<string, unknown>) => (await ask(supervisor, FIGURES, { ...period, ...variables })).errors?.[0].extensions;
  expect(await bad({ g: ['DAY', 'MONTH'] })).toMatchObject({ code: 'BAD_USER_INPUT', field: 'groupBy' });
  expect(await bad({ g: ['DISTRICT', 'DISTRICT'] })).toMatchObject({ code: 'BAD_USER_INPUT', field: 'groupBy' });
  expect(await bad({ f: { districtCodes: ['999999'] } })).toMatchObject({ code: 'BAD_USER_INPUT', field: 'filter.districtCodes' });
  expect(await bad({ f: { departmentCodes: ['NOPE'] } })).toMatchObject({ code: 'BAD_USER_INPUT', field: 'filter.departmentCodes' });
  expect(await bad({ f: { matterCodes: ['NO.SUCH.MATTER'] } })).toMatchObject({ code: 'BAD_USER_INPUT', field: 'filter.matterCodes' });
  expect(await bad({ from: period.to, to: period.from })).toMatchObject({ code: 'BAD_USER_INPUT', field: 'to' });
  expect(await bad({ from: '2025-01-01T00:00:00+08:00' })).toMatchObject({ code: 'BAD_USER_INPUT', field: 'from' });
  expect(await bad({ g: ['HOUR'] })).toMatchObject({ code: 'BAD_USER_INPUT' });
});

describe('edges of the lifecycle (April)', () => {
  const april = { from: '2026-04-01T00:00:00+08:00', to: '2026-05-01T00:00:00+08:00' };
  const inApril = async (token: string, g?: string[]) => (await gql<{ ticketFigures: Row[] }>(token, FIGURES, { ...april, g })).ticketFigures;
  let um05: string;
  let hud05: string;

  beforeAll(async () => {
    clock.set(new Date('2026-04-06T02:00:00Z')); // Monday 10:00 in Guangzhou
    um05 = await staff('440105-UM');
    hud05 = await staff('440105-HUD');
    // F: a question answered on the call (即接即办), never dispatched
    const f = await create({ category: 'CONSULTATION', content: '请问新生儿医保怎么办理', districtCode: '440105' });
    await change(operator, 'resolveOnCall', { id: f.id, expectedVersion: f.version, reply: '已告知办理流程' }, 'ResolveTicketInput');
    // G: rejected by urban management, then by housing: waiting for arbitration, nobody's
    const g = await create({ content: '小区围墙倒塌压坏车辆，无人处理', districtCode: '440105', dispatchTo: '440105-UM' });
    let vg = await change(um05, 'rejectTicket', { id: g.id, expectedVersion: g.version, reason: '小区内设施不属城管' }, 'RejectTicketInput');
    vg = await change(operator, 'dispatchTicket', { id: g.id, expectedVersion: vg, departmentCode: '440105-HUD' }, 'DispatchTicketInput');
    await change(hud05, 'rejectTicket', { id: g.id, expectedVersion: vg, reason: '属业主自管' }, 'RejectTicketInput');
    // H at housing, I merged into it; H resolved (I with it); I's caller dissatisfied: I is re-opened
    // and dispatched on its own — a report from then on
    const h = await create({ content: '电梯停运三天，老人无法下楼', districtCode: '440105', dispatchTo: '440105-HUD' });
    const i = await create({ content: '我们这栋电梯停了三天了', districtCode: '440105' });
    await change(operator, 'mergeTicket', { id: i.id, expectedVersion: i.version, parentId: h.id }, 'MergeTicketInput');
    let vh = await change(hud05, 'acceptTicket', { id: h.id, expectedVersion: h.version });
    vh = await change(hud05, 'startTicket', { id: h.id, expectedVersion: vh });
    await change(hud05, 'resolveTicket', { id: h.id, expectedVersion: vh, reply: '电梯已修复' }, 'ResolveTicketInput');
    const child = (await gql<{ node: { version: number } }>(operator, 'query($id: ID!) { node(id: $id) { ... on Ticket { version } } }', { id: i.id })).node;
    const vi = await change(operator, 'returnVisit', { id: i.id, expectedVersion: child.version, satisfaction: 'DISSATISFIED', resolution: 'NOT_RESOLVED' }, 'ReturnVisitInput');
    await change(operator, 'dispatchTicket', { id: i.id, expectedVersion: vi, departmentCode: '440105-HUD' }, 'DispatchTicketInput');
  });

  test('answered on the call counts as resolved on time', async () => {
    const [all] = await inApril(supervisor, ['CATEGORY']).then((rows) => rows.filter((r) => r.category === 'CONSULTATION'));
    expect(all).toMatchObject({ tickets: 1, dispatched: 0, resolved: 1, resolvedOnTime: 1, onTimeResolutionRate: 1 });
  });

  test('a ticket waiting for arbitration is no department’s; each department’s rejects are its own', async () => {
    const rows = await inApril(supervisor, ['DEPARTMENT']);
    expect(rows.map((r) => [(r.department as { code: string } | null)?.code ?? null, r.tickets, r.duplicates, r.rejected])).toEqual([
      ['440105-HUD', 2, 0, 1], // H, and I handled on its own; G's second reject
      ['440105-UM', 0, 0, 1], // G's first reject, and no ticket of its own now
      [null, 2, 0, 0], // F (never dispatched) and G (arbitration)
    ]);
    expect((await inApril(hud05))[0]).toMatchObject({ tickets: 2, rejected: 1, rejectRate: 0.3333 });
  });

  test('a merged duplicate re-opened and handled on its own is a report: dispatched, and overdue once late', async () => {
    const [all] = await inApril(supervisor);
    expect(all).toMatchObject({ tickets: 4, duplicates: 0, dispatched: 3, reopened: 1 });
    clock.advance(10 * 24 * HOUR);
    expect((await inApril(supervisor))[0].overdue).toBe(1);
  });

  test('matter names come from published duty lists, never from a draft', async () => {
    const admin = await t.token({ role: Role.ADMIN, subject: 'admin-1' });
    const draft = { notes: '草稿', matters: [{ code: 'CITY', name: '城市管理' }, { code: 'CITY.STREETLIGHT', parentCode: 'CITY', name: '【草稿】拟撤销', departmentKind: 'URBAN_MANAGEMENT', level: 'DISTRICT', keywords: ['路灯'] }] };
    await gql(admin, 'mutation($c: String!) { importDutyList(format: JSON, content: $c) { number status } }', { c: JSON.stringify(draft) });
    const byMatter = await figures(supervisor, ['MATTER']);
    expect(byMatter.find((r) => r.matterCode === 'CITY.STREETLIGHT')?.matterName).toBe('路灯');
  });
});
