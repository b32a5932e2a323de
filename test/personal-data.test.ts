/**
 * Personal data (PIPL): the caller is masked for everyone who reads a ticket; `revealCitizen`
 * unmasks it for the centre and the handling department only, for a stated purpose, and records
 * who, when, which ticket and why — in the same transaction. Bad input writes nothing.
 */
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';
import { Role, startTestHub } from './support/hub';
import type { TestHub } from './support/hub';

let t: TestHub;
let operator: string;
let supervisor: string;
let ticket: { id: string; number: string };

const reveal = 'mutation($input: RevealCitizenInput!) { revealCitizen(input: $input) { name phone address masked } }';
const log = 'query($t: ID, $s: String) { personalDataAccesses(ticketId: $t, subject: $s) { ticketNumber actor role subject purpose reason at } }';

beforeAll(async () => {
  t = await startTestHub();
  operator = await t.token({ role: Role.OPERATOR, subject: 'op-li' });
  supervisor = await t.token({ role: Role.SUPERVISOR, subject: 'sup-chen' });
  const res = await t.raw(
    {
      query: 'mutation($input: CreateTicketInput!) { createTicket(input: $input) { id number } }',
      variables: {
        input: {
          channel: 'PHONE',
          title: '楼下餐馆油烟扰民',
          content: '楼下餐馆排烟管道直对住户窗户，油烟很大',
          districtCode: '440106',
          dispatchTo: '440106-UM',
          citizenName: '王芳',
          citizenPhone: '13912345678',
          citizenAddress: '天河区体育西路103号',
        },
      },
    },
    { authorization: `Bearer ${operator}` },
  );
  ticket = (res.body.data as { createTicket: typeof ticket }).createTicket;
});
afterAll(() => t.stop());
afterEach(() => expect(t.errors.splice(0)).toEqual([]));

async function as(token: string, query: string, variables: Record<string, unknown>) {
  return (await t.raw({ query, variables }, { authorization: `Bearer ${token}` })).body;
}

async function accessCount(): Promise<number> {
  const rows = await t.hub.orm.em.getConnection().execute('select count(*)::int as n from personal_data_accesses');
  return (rows[0] as { n: number }).n;
}

test('the operator unmasks for a purpose; the access is on record with who, when, which ticket and why', async () => {
  const before = await accessCount();
  const body = await as(operator, reveal, { input: { id: ticket.id, purpose: 'RETURN_VISIT', reason: '回访核实处理结果' } });
  expect(body.errors).toBeUndefined();
  expect((body.data as { revealCitizen: unknown }).revealCitizen).toEqual({
    name: '王芳',
    phone: '13912345678',
    address: '天河区体育西路103号',
    masked: false,
  });
  expect(await accessCount()).toBe(before + 1);
  const rows = (await as(supervisor, log, { t: ticket.id })).data as { personalDataAccesses: Record<string, string>[] };
  expect(rows.personalDataAccesses[0]).toMatchObject({
    ticketNumber: ticket.number,
    actor: 'OPERATOR/op-li',
    role: 'OPERATOR',
    subject: 'op-li',
    purpose: 'RETURN_VISIT',
    reason: '回访核实处理结果',
  });
  expect(Date.parse(rows.personalDataAccesses[0].at)).not.toBeNaN();
  // reading the ticket afterwards is still masked: an unmasking is one act, not a state
  const read = await as(operator, 'query($n: String!) { ticket(number: $n) { citizen { phone masked } } }', { n: ticket.number });
  expect((read.data as { ticket: { citizen: unknown } }).ticket.citizen).toEqual({ phone: '139****5678', masked: true });
});

