/**
 * Reading the hub end to end over HTTP: the tickets connection (totalCount, first/after and
 * last/before pagination), every filter, who sees which tickets (scope) and which personal data
 * (masking), node(id) for every Node type, and the public directory of departments and districts.
 *
 * One hub for the file, on a manual clock: every ticket is created one minute after the previous
 * one, so "newest first" is a strict order; each test marks its tickets with a word of its own
 * and searches for it, so tests do not see each other's tickets.
 */
import {
  AcceptTicketDocument,
  AddCoDepartmentsDocument,
  CreateTicketDocument,
  DepartmentListDocument,
  DispatchTicketDocument,
  DistrictListDocument,
  NodeDocument,
  TicketCitizenDocument,
  TicketListDocument,
} from './generated/graphql';
import type { CreateTicketInput, DepartmentFilterInput, TicketFilter, TicketListQuery } from './generated/graphql';
import { ManualClock } from '../src/shared/clock';
import { GUANGZHOU_DEPARTMENTS, GUANGZHOU_DISTRICTS } from '../src/seed/guangzhou';
import { Role, startTestHub } from './support/hub';
import type { TestHub } from './support/hub';

const clock = new ManualClock(new Date('2026-03-02T01:00:00Z')); // Monday 09:00 in Guangzhou

let t: TestHub;
let operator: string;
let supervisor: string;
let analyst: string;
let office106: string;
let office104: string;
const deps: Record<string, string> = {};

beforeAll(async () => {
  t = await startTestHub({ clock });
  operator = await t.token({ role: Role.OPERATOR, subject: 'op-wang' });
  supervisor = await t.token({ role: Role.SUPERVISOR, subject: 'sup-chen' });
  analyst = await t.token({ role: Role.ANALYST, subject: 'bi-tool' });
  office106 = await t.token({ role: Role.DISTRICT_OFFICE, districtCodes: ['440106'], subject: 'tianhe' });
  office104 = await t.token({ role: Role.DISTRICT_OFFICE, districtCodes: ['440104'], subject: 'yuexiu' });
  for (const code of ['440106-UM', '440111-UM', '440111-HUD']) {
    deps[code] = await t.token({ role: Role.DEPARTMENT_STAFF, departmentCode: code, subject: `dep-${code}` });
  }
});
afterAll(() => t.stop());
afterEach(() => {
  // nothing unexpected (an internal error) may have been logged by the hub during the test
  expect(t.errors.splice(0)).toEqual([]);
});

interface Created {
  id: string;
  number: string;
  version: number;
  createdAt: string;
}

type Node = TicketListQuery['tickets']['edges'][number]['node'];

/** Creates a ticket one minute after the previous one (so creation order is strict). */
async function create(input: Partial<CreateTicketInput> & { title: string }): Promise<Created> {
  clock.advance(60_000);
  const { createTicket } = await t.ok(
    CreateTicketDocument,
    { input: { channel: 'PHONE', content: `${input.title}：市民来电反映`, districtCode: '440106', ...input } },
    operator,
  );
  return { id: createTicket.id, number: createTicket.number, version: createTicket.version, createdAt: createTicket.createdAt };
}

async function dispatch(c: Created, departmentCode: string): Promise<Created> {
  const d = (await t.ok(DispatchTicketDocument, { input: { id: c.id, expectedVersion: c.version, departmentCode } }, operator))
    .dispatchTicket;
  return { ...c, version: d.version };
}

async function accept(c: Created, departmentCode: string): Promise<Created> {
  const a = (await t.ok(AcceptTicketDocument, { input: { id: c.id, expectedVersion: c.version } }, deps[departmentCode])).acceptTicket;
  return { ...c, version: a.version };
}

/** Every ticket the token may see under the filter, paging 100 at a time. */
async function listAll(token: string, filter?: TicketFilter): Promise<{ nodes: Node[]; totalCount: number }> {
  const nodes: Node[] = [];
  let after: string | null | undefined;
  let totalCount = -1;
  for (let page = 0; page < 50; page++) {
    const { tickets } = await t.ok(TicketListDocument, { first: 100, after, filter }, token);
    totalCount = tickets.totalCount;
    nodes.push(...tickets.edges.map((e) => e.node));
    if (!tickets.pageInfo.hasNextPage) break;
    after = tickets.pageInfo.endCursor;
  }
  return { nodes, totalCount };
}

