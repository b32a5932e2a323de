/**
 * PIPL retention: closed tickets older than RETENTION_DAYS lose the caller's name, phone and
 * address; everything else stays, so every statistic is the same.
 */
import { CloseTicketDocument, CreateTicketDocument, ResolveOnCallDocument, TicketByNumberDocument } from './generated/graphql';
import { ManualClock } from '../src/shared/clock';
import { TicketEvent } from '../src/tickets/ticket-event.entity';
import { Ticket } from '../src/tickets/ticket.entity';
import { replay } from '../src/tickets/ticket.lifecycle';
import { stateOf } from '../src/tickets/tickets.service';
import { Role, startTestHub } from './support/hub';
import type { TestHub } from './support/hub';

const DAY = 86_400_000;
const clock = new ManualClock(new Date('2026-03-02T01:00:00Z'));
let t: TestHub;
let operator: string;
let supervisor: string;

beforeAll(async () => {
  t = await startTestHub({ clock, env: { RETENTION_DAYS: '30' } });
  operator = await t.token({ role: Role.OPERATOR });
  supervisor = await t.token({ role: Role.SUPERVISOR });
});
afterAll(() => t.stop());

async function ticket(phone: string, close: boolean) {
  const { createTicket: c } = await t.ok(
    CreateTicketDocument,
    { input: { channel: 'PHONE', title: '咨询', content: '社保怎么转移', districtCode: '440106', citizenName: '王芳', citizenPhone: phone, citizenAddress: '天河路1号' } },
    operator,
  );
  if (!close) return c.number;
  const { resolveOnCall: r } = await t.ok(ResolveOnCallDocument, { input: { id: c.id, expectedVersion: c.version, reply: '电话中已解答' } }, operator);
  await t.ok(CloseTicketDocument, { input: { id: r.id, expectedVersion: r.version, note: '已答复' } }, supervisor);
  return c.number;
}

const row = async (number: string) =>
  (
    await t.hub.orm.em
      .getConnection()
      .execute<{ citizen_name: string | null; citizen_phone: string | null; citizen_address: string | null; citizen_key: string | null; pseudonymised_at: Date | null }[]>(
        'select citizen_name, citizen_phone, citizen_address, citizen_key, pseudonymised_at from tickets where number = ?',
        [number],
      )
  )[0];

const stats = async () =>
  t.hub.orm.em
    .getConnection()
    .execute(
      `select status, district_id, count(*)::int as n, count(distinct citizen_key)::int as callers, min(created_at) as first, max(closed_at) as last
         from tickets group by status, district_id order by status, district_id`,
    );

test('closed tickets past the retention lose the personal data, keep their pseudonym; the rest is untouched and statistics stay the same', async () => {
  const old = await ticket('13812345678', true);
  const open = await ticket('13812345678', false);
  clock.advance(20 * DAY);
  const recent = await ticket('13987654321', true);
  const before = await stats();
  const oldKey = (await row(old)).citizen_key;
  expect(oldKey).toMatch(/^[0-9a-f]{64}$/);
  expect((await row(open)).citizen_key).toBe(oldKey); // the same caller, the same pseudonym

  clock.advance(11 * DAY); // the first ticket closed 31 days ago, the last 11
  await t.hub.retention.drain();

  expect(await row(old)).toMatchObject({ citizen_name: null, citizen_phone: null, citizen_address: null, citizen_key: oldKey });
  expect((await row(old)).pseudonymised_at).not.toBeNull();
  expect(await row(open)).toMatchObject({ citizen_phone: '13812345678', pseudonymised_at: null });
  expect(await row(recent)).toMatchObject({ citizen_phone: '13987654321', pseudonymised_at: null });
  expect(await stats()).toEqual(before);

  // what a reader sees
  const { ticket: seen } = await t.ok(TicketByNumberDocument, { number: old }, operator);
  expect(seen!.citizen).toMatchObject({ name: null, phone: null, address: null });
});

