/**
 * The duty list and smart dispatch end to end: the demo duty list (src/seed/dutylist.demo.csv)
 * is imported and published, the router trains on it, and citizens' words are routed to the
 * department with jurisdiction in the ticket's district.
 */
import {
  CreateTicketDocument,
  RetrainRouterDocument,
  RouterStatusDocument,
  RoutingPreviewDocument,
  RoutingPreviewPlaceDocument,
  TicketRoutingDocument,
} from './generated/graphql';
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { PROJECT_ROOT } from '../src/app/config';
import { Role, startTestHub, TEST_SECRET } from './support/hub';
import { until } from './support/wait';
import type { TestHub } from './support/hub';

let t: TestHub;
let operator: string;

beforeAll(async () => {
  t = await startTestHub({ dutyList: true });
  operator = await t.token({ role: Role.OPERATOR });
});
afterAll(() => t.stop());

/** [what the caller says, district, the department that must get it] — none of these sentences is in the duty list. */
const MUST_ROUTE: [string, string, string][] = [
  ['猎德大桥桥面上有货车掉落的一堆碎石和泥土，很多车在绕行，容易出事故', '440106', 'GZ-HWY'],
  ['我在白云机场口岸办理港澳签注，工作人员说系统里找不到我的签注信息，没法出境', '440111', 'GZ-EXIT'],
  ['凌晨一点了楼下工地还在打桩，咚咚咚一直响，整个小区的人都睡不了觉', '440105', '440105-EEB'],
  ['晚上公园里跳广场舞的人把音箱开到最大，吵得我们附近住户没法休息', '440104', '440104-UM'],
  ['这几天经常有直升机贴着我们居民楼低空飞过，噪音特别大，孩子都被吓哭了', '440113', 'GZ-PORT'],
];

const SCENARIOS: [string, string, string][] = [
  ['我们厂老板已经三个月没发工资了，我们三十多个工人去找他，他躲着不见', '440111', '440111-HRSS'],
  ['公司突然把我辞退了，也不给经济补偿，我在那里干了五年', '440106', '440106-HRSS'],
  ['小区物业公司收了物业费什么都不管，垃圾堆在楼道好几天没人清理', '440105', '440105-HUD'],
  ['我们楼的电梯这个月已经坏了三次，有一次还把人困在里面半小时', '440104', '440104-HUD'],
  ['在超市买的面包回家发现已经过了保质期，还有点发霉', '440103', 'GZ-AMR'],
  ['健身房老板跑路了，我办的年卡还有八千多块钱没用完，想退钱', '440106', 'GZ-AMR'],
  ['在火车站打出租车，司机说太近了不去，直接拒载', '440111', 'GZ-TRANS'],
  ['我家门口那路公交车最近取消了，老人去医院很不方便，希望恢复', '440112', 'GZ-TRANS'],
  ['孩子明年上小学，我们是租房的，不知道积分入学要准备哪些材料', '440106', 'GZ-EDU'],
  ['在外省住院花了两万多，回广州后怎么报销医保？', '440105', 'GZ-HSA'],
  ['我们这栋楼从早上八点到现在一直停水，也没看到任何停水通知', '440104', 'GZ-WATER'],
  ['一下大雨我们村口那条路就水浸，积水到膝盖，车都开不过去', '440114', 'GZ-WATER'],
  ['小区门口那段路的路灯晚上都不亮，已经黑了一个多星期了', '440113', '440113-UM'],
  ['地铁站出口摆满了卖水果的流动摊贩，把人行道都占了', '440106', '440106-UM'],
  ['楼下新开的烧烤店油烟直接往我家窗户里飘，根本没法开窗', '440105', '440105-UM'],
  ['隔壁楼顶有人在私自加建铁皮房，已经搭了两层了', '440111', '440111-UM'],
  ['我想办一本护照去旅游，需要带什么证件去哪里办？', '440106', 'GZ-EXIT'],
  ['附近那家工厂晚上偷偷往河里排黑水，臭味很大', '440118', '440118-EEB'],
  ['台风过后公园里有一棵大榕树倒了，压在步道上还没人处理', '440104', 'GZ-FOREST'],
  ['楼上邻居天天半夜装修电钻声，吵得人神经衰弱', '440106', 'GZ-PSB'],
  ['高铁经过我们村的时候噪音太大，房子都在震动', '440113', 'GZ-PORT'],
  ['在医院看病排了三个小时队，医生态度还很差', '440104', 'GZ-HEALTH'],
  ['家里老人八十多岁了，想问问社区有没有居家养老服务', '440103', 'GZ-CIVIL'],
  ['上班路上骑电动车被撞伤了，公司不给我申请工伤认定', '440112', '440112-HRSS'],
  ['国道边的路面塌了一个大坑，晚上骑车的人很容易摔倒', '440117', 'GZ-HWY'],
];

async function preview(text: string, districtCode: string) {
  const { routingPreview } = await t.ok(RoutingPreviewDocument, { text, districtCode }, operator);
  return routingPreview;
}

