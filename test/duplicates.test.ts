/**
 * 重复件 at intake: a second report of the same open problem, nearby and soon after, is merged
 * under the first (audited, as system/duplicates); a similar one further away is only suggested;
 * an unrelated one is left alone.
 */
import { createLoaders } from '../src/app/loaders';
import { ManualClock } from '../src/shared/clock';
import { localId } from '../src/shared/relay';
import { TicketStatus } from '../src/tickets/ticket.enums';
import { Ticket } from '../src/tickets/ticket.entity';
import { Role, startTestHub } from './support/hub';
import type { TestHub } from './support/hub';
import { until } from './support/wait';

jest.setTimeout(60_000);

const clock = new ManualClock(new Date('2026-03-02T01:00:00Z'));
let t: TestHub;
let operator: string;

beforeAll(async () => {
  t = await startTestHub({ clock, dutyList: true });
  operator = await t.token({ role: Role.OPERATOR });
});
afterAll(() => t.stop());
afterEach(() => expect(t.errors.splice(0)).toEqual([]));

async function intake(input: Record<string, unknown>): Promise<{ id: string; number: string }> {
  clock.advance(40 * 60_000);
  const res = await t.raw(
    { query: 'mutation($i: CreateTicketInput!) { createTicket(input: $i) { id number } }', variables: { i: { channel: 'PHONE', districtCode: '440106', matterCode: 'ROAD.SIDEWALK', ...input } } },
    { authorization: `Bearer ${operator}` },
  );
  if (res.body.errors) throw new Error(JSON.stringify(res.body.errors));
  return (res.body.data as { createTicket: { id: string; number: string } }).createTicket;
}

interface Seen {
  status: string;
  parent: { number: string } | null;
  suggestedParent: { parent: { number: string }; similarity: number; distanceMeters: number | null; merged: boolean } | null;
  events: { type: string; actor: string }[];
}

async function read(id: string): Promise<Seen> {
  const supervisor = await t.token({ role: Role.SUPERVISOR });
  const res = await t.raw(
    {
      query: 'query($id: ID!) { node(id: $id) { ... on Ticket { status parent { number } suggestedParent { parent { number } similarity distanceMeters merged } events { type actor } } } }',
      variables: { id },
    },
    { authorization: `Bearer ${supervisor}` },
  );
  if (res.body.errors) throw new Error(JSON.stringify(res.body.errors));
  return (res.body.data as { node: Seen }).node;
}

test('a second report of the same manhole, 60 m away, is merged under the first; one 1 km away is only suggested', async () => {
  const first = await intake({
    title: '体育西路井盖缺失',
    content: '天河区体育西路地铁站B出口旁边人行道上的井盖不见了，晚上路过很危险，已经有人差点掉下去，请尽快处理',
    lat: 23.1325,
    lng: 113.3210,
  });
  const second = await intake({
    title: '井盖缺失很危险',
    content: '天河区体育西路地铁站B出口旁边人行道上的井盖不见了，晚上路过很危险，已经有人差点掉下去，请尽快处理！',
    lat: 23.1330,
    lng: 113.3213,
  });
  const merged = await until('the merge', async () => {
    const s = await read(second.id);
    return s.status === 'MERGED' ? s : null;
  });
  expect(merged.parent?.number).toBe(first.number);
  expect(merged.suggestedParent).toMatchObject({ parent: { number: first.number }, merged: true });
  expect(merged.suggestedParent!.similarity).toBeGreaterThan(0.85);
  expect(merged.suggestedParent!.distanceMeters).toBeLessThan(100);
  expect(merged.events.map((e) => [e.type, e.actor]).slice(-1)).toEqual([['MERGED', 'OPERATOR/system/duplicates']]);

  // similar words, same matter, but across the district: a suggestion, no merge
  const far = await intake({
    title: '井盖不见了',
    content: '天河区天河北路人行道上的井盖不见了，晚上路过很危险，已经有人差点掉下去，请尽快处理',
    lat: 23.1415,
    lng: 113.3210,
  });
  // unrelated: nothing
  const other = await intake({ title: '人行道地砖松动', content: '华穗路人行道地砖松动翘起，下雨天踩上去溅一身水', lat: 23.1220, lng: 113.3240 });
  const suggested = await until('the suggestion', async () => {
    const s = await read(far.id);
    return s.suggestedParent ? s : null;
  });
  expect(suggested.status).toBe('DISPATCHED');
  expect(suggested.suggestedParent).toMatchObject({ parent: { number: first.number }, merged: false });
  expect(suggested.suggestedParent!.distanceMeters).toBeGreaterThan(900);
  // the detector has seen the unrelated one by now (it works in order): no suggestion
  expect((await read(other.id)).suggestedParent).toBeNull();
  expect((await read(first.id)).status).toBe('DISPATCHED');
});

