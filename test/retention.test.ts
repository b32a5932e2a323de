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