describe('routingPreview: what operators see before they submit', () => {
  test.each(MUST_ROUTE)('%s → %s', async (text, district, department) => {
    const [best, ...rest] = await preview(text, district);
    expect(best.departmentCode).toBe(department);
    expect(best.confidence).toBeGreaterThan(0);
    expect(best.confidence).toBeLessThanOrEqual(1);
    expect(best.explanation.keywords.length).toBeGreaterThan(0);
    expect(rest.every((c) => c.confidence <= best.confidence)).toBe(true);
  });

  test('realistic tickets route to the department with jurisdiction (≥ 90% of the scenarios)', async () => {
    const wrong: string[] = [];
    for (const [text, district, department] of SCENARIOS) {
      const [best] = await preview(text, district);
      if (best?.departmentCode !== department) wrong.push(`${text} → ${best?.matterCode} ${best?.departmentCode}, expected ${department}`);
    }
    expect({ wrong, share: 1 - wrong.length / SCENARIOS.length }).toEqual({ wrong, share: expect.any(Number) });
    expect(1 - wrong.length / SCENARIOS.length).toBeGreaterThanOrEqual(0.9);
  });

  test('the same words go to the branch of the district where they happen', async () => {
    const text = '晚上公园里跳广场舞的人把音箱开到最大，吵得我们附近住户没法休息';
    expect((await preview(text, '440106'))[0].departmentCode).toBe('440106-UM');
    expect((await preview(text, '440118'))[0].departmentCode).toBe('440118-UM');
    // by location: a point in 天河区
    const { routingPreview } = await t.ok(RoutingPreviewDocument, { text, lat: 23.1325, lng: 113.327 }, operator);
    expect(routingPreview[0].departmentCode).toBe('440106-UM');
  });

  test('typed before the place: the matters are ranked all the same; a city bureau is named, a district’s department waits for the place', async () => {
    const city = await t.ok(RoutingPreviewPlaceDocument, { text: '天桥上有人倒了一大堆建筑垃圾，桥面全是碎石' }, operator);
    expect(city.routingPreview[0]).toMatchObject({ matterCode: 'ROAD.BRIDGE_SPILL', departmentCode: 'GZ-HWY' });
    const district = await t.ok(RoutingPreviewPlaceDocument, { text: '小区门口的路灯坏了一个星期' }, operator);
    expect(district.routingPreview[0]).toMatchObject({ matterCode: 'CITY.STREETLIGHT', departmentCode: null });
    expect(district.routingPreview[0].jurisdictionNote).toMatch(/no place yet/);
  });

  test('bad input is refused with a coded error', async () => {
    for (const [text, districtCode, field] of [
      ['', '440106', 'text'],
      ['   ', '440106', 'text'],
      ['路灯'.repeat(2001), '440106', 'text'],
      ['路灯不亮', '999999', 'districtCode'],
    ] as const) {
      const res = await t.gql(RoutingPreviewDocument, { text, districtCode }, operator);
      expect(res.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field });
    }
    const anonymous = await t.gql(RoutingPreviewDocument, { text: '路灯不亮', districtCode: '440106' });
    expect(anonymous.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });
});

