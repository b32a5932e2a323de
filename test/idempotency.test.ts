import { CreateTicketDocument } from './generated/graphql';
import type { CreateTicketInput } from './generated/graphql';
import { Role, startTestHub } from './support/hub';
import type { TestHub } from './support/hub';

let t: TestHub;
let operator: string;
beforeAll(async () => {
  t = await startTestHub();
  operator = await t.token({ role: Role.OPERATOR, subject: 'op-1' });
});
afterAll(() => t.stop());

const input = (key: string, content = '小区门口的路灯坏了一个星期'): CreateTicketInput => ({
  channel: 'PHONE',
  title: '路灯不亮',
  content,
  districtCode: '440106',
  dispatchTo: '440106-UM',
  idempotencyKey: key,
});

const count = async () => Number((await t.hub.orm.em.getConnection().execute<{ n: string }[]>('select count(*) as n from tickets'))[0].n);

test('a retry with the same key returns the same ticket and writes nothing more', async () => {
  const first = await t.ok(CreateTicketDocument, { input: input('retry-key-0001') }, operator);
  const before = await count();
  const again = await t.ok(CreateTicketDocument, { input: input('retry-key-0001') }, operator);
  expect(again.createTicket.number).toBe(first.createTicket.number);
  expect(again.createTicket.version).toBe(first.createTicket.version);
  expect(await count()).toBe(before);
});

test('the same key with a different input is IDEMPOTENCY_KEY_REUSED and writes nothing', async () => {
  await t.ok(CreateTicketDocument, { input: input('reuse-key-0001') }, operator);
  const before = await count();
  const res = await t.gql(CreateTicketDocument, { input: input('reuse-key-0001', '另一件事：楼下施工噪音') }, operator);
  expect(res.errors?.[0].extensions).toMatchObject({ code: 'IDEMPOTENCY_KEY_REUSED', field: 'idempotencyKey' });
  expect(await count()).toBe(before);
});

test('ten concurrent intakes with one key: one ticket, and every caller gets it', async () => {
  const before = await count();
  const results = await Promise.all(Array.from({ length: 10 }, () => t.gql(CreateTicketDocument, { input: input('concurrent-key-0001') }, operator)));
  for (const r of results) expect(r.errors).toBeUndefined();
  expect(new Set(results.map((r) => r.data!.createTicket.number)).size).toBe(1);
  expect(await count()).toBe(before + 1);
  const events = await t.hub.orm.em
    .getConnection()
    .execute<{ n: string }[]>(`select count(*) as n from ticket_events e join tickets t on t.id = e.ticket_id where t.number = ?`, [results[0].data!.createTicket.number]);
  expect(Number(events[0].n)).toBe(2);
});

test('keys belong to their caller: another operator’s same key is another intake', async () => {
  const other = await t.token({ role: Role.OPERATOR, subject: 'op-2' });
  const a = await t.ok(CreateTicketDocument, { input: input('shared-key-0001') }, operator);
  const b = await t.ok(CreateTicketDocument, { input: input('shared-key-0001') }, other);
  expect(b.createTicket.number).not.toBe(a.createTicket.number);
});

test('a key too short is BAD_USER_INPUT on idempotencyKey', async () => {
  const res = await t.gql(CreateTicketDocument, { input: input('short') }, operator);
  expect(res.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'idempotencyKey' });
});