test('the handling department may; another department, a district office and an analyst may not', async () => {
  const lead = await t.token({ role: Role.DEPARTMENT_STAFF, departmentCode: '440106-UM', subject: 'um-zhang' });
  const ok = await as(lead, reveal, { input: { id: ticket.id, purpose: 'HANDLING', reason: '联系市民约定上门检查时间' } });
  expect((ok.data as { revealCitizen: { phone: string } }).revealCitizen.phone).toBe('13912345678');

  const before = await accessCount();
  const cases: [string, string][] = [
    [await t.token({ role: Role.DEPARTMENT_STAFF, departmentCode: '440104-UM', subject: 'other' }), 'NOT_FOUND'],
    [await t.token({ role: Role.DISTRICT_OFFICE, districtCodes: ['440106'], subject: 'tianhe' }), 'FORBIDDEN'],
    [await t.token({ role: Role.ANALYST, subject: 'bi' }), 'FORBIDDEN'],
  ];
  for (const [token, code] of cases) {
    const body = await as(token, reveal, { input: { id: ticket.id, purpose: 'VERIFICATION', reason: '核实来电人信息' } });
    expect(body.data).toBeNull();
    expect(body.errors?.[0].extensions?.code).toBe(code);
    expect(JSON.stringify(body)).not.toMatch(/1[3-9]\d{9}/);
  }
  expect(await accessCount()).toBe(before);
});

test('bad input is refused with a coded error and writes nothing', async () => {
  const before = await accessCount();
  const bad: [Record<string, unknown>, string][] = [
    [{ id: ticket.id, purpose: 'RETURN_VISIT', reason: '  ' }, 'BAD_USER_INPUT'],
    [{ id: ticket.id, purpose: 'RETURN_VISIT', reason: '查'.repeat(501) }, 'BAD_USER_INPUT'],
    [{ id: ticket.id, purpose: 'CURIOSITY', reason: '想看看是谁打的电话' }, 'BAD_USER_INPUT'],
    [{ id: 'VGlja2V0OjAwMDAwMDAwLTAwMDAtMDAwMC0wMDAwLTAwMDAwMDAwMDAwMA==', purpose: 'RETURN_VISIT', reason: '回访核实' }, 'NOT_FOUND'],
  ];
  for (const [input, code] of bad) {
    const body = await as(operator, reveal, { input });
    expect(body.errors?.[0].extensions?.code).toBe(code);
  }
  expect(await accessCount()).toBe(before);
});

test('an analyst reads what citizens said without what identifies them: numbers and names in the text are left out', async () => {
  const said = {
    channel: 'PHONE',
    title: '欠薪求助 回电13987654321',
    content: '我叫陈大文，在鸿运五金厂上班，老板拖欠三个月工资。请回电139 8765 4321，或者一三九八七六五四三二一，身份证440106199001011234。',
    districtCode: '440106',
  };
  const res = await t.raw({ query: 'mutation($input: CreateTicketInput!) { createTicket(input: $input) { id } }', variables: { input: said } }, { authorization: `Bearer ${operator}` });
  const id = (res.body.data as { createTicket: { id: string } }).createTicket.id;
  const read = 'query($id: ID!) { node(id: $id) { ... on Ticket { title content } } }';
  const analyst = (await as(await t.token({ role: Role.ANALYST, subject: 'bi-2' }), read, { id })).data as { node: { title: string; content: string } };
  const text = `${analyst.node.title}\n${analyst.node.content}`;
  for (const identifying of ['13987654321', '139 8765 4321', '一三九八七六五四三二一', '440106199001011234', '陈大文']) expect(text).not.toContain(identifying);
  expect(analyst.node.content).toContain('老板拖欠三个月工资');
  // the operator handling the call reads it as said
  const own = (await as(operator, read, { id })).data as { node: { title: string; content: string } };
  expect(own.node).toEqual({ title: said.title, content: said.content });
  // nor can a search tell an analyst what was left out
  const bi = await t.token({ role: Role.ANALYST, subject: 'bi-3' });
  const search = await as(bi, 'query($s: String) { tickets(first: 1, filter: { search: $s }) { totalCount } }', { s: '1398765' });
  expect(search.errors?.[0].extensions).toMatchObject({ code: 'FORBIDDEN', field: 'filter.search' });
  // what the department wrote back, and the audit log's notes, likewise
  const dep = await t.token({ role: Role.DEPARTMENT_STAFF, departmentCode: '440106-UM', subject: 'um-1' });
  let version = ((await as(operator, 'mutation($i: DispatchTicketInput!) { dispatchTicket(input: $i) { version } }', { i: { id, expectedVersion: 1, departmentCode: '440106-UM', note: '请联系陈大文 13987654321' } })).data as { dispatchTicket: { version: number } }).dispatchTicket.version;
  for (const m of ['acceptTicket', 'startTicket']) {
    version = ((await as(dep, `mutation($i: TicketChangeInput!) { ${m}(input: $i) { version } }`, { i: { id, expectedVersion: version } })).data as Record<string, { version: number }>)[m].version;
  }
  const resolved = await as(dep, 'mutation($i: ResolveTicketInput!) { resolveTicket(input: $i) { version } }', { i: { id, expectedVersion: version, reply: '已联系陈大文（13987654321），工资已追回' } });
  expect(resolved.errors).toBeUndefined();
  const history = 'query($id: ID!) { node(id: $id) { ... on Ticket { reply events { note changes } } } }';
  // (numbers go wherever they are; a name is recognised where someone gives it — 我叫… — not
  // in every sentence, so staff write notes without them)
  const seen = JSON.stringify((await as(bi, history, { id })).data);
  expect(seen).not.toContain('13987654321');
  expect(seen).toContain('工资已追回');
  expect(seen).toContain('2026-03-02T');
  expect(JSON.stringify((await as(operator, history, { id })).data)).toContain('13987654321');
});

