/**
 * 未诉先办 end to end: clues submitted through GraphQL and the bulk HTTP feed, verified by a
 * supervisor (with duplicate detection against existing tickets), filed as tickets (channel
 * ONLINE_CLUE) and followed to closure, with the loop's own figures; bad input is a coded error
 * that writes nothing.
 */
import { ManualClock } from '../src/shared/clock';
import { toGlobalId } from '../src/shared/relay';
import { Role, startTestHub } from './support/hub';
import type { TestHub } from './support/hub';

jest.setTimeout(60_000);

const clock = new ManualClock(new Date('2026-03-02T01:00:00Z'));
let t: TestHub;
let operator: string;
let supervisor: string;
let supervisor2: string;
const start = clock.now();

beforeAll(async () => {
  t = await startTestHub({ clock, dutyList: true });
  operator = await t.token({ role: Role.OPERATOR, subject: 'op-feed' });
  supervisor = await t.token({ role: Role.SUPERVISOR, subject: 'sup-zhao' });
  supervisor2 = await t.token({ role: Role.SUPERVISOR, subject: 'sup-qian' });
});
afterAll(() => t.stop());
afterEach(() => expect(t.errors.splice(0)).toEqual([]));

async function gql<T = Record<string, unknown>>(token: string, query: string, variables: Record<string, unknown> = {}) {
  const { body } = await t.raw({ query, variables }, { authorization: `Bearer ${token}` });
  return body as { data?: T | null; errors?: { message: string; extensions?: Record<string, unknown> }[] };
}
async function ok<T = Record<string, unknown>>(token: string, query: string, variables: Record<string, unknown> = {}): Promise<T> {
  const res = await gql<T>(token, query, variables);
  if (res.errors) throw new Error(JSON.stringify(res.errors));
  return res.data!;
}
/** Rows written: clues and their history entries. */
const count = async () => Number(((await t.hub.orm.em.getConnection().execute('select (select count(*) from clues) + (select count(*) from clue_actions) as n')) as { n: number }[])[0].n);

interface HistoryEntry {
  type: string;
  version: number;
  likes: number | null;
  previousLikes: number | null;
  actor: string;
  note: string | null;
  at: string;
}
/** The clue's history (its entries, oldest first), as a supervisor reads it. */
async function history(id: string): Promise<HistoryEntry[]> {
  const r = await ok<{ clue: { history: HistoryEntry[] } }>(supervisor, 'query($id: ID!) { clue(id: $id) { history { type version likes previousLikes actor note at } } }', { id });
  return r.clue.history;
}

const submit = 'mutation($i: SubmitClueInput!) { submitClue(input: $i) { id status likes district { code } } }';
const verify = 'mutation($i: VerifyClueInput!) { verifyClue(input: $i) { id status version verifiedBy ticket { number channel status matter { code } } } }';

test('bad clues are refused with a code naming the field, and nothing is written', async () => {
  const before = await count();
  const cases: [Record<string, unknown>, string][] = [
    [{ sourcePlatform: '微博', text: '   ' }, 'text'],
    [{ sourcePlatform: '微博', text: '井盖丢了', districtCode: '999999' }, 'districtCode'],
    [{ sourcePlatform: '微博', text: '井盖丢了', sourceUrl: 'javascript:alert(1)' }, 'sourceUrl'],
    [{ sourcePlatform: '微博', text: '井盖丢了', likes: -3 }, 'likes'],
    [{ sourcePlatform: '微博', text: '井盖丢了', lat: 23.1 }, 'lng'],
    [{ sourcePlatform: '', text: '井盖丢了' }, 'sourcePlatform'],
    [{ sourcePlatform: '微博', text: '长'.repeat(4001) }, 'text'],
  ];
  for (const [i, field] of cases) {
    const res = await gql(operator, submit, { i });
    expect({ field, code: res.errors?.[0].extensions?.code, got: res.errors?.[0].extensions?.field }).toEqual({ field, code: 'BAD_USER_INPUT', got: field });
  }
  // an analyst or a department may not submit
  const analyst = await t.token({ role: Role.ANALYST });
  expect((await gql(analyst, submit, { i: { sourcePlatform: '微博', text: '井盖丢了' } })).errors?.[0].extensions?.code).toBe('FORBIDDEN');
  expect(await count()).toBe(before);
});

