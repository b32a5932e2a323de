/**
 * 工作专班 end to end: a labour-dispute alert from realistic tickets, a task force formed from it
 * (labour bureau leading, police and justice joining), members seeing the linked tickets, the
 * action log, closing refused while tickets are open, then closed with its alert resolved —
 * every change on the alert stream and in the audit logs.
 */
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';
import { ManualClock } from '../src/shared/clock';
import { Role, startTestHub } from './support/hub';
import type { TestHub } from './support/hub';
import { until } from './support/wait';

jest.setTimeout(60_000);

const clock = new ManualClock(new Date('2026-03-02T01:00:00Z'));
let t: TestHub;
let operator: string;
let supervisor: string;
let office: string;

beforeAll(async () => {
  t = await startTestHub({ clock });
  operator = await t.token({ role: Role.OPERATOR });
  supervisor = await t.token({ role: Role.SUPERVISOR, subject: 'sup-li' });
  office = await t.token({ role: Role.DISTRICT_OFFICE, districtCodes: ['440106'], subject: 'tianhe' });
});
afterAll(() => t.stop());

async function gql<T = Record<string, unknown>>(token: string, query: string, variables: Record<string, unknown> = {}) {
  const { body } = await t.raw({ query, variables }, { authorization: `Bearer ${token}` });
  return body as { data?: T | null; errors?: { message: string; extensions?: Record<string, unknown> }[] };
}

async function ok<T = Record<string, unknown>>(token: string, query: string, variables: Record<string, unknown> = {}): Promise<T> {
  const res = await gql<T>(token, query, variables);
  if (res.errors) throw new Error(JSON.stringify(res.errors));
  return res.data!;
}

const FORCE = 'id name status version district { code } leadDepartment { code } departments { code } openTickets tickets { number status } alerts { id status } actions { type actor note }';