/** The numbers the filter finds (as a supervisor, or `token`), checked against totalCount. */
async function numbers(filter: TicketFilter, token = supervisor): Promise<string[]> {
  const { nodes, totalCount } = await listAll(token, filter);
  expect(totalCount).toBe(nodes.length);
  return nodes.map((n) => n.number).sort();
}

const sorted = (...cs: Created[]) => cs.map((c) => c.number).sort();

describe('the tickets connection', () => {
  const MARK = 'PAGEMARK';
  let created: Created[] = [];
  /** newest first, the order of the connection */
  let expected: string[] = [];

  beforeAll(async () => {
    const districts = ['440106', '440104', '440105', '440111', '440113'];
    created = [];
    for (let i = 0; i < 26; i++) {
      created.push(await create({ title: `${MARK} 路灯不亮 ${i}`, districtCode: districts[i % districts.length] }));
    }
    expected = created.map((c) => c.number).reverse();
  });

  test('tickets are listed newest first, with totalCount across all pages', async () => {
    const { tickets } = await t.ok(TicketListDocument, { first: 5, filter: { search: MARK } }, supervisor);
    expect(tickets.totalCount).toBe(26);
    expect(tickets.edges.map((e) => e.node.number)).toEqual(expected.slice(0, 5));
    const times = tickets.edges.map((e) => Date.parse(e.node.createdAt));
    expect(times).toEqual([...times].sort((a, b) => b - a));
  });

  test('first/after walks all 26 tickets in pages of 10 with no duplicates or gaps', async () => {
    const seen: string[] = [];
    const shape: [number, boolean, boolean][] = [];
    let after: string | null | undefined;
    for (;;) {
      const { tickets } = await t.ok(TicketListDocument, { first: 10, after, filter: { search: MARK } }, supervisor);
      expect(tickets.totalCount).toBe(26);
      const { edges, pageInfo } = tickets;
      shape.push([edges.length, pageInfo.hasNextPage, pageInfo.hasPreviousPage]);
      expect(pageInfo.startCursor).toBe(edges[0].cursor);
      expect(pageInfo.endCursor).toBe(edges[edges.length - 1].cursor);
      seen.push(...edges.map((e) => e.node.number));
      if (!pageInfo.hasNextPage) break;
      after = pageInfo.endCursor;
      expect(shape.length).toBeLessThan(5);
    }
    expect(shape).toEqual([
      [10, true, false],
      [10, true, true],
      [6, false, true],
    ]);
    expect(new Set(seen).size).toBe(26);
    expect(seen).toEqual(expected);
  });

  test('last/before walks the same list backwards, page by page', async () => {
    const pages: string[][] = [];
    const shape: [number, boolean, boolean][] = [];
    let before: string | null | undefined;
    for (;;) {
      const { tickets } = await t.ok(TicketListDocument, { last: 10, before, filter: { search: MARK } }, supervisor);
      expect(tickets.totalCount).toBe(26);
      const { edges, pageInfo } = tickets;
      shape.push([edges.length, pageInfo.hasNextPage, pageInfo.hasPreviousPage]);
      pages.push(edges.map((e) => e.node.number));
      if (!pageInfo.hasPreviousPage) break;
      before = pageInfo.startCursor;
      expect(shape.length).toBeLessThan(5);
    }
    // each page is in list order (newest first); the first page asked for is the oldest
    expect(pages[0]).toEqual(expected.slice(16, 26));
    expect(pages[1]).toEqual(expected.slice(6, 16));
    expect(pages[2]).toEqual(expected.slice(0, 6));
    expect(shape).toEqual([
      [10, false, true],
      [10, true, true],
      [6, true, false],
    ]);
    expect(pages.reverse().flat()).toEqual(expected);
  });

  test('a window reached forwards and backwards is the same window', async () => {
    const { tickets: all } = await t.ok(TicketListDocument, { first: 26, filter: { search: MARK } }, supervisor);
    const cursors = all.edges.map((e) => e.cursor);
    const fwd = await t.ok(TicketListDocument, { first: 5, after: cursors[9], filter: { search: MARK } }, supervisor);
    const back = await t.ok(TicketListDocument, { last: 5, before: cursors[15], filter: { search: MARK } }, supervisor);
    expect(fwd.tickets.edges.map((e) => e.node.number)).toEqual(expected.slice(10, 15));
    expect(back.tickets.edges.map((e) => e.node.number)).toEqual(expected.slice(10, 15));
  });

  test('a malformed cursor is BAD_USER_INPUT on its field', async () => {
    const notBase64Json = await t.gql(TicketListDocument, { first: 5, after: 'garbage', filter: { search: MARK } }, supervisor);
    expect(notBase64Json.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'after' });
    const notAnArray = Buffer.from('{}').toString('base64url');
    const res = await t.gql(TicketListDocument, { last: 5, before: notAnArray, filter: { search: MARK } }, supervisor);
    expect(res.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'before' });
    const mixed = await t.gql(TicketListDocument, { first: 5, before: notAnArray }, supervisor);
    expect(mixed.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'before' });
    expect(t.errors).toEqual([]);
  });

  test('first over 100 is refused', async () => {
    const res = await t.gql(TicketListDocument, { first: 101 }, supervisor);
    expect(res.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'first' });
  });
});