test('past the retention the case texts lose the caller too — words, reply, audit notes and changes — and the intake key goes; the audit log stays append-only', async () => {
  const { createTicket: c } = await t.ok(
    CreateTicketDocument,
    {
      input: {
        channel: 'PHONE',
        title: '李建国反映楼道堵塞',
        content: '我叫李建国，住天河区龙口西路88号，楼道被杂物堵住，请回电13566667777',
        districtCode: '440106',
        citizenName: '李建国',
        citizenPhone: '13566667777',
        citizenAddress: '天河区龙口西路88号',
        idempotencyKey: 'call-4471',
      },
    },
    operator,
  );
  const { resolveOnCall: r } = await t.ok(ResolveOnCallDocument, { input: { id: c.id, expectedVersion: c.version, reply: '已告知李建国先生，物业今天清理（回电135 6666 7777）' } }, operator);
  await t.ok(CloseTicketDocument, { input: { id: r.id, expectedVersion: r.version, note: '李建国表示满意' } }, supervisor);
  const sql = t.hub.orm.em.getConnection();
  const texts = async () => {
    const [tk] = await sql.execute<{ title: string; content: string; reply: string; id: string }[]>('select id, title, content, reply from tickets where number = ?', [c.number]);
    const events = await sql.execute<{ note: string | null; changes: unknown }[]>('select note, changes from ticket_events where ticket_id = ? order by seq', [tk.id]);
    const keys = await sql.execute<{ n: number }[]>('select count(*)::int as n from intake_keys where ticket_id = ?', [tk.id]);
    return { all: JSON.stringify({ tk, events }), events: events.length, keys: keys[0].n, id: tk.id };
  };
  const before = await texts();
  expect(before.all).toContain('13566667777');
  expect(before.keys).toBe(1);
  // a second case, worked by a department whose id is digit-heavy: the log's ids must survive
  await sql.execute(
    `insert into departments (id, code, name, kind, level, district_id)
     values ('11111111-2222-4333-8444-555555555555', '440106-TEST', '天河区测试科', 'URBAN_MANAGEMENT', 'DISTRICT', (select id from districts where code = '440106'))`,
  );
  const gql = async <R>(token: string, query: string, i: Record<string, unknown>) => {
    const res = await t.raw({ query, variables: { i } }, { authorization: `Bearer ${token}` });
    expect(res.body.errors).toBeUndefined();
    return res.body.data as R;
  };
  const second = (
    await gql<{ createTicket: { id: string; version: number } }>(operator, 'mutation($i: CreateTicketInput!) { createTicket(input: $i) { id version } }', {
      channel: 'PHONE', title: '井盖松动', content: '天河路井盖松动，请回电13700001111', districtCode: '440106', dispatchTo: '440106-TEST', citizenPhone: '13700001111',
    })
  ).createTicket;
  const staff = await t.token({ role: Role.DEPARTMENT_STAFF, departmentCode: '440106-TEST', subject: 'test-1' });
  let v = second.version;
  for (const m of ['acceptTicket', 'startTicket']) v = (await gql<Record<string, { version: number }>>(staff, `mutation($i: TicketChangeInput!) { ${m}(input: $i) { version } }`, { id: second.id, expectedVersion: v }))[m].version;
  v = (await gql<{ resolveTicket: { version: number } }>(staff, 'mutation($i: ResolveTicketInput!) { resolveTicket(input: $i) { version } }', { id: second.id, expectedVersion: v, reply: '已更换井盖，已回电13700001111' })).resolveTicket.version;
  await t.ok(CloseTicketDocument, { input: { id: second.id, expectedVersion: v, note: '回访满意' } }, supervisor);
  // copies of its words elsewhere: a dispute's evidence, a post linked to it
  const secondId = Buffer.from(second.id, 'base64url').toString().split(':')[1];
  await sql.execute(
    `insert into matter_disputes (id, ticket_id, matter_code, rejected_by_id, decided_id, reject_reason, decision, decided_at)
     values (gen_random_uuid(), ?, 'CITY.ROAD', '11111111-2222-4333-8444-555555555555', '11111111-2222-4333-8444-555555555555', '市民13700001111所说井盖属供电部门', '属市政井盖，由本单位办理', now())`,
    [secondId],
  );
  await sql.execute(
    `insert into clues (id, source_platform, text, author_handle, likes, status, ticket_id, submitted_by, note, received_at, version)
     values (gen_random_uuid(), '微博', '天河路井盖松动，有事打13700001111', '@天河老街坊', 12, 'DUPLICATE', ?, 'op', '同一井盖', now(), 2)`,
    [secondId],
  );

  clock.advance(31 * DAY);
  await t.hub.retention.drain();
  const after = await texts();
  for (const personal of ['李建国', '13566667777', '135 6666 7777', '龙口西路88号']) expect(after.all).not.toContain(personal);
  expect(after.all).toContain('楼道被杂物堵住');
  expect(after.all).toContain('物业今天清理');
  expect(after.events).toBe(before.events);
  expect(after.keys).toBe(0);
  const copies = JSON.stringify([
    await sql.execute('select reject_reason, decision from matter_disputes where ticket_id = ?', [secondId]),
    await sql.execute('select text, author_handle, note from clues where ticket_id = ?', [secondId]),
  ]);
  expect(copies).not.toContain('13700001111');
  expect(copies).not.toContain('天河老街坊');
  expect(copies).toContain('井盖松动');
  // the log still replays to the ticket: ids and times in the changes are untouched
  const em = t.hub.orm.em.fork();
  for (const row of await em.find(Ticket, { pseudonymisedAt: { $ne: null } })) {
    const events = await em.find(TicketEvent, { ticketId: row.id }, { orderBy: { seq: 'asc' } });
    expect(replay(events)).toEqual(stateOf(row));
  }
  // outside the retention job the audit log refuses any change
  await expect(sql.execute('update ticket_events set note = ? where ticket_id = ?', ['改写', after.id])).rejects.toThrow(/append-only/);
  // and the job itself may change nothing but the notes and the replies of pseudonymised tickets
  const asRetention = (statement: string, bindings: unknown[]) =>
    sql.getKnex().transaction(async (trx) => {
      await trx.raw(`set local minsheng.retention = 'on'`);
      await trx.raw(statement, bindings as never);
    });
  await expect(asRetention('update ticket_events set actor = ? where ticket_id = ?', ['someone-else', after.id])).rejects.toThrow(/append-only/);
  await expect(asRetention(`update ticket_events set changes = changes || '{"leadDepartmentId": null}'::jsonb where ticket_id = ?`, [after.id])).rejects.toThrow(/append-only/);
  const [open] = await sql.execute<{ id: string }[]>('select id from tickets where pseudonymised_at is null limit 1');
  await expect(asRetention('update ticket_events set note = ? where ticket_id = ?', ['改写', open.id])).rejects.toThrow(/append-only/);
  // not even on a ticket pseudonymised earlier: only in the transaction that pseudonymises it
  await expect(asRetention('update ticket_events set note = ? where ticket_id = ? and note is not null', ['伪造', after.id])).rejects.toThrow(/append-only/);
  await expect(asRetention(`update ticket_events set changes = changes || '{"reply": "伪造"}'::jsonb where ticket_id = ?`, [after.id])).rejects.toThrow(/append-only/);
  // nor may the log (or the unmasking log) be emptied at once
  await expect(sql.execute('truncate ticket_events cascade')).rejects.toThrow(/append-only/);
  await expect(sql.execute('truncate personal_data_accesses')).rejects.toThrow(/append-only/);
});

