/**
 * 热点 end to end: realistic tickets of three topics and some noise, clustered by `hotIssues`
 * into topics ranked by heat; a district office sees its districts' topics only; analysts get
 * no personal data.
 */
import { ManualClock } from '../src/shared/clock';
import { Role, startTestHub } from './support/hub';
import type { TestHub } from './support/hub';

jest.setTimeout(60_000);

const clock = new ManualClock(new Date('2026-03-02T01:00:00Z'));
let t: TestHub;
let operator: string;

beforeAll(async () => {
  t = await startTestHub({ clock });
  operator = await t.token({ role: Role.OPERATOR });
  const loans = [
    '58车贷平台突然暴雷，我在上面投资的十万元无法提现，客服电话打不通，请求公安立案',
    '58车贷跑路了，投资人血本无归，平台负责人失联，希望政府帮我们追回本金',
    '本人在58车贷出借资金五万元，现在平台无法登录，要求警方尽快立案侦查',
    '58车贷逾期兑付已经三个月，几百名投资人的钱拿不回来，请求有关部门介入',
    '我们是58车贷的出借人，平台宣布清盘但迟迟不公布兑付方案，投资款无法追回',
    '反映58车贷平台非法集资问题，投资人的本金至今没有退还，请公安机关处理',
  ];
  const dance = [
    '小区旁边公园每天晚上跳广场舞，音响声音开得很大，吵得老人小孩睡不着',
    '公园广场舞噪音扰民，晚上十点以后还在放音乐，投诉多次没有改善',
    '每晚公园里的广场舞音响太吵了，希望城管能管一管音量和时间',
    '公园跳广场舞的音响噪音严重扰民，请执法部门限制音量',
  ];
  const noise = ['小区门口路灯坏了一个星期', '楼下餐馆油烟很大', '公交站台的顶棚破了', '学校门口的斑马线褪色看不清'];
  const all = [
    ...loans.map((c, i) => ({ c, d: '440106', phone: `1391234${String(1000 + i)}` })),
    ...dance.map((c, i) => ({ c, d: '440104', phone: `1381234${String(2000 + i)}` })),
    ...noise.map((c, i) => ({ c, d: '440105', phone: `1371234${String(3000 + i)}` })),
  ];
  for (const [i, x] of all.entries()) {
    clock.advance(20 * 60_000 + i * 1000);
    const res = await t.raw(
      { query: 'mutation($i: CreateTicketInput!) { createTicket(input: $i) { id } }', variables: { i: { channel: 'WEB', title: x.c.slice(0, 12), content: x.c, districtCode: x.d, citizenPhone: x.phone } } },
      { authorization: `Bearer ${operator}` },
    );
    if (res.body.errors) throw new Error(JSON.stringify(res.body.errors));
  }
});
afterAll(() => t.stop());

const QUERY = `query($w: HotIssueWindow, $d: String, $n: Int) { hotIssues(window: $w, districtCode: $d, first: $n) {
  id label keywords count reporters people likes growth heat firstAt lastAt districts { code } evidence { title content citizen { phone } }
} }`;

interface Issue {
  label: string;
  keywords: string[];
  count: number;
  reporters: number;
  heat: number;
  districts: { code: string }[];
  evidence: { title: string; content: string }[];
}

test('the loan-platform collapse is the hottest topic; square dancing second; one-off complaints are no topic', async () => {
  const supervisor = await t.token({ role: Role.SUPERVISOR });
  const res = await t.raw({ query: QUERY, variables: { w: 'LAST_7D', n: 5 } }, { authorization: `Bearer ${supervisor}` });
  expect(res.body.errors).toBeUndefined();
  const issues = (res.body.data as { hotIssues: Issue[] }).hotIssues;
  expect(issues.length).toBeGreaterThanOrEqual(2);
  expect(issues[0].label).toMatch(/车贷|58/);
  expect(issues[0]).toMatchObject({ count: 6, reporters: 6, districts: [{ code: '440106' }] });
  expect(issues[0].evidence.every((e) => e.content.includes('58车贷'))).toBe(true);
  expect(issues[1].label).toMatch(/广场舞|公园|音响|噪音/);
  expect(issues[1].count).toBe(4);
  expect(issues[0].heat).toBeGreaterThan(issues[1].heat);
  expect(issues.every((i) => i.count >= 2)).toBe(true);
});