test('from a post to a closed ticket: verified, filed, handled, closed — and the loop’s figures', async () => {
  // an existing ticket about something else, and one about the same problem
  await ok(operator, 'mutation($i: CreateTicketInput!) { createTicket(input: $i) { id } }', {
    i: { channel: 'PHONE', title: '路灯不亮', content: '小区门口路灯坏了', districtCode: '440106' },
  });
  const existing = await ok<{ createTicket: { id: string; number: string } }>(operator, 'mutation($i: CreateTicketInput!) { createTicket(input: $i) { id number } }', {
    i: { channel: 'PHONE', title: '体育西路井盖缺失', content: '天河区体育西路地铁站B出口旁边的井盖不见了，晚上路过很危险，已经有人差点掉下去', districtCode: '440106' },
  });

  clock.advance(10 * 60_000);
  const post = {
    sourcePlatform: '微博',
    sourceUrl: 'https://weibo.com/12345/Nabc',
    text: '天河区体育西路地铁站B出口旁边的井盖不见了，晚上路过很危险，已经有人差点掉下去，希望有关部门尽快处理',
    authorHandle: '天河小市民',
    likes: 120,
    districtCode: '440106',
  };
  const first = (await ok<{ submitClue: { id: string; status: string; likes: number } }>(operator, submit, { i: post })).submitClue;
  expect(first).toMatchObject({ status: 'RECEIVED', likes: 120 });
  // the same post again (a feed re-crawls it): the same clue, its likes updated
  const again = (await ok<{ submitClue: { id: string; likes: number } }>(operator, submit, { i: { ...post, likes: 560 } })).submitClue;
  expect(again).toMatchObject({ id: first.id, likes: 560 });

  // the supervisor checks for tickets like it: the existing one comes first
  const similar = await ok<{ clue: { similarTickets: { ticket: { number: string }; similarity: number }[] } }>(
    supervisor,
    'query($id: ID!) { clue(id: $id) { similarTickets { ticket { number } similarity } } }',
    { id: first.id },
  );
  expect(similar.clue.similarTickets[0].ticket.number).toBe(existing.createTicket.number);
  expect(similar.clue.similarTickets[0].similarity).toBeGreaterThan(0.6);
  expect(similar.clue.similarTickets.map((s) => s.ticket.number)).toHaveLength(1);

  // it is a duplicate of that ticket: linked, not filed again
  const dup = (await ok<{ verifyClue: { status: string; ticket: { number: string } } }>(supervisor, verify, {
    i: { id: first.id, decision: 'DUPLICATE', duplicateOfTicketId: existing.createTicket.id, note: '已有市民来电反映' },
  })).verifyClue;
  expect(dup).toMatchObject({ status: 'DUPLICATE', ticket: { number: existing.createTicket.number } });
  expect((await history(first.id)).map(({ type, version, likes, previousLikes, actor, note }) => ({ type, version, likes, previousLikes, actor, note }))).toEqual([
    { type: 'RECEIVED', version: 1, likes: 120, previousLikes: null, actor: 'OPERATOR/op-feed', note: null },
    { type: 'RESUBMITTED', version: 2, likes: 560, previousLikes: 120, actor: 'OPERATOR/op-feed', note: null },
    { type: 'DUPLICATE', version: 3, likes: null, previousLikes: null, actor: 'SUPERVISOR/sup-zhao', note: '已有市民来电反映' },
  ]);
  expect((await gql(supervisor, verify, { i: { id: first.id, decision: 'FILE' } })).errors?.[0].extensions?.code).toBe('ILLEGAL_TRANSITION');

  // a new post about a new problem: filed as a ticket, routed and dispatched
  const fresh = (await ok<{ submitClue: { id: string } }>(operator, submit, {
    i: { sourcePlatform: '抖音', sourceUrl: 'https://www.douyin.com/video/7301', text: '珠江新城花城广场晚上十点以后还有人用大功率音响跳广场舞，周边住户休息不了', likes: 3400, lat: 23.1190, lng: 113.3245 },
  })).submitClue;
  const operatorTry = await gql(operator, verify, { i: { id: fresh.id, decision: 'FILE' } });
  expect(operatorTry.errors?.[0].extensions?.code).toBe('FORBIDDEN');
  expect((await gql(supervisor, verify, { i: { id: fresh.id, decision: 'DISMISS' } })).errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
  // a title too long for a ticket is refused, not cut
  const long = await gql(supervisor, verify, { i: { id: fresh.id, decision: 'FILE', title: '广'.repeat(201), matterCode: 'NOISE.PARK' } });
  expect(long.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'title' });
  clock.advance(90 * 60_000);
  const filed = (await ok<{ verifyClue: { status: string; verifiedBy: string; ticket: { number: string; channel: string; status: string; matter: { code: string } } } }>(supervisor, verify, {
    i: { id: fresh.id, decision: 'FILE', title: '花城广场夜间广场舞噪音', matterCode: 'NOISE.PARK', note: '核实属实' },
  })).verifyClue;
  expect(filed).toMatchObject({ status: 'FILED', verifiedBy: 'SUPERVISOR/sup-zhao', ticket: { channel: 'ONLINE_CLUE', status: 'DISPATCHED', matter: { code: 'NOISE.PARK' } } });
  expect((await history(fresh.id)).map((h) => [h.type, h.version, h.actor, h.note, h.at])).toEqual([
    ['RECEIVED', 1, 'OPERATOR/op-feed', null, new Date(clock.now().getTime() - 90 * 60_000).toISOString()],
    ['FILED', 2, 'SUPERVISOR/sup-zhao', '核实属实', clock.now().toISOString()],
  ]);

  // a third one dismissed
  const rumour = (await ok<{ submitClue: { id: string } }>(operator, submit, { i: { sourcePlatform: '论坛', text: '听说天河要全面停水三天', districtCode: '440106' } })).submitClue;
  await ok(supervisor, verify, { i: { id: rumour.id, decision: 'DISMISS', note: '经核实为不实信息' } });

  // the filed ticket is handled, resolved and closed by the return visit
  const ticket = await ok<{ ticket: { id: string; version: number; leadDepartment: { code: string } } }>(supervisor, 'query($n: String!) { ticket(number: $n) { id version leadDepartment { code } } }', { n: filed.ticket.number });
  const dep = await t.token({ role: Role.DEPARTMENT_STAFF, departmentCode: ticket.ticket.leadDepartment.code });
  let v = ticket.ticket.version;
  for (const m of ['acceptTicket', 'startTicket']) {
    v = (await ok<Record<string, { version: number }>>(dep, `mutation($i: TicketChangeInput!) { ${m}(input: $i) { version } }`, { i: { id: ticket.ticket.id, expectedVersion: v } }))[m].version;
  }
  v = (await ok<{ resolveTicket: { version: number } }>(dep, 'mutation($i: ResolveTicketInput!) { resolveTicket(input: $i) { version } }', { i: { id: ticket.ticket.id, expectedVersion: v, reply: '已劝导并设置音量限制' } })).resolveTicket.version;
  await ok(operator, 'mutation($i: ReturnVisitInput!) { returnVisit(input: $i) { status } }', { i: { id: ticket.ticket.id, expectedVersion: v, satisfaction: 'SATISFIED', resolution: 'RESOLVED' } });

  const figures = await ok<{ clueFigures: Record<string, number | null> }>(supervisor, 'query($from: DateTimeISO!, $to: DateTimeISO!) { clueFigures(from: $from, to: $to) { received pending filed duplicates dismissed closed medianMinutesToTicket } }', {
    from: start.toISOString(),
    to: new Date(clock.now().getTime() + 60_000).toISOString(),
  });
  expect(figures.clueFigures).toEqual({ received: 3, pending: 0, filed: 1, duplicates: 1, dismissed: 1, closed: 1, medianMinutesToTicket: 90 });

  // a district office sees its districts' clues only
  const yuexiu = await t.token({ role: Role.DISTRICT_OFFICE, districtCodes: ['440104'] });
  expect((await ok<{ clues: { edges: unknown[] } }>(yuexiu, '{ clues(first: 10) { edges { cursor } } }')).clues.edges).toEqual([]);
  const tianhe = await t.token({ role: Role.DISTRICT_OFFICE, districtCodes: ['440106'] });
  expect((await ok<{ clues: { edges: unknown[] } }>(tianhe, '{ clues(first: 10) { edges { cursor } } }')).clues.edges).toHaveLength(3);
  const period = { from: start.toISOString(), to: new Date(clock.now().getTime() + 60_000).toISOString() };
  const figuresQuery = 'query($from: DateTimeISO!, $to: DateTimeISO!) { clueFigures(from: $from, to: $to) { received filed } }';
  expect((await ok<{ clueFigures: unknown }>(tianhe, figuresQuery, period)).clueFigures).toEqual({ received: 3, filed: 1 });
  expect((await ok<{ clueFigures: unknown }>(yuexiu, figuresQuery, period)).clueFigures).toEqual({ received: 0, filed: 0 });
  // a period that ends before it starts, or spans years, is a coded error
  for (const [bad, field] of [
    [{ from: period.to, to: period.from }, 'to'],
    [{ from: period.from, to: period.from }, 'to'],
    [{ from: '2020-01-01T00:00:00Z', to: '2030-01-01T00:00:00Z' }, 'from'],
  ] as const) {
    const res = await gql(tianhe, figuresQuery, bad);
    expect(res.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field });
  }
});