async function gqlOk<R>(token: string, query: string, i: unknown): Promise<R> {
  const res = await t.raw({ query, variables: { i } }, { authorization: `Bearer ${token}` });
  expect(res.body.errors).toBeUndefined();
  return res.body.data as R;
}

/**
 * A ticket and a duplicate merged under it; the parent handled by 440106-UM, resolved with
 * `reply` and closed. Answers both tickets' ids.
 */
async function parentWithDuplicate(parentInput: Record<string, unknown>, childInput: Record<string, unknown>, reply: string, staffSubject: string) {
  const create = 'mutation($i: CreateTicketInput!) { createTicket(input: $i) { id version } }';
  const common = { channel: 'PHONE', districtCode: '440106' };
  const parent = (await gqlOk<{ createTicket: { id: string; version: number } }>(operator, create, { ...common, dispatchTo: '440106-UM', ...parentInput })).createTicket;
  const child = (await gqlOk<{ createTicket: { id: string; version: number } }>(operator, create, { ...common, ...childInput })).createTicket;
  await gqlOk(operator, 'mutation($i: MergeTicketInput!) { mergeTicket(input: $i) { status } }', { id: child.id, expectedVersion: child.version, parentId: parent.id });
  const staff = await t.token({ role: Role.DEPARTMENT_STAFF, departmentCode: '440106-UM', subject: staffSubject });
  let v = parent.version;
  for (const m of ['acceptTicket', 'startTicket']) v = (await gqlOk<Record<string, { version: number }>>(staff, `mutation($i: TicketChangeInput!) { ${m}(input: $i) { version } }`, { id: parent.id, expectedVersion: v }))[m].version;
  v = (await gqlOk<{ resolveTicket: { version: number } }>(staff, 'mutation($i: ResolveTicketInput!) { resolveTicket(input: $i) { version } }', { id: parent.id, expectedVersion: v, reply })).resolveTicket.version;
  await t.ok(CloseTicketDocument, { input: { id: parent.id, expectedVersion: v, note: '回访' } }, supervisor);
  return { parent, child };
}