describe('filters', () => {
  const MARK = 'FILTMARK';
  let a: Created, b: Created, c: Created, d: Created;

  beforeAll(async () => {
    a = await create({ title: `${MARK} 噪声`, districtCode: '440106', channel: 'PHONE', category: 'COMPLAINT' });
    b = await dispatch(await create({ title: `${MARK} 占道`, districtCode: '440106', channel: 'WECHAT', urgency: 'URGENT' }), '440106-UM');
    c = await dispatch(await create({ title: `${MARK} 欠薪`, districtCode: '440104', channel: 'APP', category: 'COMPLAINT' }), 'GZ-HRSS');
    d = await dispatch(await create({ title: `${MARK} 违建`, districtCode: '440111', channel: 'WEB', urgency: 'URGENT' }), '440111-UM');
    d = await accept(d, '440111-UM');
    await t.ok(
      AddCoDepartmentsDocument,
      { input: { id: d.id, expectedVersion: d.version, departmentCodes: ['440111-HUD'] } },
      deps['440111-UM'],
    );
  });

  test('all four are found by their mark', async () => {
    expect(await numbers({ search: MARK })).toEqual(sorted(a, b, c, d));
  });

  test('status', async () => {
    expect(await numbers({ search: MARK, status: ['DISPATCHED'] })).toEqual(sorted(b, c));
    expect(await numbers({ search: MARK, status: ['RECEIVED', 'ACCEPTED'] })).toEqual(sorted(a, d));
    expect(await numbers({ search: MARK, status: ['CLOSED'] })).toEqual([]);
  });

  test('districtCode', async () => {
    expect(await numbers({ search: MARK, districtCode: '440106' })).toEqual(sorted(a, b));
    expect(await numbers({ search: MARK, districtCode: '440104' })).toEqual(sorted(c));
    expect(await numbers({ search: MARK, districtCode: '440118' })).toEqual([]);
  });

  test('departmentCode: lead or co-handler', async () => {
    expect(await numbers({ search: MARK, departmentCode: '440106-UM' })).toEqual(sorted(b));
    expect(await numbers({ search: MARK, departmentCode: 'GZ-HRSS' })).toEqual(sorted(c));
    expect(await numbers({ search: MARK, departmentCode: '440111-UM' })).toEqual(sorted(d));
    expect(await numbers({ search: MARK, departmentCode: '440111-HUD' })).toEqual(sorted(d)); // as co-handler
    expect(await numbers({ search: MARK, departmentCode: 'GZ-EDU' })).toEqual([]);
  });

  test('channel (any of)', async () => {
    expect(await numbers({ search: MARK, channel: ['WECHAT', 'APP'] })).toEqual(sorted(b, c));
    expect(await numbers({ search: MARK, channel: ['PHONE'] })).toEqual(sorted(a));
  });

  test('urgency and category', async () => {
    expect(await numbers({ search: MARK, urgency: 'URGENT' })).toEqual(sorted(b, d));
    expect(await numbers({ search: MARK, urgency: 'NORMAL' })).toEqual(sorted(a, c));
    expect(await numbers({ search: MARK, category: 'COMPLAINT' })).toEqual(sorted(a, c));
  });

  test('filters combine (all must match)', async () => {
    expect(await numbers({ search: MARK, districtCode: '440106', urgency: 'URGENT' })).toEqual(sorted(b));
    expect(await numbers({ search: MARK, status: ['DISPATCHED'], channel: ['APP', 'PHONE'] })).toEqual(sorted(c));
    expect(await numbers({ search: MARK, districtCode: '440104', urgency: 'URGENT' })).toEqual([]);
  });

  test('an unknown districtCode or departmentCode in a filter is bad input', async () => {
    const d1 = await t.gql(TicketListDocument, { first: 5, filter: { districtCode: '999999' } }, supervisor);
    expect(d1.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'districtCode' });
    const d2 = await t.gql(TicketListDocument, { first: 5, filter: { departmentCode: 'GZ-NOPE' } }, supervisor);
    expect(d2.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'departmentCode' });
  });

  test('search: title or content, case-insensitive, LIKE wildcards taken literally', async () => {
    const s1 = await create({ title: 'QZX1 Elevator broken 电梯困人', content: '二号楼电梯困人' });
    const s2 = await create({ title: 'QZX1 其他', content: '三号楼 ELEVATOR 故障' });
    const s3 = await create({ title: 'QZX1 下水道堵塞', content: 'blocked drain' });
    const s4 = await create({ title: 'QZX2 满意度 100% 的回复', content: '回访' });
    const s5 = await create({ title: 'QZX2 补贴 1000 元', content: '回访' });
    expect(await numbers({ search: 'elevator' })).toEqual(sorted(s1, s2));
    expect(await numbers({ search: 'QZX1' })).toEqual(sorted(s1, s2, s3));
    expect(await numbers({ search: '电梯困人' })).toEqual(sorted(s1)); // in title and content of s1 only
    expect(await numbers({ search: 'blocked DRAIN' })).toEqual(sorted(s3)); // content only
    expect(await numbers({ search: '  QZX2  ' })).toEqual(sorted(s4, s5)); // trimmed
    expect(await numbers({ search: '100%' })).toEqual(sorted(s4)); // % is not a wildcard
    expect(await numbers({ search: 'QZX_' })).toEqual([]); // _ is not a wildcard
    expect(await numbers({ search: 'QZX2 1_00' })).toEqual([]);
  });
});