test('FILE and DISMISS at once: one decision wins, and a ticket exists only for a filed clue', async () => {
  for (let i = 0; i < 5; i++) {
    const clue = (await ok<{ submitClue: { id: string } }>(operator, submit, { i: { sourcePlatform: '论坛', text: `第${i}号帖：华穗路人行道地砖松动，下雨溅水`, districtCode: '440106' } })).submitClue;
    const [file, dismiss] = await Promise.all([
      gql(supervisor, verify, { i: { id: clue.id, decision: 'FILE', expectedVersion: 1 } }),
      gql(supervisor, verify, { i: { id: clue.id, decision: 'DISMISS', expectedVersion: 1, note: '重复反映' } }),
    ]);
    expect([file.errors, dismiss.errors].filter(Boolean)).toHaveLength(1);
    const final = await ok<{ clue: { status: string; ticket: { channel: string } | null } }>(supervisor, 'query($id: ID!) { clue(id: $id) { status ticket { channel } } }', { id: clue.id });
    const tickets = (await t.hub.orm.em.getConnection().execute(`select count(*)::int as n from tickets where channel = 'ONLINE_CLUE' and content like ?`, [`第${i}号帖%`])) as { n: number }[];
    if (final.clue.status === 'FILED') expect([final.clue.ticket?.channel, tickets[0].n]).toEqual(['ONLINE_CLUE', 1]);
    else expect([final.clue.status, final.clue.ticket, tickets[0].n]).toEqual(['DISMISSED', null, 0]);
    // the history has the decision that won, and only it
    expect((await history(clue.id)).map((h) => [h.type, h.version])).toEqual([['RECEIVED', 1], [final.clue.status, 2]]);
  }
});

