/**
 * Dispatch that follows the duty list fully, end to end over GraphQL: a matter's co-handling
 * kinds (协办) become the ticket's co-departments on every routing step — at intake by the
 * router or the operator, by dispatch, redispatch and arbitration, and after a re-open — and
 * those departments see the ticket and its events; a STREET-level matter goes to the street
 * office of the caller's place, not the district's first by code.
 */
import { createClient } from 'graphql-ws';
import type { Client } from 'graphql-ws';
import { print } from 'graphql';
import WebSocket from 'ws';
import {
  AcceptTicketDocument,
  AddCoDepartmentsDocument,
  ArbitrateTicketDocument,
  CreateDutyListDraftDocument,
  CreateTicketDocument,
  DepartmentSeatDocument,
  DispatchTicketDocument,
  DisputeRejectDocument,
  DutyListDocument,
  PublishDutyListDocument,
  RedispatchTicketDocument,
  RejectTicketDocument,
  ResolveTicketDocument,
  ReturnVisitDocument,
  RoutingPreviewPlaceDocument,
  StartTicketDocument,
  TicketDispatchDocument,
  TicketEventsDocument,
  TicketListDocument,
  UpsertMatterDocument,
} from './generated/graphql';
import type { CreateTicketInput, TicketEventsSubscription } from './generated/graphql';
import { Department, DepartmentKind, DepartmentLevel } from '../src/departments/department.entity';
import { District } from '../src/departments/district.entity';
import { ManualClock } from '../src/shared/clock';
import { Role, startTestHub } from './support/hub';
import type { TestHub } from './support/hub';

let t: TestHub;
let operator: string;
let supervisor: string;
const clients: Client[] = [];
const tokens = new Map<string, string>();

const clock = new ManualClock(new Date('2026-03-02T01:00:00Z'));

/** A point in 林和街道 (广州东站) and one in 石牌街道 (石牌桥), both in 天河区. */
const LINHE_POINT = { lat: 23.1505, lng: 113.3245 };
const SHIPAI_POINT = { lat: 23.1318, lng: 113.3381 };

/** One street office in each district the demo directory has none in (a STREET matter needs one everywhere). */
const MORE_STREETS: [string, string, string][] = [
  ['440103-SM', '广州市荔湾区沙面街道办事处', '440103'],
  ['440111-SYL', '广州市白云区三元里街道办事处', '440111'],
  ['440112-HP', '广州市黄埔区黄埔街道办事处', '440112'],
  ['440113-SQ', '广州市番禺区市桥街道办事处', '440113'],
  ['440114-XH', '广州市花都区新华街道办事处', '440114'],
  ['440115-NS', '广州市南沙区南沙街道办事处', '440115'],
  ['440117-JK', '广州市从化区街口街道办事处', '440117'],
  ['440118-LC', '广州市增城区荔城街道办事处', '440118'],
];

/** 城中村街巷环境: the street office of the place handles it, urban management co-handles. */
const BACK_LANES = {
  code: 'COMMUNITY.BACK_LANE',
  parentCode: 'COMMUNITY',
  name: '城中村与老旧街巷环境',
  description: '城中村和老旧街巷里的卫生死角、楼道和巷道杂物堆放、门前三包不落实、乱拉电线等属地问题，由所在街道办事处牵头处理，城管执法协办；市政道路的垃圾清运不属本项。',
  keywords: ['城中村', '街巷', '小巷', '巷子', '卫生死角', '杂物堆放', '门前三包', '乱拉电线'],
  examples: [
    '我们村里那条小巷子堆满了旧家具和杂物，好久没人清理，夏天蚊子特别多',
    '城中村巷道里有人乱拉电线，晾衣服的竹竿都搭在电线上，很不安全',
    '老街的巷子口成了卫生死角，垃圾和污水堆了好几天',
    '巷子两边的商铺门前三包不落实，东西都摆到巷子中间了',
    '出租屋楼下的巷道被杂物堵住了，消防车都进不来',
    '村里的小巷又脏又乱，墙角全是烟头和塑料袋，希望街道管一管',
  ],
  departmentKind: 'STREET_OFFICE',
  level: 'STREET',
  coHandlingKinds: ['URBAN_MANAGEMENT'],
  active: true,
} as const;

