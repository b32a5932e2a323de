/**
 * Risk alerts end to end: realistic Chinese tickets through GraphQL, the detectors on the event
 * stream (a checkpointed consumer), the SLA clock, the alerts' queries and decisions, and the
 * `riskAlerts` subscription over graphql-ws — a district office receives its districts' alerts
 * and no other's.
 */
import { createClient } from 'graphql-ws';
import type { Client } from 'graphql-ws';
import { Client as PgClient } from 'pg';
import WebSocket from 'ws';
import { SlaClock } from '../src/alerts/sla.clock';
import { ManualClock } from '../src/shared/clock';
import { Role, startTestHub } from './support/hub';
import type { TestHub } from './support/hub';
import { until } from './support/wait';

jest.setTimeout(60_000);

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const clock = new ManualClock(new Date('2026-03-02T01:00:00Z')); // Monday 09:00 in Guangzhou

let t: TestHub;
let operator: string;
let supervisor: string;
const clients: Client[] = [];

interface AlertEvent {
  id: string;
  type: string;
  alertId: string;
  kind: string;
  severity: string;
  status: string;
  title: string;
  ticketCount: number;
  peopleAffected: number | null;
  district: { code: string };
}

beforeAll(async () => {
  t = await startTestHub({ clock, dutyList: true, env: { SLA_CLOCK_SECONDS: '0.2' } });
  operator = await t.token({ role: Role.OPERATOR, subject: 'op-alerts' });
  supervisor = await t.token({ role: Role.SUPERVISOR, subject: 'sup-alerts' });
});
afterAll(async () => {
  for (const c of clients) await c.dispose();
  await t.stop();
});

async function gql<T = Record<string, unknown>>(token: string, query: string, variables: Record<string, unknown> = {}) {
  const { body } = await t.raw({ query, variables }, { authorization: `Bearer ${token}` });
  return body as { data?: T | null; errors?: { message: string; extensions?: { code?: string } }[] };
}

async function intake(input: Record<string, unknown>): Promise<{ id: string; number: string }> {
  const res = await gql<{ createTicket: { id: string; number: string } }>(
    operator,
    'mutation($input: CreateTicketInput!) { createTicket(input: $input) { id number } }',
    { input: { channel: 'PHONE', districtCode: '440106', ...input } },
  );
  if (res.errors) throw new Error(JSON.stringify(res.errors));
  return res.data!.createTicket;
}

/** Follows riskAlerts as a district office (or another role) over its own WebSocket. */
async function follow(token: string, variables: Record<string, unknown> = {}) {
  const received: AlertEvent[] = [];
  const errors: unknown[] = [];
  const c = createClient({ url: t.hub.wsUrl.replace('localhost', '127.0.0.1'), webSocketImpl: WebSocket, retryAttempts: 0, connectionParams: { authorization: `Bearer ${token}` } });
  clients.push(c);
  c.subscribe(
    {
      query: `subscription($d: [String!], $k: [AlertKind!], $s: AlertSeverity, $after: ID) {
        riskAlerts(districtCodes: $d, kinds: $k, minSeverity: $s, after: $after) {
          id type alertId kind severity status title ticketCount peopleAffected district { code }
        }
      }`,
      variables,
    },
    { next: (r) => (r.errors ? errors.push(r.errors) : received.push((r.data as { riskAlerts: AlertEvent }).riskAlerts)), error: (e) => errors.push(e), complete: () => undefined },
  );
  await new Promise((r) => setTimeout(r, 150));
  return { received, errors };
}

/** `plus` ms after a deadline's reminder falls due: the opening of the next working day. */
function reminderTime(dueAt: string, plus: number): Date {
  return new Date(t.hub.services.calendar.startOfNextWorkingDay(new Date(dueAt)).getTime() + plus);
}

interface AlertRow {
  id: string;
  kind: string;
  severity: string;
  status: string;
  title: string;
  ticketCount: number;
  peopleAffected: number | null;
  version: number;
  figures: Record<string, unknown>;
  district: { code: string };
  evidence: { number: string }[];
  actions: { type: string; actor: string; severity: string }[];
}

const ALERT_FIELDS = 'id kind severity status title ticketCount peopleAffected version figures district { code } evidence(first: 50) { number } actions { type actor severity }';

async function alerts(token: string, filter: Record<string, unknown>): Promise<AlertRow[]> {
  const res = await gql<{ riskAlerts: { nodes?: AlertRow[]; edges: { node: AlertRow }[] } }>(
    token,
    `query($f: RiskAlertFilter) { riskAlerts(first: 50, filter: $f) { edges { node { ${ALERT_FIELDS} } } } }`,
    { f: filter },
  );
  if (res.errors) throw new Error(JSON.stringify(res.errors));
  return res.data!.riskAlerts.edges.map((e) => e.node);
}