test('readers who may not contact the caller read texts redacted: a district office, a task-force member department; the handling department reads them as said', async () => {
  const said = { channel: 'PHONE', title: '工地夜间施工扰民', content: '凌晨两点还在打桩，我叫林小红，电话１３９８７６５４３２１，请回电。', districtCode: '440106', dispatchTo: '440106-UM', citizenName: '林小红', citizenPhone: '13987654321' };
  const created = await as(operator, 'mutation($input: CreateTicketInput!) { createTicket(input: $input) { id } }', { input: said });
  const id = (created.data as { createTicket: { id: string } }).createTicket.id;
  // the police bureau joins a task force that links the ticket: it sees the ticket, not the caller
  const formed = await as(supervisor, 'mutation($i: FormTaskForceInput!) { formTaskForce(input: $i) { id } }', {
    i: { name: '夜间施工专班 联系人林小红13987654321', leadDepartmentCode: '440106-UM', memberDepartmentCodes: ['GZ-PSB'], ticketIds: [id], districtCode: '440106', note: '已约林小红（139 8765 4321）面谈' },
  });
  expect(formed.errors).toBeUndefined();
  const forceId = (formed.data as { formTaskForce: { id: string } }).formTaskForce.id;
  const read = 'query($id: ID!) { node(id: $id) { ... on Ticket { title content } } }';
  const office = await t.token({ role: Role.DISTRICT_OFFICE, districtCodes: ['440106'], subject: 'tianhe-2' });
  const police = await t.token({ role: Role.DEPARTMENT_STAFF, departmentCode: 'GZ-PSB', subject: 'psb-1' });
  const handler = await t.token({ role: Role.DEPARTMENT_STAFF, departmentCode: '440106-UM', subject: 'um-2' });
  for (const token of [office, police]) {
    const body = await as(token, read, { id });
    expect(body.errors).toBeUndefined();
    const seen = JSON.stringify(body.data);
    expect(seen).toContain('凌晨两点还在打桩');
    expect(seen).not.toContain('１３９８７６５４３２１');
    expect(seen).not.toContain('林小红');
  }
  expect((await as(handler, read, { id })).data).toEqual({ node: { title: said.title, content: said.content } });
  // (the caller's own name is left out wherever it is written, cue or not: 需约林小红…)
  // the ticket's extension request and audit log too, where the handler wrote the caller's
  // number — and the ids in the log's changes stay intact
  let v = ((await as(handler, 'query($id: ID!) { node(id: $id) { ... on Ticket { version } } }', { id })).data as { node: { version: number } }).node.version;
  for (const m of ['acceptTicket', 'startTicket']) {
    const r = await as(handler, `mutation($i: TicketChangeInput!) { ${m}(input: $i) { version } }`, { i: { id, expectedVersion: v } });
    expect(r.errors).toBeUndefined();
    v = (r.data as Record<string, { version: number }>)[m].version;
  }
  const ext = await as(handler, 'mutation($i: RequestExtensionInput!) { requestExtension(input: $i) { version } }', { i: { id, expectedVersion: v, days: 3, reason: '需约林小红（139 8765 4321）现场核实' } });
  expect(ext.errors).toBeUndefined();
  const history = 'query($id: ID!) { node(id: $id) { ... on Ticket { events { note changes } extensionRequests { reason } } } }';
  expect(JSON.stringify((await as(handler, history, { id })).data)).toContain('139 8765 4321');
  const policeHeard = JSON.stringify((await as(police, history, { id })).data);
  expect(policeHeard).toContain('现场核实');
  expect(policeHeard).not.toContain('139 8765 4321');
  expect(policeHeard).not.toContain('林小红');
  const leadId = (await t.hub.orm.em.fork().getConnection().execute<{ id: string }[]>(`select id from departments where code = '440106-UM'`))[0].id;
  expect(policeHeard).toContain(leadId);
  // the task force's own name and action log, likewise, for readers without the right
  const force = 'query($id: ID!) { taskForce(id: $id) { name actions { note } } }';
  const bi = await t.token({ role: Role.ANALYST, subject: 'bi-tf' });
  for (const token of [bi, office]) {
    const body = await as(token, force, { id: forceId });
    expect(body.errors).toBeUndefined();
    const seen = JSON.stringify(body.data);
    expect(seen).toContain('夜间施工专班');
    expect(seen).not.toContain('13987654321');
    expect(seen).not.toContain('139 8765 4321');
  }
  expect(JSON.stringify((await as(police, force, { id: forceId })).data)).toContain('139 8765 4321');
});