beforeAll(async () => {
  t = await startTestHub({ dutyList: true, clock });
  operator = await t.token({ role: Role.OPERATOR, subject: 'op-li' });
  supervisor = await t.token({ role: Role.SUPERVISOR, subject: 'sup-zhao' });
  // departments are loaded into the directory, as the demo seed does
  const em = t.hub.orm.em.fork();
  for (const [code, name, districtCode] of MORE_STREETS) {
    const district = await em.findOneOrFail(District, { code: districtCode });
    em.persist(em.create(Department, { code, name, kind: DepartmentKind.STREET_OFFICE, level: DepartmentLevel.STREET, districtId: district.id }));
  }
  await em.flush();
  // a supervisor adds a STREET-level matter to the duty list and publishes it (the router retrains)
  const { createDutyListDraft: draft } = await t.ok(CreateDutyListDraftDocument, { notes: '增加城中村街巷环境（属地街道）' }, supervisor);
  await t.ok(UpsertMatterDocument, { number: draft.number, input: { code: 'COMMUNITY', name: '社区与街巷', keywords: [], examples: [], coHandlingKinds: [], active: true } }, supervisor);
  await t.ok(UpsertMatterDocument, { number: draft.number, input: { ...BACK_LANES, keywords: [...BACK_LANES.keywords], examples: [...BACK_LANES.examples], coHandlingKinds: [...BACK_LANES.coHandlingKinds] } }, supervisor);
  const { dutyList } = await t.ok(DutyListDocument, { number: draft.number }, supervisor);
  expect(dutyList.problems).toEqual([]);
  await t.ok(PublishDutyListDocument, { number: draft.number, expectedVersion: dutyList.version }, supervisor);
});
afterAll(async () => {
  await Promise.all(clients.map((c) => c.dispose()));
  await t.stop();
});
afterEach(() => {
  expect(t.errors.splice(0)).toEqual([]);
});

async function staff(code: string): Promise<string> {
  let token = tokens.get(code);
  if (!token) {
    token = await t.token({ role: Role.DEPARTMENT_STAFF, departmentCode: code, subject: `clerk-${code}` });
    tokens.set(code, token);
  }
  return token;
}

/** The uuid of a department, as the audit log's `changes` name departments. */
async function idOf(code: string): Promise<string> {
  return (await t.hub.orm.em.fork().findOneOrFail(Department, { code })).id;
}

async function intake(input: Partial<CreateTicketInput> & { content: string }) {
  const { createTicket } = await t.ok(CreateTicketDocument, { input: { channel: 'PHONE', title: input.content.slice(0, 12), ...input } }, operator);
  return createTicket;
}

async function dispatchView(number: string) {
  const { ticket } = await t.ok(TicketDispatchDocument, { number }, supervisor);
  return ticket!;
}

const codes = (ds: { code: string }[]) => ds.map((d) => d.code);
const v = (r: { id: string; version: number }) => ({ id: r.id, expectedVersion: r.version });