describe('LABOUR_DISPUTE: six tickets in two days from one relocating factory', () => {
  const tickets = [
    ['华达电子厂搬迁不给补偿', '我是天河区华达电子厂的员工，工厂要搬到惠州，老板说不愿意去的就自己离职，不给经济补偿，请有关部门帮我们讨个说法。'],
    ['工厂搬迁拖欠工资', '天河区珠吉路华达电子厂要搬迁，上个月工资到现在还没发，我们十几个工友都很着急。'],
    ['华达电子厂72名员工要求搬迁补偿', '我们是华达电子厂的72名员工，工厂整体搬迁，公司拒绝支付经济补偿金，也不签解除劳动合同的协议，大家已经停工两天了。'],
    ['电子厂搬迁补偿问题', '广州华达电子厂搬迁，公司只肯给每人一千元补偿，员工不接受，现在厂门口聚集了很多人。'],
    ['反映华达电子厂欠薪', '华达电子厂拖欠我们两个月工资和加班费，说搬完厂再发，我们要求先结清工资。'],
    ['华达电子厂社保断缴', '华达电子厂从今年三月起就没给我们交社保了，现在又要搬迁，担心补偿和社保都拿不到。'],
  ];

  test('exactly one HIGH alert, scoped to Tianhe, updated by each ticket, received by Tianhe’s office and no other', async () => {
    const tianhe = await follow(await t.token({ role: Role.DISTRICT_OFFICE, districtCodes: ['440106'], subject: 'tianhe-office' }));
    const yuexiu = await follow(await t.token({ role: Role.DISTRICT_OFFICE, districtCodes: ['440104'], subject: 'yuexiu-office' }));
    const numbers: string[] = [];
    for (const [title, content] of tickets) {
      clock.advance(8 * HOUR); // six tickets over two days
      numbers.push((await intake({ title, content, citizenPhone: `1380000${numbers.length}111`.slice(0, 11) })).number);
    }
    const [alert] = await until('the labour alert with all six tickets', async () => {
      const found = await alerts(supervisor, { kinds: ['LABOUR_DISPUTE'] });
      return found.length === 1 && found[0].ticketCount === 6 ? found : null;
    });
    expect(alert).toMatchObject({ kind: 'LABOUR_DISPUTE', severity: 'HIGH', status: 'OPEN', peopleAffected: 72, district: { code: '440106' } });
    expect(alert.figures).toMatchObject({ employer: expect.stringContaining('华达电子厂'), people: 72, tickets: 6 });
    expect(alert.evidence.map((e) => e.number).sort()).toEqual([...numbers].sort());
    // raised by the second ticket (two tickets naming one employer), then updated by each further one
    expect(alert.actions.map((a) => a.type)).toEqual(['RAISED', 'UPDATED', 'UPDATED', 'UPDATED', 'UPDATED']);
    expect(alert.actions.every((a) => a.actor === 'system/labour-dispute')).toBe(true);

    await until('Tianhe’s office to receive every change', async () => tianhe.received.filter((e) => e.kind === 'LABOUR_DISPUTE').length === 5);
    const seen = tianhe.received.filter((e) => e.kind === 'LABOUR_DISPUTE');
    expect(new Set(seen.map((e) => e.alertId))).toEqual(new Set([alert.id]));
    expect(seen.map((e) => e.ticketCount)).toEqual([2, 3, 4, 5, 6]);
    expect(seen[seen.length - 1]).toMatchObject({ severity: 'HIGH', peopleAffected: 72, district: { code: '440106' } });
    expect(tianhe.errors).toEqual([]);
    expect(yuexiu.received).toEqual([]);
    expect(yuexiu.errors).toEqual([]);

    // and by query: Yuexiu's office does not see it, Tianhe's does
    const yuexiuToken = await t.token({ role: Role.DISTRICT_OFFICE, districtCodes: ['440104'] });
    expect(await alerts(yuexiuToken, {})).toEqual([]);
    const node = await gql<{ node: unknown }>(yuexiuToken, 'query($id: ID!) { node(id: $id) { id } }', { id: alert.id });
    expect(node.data?.node).toBeNull();
    const tianheToken = await t.token({ role: Role.DISTRICT_OFFICE, districtCodes: ['440106'] });
    expect((await alerts(tianheToken, { kinds: ['LABOUR_DISPUTE'] })).map((a) => a.id)).toEqual([alert.id]);
  });

  test('decisions are audited; bad ones are coded errors that change nothing', async () => {
    const [alert] = await alerts(supervisor, { kinds: ['LABOUR_DISPUTE'] });
    const office = await t.token({ role: Role.DISTRICT_OFFICE, districtCodes: ['440106'], subject: 'tianhe-duty' });
    const other = await t.token({ role: Role.DISTRICT_OFFICE, districtCodes: ['440104'], subject: 'yuexiu-duty' });
    const ack = 'mutation($i: AlertChangeInput!) { acknowledgeAlert(input: $i) { status version } }';
    const dismiss = 'mutation($i: AlertChangeInput!) { dismissAlert(input: $i) { status version } }';

    expect((await gql(other, ack, { i: { id: alert.id } })).errors?.[0].extensions?.code).toBe('NOT_FOUND');
    expect((await gql(office, ack, { i: { id: alert.id, expectedVersion: alert.version - 1 } })).errors?.[0].extensions?.code).toBe('CONFLICT');
    expect((await gql(office, ack, { i: { id: 'not-an-id' } })).errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
    expect((await gql(operator, ack, { i: { id: alert.id } })).errors?.[0].extensions?.code).toBe('FORBIDDEN');
    const ok = await gql<{ acknowledgeAlert: { status: string; version: number } }>(office, ack, { i: { id: alert.id, expectedVersion: alert.version, note: '已联系街道和人社局' } });
    expect(ok.data?.acknowledgeAlert).toEqual({ status: 'ACKNOWLEDGED', version: alert.version + 1 });
    const twice = await gql(office, ack, { i: { id: alert.id } });
    expect(twice.errors?.[0].extensions?.code).toBe('ILLEGAL_TRANSITION');
    expect((await gql(office, dismiss, { i: { id: alert.id } })).errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');

    const [after] = await alerts(supervisor, { kinds: ['LABOUR_DISPUTE'] });
    expect(after.version).toBe(alert.version + 1);
    expect(after.actions.map((a) => [a.type, a.actor]).slice(-1)).toEqual([['ACKNOWLEDGED', 'DISTRICT_OFFICE:440106/tianhe-duty']]);
  });
});

test('LABOUR_DISPUTE: the router sure of a labour matter for a text that does not speak of work raises nothing; a dispute that does, in the same district, is raised', async () => {
  clock.advance(DAY);
  const land = await intake({ title: '拆迁', content: '我们村三十多户村民的拆迁补偿款一直没到位', districtCode: '440114' });
  const seen = await gql<{ node: { matter: { code: string } | null; routing: { method: string | null } } }>(
    supervisor,
    'query($id: ID!) { node(id: $id) { ... on Ticket { matter { code } routing { method } } } }',
    { id: land.id },
  );
  // (what makes this case: the router chose a labour matter by itself)
  expect(seen.data!.node).toMatchObject({ matter: { code: expect.stringMatching(/^LABOUR\./) }, routing: { method: 'AUTO' } });
  clock.advance(HOUR);
  await intake({ title: '讨薪', content: '丰收食品厂拖欠我们四十多名工人三个月工资', districtCode: '440114' });
  const raised = await until('the real dispute’s alert', async () => {
    const found = (await alerts(supervisor, { kinds: ['LABOUR_DISPUTE'] })).filter((a) => a.district.code === '440114');
    return found.length ? found : null;
  });
  expect(raised).toHaveLength(1);
  expect(raised[0].evidence.map((e) => e.number)).not.toContain(land.number);
});

test('REPEAT_CALLER: one caller, three tickets in a month', async () => {
  const phone = '13922223333';
  const numbers: string[] = [];
  for (const [title, content] of [
    ['小区电梯又坏了', '我住的小区3号楼电梯又停了，老人上下楼很困难。'],
    ['电梯维修没人管', '上次反映的电梯到现在还没修好，物业说在等配件。'],
    ['电梯问题第三次反映', '电梯已经停了两个星期，物业一直拖，请尽快处理。'],
  ]) {
    clock.advance(2 * DAY);
    numbers.push((await intake({ title, content, citizenPhone: phone, districtCode: '440105' })).number);
  }
  const [alert] = await until('the repeat-caller alert', async () => {
    const found = await alerts(supervisor, { kinds: ['REPEAT_CALLER'] });
    return found.length === 1 ? found : null;
  });
  expect(alert).toMatchObject({ severity: 'LOW', ticketCount: 3, district: { code: '440105' } });
  expect(alert.evidence.map((e) => e.number).sort()).toEqual(numbers.sort());
  expect(JSON.stringify(alert)).not.toContain(phone);
  // the same caller in another district counts there, not here: no ticket crosses a district's scope
  clock.advance(DAY);
  await intake({ title: '电梯问题', content: '单位楼的电梯也坏了', citizenPhone: phone, districtCode: '440106' });
  await new Promise((r) => setTimeout(r, 300));
  const after = await alerts(supervisor, { kinds: ['REPEAT_CALLER'] });
  expect(after.map((a) => [a.district.code, a.ticketCount])).toEqual([['440105', 3]]);
});

test('SURGE: eight reports of one matter in one district within the hour, against a quiet week', async () => {
  clock.advance(DAY);
  await intake({ title: '楼上装修噪音', content: '楼上装修电钻声太吵了', matterCode: 'NOISE.SOCIAL', districtCode: '440111' });
  clock.advance(8 * DAY); // a week of history: a baseline to compare with
  const office = await follow(await t.token({ role: Role.DISTRICT_OFFICE, districtCodes: ['440111'] }), { k: ['SURGE'] });
  for (let i = 0; i < 8; i++) {
    clock.advance(5 * 60_000);
    await intake({ title: `深夜广场音响扰民${i}`, content: '晚上十一点了还有人在小区广场用大功率音响唱歌，吵得睡不着', matterCode: 'NOISE.SOCIAL', districtCode: '440111' });
  }
  const [alert] = await until('the surge alert', async () => {
    const found = await alerts(supervisor, { kinds: ['SURGE'] });
    return found.length === 1 && found[0].ticketCount === 8 ? found : null;
  });
  expect(alert.district.code).toBe('440111');
  expect(alert.figures).toMatchObject({ observed: 8, windowMinutes: 60, matterCode: 'NOISE.SOCIAL' });
  expect(alert.figures.expected as number).toBeLessThan(1);
  expect(alert.figures.pValue as number).toBeLessThan(1e-3);
  await until('the office to receive the surge', async () => office.received.some((e) => e.ticketCount === 8));
  expect(office.received.every((e) => e.kind === 'SURGE' && e.district.code === '440111')).toBe(true);
});

test('DISSATISFIED: a return visit says dissatisfied: a warning alert for the ticket', async () => {
  const tk = await intake({ title: '路灯不亮', content: '小区门口路灯坏了一周', matterCode: 'CITY.STREETLIGHT', districtCode: '440103' });
  const dep = await t.token({ role: Role.DEPARTMENT_STAFF, departmentCode: '440103-UM' });
  const step = async (token: string, m: string, input: Record<string, unknown>) => {
    const res = await gql(token, `mutation($i: ${m[0].toUpperCase()}${m.slice(1)}Input!) { ${m}(input: $i) { version } }`, { i: { id: tk.id, ...input } });
    if (res.errors) throw new Error(JSON.stringify(res.errors));
  };
  const version = async () => (await gql<{ node: { version: number } }>(supervisor, 'query($id: ID!) { node(id: $id) { ... on Ticket { version } } }', { id: tk.id })).data!.node.version;
  await gql(dep, 'mutation($i: TicketChangeInput!) { acceptTicket(input: $i) { version } }', { i: { id: tk.id, expectedVersion: await version() } });
  await gql(dep, 'mutation($i: TicketChangeInput!) { startTicket(input: $i) { version } }', { i: { id: tk.id, expectedVersion: await version() } });
  await step(dep, 'resolveTicket', { expectedVersion: await version(), reply: '已更换灯泡' });
  await step(operator, 'returnVisit', { expectedVersion: await version(), satisfaction: 'DISSATISFIED', resolution: 'NOT_RESOLVED' });
  const [alert] = await until('the dissatisfied alert', async () => {
    const found = await alerts(supervisor, { kinds: ['DISSATISFIED'] });
    return found.length ? found : null;
  });
  expect(alert).toMatchObject({ severity: 'MEDIUM', district: { code: '440103' }, ticketCount: 1 });
  expect(alert.title).toContain(tk.number);
});

test('OVERDUE: a re-opened (warning) ticket left at the centre is overdue and escalated like any other', async () => {
  const tk = await intake({ title: '路灯不亮', content: '村口路灯坏了十天', matterCode: 'CITY.STREETLIGHT', districtCode: '440111' });
  const dep = await t.token({ role: Role.DEPARTMENT_STAFF, departmentCode: '440111-UM' });
  const ticket = async () =>
    (await gql<{ node: { version: number; dueAt: string | null; status: string; overdue: boolean } }>(supervisor, 'query($id: ID!) { node(id: $id) { ... on Ticket { version dueAt status overdue } } }', { id: tk.id })).data!.node;
  for (const [m, extra] of [['acceptTicket', {}], ['startTicket', {}], ['resolveTicket', { reply: '已报修' }], ['returnVisit', { satisfaction: 'DISSATISFIED', resolution: 'NOT_RESOLVED' }]] as const) {
    const input = m === 'acceptTicket' || m === 'startTicket' ? 'TicketChangeInput' : `${m[0].toUpperCase()}${m.slice(1)}Input`;
    const res = await gql(m === 'returnVisit' ? operator : dep, `mutation($i: ${input}!) { ${m}(input: $i) { version } }`, { i: { id: tk.id, expectedVersion: (await ticket()).version, ...extra } });
    expect(res.errors).toBeUndefined();
  }
  const reopened = await ticket();
  expect(reopened.status).toBe('REOPENED');
  // back at its department within the accept time (2 working hours), or overdue
  expect(reopened.dueAt).toBe(t.hub.services.calendar.addWorkingHours(clock.now(), 2).toISOString());
  clock.set(reminderTime(reopened.dueAt!, HOUR));
  expect((await ticket()).overdue).toBe(true);
  const overdue = await gql<{ tickets: { edges: { node: { number: string } }[] } }>(supervisor, '{ tickets(first: 50, filter: { overdue: true, status: [REOPENED] }) { edges { node { number } } } }');
  expect(overdue.data!.tickets.edges.map((e) => e.node.number)).toContain(tk.number);
  const reminded = await until('the reminder for the re-opened ticket', async () => {
    const rows = (await t.hub.orm.em.getConnection().execute(`select s.level, s.due_at from supervisions s join tickets t on t.id = s.ticket_id where t.number = ?`, [tk.number])) as { level: string; due_at: Date }[];
    return rows.length ? rows : null;
  });
  expect(reminded.map((r) => [r.level, new Date(r.due_at).toISOString()])).toEqual([['REMINDER', reopened.dueAt]]);
});

test('RECURRING: helicopter noise over the same homes in four distinct weeks', async () => {
  const at = { lat: 23.1291, lng: 113.3240 }; // the same block of flats
  for (let week = 0; week < 4; week++) {
    clock.advance(7 * DAY);
    await intake({ title: '直升机低空飞行噪音', content: '又有直升机在我们小区上空低空盘旋，噪音很大，从2023年起就一直这样', matterCode: 'NOISE.AVIATION', ...at, districtCode: '440106' });
    if (week < 3) {
      await new Promise((r) => setTimeout(r, 200));
      expect(await alerts(supervisor, { kinds: ['RECURRING'] })).toEqual([]);
    }
  }
  const [alert] = await until('the recurring alert', async () => {
    const found = await alerts(supervisor, { kinds: ['RECURRING'] });
    return found.length ? found : null;
  });
  expect(alert).toMatchObject({ ticketCount: 4, district: { code: '440106' } });
  expect(alert.figures).toMatchObject({ weeks: 4, matterCode: 'NOISE.AVIATION' });
});

test('OVERDUE: the SLA clock escalates an urgent ticket past its deadline, once per level', async () => {
  const tk = await intake({ title: '燃气管道泄漏', content: '楼道里有很重的燃气味，怀疑管道泄漏', urgency: 'URGENT', matterCode: 'CITY.STREETLIGHT', districtCode: '440104' });
  const dueAt = (await gql<{ node: { dueAt: string } }>(supervisor, 'query($id: ID!) { node(id: $id) { ... on Ticket { dueAt } } }', { id: tk.id })).data!.node.dueAt;
  clock.set(reminderTime(dueAt, HOUR));
  const [alert] = await until('the overdue alert', async () => {
    const found = (await alerts(supervisor, { kinds: ['OVERDUE'] })).filter((a) => a.title.includes(tk.number));
    return found.length ? found : null;
  });
  expect(alert).toMatchObject({ severity: 'MEDIUM', district: { code: '440104' } });
  expect(alert.figures).toMatchObject({ level: 'REMINDER', urgent: true });
  clock.advance(28 * DAY); // well past 10 working days, whatever holidays fall in between
  const [later] = await until('the notice', async () => {
    const found = (await alerts(supervisor, { kinds: ['OVERDUE'] })).filter((a) => a.title.includes(tk.number) && a.severity === 'CRITICAL');
    return found.length ? found : null;
  });
  expect(later.id).toBe(alert.id);
  expect(later.figures).toMatchObject({ level: 'NOTICE' });
  const levels = await t.hub.orm.em.getConnection().execute(`select level from supervisions s join tickets t on t.id = s.ticket_id where t.number = ? order by at, level`, [tk.number]);
  expect((levels as { level: string }[]).map((r) => r.level).sort()).toEqual(['NOTICE', 'REMINDER', 'SUPERVISION']);
  const onTicket = await gql<{ node: { supervisions: { level: string }[] } }>(supervisor, 'query($id: ID!) { node(id: $id) { ... on Ticket { supervisions { level dueAt at } } } }', { id: tk.id });
  expect(onTicket.data?.node.supervisions.map((x) => x.level)).toEqual(['REMINDER', 'SUPERVISION', 'NOTICE']);
});

test('OVERDUE: each deadline is escalated on its own — accepted late, then resolved late: reminded of both', async () => {
  const tk = await intake({ title: '路灯不亮', content: '巷子里的路灯坏了两个星期', matterCode: 'CITY.STREETLIGHT', districtCode: '440105' });
  const dep = await t.token({ role: Role.DEPARTMENT_STAFF, departmentCode: '440105-UM' });
  const ticket = async () =>
    (await gql<{ node: { version: number; dueAt: string; status: string } }>(supervisor, 'query($id: ID!) { node(id: $id) { ... on Ticket { version dueAt status } } }', { id: tk.id })).data!.node;
  const recorded = async () =>
    (await t.hub.orm.em.getConnection().execute(`select s.level, s.due_at from supervisions s join tickets t on t.id = s.ticket_id where t.number = ? order by s.due_at, s.level`, [tk.number])) as { level: string; due_at: Date }[];
  const acceptBy = (await ticket()).dueAt;
  clock.set(reminderTime(acceptBy, HOUR));
  await until('the reminder for the accept deadline', async () => ((await recorded()).length === 1 ? true : null));
  for (const m of ['acceptTicket', 'startTicket']) {
    const res = await gql(dep, `mutation($i: TicketChangeInput!) { ${m}(input: $i) { version } }`, { i: { id: tk.id, expectedVersion: (await ticket()).version } });
    expect(res.errors).toBeUndefined();
  }
  const resolveBy = (await ticket()).dueAt;
  expect(Date.parse(resolveBy)).toBeGreaterThan(Date.parse(acceptBy));
  clock.set(reminderTime(resolveBy, HOUR));
  const both = await until('the reminder for the resolve deadline', async () => {
    const rows = await recorded();
    return rows.length === 2 ? rows : null;
  });
  expect(both.map((r) => [r.level, new Date(r.due_at).toISOString()])).toEqual([
    ['REMINDER', new Date(acceptBy).toISOString()],
    ['REMINDER', new Date(resolveBy).toISOString()],
  ]);
});

test('a ticket with huge or garbled text does not stop the detectors', async () => {
  clock.advance(DAY);
  // a NUL character is refused at the door, with a code, and nothing is written
  const before = (await gql<{ tickets: { totalCount: number } }>(supervisor, '{ tickets(first: 1) { totalCount } }')).data!.tickets.totalCount;
  const nul = await gql(operator, 'mutation($input: CreateTicketInput!) { createTicket(input: $input) { id } }', {
    input: { channel: 'PHONE', title: '乱码', content: '欠薪\u0000工资', districtCode: '440113' },
  });
  expect(nul.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
  // so is an unpaired surrogate (a text decoded with the wrong encoding), naming where
  const lone = await gql(operator, 'mutation($input: CreateTicketInput!) { createTicket(input: $input) { id } }', {
    input: { channel: 'PHONE', title: '乱码', content: '欠薪\uD800工资', districtCode: '440113' },
  });
  expect(lone.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'variables.input.content' });
  expect(lone.errors?.[0].message).toMatch(/unpaired surrogate/);
  expect((await gql<{ tickets: { totalCount: number } }>(supervisor, '{ tickets(first: 1) { totalCount } }')).data!.tickets.totalCount).toBe(before);
  // direction overrides, noncharacters, 4,000 characters of repeated labour words: taken in, examined, survived
  const garbled = `\uFFFE${'欠薪'.repeat(10)}${'\u202E工资72名'.repeat(300)}${'几十名工人'.repeat(600)}`.slice(0, 4000);
  await intake({ title: '乱码\uFFFF', content: garbled, districtCode: '440113' });
  // the next situation is still found
  const phone = '13766667777';
  for (let i = 0; i < 3; i++) {
    clock.advance(HOUR);
    await intake({ title: `井盖缺失${i}`, content: '人行道上井盖没了，很危险', citizenPhone: phone, districtCode: '440113' });
  }
  await until('the repeat-caller alert after the garbled ticket', async () => (await alerts(supervisor, { kinds: ['REPEAT_CALLER'] })).some((a) => a.district.code === '440113'));
  expect(t.errors.filter((e) => !e.includes('risk detectors'))).toEqual([]);
});

test('bad subscriptions: a district office asking for another district is FORBIDDEN; an unknown after is BAD_USER_INPUT', async () => {
  const office = await t.token({ role: Role.DISTRICT_OFFICE, districtCodes: ['440106'] });
  const other = await follow(office, { d: ['440104'] });
  await until('the refusal', async () => other.errors.length > 0);
  expect(JSON.stringify(other.errors)).toContain('FORBIDDEN');
  const unknown = await follow(office, { after: '999999999' });
  await until('the refusal', async () => unknown.errors.length > 0);
  expect(JSON.stringify(unknown.errors)).toContain('BAD_USER_INPUT');
});

test('resume: `after` replays every alert event missed, then goes live', async () => {
  const all = await follow(supervisor, { after: '0' }).catch(() => null);
  expect(all).not.toBeNull();
  const first = await until('replayed events', async () => (all!.received.length >= 3 ? all!.received : null));
  const resumed = await follow(supervisor, { after: first[0].id });
  await until('the resumed stream to catch up', async () => resumed.received.length >= all!.received.length - 1);
  expect(resumed.received.map((e) => e.id)).toEqual(all!.received.slice(1).map((e) => e.id));
});

test('LABOUR_DISPUTE: tickets arriving together are counted each as of itself, as if one by one', async () => {
  // four workshops' workers call at the same moment (one batch for the detectors); none speaks for
  // ten people, so the first ticket alone raises nothing, the second raises, the others update
  const calls = [
    ['宏图五金厂拖欠工资', '越秀区宏图五金厂拖欠我们三个月工资，老板一直说下个月发。'],
    ['宏图五金厂欠薪', '宏图五金厂欠我两个月工资和加班费，找老板也找不到人。'],
    ['反映宏图五金厂不发工资', '我在宏图五金厂上班，工资已经拖了三个月，房租都交不起了。'],
    ['宏图五金厂拖欠工资问题', '宏图五金厂拖欠工人工资，请劳动监察部门帮忙追讨。'],
  ];
  clock.advance(DAY);
  const numbers = (await Promise.all(calls.map(([title, content], i) => intake({ title, content, districtCode: '440104', citizenPhone: `1366666000${i}` })))).map((r) => r.number);
  const [alert] = await until('the labour alert with all four tickets', async () => {
    const found = (await alerts(supervisor, { kinds: ['LABOUR_DISPUTE'] })).filter((a) => a.district.code === '440104');
    return found.length === 1 && found[0].ticketCount === 4 ? found : null;
  });
  expect(alert.figures).toMatchObject({ employer: expect.stringContaining('宏图五金厂'), tickets: 4 });
  expect(alert.evidence.map((e) => e.number).sort()).toEqual([...numbers].sort());
  expect(alert.actions.map((a) => a.type)).toEqual(['RAISED', 'UPDATED', 'UPDATED']);
});

describe('OVERDUE: the SLA clock counts working days for every level (DOMAIN.md, "Deadlines")', () => {
  // these tests set the shared clock to fixed days of 2026, later than every test above
  let pg: PgClient;
  let sla: SlaClock;
  beforeAll(async () => {
    pg = new PgClient({ connectionString: t.databaseUrl });
    await pg.connect();
    // one pass of the hub's own SLA clock, run on demand (the hub's runs too: the same result)
    sla = new SlaClock({ databaseUrl: t.databaseUrl, clock, calendar: t.hub.services.calendar, everyMs: 60_000 });
  });
  afterAll(() => pg.end());

  const moveTo = (at: string) => {
    if (Date.parse(at) < clock.now().getTime()) throw new Error(`the clock is at ${clock.now().toISOString()}, past ${at}: it only moves forward here`);
    clock.set(new Date(at));
  };

  /** A ticket dispatched at `at` (UTC): it must be accepted two working hours later, `due`. */
  async function dispatchedAt(at: string, due: string, districtCode: string): Promise<{ id: string; number: string }> {
    moveTo(at);
    const tk = await intake({ title: '路灯不亮', content: '小区门口的路灯坏了好几天，晚上很黑', matterCode: 'CITY.STREETLIGHT', districtCode });
    const node = (await gql<{ node: { status: string; dueAt: string } }>(supervisor, 'query($id: ID!) { node(id: $id) { ... on Ticket { status dueAt } } }', { id: tk.id })).data!.node;
    expect(node).toEqual({ status: 'DISPATCHED', dueAt: new Date(due).toISOString() });
    return tk;
  }

  /** The levels recorded for the ticket after a pass of the SLA clock at `at` (UTC). */
  async function levelsAt(tk: { number: string }, at: string): Promise<string[]> {
    moveTo(at);
    await sla.runOnce(pg);
    const { rows } = await pg.query<{ level: string }>(
      `select s.level from supervisions s join tickets t on t.id = s.ticket_id where t.number = $1
       order by array_position(array['REMINDER', 'SUPERVISION', 'NOTICE'], s.level::text)`,
      [tk.number],
    );
    return rows.map((r) => r.level);
  }

  test('a weekday deadline is reminded at the start of the next working day', async () => {
    const tk = await dispatchedAt('2026-06-02T07:00:00Z', '2026-06-02T09:00:00Z', '440103'); // Tuesday 15:00, due 17:00
    expect(await levelsAt(tk, '2026-06-03T00:59:00Z')).toEqual([]); // Wednesday 08:59
    expect(await levelsAt(tk, '2026-06-03T01:00:00Z')).toEqual(['REMINDER']); // Wednesday 09:00
    expect(await levelsAt(tk, '2026-06-09T08:59:00Z')).toEqual(['REMINDER']); // Tuesday 06-09 16:59
    expect(await levelsAt(tk, '2026-06-09T09:00:00Z')).toEqual(['REMINDER', 'SUPERVISION']); // 5 working days
  });

  test('a Friday deadline is reminded on Monday, not on Saturday', async () => {
    const tk = await dispatchedAt('2026-06-12T07:00:00Z', '2026-06-12T09:00:00Z', '440104'); // Friday 15:00, due 17:00
    expect(await levelsAt(tk, '2026-06-13T10:00:00Z')).toEqual([]); // Saturday 18:00, a day and an hour later
    expect(await levelsAt(tk, '2026-06-15T00:59:00Z')).toEqual([]); // Monday 08:59
    expect(await levelsAt(tk, '2026-06-15T01:00:00Z')).toEqual(['REMINDER']); // Monday 09:00
    const recorded = await gql<{ node: { supervisions: { level: string; dueAt: string; at: string }[] } }>(supervisor, 'query($id: ID!) { node(id: $id) { ... on Ticket { supervisions { level dueAt at } } } }', { id: tk.id });
    expect(recorded.data?.node.supervisions).toEqual([{ level: 'REMINDER', dueAt: '2026-06-12T09:00:00.000Z', at: '2026-06-15T01:00:00.000Z' }]);
  });

  test('a deadline on the eve of National Day waits out the holiday; supervision counts the make-up Saturday', async () => {
    const tk = await dispatchedAt('2026-09-30T07:00:00Z', '2026-09-30T09:00:00Z', '440105'); // Wednesday 15:00, due 17:00
    expect(await levelsAt(tk, '2026-10-01T10:00:00Z')).toEqual([]); // National Day
    expect(await levelsAt(tk, '2026-10-07T15:59:00Z')).toEqual([]); // the last evening of the holiday
    expect(await levelsAt(tk, '2026-10-08T01:00:00Z')).toEqual(['REMINDER']); // Thursday 10-08 09:00
    // 10-08, 10-09, 10-10 (Saturday, a make-up working day), 10-12, 10-13: Tuesday 17:00
    expect(await levelsAt(tk, '2026-10-13T08:59:00Z')).toEqual(['REMINDER']);
    expect(await levelsAt(tk, '2026-10-13T09:00:00Z')).toEqual(['REMINDER', 'SUPERVISION']);
    expect(await levelsAt(tk, '2026-10-20T09:00:00Z')).toEqual(['REMINDER', 'SUPERVISION', 'NOTICE']); // 10 working days
  });

  test('a ticket whose deadline moves while the clock looks at it is not escalated for the old one; the others are, without waiting for it', async () => {
    const tk = await dispatchedAt('2026-11-03T07:00:00Z', '2026-11-03T09:00:00Z', '440106'); // Tuesday 15:00, due 17:00
    const next = await dispatchedAt('2026-11-03T07:00:00Z', '2026-11-03T09:00:00Z', '440104');
    const levels = async (number: string) =>
      (await pg.query<{ level: string }>('select s.level from supervisions s join tickets t on t.id = s.ticket_id where t.number = $1', [number])).rows.map((r) => r.level);
    // a change of the ticket (an acceptance, say) is under way: its new deadline not yet committed
    const other = new PgClient({ connectionString: t.databaseUrl });
    await other.connect();
    try {
      await other.query('begin');
      await other.query(`update tickets set due_at = '2026-11-10T10:00:00Z' where number = $1`, [tk.number]);
      moveTo('2026-11-04T02:00:00Z'); // Wednesday 10:00: the old deadline's reminder is due
      await sla.runOnce(pg); // (the hub's own clock passes too)
      // the pass did not wait for the ticket being changed, and escalated the other one
      expect(await levels(next.number)).toEqual(['REMINDER']);
      await new Promise((r) => setTimeout(r, 300));
      await other.query('commit');
    } finally {
      await other.end();
    }
    await sla.runOnce(pg);
    await new Promise((r) => setTimeout(r, 500));
    expect(await levels(tk.number)).toEqual([]);
  });
});

test('SURGE: a busy matter’s usual morning hour is no surge; twice its usual in that hour is', async () => {
  // (last: it moves the shared clock on by ten days) nine mornings, 09:00 in Guangzhou (01:00 UTC): six street-light reports each
  const firstMorning = Math.ceil((clock.now().getTime() + DAY) / DAY) * DAY + HOUR;
  const morning = async (day: number, reports: number, from = 0) => {
    for (let i = from; i < from + reports; i++) {
      clock.set(new Date(firstMorning + day * DAY + i * 3 * 60_000));
      await intake({ title: `路灯不亮${day}-${i}`, content: `科学城大道第${i + 1}盏路灯晚上不亮`, matterCode: 'CITY.STREETLIGHT', districtCode: '440112' });
    }
  };
  for (let day = 0; day < 9; day++) await morning(day, 6);
  await t.hub.risk.drain();
  const surges = async () => (await alerts(supervisor, { kinds: ['SURGE'] })).filter((a) => a.district.code === '440112');
  // (against the day's average hour — 6 a day, 0.25 an hour — each of these mornings would be one)
  expect(await surges()).toEqual([]);
  await morning(9, 16);
  const [alert] = await until('the surge alert', async () => {
    const found = await surges();
    return found.length && found[0].ticketCount === 16 ? found : null;
  });
  expect(alert.figures).toMatchObject({ observed: 16, expected: 6, baselineDays: expect.any(Number), matterCode: 'CITY.STREETLIGHT' });
});