test("a merged duplicate's copy of its parent's reply leaves the parent's caller out for readers without the right", async () => {
  const create = async (input: Record<string, unknown>) =>
    ((await as(operator, 'mutation($input: CreateTicketInput!) { createTicket(input: $input) { id version } }', { input })).data as { createTicket: { id: string; version: number } }).createTicket;
  const call = { channel: 'PHONE', title: '华穗路井盖缺失', content: '华穗路人行道的井盖不见了，晚上很危险', districtCode: '440106', dispatchTo: '440106-UM' };
  const parent = await create({ ...call, citizenName: '李明', citizenPhone: '13811112222' });
  const child = await create({ ...call, citizenName: '赵雪', citizenPhone: '13933334444' });
  const merged = await as(operator, 'mutation($i: MergeTicketInput!) { mergeTicket(input: $i) { status } }', { i: { id: child.id, expectedVersion: child.version, parentId: parent.id } });
  expect(merged.errors).toBeUndefined();
  const dep = await t.token({ role: Role.DEPARTMENT_STAFF, departmentCode: '440106-UM', subject: 'um-dup' });
  let version = parent.version;
  for (const m of ['acceptTicket', 'startTicket']) {
    version = ((await as(dep, `mutation($i: TicketChangeInput!) { ${m}(input: $i) { version } }`, { i: { id: parent.id, expectedVersion: version } })).data as Record<string, { version: number }>)[m].version;
  }
  const resolved = await as(dep, 'mutation($i: ResolveTicketInput!) { resolveTicket(input: $i) { version } }', { i: { id: parent.id, expectedVersion: version, reply: '李明先生您好，井盖已于今日补上（回电13811112222）。' } });
  expect(resolved.errors).toBeUndefined();
  const read = 'query($id: ID!) { node(id: $id) { ... on Ticket { reply events { changes } } } }';
  const office = await t.token({ role: Role.DISTRICT_OFFICE, districtCodes: ['440106'], subject: 'tianhe-dup' });
  const analyst = await t.token({ role: Role.ANALYST, subject: 'bi-dup' });
  for (const token of [office, analyst]) {
    for (const id of [parent.id, child.id]) {
      const body = await as(token, read, { id });
      expect(body.errors).toBeUndefined();
      const seen = JSON.stringify(body.data);
      expect(seen).toContain('井盖已于今日补上');
      expect(seen).not.toContain('李明');
      expect(seen).not.toContain('13811112222');
    }
  }
  // the centre reads the copy as written
  expect(JSON.stringify((await as(operator, read, { id: child.id })).data)).toContain('李明先生您好');
});

test('the access log is append-only, enforced by the database', async () => {
  const sql = t.hub.orm.em.getConnection();
  expect(await accessCount()).toBeGreaterThan(0);
  await expect(sql.execute(`update personal_data_accesses set reason = 'x'`)).rejects.toThrow(/append-only/);
  await expect(sql.execute('delete from personal_data_accesses')).rejects.toThrow(/append-only/);
  expect(await accessCount()).toBeGreaterThan(0);
});