describe('co-handling departments (协办) from the duty list', () => {
  test('the router dispatches a group wage claim to the district’s HR bureau, with police and justice co-handling; they see it and hear of it', async () => {
    // the justice bureau follows its tickets live before the call comes in
    const justice = createClient({
      url: t.hub.wsUrl.replace('localhost', '127.0.0.1'),
      webSocketImpl: WebSocket,
      retryAttempts: 0,
      connectionParams: { authorization: `Bearer ${await staff('GZ-JUSTICE')}` },
    });
    clients.push(justice);
    const heard: TicketEventsSubscription['ticketEvents'][] = [];
    justice.subscribe<TicketEventsSubscription>(
      { query: print(TicketEventsDocument), variables: {} },
      { next: (r) => void (r.data && heard.push(r.data.ticketEvents)), error: () => undefined, complete: () => undefined },
    );
    await new Promise((r) => setTimeout(r, 200));

    const ticket = await intake({
      content: '我们三十多个工人在黄埔一个工地干了半年，包工头跑了，工资一分都没拿到，大家准备去项目部讨说法',
      districtCode: '440112',
      category: 'COMPLAINT',
    });
    expect(ticket.status).toBe('DISPATCHED');
    expect(ticket.leadDepartment?.code).toBe('440112-HRSS');
    // LABOUR.WAGE_GROUP: co-handled by PUBLIC_SECURITY and JUSTICE, which have no district branch: the city bureaus
    expect(codes(ticket.coDepartments)).toEqual(['GZ-PSB', 'GZ-JUSTICE']);

    const log = await dispatchView(ticket.number);
    expect(log.matter?.code).toBe('LABOUR.WAGE_GROUP');
    expect(log.events.map((e) => e.type)).toEqual(['CREATED', 'DISPATCHED']);
    expect(log.events[1].changes.coDepartmentIds).toEqual([await idOf('GZ-PSB'), await idOf('GZ-JUSTICE')]);

    // the co-handlers read it (and their lists hold it); a department not involved does not
    for (const code of ['GZ-PSB', 'GZ-JUSTICE', '440112-HRSS']) {
      const { ticket: seen } = await t.ok(TicketDispatchDocument, { number: ticket.number }, await staff(code));
      expect(seen?.number).toBe(ticket.number);
      const { tickets } = await t.ok(TicketListDocument, { first: 50 }, await staff(code));
      expect(tickets.edges.map((e) => e.node.number)).toContain(ticket.number);
    }
    expect((await t.ok(TicketDispatchDocument, { number: ticket.number }, await staff('GZ-WATER'))).ticket).toBeNull();

    // and the justice bureau heard of it as it happened
    const end = Date.now() + 8000;
    while (!heard.some((e) => e.number === ticket.number && e.type === 'DISPATCHED') && Date.now() < end) await new Promise((r) => setTimeout(r, 20));
    expect(heard.filter((e) => e.number === ticket.number).map((e) => e.type)).toContain('DISPATCHED');
  });

  test('an operator naming the matter: a district matter’s co-handler is the branch of the same district', async () => {
    const ticket = await intake({
      content: '天河北路旁边的工地每天晚上十一点以后还在打桩，整栋楼的人都睡不着',
      districtCode: '440106',
      matterCode: 'NOISE.CONSTRUCTION',
      category: 'COMPLAINT',
    });
    expect([ticket.status, ticket.leadDepartment?.code, codes(ticket.coDepartments)]).toEqual(['DISPATCHED', '440106-EEB', ['440106-HUD']]);
    const { ticket: seen } = await t.ok(TicketDispatchDocument, { number: ticket.number }, await staff('440106-HUD'));
    expect(seen?.leadDepartment?.code).toBe('440106-EEB');
  });

  test('dispatch and redispatch on a matter set the co-handlers; a redispatch to another matter replaces them, in the audit log', async () => {
    // the router is not sure of this one: it waits for an operator
    const received = await intake({ content: '你好，我想反映一下我们楼里的一个情况', districtCode: '440104' });
    expect(received.status).toBe('RECEIVED');
    const { dispatchTicket: d } = await t.ok(DispatchTicketDocument, { input: { ...v(received), matterCode: 'HOUSING.ELEVATOR', note: '电梯困人' } }, operator);
    expect([d.leadDepartment?.code, codes(d.coDepartments)]).toEqual(['440104-HUD', ['GZ-AMR']]);
    expect((await t.ok(TicketDispatchDocument, { number: d.number }, await staff('GZ-AMR'))).ticket?.number).toBe(d.number);

    // it was about a restaurant's fumes after all: urban management leads, the district's ecology branch co-handles
    const { redispatchTicket: r } = await t.ok(RedispatchTicketDocument, { input: { ...v(d), matterCode: 'CITY.FUMES', reason: '实为餐饮油烟' } }, operator);
    expect([r.leadDepartment?.code, codes(r.coDepartments)]).toEqual(['440104-UM', ['440104-EEB']]);
    const log = await dispatchView(r.number);
    expect(log.events.map((e) => [e.type, e.changes.coDepartmentIds])).toEqual([
      ['CREATED', undefined],
      ['DISPATCHED', [await idOf('GZ-AMR')]],
      ['REDISPATCHED', [await idOf('440104-EEB')]],
    ]);
    // the market regulator is no longer involved
    expect((await t.ok(TicketDispatchDocument, { number: r.number }, await staff('GZ-AMR'))).ticket).toBeNull();
  });

  test('an arbitration decision on a matter brings its co-handlers', async () => {
    const received = await intake({ content: '你好，我要投诉一件事', districtCode: '440106' });
    const { dispatchTicket: d } = await t.ok(DispatchTicketDocument, { input: { ...v(received), departmentCode: '440106-UM' } }, operator);
    expect(d.coDepartments).toEqual([]);
    const { rejectTicket: rej } = await t.ok(RejectTicketDocument, { input: { ...v(d), reason: '不属于城管职责' } }, await staff('440106-UM'));
    const { disputeReject: dis } = await t.ok(DisputeRejectDocument, { input: { ...v(rej), reason: '交由疑难调处' } }, supervisor);
    const { arbitrateTicket: a } = await t.ok(
      ArbitrateTicketDocument,
      { input: { ...v(dis), matterCode: 'LABOUR.WAGE_GROUP', decision: '经核实为群体性欠薪，由区人社局主办，公安、司法协办' } },
      supervisor,
    );
    expect([a.status, a.leadDepartment?.code, codes(a.coDepartments)]).toEqual(['DISPATCHED', '440106-HRSS', ['GZ-PSB', 'GZ-JUSTICE']]);
    const log = await dispatchView(a.number);
    expect(log.events.at(-1)).toMatchObject({ type: 'ARBITRATED', changes: { coDepartmentIds: [await idOf('GZ-PSB'), await idOf('GZ-JUSTICE')] } });
  });

  test('re-opened and dispatched back on its matter, a ticket keeps the co-handler its lead added', async () => {
    let r = await intake({ content: '我们小区电梯又坏了，把人困在里面二十多分钟', districtCode: '440106', matterCode: 'HOUSING.ELEVATOR' });
    expect(codes(r.coDepartments)).toEqual(['GZ-AMR']);
    const hud = await staff('440106-HUD');
    r = (await t.ok(AcceptTicketDocument, { input: v(r) }, hud)).acceptTicket;
    r = (await t.ok(AddCoDepartmentsDocument, { input: { ...v(r), departmentCodes: ['440106-UM'], note: '电梯井旁违建' } }, hud)).addCoDepartments;
    r = (await t.ok(StartTicketDocument, { input: v(r) }, hud)).startTicket;
    r = (await t.ok(ResolveTicketDocument, { input: { ...v(r), reply: '已督促物业维修电梯' } }, hud)).resolveTicket;
    r = (await t.ok(ReturnVisitDocument, { input: { ...v(r), satisfaction: 'DISSATISFIED', resolution: 'NOT_RESOLVED', note: '电梯仍然经常停运' } }, operator)).returnVisit;
    expect(r.status).toBe('REOPENED');
    const { dispatchTicket: back } = await t.ok(DispatchTicketDocument, { input: { ...v(r), matterCode: 'HOUSING.ELEVATOR' } }, operator);
    expect([back.leadDepartment?.code, codes(back.coDepartments)]).toEqual(['440106-HUD', ['GZ-AMR', '440106-UM']]);
  });

  test('publishing refuses a co-handling kind no department has', async () => {
    // every kind has a department in the demo directory: for a moment, the exit-entry bureau is filed as police
    const { createDutyListDraft: draft } = await t.ok(CreateDutyListDraftDocument, {}, supervisor);
    const em = t.hub.orm.em.fork();
    await em.nativeUpdate(Department, { kind: DepartmentKind.EXIT_ENTRY }, { kind: DepartmentKind.PUBLIC_SECURITY });
    try {
      const { dutyList } = await t.ok(DutyListDocument, { number: draft.number }, supervisor);
      expect(dutyList.problems.map((p) => [p.code, p.reason])).toEqual(
        expect.arrayContaining([['EXIT.PORT_ENDORSEMENT', expect.stringMatching(/no city-level EXIT_ENTRY/)]]),
      );
      const upserted = await t.ok(
        UpsertMatterDocument,
        { number: draft.number, input: { code: 'LEGAL.AID', parentCode: 'LEGAL', name: '法律援助', keywords: ['法律援助'], examples: [], departmentKind: 'JUSTICE', level: 'CITY', coHandlingKinds: ['EXIT_ENTRY'], active: true } },
        supervisor,
      );
      expect(upserted.upsertMatter.code).toBe('LEGAL.AID');
      const after = (await t.ok(DutyListDocument, { number: draft.number }, supervisor)).dutyList;
      expect(after.problems.find((p) => p.code === 'LEGAL.AID')?.reason).toBe('no department of co-handling kind EXIT_ENTRY exists');
    } finally {
      await em.nativeUpdate(Department, { code: 'GZ-EXIT' }, { kind: DepartmentKind.EXIT_ENTRY });
    }
  });
});