describe('dispatch at intake (即接即办)', () => {
  test('a confident routing dispatches in the intake transaction, with the matter and why', async () => {
    const { createTicket } = await t.ok(
      CreateTicketDocument,
      { input: { channel: 'PHONE', title: '桥面遗撒', content: MUST_ROUTE[0][0], districtCode: '440106' } },
      operator,
    );
    expect(createTicket.status).toBe('DISPATCHED');
    expect(createTicket.leadDepartment?.code).toBe('GZ-HWY');
    const { ticket } = await t.ok(TicketRoutingDocument, { number: createTicket.number }, operator);
    expect(ticket!.matter?.code).toMatch(/^ROAD\./);
    expect(ticket!.routing?.method).toBe('AUTO');
    expect(ticket!.routing?.versionNumber).toBe(1);
    expect(ticket!.routing!.candidates[0].confidence).toBeGreaterThanOrEqual(ticket!.routing!.threshold);
    // why: the chosen matter is explained; its alternatives (not acted on) are not
    expect(ticket!.routing!.candidates[0].explanation.keywords.length).toBeGreaterThan(0);
    expect(ticket!.routing!.candidates.slice(1).every((c) => c.explanation.keywords.length === 0)).toBe(true);
    expect(ticket!.events.map((e) => e.type)).toEqual(['CREATED', 'DISPATCHED']);
    expect(ticket!.events[1].note).toMatch(/^router: ROAD\./);
    expect(ticket!.events[1].changes).toMatchObject({ matterId: expect.any(String) });
  });

  test('an unsure routing stays RECEIVED with suggestions, in the manual-dispatch queue', async () => {
    const { createTicket } = await t.ok(
      CreateTicketDocument,
      { input: { channel: 'WEB', title: '来电', content: '你好，我有个事情想反映一下', districtCode: '440106' } },
      operator,
    );
    expect(createTicket.status).toBe('RECEIVED');
    const { ticket } = await t.ok(TicketRoutingDocument, { number: createTicket.number }, operator);
    expect(ticket!.routing?.method).toBeNull();
    expect(ticket!.routing!.candidates.length).toBeGreaterThan(0);
    expect(ticket!.routing!.candidates[0].confidence).toBeLessThan(ticket!.routing!.threshold);
    // every suggestion the operator chooses from is explained, as a routing preview explains it
    const { routingPreview } = await t.ok(RoutingPreviewDocument, { text: '来电 你好，我有个事情想反映一下', districtCode: '440106' }, operator);
    expect(ticket!.routing!.candidates.length).toBeGreaterThan(1);
    expect(ticket!.routing!.candidates.map((c) => [c.matterCode, c.explanation.keywords])).toEqual(
      routingPreview.slice(0, ticket!.routing!.candidates.length).map((c) => [c.matterCode, c.explanation.keywords]),
    );
    expect(ticket!.routing!.candidates.some((c) => c.explanation.keywords.length > 0)).toBe(true);
    expect(ticket!.matter).toBeNull();
    // the operator dispatches it: the record says so, and keeps what the router had suggested
    const dispatched = await t.raw(
      { query: 'mutation($i: DispatchTicketInput!) { dispatchTicket(input: $i) { status } }', variables: { i: { id: createTicket.id, expectedVersion: createTicket.version, matterCode: 'CITY.STREETLIGHT' } } },
      { authorization: `Bearer ${operator}` },
    );
    expect(dispatched.body.errors).toBeUndefined();
    const after = (await t.ok(TicketRoutingDocument, { number: createTicket.number }, operator)).ticket!;
    expect(after.routing?.method).toBe('MANUAL');
    expect(after.routing!.candidates.map((c) => c.matterCode)).toEqual(ticket!.routing!.candidates.map((c) => c.matterCode));
    // a page of tickets reads every routing record in one go
    const page = await t.raw({ query: '{ tickets(first: 50) { edges { node { number routing { method candidates { matterCode } } } } } }' }, { authorization: `Bearer ${operator}` });
    const nodes = (page.body.data as { tickets: { edges: { node: { number: string; routing: { method: string | null; candidates: unknown[] } | null } }[] } }).tickets.edges.map((e) => e.node);
    expect(nodes.find((n) => n.number === createTicket.number)?.routing?.method).toBe('MANUAL');
    expect(nodes.every((n) => n.routing !== null)).toBe(true);
  });

  test.each([
    ['你好，我想咨询一下'],
    ['我要投诉'],
    ['12345'],
    ['喂喂喂，听得到吗'],
    ['你好，请问怎么办'],
    ['你好，我是市民，想咨询一下相关政策'],
    ['我想咨询一下办理流程'],
  ])('a call that says only that it is a call (%s) waits for an operator, however sure the model sounds', async (content) => {
    const { createTicket } = await t.ok(CreateTicketDocument, { input: { channel: 'PHONE', title: '来电', content, districtCode: '440106' } }, operator);
    expect(createTicket.status).toBe('RECEIVED');
    const { ticket } = await t.ok(TicketRoutingDocument, { number: createTicket.number }, operator);
    expect(ticket!.routing?.method).toBeNull();
    expect(ticket!.routing!.candidates.length).toBeGreaterThan(0);
  });

  // the model knows some of these by their characters only (no word of the text is in its vocabulary)
  test.each([['停水了'], ['路灯坏了'], ['出租车绕路'], ['没水'], ['网约车'], ['假货'], ['困人'], ['断缴'], ['家里没水了']])(
    'a short call that names its matter (%s) is dispatched',
    async (content) => {
      const { createTicket } = await t.ok(CreateTicketDocument, { input: { channel: 'PHONE', title: '来电', content, districtCode: '440106' } }, operator);
      expect(createTicket.status).toBe('DISPATCHED');
    },
  );

  test('a retrain elsewhere (the CLI, another hub process) reaches this hub within seconds, without a restart', async () => {
    const before = (await t.ok(RouterStatusDocument, {}, operator)).routerStatus.trainedAt;
    await promisify(execFile)(process.execPath, [path.join(PROJECT_ROOT, 'dist', 'src', 'main.js'), 'routing', 'train'], {
      env: { ...process.env, NODE_ENV: 'test', AUTH_SECRET: TEST_SECRET, DATABASE_URL: t.databaseUrl },
    });
    await until('the hub to load the model trained elsewhere', async () => (await t.ok(RouterStatusDocument, {}, operator)).routerStatus.trainedAt !== before, 15_000);
  });

  test('the router’s status says what it learned from', async () => {
    const { routerStatus } = await t.ok(RouterStatusDocument, {}, operator);
    expect(routerStatus.versionNumber).toBe(1);
    expect(routerStatus.matters).toBeGreaterThanOrEqual(60);
    expect(routerStatus.listExamples).toBeGreaterThan(routerStatus.matters * 4);
    const supervisor = await t.token({ role: Role.SUPERVISOR });
    const { retrainRouter } = await t.ok(RetrainRouterDocument, {}, supervisor);
    expect(retrainRouter.versionNumber).toBe(1);
    const refused = await t.gql(RetrainRouterDocument, {}, operator);
    expect(refused.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });
});