test('only supervisors and admins read the access log', async () => {
  const body = await as(operator, log, { s: 'op-li' });
  expect(body.errors?.[0].extensions?.code).toBe('FORBIDDEN');
  const bySubject = (await as(supervisor, log, { s: 'op-li' })).data as { personalDataAccesses: { subject: string }[] };
  expect(bySubject.personalDataAccesses.length).toBeGreaterThan(0);
  expect(bySubject.personalDataAccesses.every((r) => r.subject === 'op-li')).toBe(true);
});

test('the same over WebSocket: the operator unmasks (recorded), a district office is refused', async () => {
  const run = async (token: string, variables: Record<string, unknown>) => {
    const c = createClient({ url: t.hub.wsUrl.replace('localhost', '127.0.0.1'), webSocketImpl: WebSocket, retryAttempts: 0, connectionParams: { authorization: `Bearer ${token}` } });
    try {
      return await new Promise<{ data?: unknown; errors?: readonly { extensions?: Record<string, unknown> }[] }>((resolve, reject) => {
        let result: never;
        c.subscribe({ query: reveal, variables }, { next: (r) => (result = r as never), error: reject, complete: () => resolve(result) });
      });
    } finally {
      await c.dispose();
    }
  };
  const before = await accessCount();
  const input = { id: ticket.id, purpose: 'SUPERVISION', reason: '督办超期工单联系市民' };
  const ok = await run(operator, { input });
  expect((ok.data as { revealCitizen: { phone: string } }).revealCitizen.phone).toBe('13912345678');
  const office = await t.token({ role: Role.DISTRICT_OFFICE, districtCodes: ['440106'], subject: 'tianhe-ws' });
  const refused = await run(office, { input });
  expect(refused.errors?.[0].extensions?.code).toBe('FORBIDDEN');
  expect(await accessCount()).toBe(before + 1);
});

test('who reads texts with the caller left out cannot search for the caller: district offices may not search, a task-force member searches only what it handles', async () => {
  const tianhe = await t.token({ role: Role.DISTRICT_OFFICE, districtCodes: ['440106'], subject: 'tianhe' });
  const handler = await t.token({ role: Role.DEPARTMENT_STAFF, departmentCode: '440106-UM', subject: 'um-staff' });
  const member = await t.token({ role: Role.DEPARTMENT_STAFF, departmentCode: '440106-HRSS', subject: 'hrss-staff' });
  const search = 'query($s: String) { tickets(first: 5, filter: { search: $s }) { totalCount edges { node { number content } } } }';
  // the district office reads the ticket with the caller's phone left out…
  const office = await as(tianhe, search, { s: null });
  expect(office.errors).toBeUndefined();
  // …so a search for it (which would answer whether the text holds it) is refused
  const refused = await as(tianhe, search, { s: '13912345678' });
  expect(refused.errors?.[0].extensions).toMatchObject({ code: 'FORBIDDEN', field: 'filter.search' });
  expect(refused.data).toBeNull();

  // a task force links the ticket to a department that does not handle it
  const formed = await as(supervisor, 'mutation($i: FormTaskForceInput!) { formTaskForce(input: $i) { id } }', {
    i: { name: '油烟整治专班', leadDepartmentCode: '440106-UM', memberDepartmentCodes: ['440106-HRSS'], districtCode: '440106', ticketIds: [ticket.id] },
  });
  expect(formed.errors).toBeUndefined();
  const hit = async (token: string, s: string) => {
    const body = await as(token, search, { s });
    expect(body.errors).toBeUndefined();
    return (body.data as { tickets: { edges: { node: { number: string } }[] } }).tickets.edges.some((e) => e.node.number === ticket.number);
  };
  // the member sees the ticket (its text without the caller) but its search does not reach it
  const seen = await as(member, 'query($n: String!) { ticket(number: $n) { number content } }', { n: ticket.number });
  expect((seen.data as { ticket: { number: string } | null }).ticket?.number).toBe(ticket.number);
  expect(await hit(member, '油烟')).toBe(false);
  expect(await hit(member, '王芳')).toBe(false);
  // the handling department, which reads it whole, finds it
  expect(await hit(handler, '油烟')).toBe(true);
});