test('FILE and FILE at once (two supervisors): one ticket; the other is told who is filing it, not to reload', async () => {
  for (let i = 0; i < 5; i++) {
    const clue = (await ok<{ submitClue: { id: string } }>(operator, submit, { i: { sourcePlatform: '论坛', text: `第${i}号楼：小区门口消防通道被占，车辆乱停`, districtCode: '440106' } })).submitClue;
    const answers = await Promise.all([
      gql(supervisor, verify, { i: { id: clue.id, decision: 'FILE', expectedVersion: 1 } }),
      gql(supervisor2, verify, { i: { id: clue.id, decision: 'FILE', expectedVersion: 1 } }),
    ]);
    const refused = answers.filter((a) => a.errors);
    expect(refused).toHaveLength(1);
    expect(refused[0].errors![0].extensions?.code).toBe('ILLEGAL_TRANSITION');
    expect(refused[0].errors![0].message).toMatch(/is filing it|verified already/);
    const tickets = (await t.hub.orm.em.getConnection().execute(`select count(*)::int as n from tickets where channel = 'ONLINE_CLUE' and content like ?`, [`第${i}号楼%`])) as { n: number }[];
    expect(tickets[0].n).toBe(1);
  }
});

test('a FILE the ticket refuses (unknown matter) leaves the clue waiting, free for another decision', async () => {
  const clue = (await ok<{ submitClue: { id: string } }>(operator, submit, { i: { sourcePlatform: '论坛', text: '珠江公园门口共享单车乱停放', districtCode: '440106' } })).submitClue;
  const bad = await gql(supervisor, verify, { i: { id: clue.id, decision: 'FILE', matterCode: 'NO.SUCH' } });
  expect(bad.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
  const after = await ok<{ verifyClue: { status: string } }>(supervisor, verify, { i: { id: clue.id, decision: 'DISMISS', note: '已由单车企业处理' } });
  expect(after.verifyClue.status).toBe('DISMISSED');
  expect((await history(clue.id)).map((h) => h.type)).toEqual(['RECEIVED', 'DISMISSED']);
});

test('a clue that came in without a place is, once filed in a district, that district’s: its office sees it', async () => {
  const clue = (await ok<{ submitClue: { id: string; district: null } }>(operator, submit, { i: { sourcePlatform: '微博', text: '有网友说某小区门口垃圾堆了一个星期没人清理', sourceUrl: 'https://weibo.example/p/991' } })).submitClue;
  expect(clue.district).toBeNull();
  const filed = await ok<{ verifyClue: { status: string } }>(supervisor, verify, { i: { id: clue.id, decision: 'FILE', districtCode: '440104' } });
  expect(filed.verifyClue.status).toBe('FILED');
  const office = await t.token({ role: Role.DISTRICT_OFFICE, districtCodes: ['440104'], subject: 'yuexiu' });
  const seen = await ok<{ clue: { district: { code: string } | null } | null }>(office, 'query($id: ID!) { clue(id: $id) { district { code } } }', { id: clue.id });
  expect(seen.clue).toEqual({ district: { code: '440104' } });
});

test('the bulk feed: POST /clues, one result per clue; auth, shape and role checked', async () => {
  const url = t.url.replace(/\/graphql$/, '/clues');
  const post = (body: unknown, headers: Record<string, string> = { authorization: `Bearer ${operator}` }) =>
    fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: typeof body === 'string' ? body : JSON.stringify(body) });
  const before = await count();
  expect((await post([{ sourcePlatform: '微博', text: '井盖丢了' }], {})).status).toBe(401);
  const analyst = await t.token({ role: Role.ANALYST });
  expect((await post([{ sourcePlatform: '微博', text: '井盖丢了' }], { authorization: `Bearer ${analyst}` })).status).toBe(403);
  expect((await post({ nope: 1 })).status).toBe(400);
  expect((await post('{"clues": [')).status).toBe(400);
  expect(await count()).toBe(before);

  const res = await post({
    clues: [
      { sourcePlatform: '人民网留言板', sourceUrl: 'https://liuyan.people.com.cn/threads/1', text: '番禺区市桥街某小区垃圾清运不及时，臭气熏天', districtCode: '440113', likes: 12 },
      { sourcePlatform: '人民网留言板', text: '' },
      'not a clue',
      { sourcePlatform: '微博', text: '白云区某路段红绿灯坏了', districtCode: '440111' },
      { sourcePlatform: 42, text: '井盖丢了' },
      { sourcePlatform: '微博', text: '井盖\u0000丢了' },
      { sourcePlatform: '微博', text: '井盖丢了', lat: 'abc', lng: 113.3 },
      { sourcePlatform: '微博', text: '井盖丢了', likes: 3_000_000_000 },
      { sourcePlatform: '微博', text: '井盖\uD800丢了' },
      { sourcePlatform: '微博', text: '井盖丢了', postedAt: '2090-01-01T00:00:00Z' },
      { sourcePlatform: '微博', text: '井盖丢了', postedAt: '0000-01-01T00:00:00Z' },
    ],
  });
  expect(res.status).toBe(200);
  const { results } = (await res.json()) as { results: { index: number; id?: string; status?: string; error?: { code: string; field?: string } }[] };
  expect(results.map((r) => [r.index, r.status ?? r.error?.code, r.error?.field])).toEqual([
    [0, 'RECEIVED', undefined],
    [1, 'BAD_USER_INPUT', 'text'],
    [2, 'BAD_USER_INPUT', 'clue'],
    [3, 'RECEIVED', undefined],
    [4, 'BAD_USER_INPUT', 'sourcePlatform'],
    [5, 'BAD_USER_INPUT', 'text'],
    [6, 'BAD_USER_INPUT', 'lat'],
    [7, 'BAD_USER_INPUT', 'likes'],
    [8, 'BAD_USER_INPUT', 'text'],
    [9, 'BAD_USER_INPUT', 'postedAt'],
    [10, 'BAD_USER_INPUT', 'postedAt'],
  ]);
  expect(await count()).toBe(before + 4); // two clues, each with its RECEIVED entry
});

