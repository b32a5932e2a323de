/**
 * The demo data `npm start` loads on first start: directory, duty list and 42 tickets in every
 * state, written through the same intake path as the hub's — seeded here on a fresh database
 * exactly as `minsheng serve` does (before the hub listens), then read back over GraphQL.
 */
import { loadConfig } from '../src/app/config';
import { seedDemo } from '../src/seed/demo';
import { Role, startTestHub, TEST_SECRET } from './support/hub';
import type { TestHub } from './support/hub';

jest.setTimeout(90_000);

let t: TestHub;
beforeAll(async () => {
  t = await startTestHub({ directory: false });
});
afterAll(() => t.stop());

test('seeds once, through the intake writer, and the hub serves it', async () => {
  const config = loadConfig({ NODE_ENV: 'test', AUTH_SECRET: TEST_SECRET, DATABASE_URL: t.databaseUrl });
  const lines: string[] = [];
  expect(await seedDemo(t.hub.orm, config, (m) => lines.push(m))).toEqual({ seeded: true });
  expect(lines.join('\n')).toMatch(/11 districts, \d+ departments, duty list 1 \(\d+ matters\), 42 tickets/);
  // a second start finds it there
  expect(await seedDemo(t.hub.orm, config)).toEqual({ seeded: false });

  const supervisor = await t.token({ role: Role.SUPERVISOR });
  const res = await t.raw(
    { query: '{ tickets(first: 100) { totalCount edges { node { status events { type } } } } }' },
    { authorization: `Bearer ${supervisor}` },
  );
  expect(res.body.errors).toBeUndefined();
  const conn = (res.body.data as { tickets: { totalCount: number; edges: { node: { status: string; events: { type: string }[] } }[] } }).tickets;
  expect(conn.totalCount).toBe(42);
  const statuses = new Set(conn.edges.map((e) => e.node.status));
  for (const s of ['DISPATCHED', 'ACCEPTED', 'IN_PROGRESS', 'RESOLVED', 'CLOSED']) expect(statuses).toContain(s);
  expect(conn.edges.every((e) => e.node.events[0].type === 'CREATED')).toBe(true);

  // the fresh calls at the end went through the router, under the demo duty list in force
  const routed = await t.raw(
    { query: '{ tickets(first: 100) { edges { node { content district { code } leadDepartment { code } matter { code } routing { method } } } } }' },
    { authorization: `Bearer ${supervisor}` },
  );
  type Node = { content: string; district: { code: string }; leadDepartment: { code: string } | null; matter: { code: string } | null; routing: { method: string | null } | null };
  const nodes = (routed.body.data as { tickets: { edges: { node: Node }[] } }).tickets.edges.map((e) => e.node);
  const where = (words: string) => {
    const n = nodes.find((x) => x.content.includes(words))!;
    return [n.routing?.method, n.matter?.code, n.leadDepartment?.code.replace(n.district.code, 'D')];
  };
  expect(where('桥面全是碎石')).toEqual(['AUTO', 'ROAD.BRIDGE_SPILL', 'GZ-HWY']);
  expect(where('工地还在打桩')).toEqual(['AUTO', 'NOISE.CONSTRUCTION', 'D-EEB']);
  expect(where('跳广场舞的音响')).toEqual(['AUTO', 'NOISE.PARK', 'D-UM']);
  expect(where('直升机在我们小区上空低飞')).toEqual(['AUTO', 'NOISE.AVIATION', 'GZ-PORT']);
  expect(where('自助机说查不到我的签注')).toEqual(['AUTO', 'EXIT.PORT_ENDORSEMENT', 'GZ-EXIT']);
  expect(where('拖欠了两个月工资')).toEqual(['AUTO', 'LABOUR.WAGE', 'D-HRSS']);
});