describe('time: overdue and creation window', () => {
  test('overdue follows the harness clock past the deadline running in each status', async () => {
    const MARK = 'OVERMARK';
    const normal = await dispatch(await create({ title: `${MARK} 普通`, districtCode: '440106' }), '440106-UM');
    const urgent = await dispatch(await create({ title: `${MARK} 紧急`, districtCode: '440106', urgency: 'URGENT' }), '440106-UM');
    const received = await create({ title: `${MARK} 未派`, districtCode: '440106' });

    const overdueNow = async () => {
      const { nodes } = await listAll(supervisor, { search: MARK });
      return Object.fromEntries(nodes.map((n) => [n.number, n.overdue]));
    };
    expect(await numbers({ search: MARK, overdue: true })).toEqual([]);
    expect(await numbers({ search: MARK, overdue: false })).toEqual(sorted(normal, urgent, received));

    // past the urgent ticket's 30 minutes, not the normal one's 2 working hours
    clock.advance(31 * 60_000);
    expect(await numbers({ search: MARK, overdue: true })).toEqual(sorted(urgent));
    expect(await numbers({ search: MARK, overdue: false })).toEqual(sorted(normal, received));
    expect(await overdueNow()).toEqual({ [normal.number]: false, [urgent.number]: true, [received.number]: false });

    // past both accept deadlines (still the same working day)
    clock.advance(2 * 3600_000);
    expect(await numbers({ search: MARK, overdue: true })).toEqual(sorted(normal, urgent));
    expect(await overdueNow()).toEqual({ [normal.number]: true, [urgent.number]: true, [received.number]: false });

    // accepting starts the resolve deadline: no longer overdue
    await accept(normal, '440106-UM');
    expect(await numbers({ search: MARK, overdue: true })).toEqual(sorted(urgent));
    expect(await numbers({ search: MARK, overdue: false })).toEqual(sorted(normal, received));
  });

  test('createdFrom (inclusive) and createdTo (exclusive)', async () => {
    const MARK = 'DATEMARK';
    const p = await create({ title: `${MARK} 一` });
    clock.advance(3600_000);
    const q = await create({ title: `${MARK} 二` });
    clock.advance(3600_000);
    const r = await create({ title: `${MARK} 三` });
    expect(Date.parse(p.createdAt)).toBeLessThan(Date.parse(q.createdAt));

    expect(await numbers({ search: MARK, createdFrom: q.createdAt })).toEqual(sorted(q, r));
    expect(await numbers({ search: MARK, createdTo: q.createdAt })).toEqual(sorted(p));
    expect(await numbers({ search: MARK, createdFrom: q.createdAt, createdTo: r.createdAt })).toEqual(sorted(q));
    expect(await numbers({ search: MARK, createdFrom: p.createdAt, createdTo: p.createdAt })).toEqual([]);
    const afterAll = new Date(Date.parse(r.createdAt) + 1).toISOString();
    expect(await numbers({ search: MARK, createdFrom: afterAll })).toEqual([]);
  });
});

