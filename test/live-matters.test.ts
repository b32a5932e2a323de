/**
 * Following a matter on `ticketEvents`: a ticket re-routed to another matter brings the
 * followers of the matter it leaves that event — as a department hears of a ticket that leaves
 * it — and nothing after.
 */
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';
import { Role, startTestHub } from './support/hub';
import type { TestHub } from './support/hub';
import { until } from './support/wait';

jest.setTimeout(60_000);
let t: TestHub;
beforeAll(async () => {
  t = await startTestHub({ dutyList: true });
});
afterAll(() => t.stop());

async function ok<T>(token: string, query: string, variables: Record<string, unknown>): Promise<T> {
  const { body } = await t.raw({ query, variables }, { authorization: `Bearer ${token}` });
  if (body.errors) throw new Error(JSON.stringify(body.errors));
  return body.data as T;
}

test('a ticket re-routed away from a followed matter: its followers get that event, then nothing more of it', async () => {
  const operator = await t.token({ role: Role.OPERATOR, subject: 'op' });
  const supervisor = await t.token({ role: Role.SUPERVISOR, subject: 'watcher' });
  const got: { type: string; number: string; matter: { code: string } | null }[] = [];
  const c = createClient({ url: t.hub.wsUrl.replace('localhost', '127.0.0.1'), webSocketImpl: WebSocket, retryAttempts: 0, connectionParams: { authorization: `Bearer ${supervisor}` } });
  try {
    c.subscribe<{ ticketEvents: (typeof got)[number] }>(
      { query: 'subscription { ticketEvents(filter: { matterCodes: ["NOISE.SOCIAL"] }) { type number matter { code } } }' },
      { next: (r) => r.data && got.push(r.data.ticketEvents), error: () => undefined, complete: () => undefined },
    );
    await new Promise((r) => setTimeout(r, 200));
    const { createTicket: tk } = await ok<{ createTicket: { id: string; number: string; version: number } }>(
      operator,
      'mutation($i: CreateTicketInput!) { createTicket(input: $i) { id number version } }',
      { i: { channel: 'PHONE', title: '夜间噪音', content: '楼下工地晚上十一点还在打桩，吵得睡不着', districtCode: '440106', matterCode: 'NOISE.SOCIAL' } },
    );
    await until('the dispatch under NOISE.SOCIAL', async () => got.some((e) => e.number === tk.number && e.type === 'DISPATCHED'));
    // the operator sees it is construction noise: re-routed to the ecology and environment bureau
    const { redispatchTicket: moved } = await ok<{ redispatchTicket: { version: number; leadDepartment: { code: string } } }>(
      operator,
      'mutation($i: RedispatchTicketInput!) { redispatchTicket(input: $i) { version leadDepartment { code } } }',
      { i: { id: tk.id, expectedVersion: tk.version, matterCode: 'NOISE.CONSTRUCTION', reason: '工地施工噪声' } },
    );
    await until('the re-route away from NOISE.SOCIAL', async () => got.some((e) => e.number === tk.number && e.type === 'REDISPATCHED'));
    expect(got.find((e) => e.type === 'REDISPATCHED')?.matter?.code).toBe('NOISE.CONSTRUCTION');
    // from then on the ticket is another matter's: its acceptance is not sent to these followers
    const staff = await t.token({ role: Role.DEPARTMENT_STAFF, departmentCode: moved.leadDepartment.code, subject: 'eeb' });
    await ok(staff, 'mutation($i: TicketChangeInput!) { acceptTicket(input: $i) { version } }', { i: { id: tk.id, expectedVersion: moved.version } });
    const marker = await ok<{ createTicket: { number: string } }>(operator, 'mutation($i: CreateTicketInput!) { createTicket(input: $i) { number } }', {
      i: { channel: 'PHONE', title: '装修噪音', content: '楼上装修电钻声太吵', districtCode: '440106', matterCode: 'NOISE.SOCIAL' },
    });
    await until('a later event of the followed matter', async () => got.some((e) => e.number === marker.createTicket.number));
    expect(got.filter((e) => e.number === tk.number).map((e) => e.type)).not.toContain('ACCEPTED');
  } finally {
    await c.dispose();
  }
});