test('a report of a problem already resolved is suggested, never merged into the old answer', async () => {
  const at = { lat: 23.1100, lng: 113.2800 };
  const text = '海珠区江南大道中地铁站C出口的盲道被共享单车占满了，盲人没法通行，请清理';
  const first = await intake({ title: '盲道被占', content: text, ...at, districtCode: '440105' });
  const supervisor = await t.token({ role: Role.SUPERVISOR });
  const lead = (await t.raw({ query: 'query($id: ID!) { node(id: $id) { ... on Ticket { version leadDepartment { code } } } }', variables: { id: first.id } }, { authorization: `Bearer ${supervisor}` })).body.data as { node: { version: number; leadDepartment: { code: string } } };
  const dep = await t.token({ role: Role.DEPARTMENT_STAFF, departmentCode: lead.node.leadDepartment.code });
  let v = lead.node.version;
  for (const [m, input] of [['acceptTicket', 'TicketChangeInput'], ['startTicket', 'TicketChangeInput'], ['resolveTicket', 'ResolveTicketInput']] as const) {
    const res = await t.raw(
      { query: `mutation($i: ${input}!) { ${m}(input: $i) { version } }`, variables: { i: { id: first.id, expectedVersion: v, ...(m === 'resolveTicket' ? { reply: '已清理盲道' } : {}) } } },
      { authorization: `Bearer ${dep}` },
    );
    if (res.body.errors) throw new Error(JSON.stringify(res.body.errors));
    v = (res.body.data as Record<string, { version: number }>)[m].version;
  }
  const again = await intake({ title: '盲道又被占了', content: `${text}。`, ...at, districtCode: '440105' });
  const seen = await until('the suggestion', async () => {
    const s = await read(again.id);
    return s.suggestedParent ? s : null;
  });
  expect(seen.status).toBe('DISPATCHED');
  expect(seen.suggestedParent).toMatchObject({ parent: { number: first.number }, merged: false });
});

test('the detector merges only into a parent still being worked, checked under the parent’s lock (it may have been resolved since it was compared)', async () => {
  const parent = await intake({ title: '人行道破损', content: '天河路人行道砖块松动，有人绊倒', citizenPhone: '13900000001' });
  // the parent is handled to the end by its department
  const gql = async (token: string, query: string, variables: Record<string, unknown>) => {
    const res = await t.raw({ query, variables }, { authorization: `Bearer ${token}` });
    expect(res.body.errors).toBeUndefined();
    return res.body.data as Record<string, { version: number; status: string; leadDepartment: { code: string } | null }>;
  };
  const { node } = await gql(operator, 'query($id: ID!) { node(id: $id) { ... on Ticket { version status leadDepartment { code } } } }', { id: parent.id });
  expect(node.status).toBe('DISPATCHED');
  const dep = await t.token({ role: Role.DEPARTMENT_STAFF, departmentCode: node.leadDepartment!.code });
  let v = node.version;
  for (const m of ['acceptTicket', 'startTicket']) v = (await gql(dep, `mutation($i: TicketChangeInput!) { ${m}(input: $i) { version status } }`, { i: { id: parent.id, expectedVersion: v } }))[m].version;
  const resolved = (await gql(dep, 'mutation($i: ResolveTicketInput!) { resolveTicket(input: $i) { version status } }', { i: { id: parent.id, expectedVersion: v, reply: '已更换砖块' } })).resolveTicket;
  expect(resolved.status).toBe('RESOLVED');
  const child = await intake({ title: '人行道坏了', content: '天河路人行道砖块松动，差点绊倒', citizenPhone: '13900000002' });
  const em = t.hub.orm.em.fork();
  const rc = { viewer: { role: Role.ADMIN, subject: 'system/duplicates', districtCodes: [] }, em, loaders: createLoaders(em) };
  const version = async () => (await t.hub.orm.em.fork().findOneOrFail(Ticket, { id: localId(child.id, 'Ticket') })).version;
  const before = await version();
  const open = new Set([TicketStatus.RECEIVED, TicketStatus.DISPATCHED, TicketStatus.ACCEPTED, TicketStatus.IN_PROGRESS]);
  await expect(t.hub.services.tickets.merge(rc, { id: child.id, expectedVersion: before, parentId: parent.id, note: '重复件' }, undefined, open)).rejects.toMatchObject({
    extensions: { code: 'CONFLICT', currentStatus: 'RESOLVED' },
  });
  const after = await t.hub.orm.em.fork().findOneOrFail(Ticket, { id: localId(child.id, 'Ticket') });
  expect([after.version, after.parentId]).toEqual([before, null]);
});