test('a merged duplicate holds a copy of its parent’s reply: both callers are taken out of it', async () => {
  const sql = t.hub.orm.em.getConnection();
  const { parent, child } = await parentWithDuplicate(
    { title: '路灯不亮', content: '体育西路路灯不亮', citizenName: '林小红', citizenPhone: '13911112222' },
    { title: '路灯不亮', content: '体育西路的路灯坏了', citizenName: '王芳', citizenPhone: '13933334444' },
    '已电话告知林小红，路灯已修复',
    'um-1',
  );
  const childNow = (await gqlOk<{ node: { version: number; status: string } }>(operator, 'query($i: ID!) { node(id: $i) { ... on Ticket { version status } } }', child.id as never)).node;
  expect(childNow.status).toBe('RESOLVED');
  await t.ok(CloseTicketDocument, { input: { id: child.id, expectedVersion: childNow.version, note: '回访无人接听' } }, supervisor);

  clock.advance(31 * DAY);
  await t.hub.retention.drain();
  const local = (id: string) => Buffer.from(id, 'base64url').toString().split(':')[1];
  const texts = JSON.stringify([
    await sql.execute('select reply, pseudonymised_at is not null as done from tickets where id in (?, ?)', [local(parent.id), local(child.id)]),
    await sql.execute('select note, changes from ticket_events where ticket_id in (?, ?)', [local(parent.id), local(child.id)]),
  ]);
  expect(texts).not.toContain('林小红');
  expect(texts).not.toContain('王芳');
  expect(texts).toContain('路灯已修复');
  expect(texts).not.toContain('"done":false');
});

test('a duplicate still open when its parent is due: the parent’s caller leaves its copy of the reply then, its own caller stays until its turn', async () => {
  const sql = t.hub.orm.em.getConnection();
  const { child } = await parentWithDuplicate(
    { title: '井盖缺失', content: '天河北路井盖丢了', citizenName: '赵明亮', citizenPhone: '13955556666' },
    { title: '井盖缺失', content: '天河北路有个井盖没了，很危险', citizenName: '孙丽华', citizenPhone: '13977778888' },
    '已致电赵明亮（13955556666），井盖已补装，投诉电话020-83838383',
    'um-2',
  );
  // the duplicate stays RESOLVED (its caller is not reached) past the parent's retention
  clock.advance(31 * DAY);
  await t.hub.retention.drain();
  const local = (id: string) => Buffer.from(id, 'base64url').toString().split(':')[1];
  const [kid] = await sql.execute<{ reply: string; status: string; citizen_name: string | null; pseudonymised_at: Date | null }[]>(
    'select reply, status, citizen_name, pseudonymised_at from tickets where id = ?',
    [local(child.id)],
  );
  expect(kid).toMatchObject({ status: 'RESOLVED', citizen_name: '孙丽华', pseudonymised_at: null });
  expect(kid.reply).toBe('已致电赵**（***），井盖已补装，投诉电话020-83838383'); // the rest as the duplicate's caller was told
  const copies = JSON.stringify(await sql.execute(`select changes from ticket_events where ticket_id = ? and jsonb_exists(changes, 'reply')`, [local(child.id)]));
  expect(copies).toContain('井盖已补装');
  expect(copies).not.toMatch(/赵明亮|13955556666/);
  // and the audit log still replays to the duplicate
  const events = await t.hub.orm.em.fork().find(TicketEvent, { ticketId: local(child.id) }, { orderBy: { seq: 'asc' } });
  expect(replay(events).reply).toBe(kid.reply);
});