describe('the same post again (再次提交)', () => {
  const resubmit = 'mutation($i: SubmitClueInput!) { submitClue(input: $i) { id status likes version } }';
  type Submitted = { submitClue: { id: string; status: string; likes: number; version: number } };

  test('is a change of the clue: a new version when its likes rise, nothing when they do not; a verifier holding the old version is told', async () => {
    const post = { sourcePlatform: '小红书', sourceUrl: 'https://www.xiaohongshu.com/explore/64a1f0', text: '海珠区江南西地铁站C出口的扶梯停了一个月，老人和推婴儿车的很不方便', likes: 40, districtCode: '440105' };
    const first = (await ok<Submitted>(operator, resubmit, { i: post })).submitClue;
    expect(first).toMatchObject({ status: 'RECEIVED', likes: 40, version: 1 });
    clock.advance(60_000);
    const again = (await ok<Submitted>(operator, resubmit, { i: { ...post, likes: 95 } })).submitClue;
    expect(again).toEqual({ id: first.id, status: 'RECEIVED', likes: 95, version: 2 });
    // the same count again, or a lower one (the platform lost some): nothing changes
    for (const likes of [95, 10]) {
      expect((await ok<Submitted>(operator, resubmit, { i: { ...post, likes } })).submitClue).toEqual(again);
    }
    // a supervisor who looked at version 1 is told the clue changed, and nothing is decided
    const stale = await gql(supervisor, verify, { i: { id: first.id, decision: 'DISMISS', expectedVersion: 1, note: '已修复' } });
    expect(stale.errors?.[0].extensions).toMatchObject({ code: 'CONFLICT', currentVersion: 2 });
    const now = await ok<{ clue: { status: string; likes: number; version: number } }>(supervisor, 'query($id: ID!) { clue(id: $id) { status likes version } }', { id: first.id });
    expect(now.clue).toEqual({ status: 'RECEIVED', likes: 95, version: 2 });
    // what changed, when and by whom: one entry per version, none for the re-submissions that changed nothing
    expect((await history(first.id)).map((h) => [h.type, h.version, h.previousLikes, h.likes, h.actor, h.at])).toEqual([
      ['RECEIVED', 1, null, 40, 'OPERATOR/op-feed', new Date(clock.now().getTime() - 60_000).toISOString()],
      ['RESUBMITTED', 2, 40, 95, 'OPERATOR/op-feed', clock.now().toISOString()],
    ]);
    // deciding on the current version works, and is the next entry
    await ok(supervisor, verify, { i: { id: first.id, decision: 'DISMISS', expectedVersion: 2, note: '地铁公司已修复' } });
    expect((await history(first.id)).slice(-1).map((h) => [h.type, h.version, h.actor, h.note])).toEqual([['DISMISSED', 3, 'SUPERVISOR/sup-zhao', '地铁公司已修复']]);
  });

  test('re-submitted at once by several feeds: the highest count is kept, each rise a version of its own', async () => {
    const post = { sourcePlatform: '微博', sourceUrl: 'https://weibo.com/7788/Pq1', text: '荔湾区龙津西路一带每天早上六点就有渣土车轰鸣，已经持续半个月', likes: 0, districtCode: '440103' };
    const first = (await ok<Submitted>(operator, resubmit, { i: post })).submitClue;
    const counts = [120, 80, 300, 50, 260, 199, 301, 10, 300, 7];
    const feeds = await Promise.all(counts.map((_, n) => t.token({ role: Role.OPERATOR, subject: `feed-${n}` })));
    const results = await Promise.all(counts.map((likes, n) => ok<Submitted>(feeds[n], resubmit, { i: { ...post, likes } })));
    expect(new Set(results.map((r) => r.submitClue.id))).toEqual(new Set([first.id]));
    const now = await ok<{ clue: { likes: number; version: number } }>(supervisor, 'query($id: ID!) { clue(id: $id) { likes version } }', { id: first.id });
    expect(now.clue.likes).toBe(301);
    // at least one rise (to 301), at most one per re-submission that carried a higher count
    expect(now.clue.version).toBeGreaterThanOrEqual(2);
    expect(now.clue.version).toBeLessThanOrEqual(1 + counts.filter((c) => c > 0).length);
    expect(Math.max(...results.map((r) => r.submitClue.version))).toBe(now.clue.version);
    // the history chains: versions 1, 2, 3… without a gap, each rise starting where the last ended
    const entries = await history(first.id);
    expect(entries.map((h) => h.version)).toEqual(entries.map((_, n) => n + 1));
    expect(entries.length).toBe(now.clue.version);
    expect(entries[0]).toMatchObject({ type: 'RECEIVED', likes: 0 });
    for (let n = 1; n < entries.length; n++) {
      expect(entries[n]).toMatchObject({ type: 'RESUBMITTED', previousLikes: entries[n - 1].likes });
      expect(entries[n].likes!).toBeGreaterThan(entries[n - 1].likes!);
      expect(counts).toContain(entries[n].likes);
      // by a feed that sent that count
      expect(counts.flatMap((c, i) => (c === entries[n].likes ? [`OPERATOR/feed-${i}`] : []))).toContain(entries[n].actor);
    }
    expect(entries[entries.length - 1].likes).toBe(301);
  });

  test('the bulk feed re-posting a clue is recorded the same way', async () => {
    const url = t.url.replace(/\/graphql$/, '/clues');
    const item = { sourcePlatform: '人民网留言板', sourceUrl: 'https://liuyan.people.com.cn/threads/2', text: '白云区永平街某小区二次供水水压太低，高层住户白天几乎没有水', districtCode: '440111', likes: 3 };
    const post = async (likes: number) => {
      const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${operator}` }, body: JSON.stringify([{ ...item, likes }]) });
      return ((await res.json()) as { results: { id: string }[] }).results[0].id;
    };
    const id = await post(3);
    expect(await post(3)).toBe(id);
    expect(await post(17)).toBe(id);
    // (the feed's results carry the clue's own id)
    expect((await history(toGlobalId('Clue', id))).map((h) => [h.type, h.version, h.previousLikes, h.likes])).toEqual([
      ['RECEIVED', 1, null, 3],
      ['RESUBMITTED', 2, 3, 17],
    ]);
  });
});

test('a district office reads its clues without what identifies the author: no handle, numbers left out', async () => {
  const clue = (
    await ok<{ submitClue: { id: string } }>(operator, submit, {
      i: { sourcePlatform: '微博', authorHandle: '@天河老街坊', text: '员村二横路井盖缺失三天了，有事联系我13712345678', districtCode: '440106' },
    })
  ).submitClue;
  const read = 'query($id: ID!) { clue(id: $id) { text authorHandle } }';
  const office = await t.token({ role: Role.DISTRICT_OFFICE, districtCodes: ['440106'], subject: 'tianhe-clues' });
  const seen = (await ok<{ clue: { text: string; authorHandle: string | null } }>(office, read, { id: clue.id })).clue;
  expect(seen.authorHandle).toBeNull();
  expect(seen.text).toContain('井盖缺失');
  expect(seen.text).not.toContain('13712345678');
  expect((await ok<{ clue: unknown }>(supervisor, read, { id: clue.id })).clue).toEqual({ text: '员村二横路井盖缺失三天了，有事联系我13712345678', authorHandle: '@天河老街坊' });
});