describe('scope: who sees which tickets', () => {
  test('a DISTRICT_OFFICE for 440106 sees only 440106 tickets, and null for another district’s ticket', async () => {
    const mine = await create({ title: 'SCOPEMARK 天河', districtCode: '440106' });
    const theirs = await create({ title: 'SCOPEMARK 越秀', districtCode: '440104' });

    const { nodes, totalCount } = await listAll(office106);
    expect(nodes.length).toBeGreaterThan(0);
    expect(totalCount).toBe(nodes.length);
    expect(new Set(nodes.map((n) => n.district.code))).toEqual(new Set(['440106']));
    // exactly the 440106 tickets the centre sees
    const centre = await listAll(supervisor, { districtCode: '440106' });
    expect(nodes.map((n) => n.number).sort()).toEqual(centre.nodes.map((n) => n.number).sort());
    const everything = await listAll(supervisor);
    expect(everything.totalCount).toBeGreaterThan(totalCount);

    const seenBy = async (token: string) => (await listAll(token)).nodes.map((n) => n.number).filter((n) => n === mine.number || n === theirs.number);
    expect(await seenBy(office106)).toEqual([mine.number]);
    expect(await seenBy(office104)).toEqual([theirs.number]);
    // (district offices read texts with the caller left out: they may not search them)
    expect((await t.gql(TicketListDocument, { first: 10, filter: { search: 'SCOPEMARK' } }, office106)).errors?.[0].extensions).toMatchObject({
      code: 'FORBIDDEN',
      field: 'filter.search',
    });
    expect(await numbers({ districtCode: '440104' }, office106)).toEqual([]);

    expect((await t.ok(TicketCitizenDocument, { number: theirs.number }, office106)).ticket).toBeNull();
    expect((await t.ok(NodeDocument, { id: theirs.id }, office106)).node).toBeNull();
    expect((await t.ok(TicketCitizenDocument, { number: mine.number }, office106)).ticket?.number).toBe(mine.number);
    expect((await t.ok(NodeDocument, { id: mine.id }, office106)).node).toMatchObject({ __typename: 'Ticket', number: mine.number });
  });

  test('a DEPARTMENT_STAFF sees only tickets where it is the lead or a co-handler', async () => {
    const lead = await dispatch(await create({ title: 'DEPMARK 住建主办', districtCode: '440111' }), '440111-HUD');
    let co = await dispatch(await create({ title: 'DEPMARK 城管主办 住建协办', districtCode: '440111' }), '440111-UM');
    co = await accept(co, '440111-UM');
    await t.ok(AddCoDepartmentsDocument, { input: { id: co.id, expectedVersion: co.version, departmentCodes: ['440111-HUD'] } }, deps['440111-UM']);
    const other = await dispatch(await create({ title: 'DEPMARK 城管独办', districtCode: '440111' }), '440111-UM');
    const undispatched = await create({ title: 'DEPMARK 未派', districtCode: '440111' });

    // 440111-HUD is used by no other test of this file (except as co-handler of the filter test's d)
    const { nodes, totalCount } = await listAll(deps['440111-HUD']);
    const visible = nodes.map((n) => n.number);
    expect(visible).toContain(lead.number);
    expect(visible).toContain(co.number);
    expect(visible).not.toContain(other.number);
    expect(visible).not.toContain(undispatched.number);
    expect(totalCount).toBe(nodes.length);
    for (const n of nodes) {
      const involved = n.leadDepartment?.code === '440111-HUD' || n.coDepartments.some((d) => d.code === '440111-HUD');
      expect(involved).toBe(true);
    }
    expect(await numbers({ search: 'DEPMARK' }, deps['440111-HUD'])).toEqual(sorted(lead, co));
    // a filter cannot widen the scope
    expect(await numbers({ search: 'DEPMARK', departmentCode: '440111-UM' }, deps['440111-HUD'])).toEqual(sorted(co));

    expect((await t.ok(TicketCitizenDocument, { number: other.number }, deps['440111-HUD'])).ticket).toBeNull();
    expect((await t.ok(NodeDocument, { id: other.id }, deps['440111-HUD'])).node).toBeNull();
    expect((await t.ok(NodeDocument, { id: co.id }, deps['440111-HUD'])).node).toMatchObject({ number: co.number });
    // the lead (440111-UM) sees both of its own
    expect(await numbers({ search: 'DEPMARK' }, deps['440111-UM'])).toEqual(sorted(co, other));
  });

  test('an ANALYST sees tickets but never the citizen', async () => {
    const tk = await create({
      title: 'ANAMARK 投诉',
      citizenName: '李娜',
      citizenPhone: '13912345678',
      citizenAddress: '越秀区北京路100号',
      districtCode: '440104',
    });
    // (analysts may not search texts: the search would reveal what their redacted texts leave out)
    const searched = await t.gql(TicketListDocument, { first: 10, filter: { search: 'ANAMARK' } }, analyst);
    expect(searched.errors?.[0].extensions).toMatchObject({ code: 'FORBIDDEN', field: 'filter.search' });
    const all = await listAll(analyst);
    expect(all.nodes.find((n) => n.number === tk.number)?.citizen).toBeNull();
    expect(all.totalCount).toBe((await listAll(supervisor)).totalCount);
    expect(all.nodes.every((n) => n.citizen === null)).toBe(true);
    const one = (await t.ok(TicketCitizenDocument, { number: tk.number }, analyst)).ticket;
    expect(one?.number).toBe(tk.number);
    expect(one?.citizen).toBeNull();
  });

  test('everyone who may read the ticket sees the citizen masked — district office, centre and lead department alike', async () => {
    let tk = await create({
      title: 'MASKMARK 路面塌陷',
      citizenName: '张伟',
      citizenPhone: '13800138000',
      citizenAddress: '天河区天河路385号太古汇',
      districtCode: '440106',
    });
    tk = await dispatch(tk, '440106-UM');
    const masked = { name: '张*', phone: '138****8000', address: '天河区天河路****', masked: true };

    const office = (await t.ok(TicketCitizenDocument, { number: tk.number }, office106)).ticket;
    expect(office?.citizen).toEqual(masked);
    const inList = await listAll(office106);
    expect(inList.nodes.filter((n) => n.number === tk.number).map((n) => n.citizen)).toEqual([masked]);

    // unmasking is an explicit, audited act (revealCitizen), never a side effect of reading
    expect((await t.ok(TicketCitizenDocument, { number: tk.number }, operator)).ticket?.citizen).toEqual(masked);
    expect((await t.ok(TicketCitizenDocument, { number: tk.number }, supervisor)).ticket?.citizen).toEqual(masked);
    expect((await t.ok(TicketCitizenDocument, { number: tk.number }, deps['440106-UM'])).ticket?.citizen).toEqual(masked);
    // and the other district's office does not see the ticket at all
    expect((await t.ok(TicketCitizenDocument, { number: tk.number }, office104)).ticket).toBeNull();
  });

  test('a landline is masked the same way; a ticket without contact data has null fields', async () => {
    const landline = await create({ title: 'MASKMARK2 座机', citizenPhone: '020-83123456', districtCode: '440106' });
    expect((await t.ok(TicketCitizenDocument, { number: landline.number }, office106)).ticket?.citizen).toEqual({
      name: null,
      phone: '020****3456',
      address: null,
      masked: true,
    });
    const anonymous = await create({ title: 'MASKMARK3 匿名', districtCode: '440106' });
    expect((await t.ok(TicketCitizenDocument, { number: anonymous.number }, operator)).ticket?.citizen).toEqual({
      name: null,
      phone: null,
      address: null,
      masked: true,
    });
  });
});

