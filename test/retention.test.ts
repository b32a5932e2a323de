/**
 * PIPL retention: closed tickets older than RETENTION_DAYS lose the caller's name, phone and
 * address; everything else stays, so every statistic is the same.
 */
import { CloseTicketDocument, CreateTicketDocument, ResolveOnCallDocument, TicketByNumberDocument } from './generated/graphql';
import { ManualClock } from '../src/shared/clock';
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

  clock.advance(31 * DAY);
  await t.hub.retention.drain();
  const after = await texts();
  for (const personal of ['李建国', '13566667777', '135 6666 7777', '龙口西路88号']) expect(after.all).not.toContain(personal);
  expect(after.all).toContain('楼道被杂物堵住');
  expect(after.all).toContain('物业今天清理');
  expect(after.events).toBe(before.events);
  expect(after.keys).toBe(0);
  // outside the retention job the audit log refuses any change
  await expect(sql.execute('update ticket_events set note = ? where ticket_id = ?', ['改写', after.id])).rejects.toThrow(/append-only/);
  // and the job itself may not change anything but notes and changes
  await expect(
    sql.getKnex().transaction(async (trx) => {
      await trx.raw(`set local minsheng.retention = 'on'`);
      await trx.raw('update ticket_events set actor = ? where ticket_id = ?', ['someone-else', after.id]);
    }),
  ).rejects.toThrow(/append-only/);
});