test('from a labour alert to a closed task force', async () => {
  // two tickets about one factory, one of them naming 72 workers: a HIGH alert
  const tickets: { id: string; number: string }[] = [];
  for (const content of [
    '我们是天河区鸿运五金厂的72名员工，工厂要搬迁，老板拒绝支付经济补偿，工人已经集体停工。',
    '鸿运五金厂拖欠我们三个月工资，现在还要搬厂，工友们都很着急。',
  ]) {
    clock.advance(3_600_000);
    const r = await ok<{ createTicket: { id: string; number: string } }>(
      operator,
      'mutation($i: CreateTicketInput!) { createTicket(input: $i) { id number } }',
      { i: { channel: 'PHONE', title: '工厂搬迁补偿纠纷', content, districtCode: '440106', dispatchTo: '440106-HRSS' } },
    );
    tickets.push(r.createTicket);
  }
  const alert = await until('the labour alert', async () => {
    const r = await ok<{ riskAlerts: { edges: { node: { id: string; status: string; ticketCount: number; severity: string } }[] } }>(
      supervisor,
      '{ riskAlerts(first: 5, filter: { kinds: [LABOUR_DISPUTE] }) { edges { node { id status ticketCount severity } } } }',
    );
    const a = r.riskAlerts.edges[0]?.node;
    return a && a.ticketCount === 2 ? a : null;
  });
  expect(alert.severity).toBe('HIGH');

  // the police's staff cannot see the tickets yet
  const police = await t.token({ role: Role.DEPARTMENT_STAFF, departmentCode: 'GZ-PSB', subject: 'psb-wang' });
  const seeTicket = async (token: string) =>
    (await ok<{ ticket: { number: string } | null }>(token, 'query($n: String!) { ticket(number: $n) { number } }', { n: tickets[0].number })).ticket;
  expect(await seeTicket(police)).toBeNull();

  // bad input: unknown lead, a name too short, a closed alert… each a coded error, nothing written
  const form = 'mutation($i: FormTaskForceInput!) { formTaskForce(input: $i) { ' + FORCE + ' } }';
  expect((await gql(office, form, { i: { name: '专班', leadDepartmentCode: 'NO-SUCH', alertId: alert.id } })).errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
  expect((await gql(office, form, { i: { name: '专', leadDepartmentCode: '440106-HRSS', alertId: alert.id } })).errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
  expect((await gql(operator, form, { i: { name: '鸿运五金厂专班', leadDepartmentCode: '440106-HRSS', alertId: alert.id } })).errors?.[0].extensions?.code).toBe('FORBIDDEN');
  const yuexiu = await t.token({ role: Role.DISTRICT_OFFICE, districtCodes: ['440104'] });
  expect((await gql(yuexiu, form, { i: { name: '鸿运五金厂专班', leadDepartmentCode: '440106-HRSS', alertId: alert.id } })).errors?.[0].extensions?.code).toBe('NOT_FOUND');
  expect((await ok<{ taskForces: { totalCount?: number; edges: unknown[] } }>(supervisor, '{ taskForces(first: 5) { edges { cursor } } }')).taskForces.edges).toEqual([]);

  // the police (a member to be) and the water bureau (not) follow task-force changes live
  const follow = (token: string) => {
    const got: { type: string; name: string }[] = [];
    const c = createClient({ url: t.hub.wsUrl.replace('localhost', '127.0.0.1'), webSocketImpl: WebSocket, retryAttempts: 0, connectionParams: { authorization: `Bearer ${token}` } });
    c.subscribe({ query: 'subscription { taskForceEvents { id type name status tickets actor } }' }, { next: (r) => got.push((r.data as { taskForceEvents: { type: string; name: string } }).taskForceEvents), error: () => undefined, complete: () => undefined });
    return { got, dispose: () => c.dispose() };
  };
  const policeLive = follow(police);
  const waterLive = follow(await t.token({ role: Role.DEPARTMENT_STAFF, departmentCode: 'GZ-WATER', subject: 'water-live' }));
  await new Promise((r) => setTimeout(r, 200));

  // the district office forms it from the alert
  const formed = (
    await ok<{ formTaskForce: Record<string, unknown> & { id: string; version: number } }>(office, form, {
      i: { name: '鸿运五金厂搬迁补偿专班', leadDepartmentCode: '440106-HRSS', memberDepartmentCodes: ['GZ-PSB', 'GZ-JUSTICE'], alertId: alert.id, note: '区里牵头，人社、公安、司法联合处置' },
    })
  ).formTaskForce;
  expect(formed).toMatchObject({
    status: 'ACTIVE',
    district: { code: '440106' },
    leadDepartment: { code: '440106-HRSS' },
    departments: [{ code: '440106-HRSS' }, { code: 'GZ-PSB' }, { code: 'GZ-JUSTICE' }],
    openTickets: 2,
    alerts: [{ id: alert.id, status: 'TASK_FORCE' }],
    actions: [{ type: 'FORMED', actor: 'DISTRICT_OFFICE:440106/tianhe', note: '区里牵头，人社、公安、司法联合处置' }],
  });
  expect((formed.tickets as { number: string }[]).map((x) => x.number).sort()).toEqual(tickets.map((x) => x.number).sort());
  // the alert cannot be given a second task force
  expect((await gql(office, form, { i: { name: '第二个专班', leadDepartmentCode: '440106-HRSS', alertId: alert.id } })).errors?.[0].extensions?.code).toBe('ILLEGAL_TRANSITION');
  // nor be resolved, or dismissed, behind its task force's back: closing the task force resolves it
  for (const m of ['resolveAlert', 'dismissAlert']) {
    const refused = await gql(office, `mutation($i: AlertChangeInput!) { ${m}(input: $i) { status } }`, { i: { id: alert.id, note: '已处理' } });
    expect(refused.errors?.[0].extensions?.code).toBe('ILLEGAL_TRANSITION');
  }

  // members now see the linked tickets, and the task force; they log what they did
  expect(await seeTicket(police)).toEqual({ number: tickets[0].number });
  const theirs = await ok<{ taskForces: { edges: { node: { id: string } }[] } }>(police, '{ taskForces(first: 5) { edges { node { id } } } }');
  expect(theirs.taskForces.edges.map((e) => e.node.id)).toEqual([formed.id]);
  const log = 'mutation($i: TaskForceChangeInput!) { logTaskForceAction(input: $i) { version actions { type actor note } } }';
  const logged = await ok<{ logTaskForceAction: { version: number; actions: { type: string; actor: string }[] } }>(police, log, { i: { id: formed.id, note: '派出所民警到厂区维持秩序' } });
  expect(logged.logTaskForceAction.actions.map((a) => a.type)).toEqual(['FORMED', 'ACTION']);
  expect(logged.logTaskForceAction.version).toBe(formed.version);
  // the police lead another task force: they may not pass this one's tickets on to it
  const second = (await ok<{ formTaskForce: { id: string; version: number } }>(supervisor, form, { i: { name: '治安联防专班', leadDepartmentCode: 'GZ-PSB', districtCode: '440106' } })).formTaskForce;
  const link = 'mutation($i: LinkTaskForceTicketsInput!) { linkTaskForceTickets(input: $i) { version tickets { number } } }';
  expect((await gql(police, link, { i: { id: second.id, ticketIds: [tickets[0].id] } })).errors?.[0].extensions?.code).toBe('NOT_FOUND');
  // an organiser may; the same ticket twice is linked once
  const linked = await ok<{ linkTaskForceTickets: { tickets: { number: string }[] } }>(supervisor, link, { i: { id: second.id, ticketIds: [tickets[0].id, tickets[0].id] } });
  expect(linked.linkTaskForceTickets.tickets.map((x) => x.number)).toEqual([tickets[0].number]);
  // members added: the same code many times is one member, and the log says so once, with the note given
  const add = 'mutation($i: AddTaskForceMembersInput!) { addTaskForceMembers(input: $i) { departments { code } actions { type note } } }';
  const added = await ok<{ addTaskForceMembers: { departments: { code: string }[]; actions: { type: string; note: string }[] } }>(supervisor, add, {
    i: { id: second.id, departmentCodes: Array(5000).fill('GZ-JUSTICE'), note: '请司法局派员调解' },
  });
  expect(added.addTaskForceMembers.departments.map((d) => d.code)).toEqual(['GZ-PSB', 'GZ-JUSTICE']);
  expect(added.addTaskForceMembers.actions.at(-1)).toEqual({ type: 'MEMBERS_ADDED', note: '加入：GZ-JUSTICE；请司法局派员调解' });
  const tooMany = await gql(supervisor, add, { i: { id: second.id, departmentCodes: Array.from({ length: 51 }, (_, i) => `X-${i}`) } });
  expect(tooMany.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'departmentCodes' });

  // a member is not the lead: it may not close or add members
  const close = 'mutation($i: TaskForceChangeInput!) { closeTaskForce(input: $i) { status version alerts { status } } }';
  expect((await gql(police, close, { i: { id: formed.id } })).errors?.[0].extensions?.code).toBe('FORBIDDEN');
  // another department sees nothing
  const water = await t.token({ role: Role.DEPARTMENT_STAFF, departmentCode: 'GZ-WATER' });
  expect((await gql(water, log, { i: { id: formed.id, note: '看看' } })).errors?.[0].extensions?.code).toBe('NOT_FOUND');

  // closing with open tickets is refused, naming them
  const refused = await gql(office, close, { i: { id: formed.id, expectedVersion: formed.version } });
  expect(refused.errors?.[0].extensions?.code).toBe('ILLEGAL_TRANSITION');
  expect((refused.errors?.[0].extensions?.openTickets as string[]).sort()).toEqual(tickets.map((x) => x.number).sort());

  // the labour bureau resolves both tickets
  const hrss = await t.token({ role: Role.DEPARTMENT_STAFF, departmentCode: '440106-HRSS' });
  for (const tk of tickets) {
    let v = (await ok<{ node: { version: number } }>(supervisor, 'query($id: ID!) { node(id: $id) { ... on Ticket { version } } }', { id: tk.id })).node.version;
    for (const m of ['acceptTicket', 'startTicket']) {
      v = (await ok<Record<string, { version: number }>>(hrss, `mutation($i: TicketChangeInput!) { ${m}(input: $i) { version } }`, { i: { id: tk.id, expectedVersion: v } }))[m].version;
    }
    await ok(hrss, 'mutation($i: ResolveTicketInput!) { resolveTicket(input: $i) { version } }', { i: { id: tk.id, expectedVersion: v, reply: '经专班协调，企业已按规定支付经济补偿' } });
  }

  // a stale version is a CONFLICT; the right one closes it and resolves the alert
  expect((await gql(office, close, { i: { id: formed.id, expectedVersion: formed.version - 1 } })).errors?.[0].extensions?.code).toBe('CONFLICT');
  const closed = await ok<{ closeTaskForce: { status: string; version: number; alerts: { status: string }[] } }>(office, close, {
    i: { id: formed.id, expectedVersion: formed.version, note: '补偿全部到位，专班结案' },
  });
  expect(closed.closeTaskForce).toEqual({ status: 'CLOSED', version: formed.version + 1, alerts: [{ status: 'RESOLVED' }] });
  expect((await gql(office, close, { i: { id: formed.id } })).errors?.[0].extensions?.code).toBe('ILLEGAL_TRANSITION');
  const late = await gql(office, 'mutation($i: AddTaskForceMembersInput!) { addTaskForceMembers(input: $i) { version } }', { i: { id: formed.id, departmentCodes: ['GZ-WATER'] } });
  expect(late.errors?.[0]).toMatchObject({ message: 'cannot add members to a task force in status CLOSED: the task force is closed', extensions: { code: 'ILLEGAL_TRANSITION' } });
  // closed, it no longer opens its tickets to its member departments (the police still see the
  // one linked to their own, active, task force)
  const seeNumber = async (n: string) => (await ok<{ ticket: { number: string } | null }>(police, 'query($n: String!) { ticket(number: $n) { number } }', { n })).ticket;
  expect(await seeNumber(tickets[1].number)).toBeNull();
  expect(await seeNumber(tickets[0].number)).toEqual({ number: tickets[0].number });

  // the alert's log tells the story; the outbox carries every task-force change
  const story = await ok<{ riskAlert: { status: string; actions: { type: string }[] } }>(supervisor, 'query($id: ID!) { riskAlert(id: $id) { status actions { type } } }', { id: alert.id });
  expect(story.riskAlert.status).toBe('RESOLVED');
  // raised by the first ticket (72 people), updated by the second, then the task force and its close
  expect(story.riskAlert.actions.map((a) => a.type)).toEqual(['RAISED', 'UPDATED', 'TASK_FORCE', 'RESOLVED']);
  await until('the police to see the task force close', async () => policeLive.got.some((e) => e.type === 'CLOSED'));
  expect(policeLive.got.map((e) => e.type)).toEqual(['FORMED', 'ACTION', 'FORMED', 'TICKETS_LINKED', 'MEMBERS_ADDED', 'CLOSED']);
  expect(waterLive.got).toEqual([]);
  await policeLive.dispose();
  await waterLive.dispose();
  const events = (await t.hub.orm.em.getConnection().execute(`select type from outbox_events where topic = 'taskforce' order by id`)) as { type: string }[];
  expect(events.map((e) => e.type)).toEqual(['FORMED', 'ACTION', 'FORMED', 'TICKETS_LINKED', 'MEMBERS_ADDED', 'CLOSED']);
});

test('new evidence of an alert a task force works on joins the task force: linked, logged, on the stream', async () => {
  const intake = async (content: string) =>
    (
      await ok<{ createTicket: { id: string; number: string } }>(operator, 'mutation($i: CreateTicketInput!) { createTicket(input: $i) { id number } }', {
        i: { channel: 'PHONE', title: '工厂欠薪', content, districtCode: '440106', dispatchTo: '440106-HRSS' },
      })
    ).createTicket;
  clock.advance(86_400_000);
  await intake('天河区金辉制衣厂拖欠我们40多名工人两个月工资，老板一直拖着不发。');
  clock.advance(3_600_000);
  await intake('金辉制衣厂老板欠薪跑路了，我们几十个工人找不到人。');
  const alert = await until('the second labour alert', async () => {
    const r = await ok<{ riskAlerts: { edges: { node: { id: string; ticketCount: number; title: string } }[] } }>(
      supervisor,
      '{ riskAlerts(first: 10, filter: { kinds: [LABOUR_DISPUTE] }) { edges { node { id ticketCount title } } } }',
    );
    return r.riskAlerts.edges.map((e) => e.node).find((a) => a.title.includes('金辉') && a.ticketCount === 2) ?? null;
  });
  const formed = (
    await ok<{ formTaskForce: { id: string; version: number } }>(office, 'mutation($i: FormTaskForceInput!) { formTaskForce(input: $i) { id version } }', {
      i: { name: '金辉制衣厂欠薪专班', leadDepartmentCode: '440106-HRSS', memberDepartmentCodes: ['GZ-PSB'], alertId: alert.id },
    })
  ).formTaskForce;
  clock.advance(3_600_000);
  const third = await intake('我也是金辉制衣厂的工人，工资被拖欠，老板电话也打不通了。');
  const force = await until('the third ticket in the task force', async () => {
    const r = await ok<{ taskForce: { version: number; openTickets: number; tickets: { number: string }[]; actions: { type: string; actor: string }[] } }>(
      supervisor,
      'query($id: ID!) { taskForce(id: $id) { version openTickets tickets { number } actions { type actor } } }',
      { id: formed.id },
    );
    return r.taskForce.tickets.length === 3 ? r.taskForce : null;
  });
  expect(force.tickets.map((x) => x.number)).toContain(third.number);
  expect(force.openTickets).toBe(3);
  expect(force.version).toBe(formed.version + 1);
  expect(force.actions.map((a) => a.type)).toEqual(['FORMED', 'TICKETS_LINKED']);
  // a member department now sees the new ticket too
  const police = await t.token({ role: Role.DEPARTMENT_STAFF, departmentCode: 'GZ-PSB', subject: 'psb-zhao' });
  expect((await ok<{ ticket: { number: string } | null }>(police, 'query($n: String!) { ticket(number: $n) { number } }', { n: third.number })).ticket).toEqual({ number: third.number });
});

test('a merged ticket keeps its task force open while the ticket it was merged into is open', async () => {
  const intake = async (content: string) =>
    (
      await ok<{ createTicket: { id: string; number: string; version: number } }>(operator, 'mutation($i: CreateTicketInput!) { createTicket(input: $i) { id number version } }', {
        i: { channel: 'PHONE', title: '小区积水', content, districtCode: '440106', dispatchTo: '440106-UM' },
      })
    ).createTicket;
  clock.advance(3_600_000);
  const parent = await intake('暴雨后天河北路小区门口积水半米深，老人出不了门。');
  const child = await intake('天河北路小区门口积水很深，出行困难。');
  const merged = await ok<{ mergeTicket: { status: string } }>(operator, 'mutation($i: MergeTicketInput!) { mergeTicket(input: $i) { status } }', {
    i: { id: child.id, expectedVersion: child.version, parentId: parent.id, note: '同一积水点' },
  });
  expect(merged.mergeTicket.status).toBe('MERGED');
  const formed = (
    await ok<{ formTaskForce: { id: string; version: number; openTickets: number } }>(supervisor, 'mutation($i: FormTaskForceInput!) { formTaskForce(input: $i) { id version openTickets } }', {
      i: { name: '天河北路内涝专班', leadDepartmentCode: '440106-UM', districtCode: '440106', ticketIds: [child.id] },
    })
  ).formTaskForce;
  expect(formed.openTickets).toBe(1);
  const refused = await gql(supervisor, 'mutation($i: TaskForceChangeInput!) { closeTaskForce(input: $i) { status } }', { i: { id: formed.id, expectedVersion: formed.version } });
  expect(refused.errors?.[0].extensions).toMatchObject({ code: 'ILLEGAL_TRANSITION', openTickets: [child.number] });
});

test('closing with tickets still open: a district office is told the numbers of its own districts’ tickets, and how many others', async () => {
  const intake = async (districtCode: string, dispatchTo: string) =>
    (
      await ok<{ createTicket: { id: string; number: string } }>(operator, 'mutation($i: CreateTicketInput!) { createTicket(input: $i) { id number } }', {
        i: { channel: 'PHONE', title: '河涌发臭', content: '沙河涌河段发黑发臭，蚊虫很多', districtCode, dispatchTo },
      })
    ).createTicket;
  const ours = await intake('440106', '440106-UM');
  const theirs = await intake('440104', '440104-UM');
  const formed = (
    await ok<{ formTaskForce: { id: string; version: number } }>(supervisor, 'mutation($i: FormTaskForceInput!) { formTaskForce(input: $i) { id version } }', {
      i: { name: '沙河涌整治专班', leadDepartmentCode: '440106-UM', districtCode: '440106', ticketIds: [ours.id, theirs.id] },
    })
  ).formTaskForce;
  const close = 'mutation($i: TaskForceChangeInput!) { closeTaskForce(input: $i) { status } }';
  const byOffice = await gql(office, close, { i: { id: formed.id, expectedVersion: formed.version } });
  expect(byOffice.errors?.[0].extensions).toMatchObject({ code: 'ILLEGAL_TRANSITION', openTickets: [ours.number], openElsewhere: 1 });
  expect(byOffice.errors?.[0].message).toContain(ours.number);
  expect(byOffice.errors?.[0].message).not.toContain(theirs.number);
  // the centre sees both
  const bySupervisor = await gql(supervisor, close, { i: { id: formed.id, expectedVersion: formed.version } });
  expect((bySupervisor.errors?.[0].extensions?.openTickets as string[]).sort()).toEqual([ours.number, theirs.number].sort());
});