describe('node(id) and the directory', () => {
  test('node(id) resolves Ticket, Department and District ids', async () => {
    const tk = await create({ title: 'NODEMARK 节点', districtCode: '440105' });
    expect((await t.ok(NodeDocument, { id: tk.id }, operator)).node).toEqual({ id: tk.id, __typename: 'Ticket', number: tk.number });

    const { departments } = await t.ok(DepartmentListDocument, { first: 1, filter: { search: '天河区城市管理' } }, operator);
    const dep = departments.edges[0].node;
    expect(dep.code).toBe('440106-UM');
    expect((await t.ok(NodeDocument, { id: dep.id }, operator)).node).toEqual({ id: dep.id, __typename: 'Department', code: '440106-UM' });

    const { districts } = await t.ok(DistrictListDocument, { first: 20 }, operator);
    const tianhe = districts.edges.find((e) => e.node.code === '440106')!.node;
    expect((await t.ok(NodeDocument, { id: tianhe.id }, operator)).node).toEqual({ id: tianhe.id, __typename: 'District', code: '440106' });

    // ids are typed: a Ticket's uuid under another type is nothing
    const local = Buffer.from(tk.id, 'base64url').toString('utf8').split(':')[1];
    const asDepartment = Buffer.from(`Department:${local}`).toString('base64url');
    expect((await t.ok(NodeDocument, { id: asDepartment }, operator)).node).toBeNull();
    const unknownTicket = Buffer.from('Ticket:00000000-0000-4000-8000-000000000000').toString('base64url');
    expect((await t.ok(NodeDocument, { id: unknownTicket }, operator)).node).toBeNull();
  });

  test('departments filter by kind, level and districtCode', async () => {
    const codesOf = async (filter: DepartmentFilterInput) => {
      const { departments } = await t.ok(DepartmentListDocument, { first: 100, filter }, operator);
      expect(departments.totalCount).toBe(departments.edges.length);
      return departments.edges.map((e) => e.node);
    };
    const all = await codesOf({});
    expect(all).toHaveLength(GUANGZHOU_DEPARTMENTS.length);
    expect(all).toHaveLength(67);

    const um = await codesOf({ kind: 'URBAN_MANAGEMENT' });
    expect(um).toHaveLength(12);
    expect(um.every((d) => d.kind === 'URBAN_MANAGEMENT')).toBe(true);
    expect(um.map((d) => d.code)).toContain('GZ-UMB');
    expect(um.map((d) => d.code)).toContain('440118-UM');

    const city = await codesOf({ level: 'CITY' });
    expect(city).toHaveLength(19);
    expect(city.every((d) => d.level === 'CITY' && d.district === null)).toBe(true);

    const streets = await codesOf({ level: 'STREET' });
    expect(streets.map((d) => d.code).sort()).toEqual(['440104-BJ', '440105-BGZ', '440106-LH', '440106-SP']);

    const tianhe = await codesOf({ districtCode: '440106' });
    expect(tianhe.map((d) => d.code).sort()).toEqual(['440106-EEB', '440106-HRSS', '440106-HUD', '440106-LH', '440106-SP', '440106-UM']);
    expect(tianhe.every((d) => d.district?.code === '440106')).toBe(true);

    expect((await codesOf({ districtCode: '440106', kind: 'URBAN_MANAGEMENT' })).map((d) => d.code)).toEqual(['440106-UM']);
    expect(await codesOf({ districtCode: '440106', level: 'CITY' })).toEqual([]);
  });

  test('departments page with first/after', async () => {
    const first = await t.ok(DepartmentListDocument, { first: 30 }, operator);
    expect(first.departments.totalCount).toBe(67);
    expect(first.departments.edges).toHaveLength(30);
    expect(first.departments.pageInfo.hasNextPage).toBe(true);
    const second = await t.ok(DepartmentListDocument, { first: 50, after: first.departments.pageInfo.endCursor }, operator);
    expect(second.departments.edges).toHaveLength(37);
    expect(second.departments.pageInfo.hasNextPage).toBe(false);
    const codes = [...first.departments.edges, ...second.departments.edges].map((e) => e.node.code);
    expect(new Set(codes).size).toBe(67);
    expect(codes).toEqual([...codes].sort()); // by code
  });

  test('districts lists the 11 districts of Guangzhou', async () => {
    const { districts } = await t.ok(DistrictListDocument, { first: 20 }, operator);
    expect(districts.totalCount).toBe(11);
    expect(districts.edges.map((e) => e.node.code)).toEqual(GUANGZHOU_DISTRICTS.map((d) => d.code));
    expect(districts.edges.find((e) => e.node.code === '440106')?.node.name).toBe('天河区');
  });
});