test('a district office gets its districts’ topics; another district is FORBIDDEN; bad arguments are coded', async () => {
  const yuexiu = await t.token({ role: Role.DISTRICT_OFFICE, districtCodes: ['440104'] });
  const mine = await t.raw({ query: QUERY, variables: { w: 'LAST_7D', n: 5 } }, { authorization: `Bearer ${yuexiu}` });
  const issues = (mine.body.data as { hotIssues: Issue[] }).hotIssues;
  expect(issues).toHaveLength(1);
  expect(issues[0].districts).toEqual([{ code: '440104' }]);
  const other = await t.raw({ query: QUERY, variables: { d: '440106' } }, { authorization: `Bearer ${yuexiu}` });
  expect(other.body.errors?.[0].extensions?.code).toBe('FORBIDDEN');
  const zero = await t.raw({ query: QUERY, variables: { n: 0 } }, { authorization: `Bearer ${yuexiu}` });
  expect(zero.body.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
  for (const n of [0, 101]) {
    const res = await t.raw({ query: `query($n: Int!) { hotIssues(window: LAST_7D) { tickets(first: $n) { number } } }`, variables: { n } }, { authorization: `Bearer ${yuexiu}` });
    expect(res.body.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'first' });
  }
  const department = await t.token({ role: Role.DEPARTMENT_STAFF, departmentCode: '440106-UM' });
  expect((await t.raw({ query: QUERY }, { authorization: `Bearer ${department}` })).body.errors?.[0].extensions?.code).toBe('FORBIDDEN');
});

test('an analyst gets the topics and no phone number', async () => {
  const analyst = await t.token({ role: Role.ANALYST });
  const res = await t.raw({ query: QUERY, variables: { w: 'LAST_24H' } }, { authorization: `Bearer ${analyst}` });
  expect(res.body.errors).toBeUndefined();
  expect((res.body.data as { hotIssues: Issue[] }).hotIssues.length).toBeGreaterThan(0);
  // (a phone number as written in text; not the digits inside an id — a UUID's last group can read 193565554384)
  expect(JSON.stringify(res.body)).not.toMatch(/(?<![0-9A-Za-z+/=-])1[3-9]\d{9}(?![0-9A-Za-z])/);
  // nor the callers' own numbers, anywhere
  expect(JSON.stringify(res.body)).not.toMatch(/13[789]1234[123]\d{3}/);
});

test('a caller who names themselves without a cue is in no label or keyword (their texts mask them too)', async () => {
  const texts = [
    '欧阳娜娜反映小区电梯故障停运三天，老人上下楼困难，欧阳娜娜要求尽快维修',
    '欧阳娜娜再次反映小区电梯故障停运，物业一直不修，欧阳娜娜要求处理',
    '小区电梯故障停运一周了，欧阳娜娜说物业推脱，请督促维修电梯',
    '欧阳娜娜第四次反映小区电梯故障停运，请相关部门督促物业维修',
  ];
  for (const content of texts) {
    clock.advance(20 * 60_000);
    const res = await t.raw(
      {
        query: 'mutation($i: CreateTicketInput!) { createTicket(input: $i) { id } }',
        variables: { i: { channel: 'PHONE', title: content.slice(0, 12), content, districtCode: '440111', citizenName: '欧阳娜娜', citizenPhone: '13500135000' } },
      },
      { authorization: `Bearer ${operator}` },
    );
    expect(res.body.errors).toBeUndefined();
  }
  for (const role of [Role.ANALYST, Role.DISTRICT_OFFICE]) {
    const token = await t.token({ role, ...(role === Role.DISTRICT_OFFICE ? { districtCodes: ['440111'] } : {}) });
    const res = await t.raw({ query: QUERY, variables: { w: 'LAST_24H', ...(role === Role.DISTRICT_OFFICE ? { d: '440111' } : {}) } }, { authorization: `Bearer ${token}` });
    expect(res.body.errors).toBeUndefined();
    const issues = (res.body.data as { hotIssues: Issue[] }).hotIssues;
    const lift = issues.find((i) => i.keywords.some((k) => k.includes('电梯')) || i.label.includes('电梯'));
    expect(lift?.count).toBe(4);
    expect(JSON.stringify(issues)).not.toMatch(/娜娜|阳娜/);
  }
});