describe('STREET-level matters go to the street office of the caller’s place', () => {
  const LANE = '城中村的小巷子里堆满了旧家具和杂物，好久没人清理，变成了卫生死角，夏天蚊子特别多';

  test('street offices have seats, in the directory', async () => {
    const { department } = await t.ok(DepartmentSeatDocument, { code: '440106-LH' }, operator);
    expect(department).toMatchObject({ code: '440106-LH', kind: 'STREET_OFFICE', level: 'STREET' });
    expect(department.lat).toBeCloseTo(23.146, 2);
    expect(department.lng).toBeCloseTo(113.326, 2);
  });

  test('reported at a point in 林和街道, the router dispatches it to 林和 (not 石牌, first by code), urban management co-handling', async () => {
    const ticket = await intake({ content: LANE, districtCode: '440106', ...LINHE_POINT, category: 'COMPLAINT' });
    expect(ticket.status).toBe('DISPATCHED');
    expect(ticket.leadDepartment?.code).toBe('440106-LH');
    expect(codes(ticket.coDepartments)).toEqual(['440106-UM']);
    const log = await dispatchView(ticket.number);
    expect(log.matter?.code).toBe('COMMUNITY.BACK_LANE');
    expect(log.events[1].note).toMatch(/^router: COMMUNITY\.BACK_LANE .* — street office whose seat is nearest the place/);
    expect(log.routing?.candidates[0]).toMatchObject({ departmentCode: '440106-LH', jurisdictionNote: expect.stringMatching(/nearest/) });
    // by location alone (no district code) it is the same
    const byPoint = await intake({ content: LANE, ...LINHE_POINT });
    expect(byPoint.leadDepartment?.code).toBe('440106-LH');
  });

  test('an operator naming the matter at a point in 石牌街道: 石牌', async () => {
    const ticket = await intake({ content: '石牌村里面的巷道被杂物堵住了，消防车都进不来', districtCode: '440106', ...SHIPAI_POINT, matterCode: 'COMMUNITY.BACK_LANE' });
    expect([ticket.leadDepartment?.code, codes(ticket.coDepartments)]).toEqual(['440106-SP', ['440106-UM']]);
    expect((await dispatchView(ticket.number)).events[1].note).toBe('operator: COMMUNITY.BACK_LANE 城中村与老旧街巷环境 — street office whose seat is nearest the place (no known area holds it)');
  });

  test('the routing preview names the street office of the point, and why', async () => {
    const { routingPreview } = await t.ok(RoutingPreviewPlaceDocument, { text: LANE, ...SHIPAI_POINT }, operator);
    expect(routingPreview[0]).toMatchObject({ matterCode: 'COMMUNITY.BACK_LANE', departmentCode: '440106-SP', jurisdictionNote: expect.stringMatching(/nearest/) });
  });

  test('without a location in a district of several street offices it waits for an operator, who names the street office', async () => {
    const ticket = await intake({ content: LANE, districtCode: '440106' });
    expect(ticket.status).toBe('RECEIVED');
    const log = await dispatchView(ticket.number);
    expect(log.routing?.candidates[0]).toMatchObject({
      matterCode: 'COMMUNITY.BACK_LANE',
      departmentCode: null,
      jurisdictionNote: 'no location: the district has 2 street offices; give the place (lat/lng) or name one',
    });
    // the matter alone cannot say which street: refused, nothing written
    const refused = await t.gql(DispatchTicketDocument, { input: { ...v(ticket), matterCode: 'COMMUNITY.BACK_LANE' } }, operator);
    expect(refused.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'matterCode' });
    expect(refused.errors?.[0]?.message).toMatch(/no location: the district has 2 street offices/);
    expect((await dispatchView(ticket.number)).version).toBe(ticket.version);
    // the operator asked the caller: 林和
    const { dispatchTicket: d } = await t.ok(DispatchTicketDocument, { input: { ...v(ticket), matterCode: 'COMMUNITY.BACK_LANE', departmentCode: '440106-LH' } }, operator);
    expect([d.status, d.leadDepartment?.code, codes(d.coDepartments)]).toEqual(['DISPATCHED', '440106-LH', ['440106-UM']]);
  });

  test('without a location in a district of one street office, that one', async () => {
    const ticket = await intake({ content: LANE, districtCode: '440104' });
    expect([ticket.status, ticket.leadDepartment?.code, codes(ticket.coDepartments)]).toEqual(['DISPATCHED', '440104-BJ', ['440104-UM']]);
    expect((await dispatchView(ticket.number)).events[1].note).toMatch(/— the only street office of the district$/);
  });
});
