/**
 * A district office's token names districts; one the directory does not have (a merged district,
 * a typo at the identity provider) is the token's problem, not the client's input: the office
 * reads the districts that exist, and a token with none that exists is FORBIDDEN — never a
 * BAD_USER_INPUT naming an argument the client did not send.
 */
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';
import { Role, startTestHub } from './support/hub';
import type { TestHub } from './support/hub';

jest.setTimeout(60_000);
let t: TestHub;
beforeAll(async () => {
  t = await startTestHub();
});
afterAll(async () => t.stop());

/** The first answer of a subscription (or its error), then the client goes. */
async function first(token: string, query: string): Promise<{ data?: unknown; errors?: { extensions?: { code?: string } }[] } | { closed: string }> {
  const c = createClient({ url: t.hub.wsUrl.replace('localhost', '127.0.0.1'), webSocketImpl: WebSocket, retryAttempts: 0, lazy: true, connectionParams: { authorization: `Bearer ${token}` } });
  try {
    return await new Promise((resolve) => {
      const stop = c.subscribe(
        { query },
        {
          next: (r) => {
            stop();
            resolve(r as { data?: unknown; errors?: { extensions?: { code?: string } }[] });
          },
          error: (e) => resolve(Array.isArray(e) ? { errors: e } : { closed: String((e as { code?: number }).code ?? e) }),
          complete: () => resolve({ closed: 'complete' }),
        },
      );
    });
  } finally {
    await c.dispose();
  }
}

const SUBSCRIPTIONS = ['subscription { riskAlerts { alertId } }', 'subscription { heatmap { kind } }', 'subscription { ticketEvents { seq } }'];
const QUERIES = [
  '{ tickets(first: 1) { totalCount } }',
  '{ riskAlerts(first: 1) { totalCount } }',
  '{ taskForces(first: 1) { totalCount } }',
  '{ heatmap { total } }',
  '{ ticketFigures(from: "2026-03-01T00:00:00+08:00", to: "2026-04-01T00:00:00+08:00") { tickets } }',
];

test('a token naming an unknown district besides a real one reads the real one', async () => {
  const office = await t.token({ role: Role.DISTRICT_OFFICE, districtCodes: ['440106', '999999'], subject: 'th-office' });
  for (const query of QUERIES) {
    const res = await t.raw({ query }, { authorization: `Bearer ${office}` });
    expect([query, res.body.errors]).toEqual([query, undefined]);
  }
  const heatmap = await first(office, 'subscription { heatmap { kind } }');
  expect(heatmap).toMatchObject({ data: { heatmap: { kind: 'SNAPSHOT' } } });
});

test('a token naming only districts that do not exist is FORBIDDEN, over HTTP and WebSocket', async () => {
  const office = await t.token({ role: Role.DISTRICT_OFFICE, districtCodes: ['999999'], subject: 'ghost-office' });
  for (const query of QUERIES) {
    const res = await t.raw({ query }, { authorization: `Bearer ${office}` });
    expect([query, res.body.errors?.[0]?.extensions?.code]).toEqual([query, 'FORBIDDEN']);
    expect(res.body.errors?.[0]?.extensions?.field).toBeUndefined();
  }
  for (const query of SUBSCRIPTIONS) {
    const answer = await first(office, query);
    expect([query, 'errors' in answer ? answer.errors?.[0]?.extensions?.code : answer]).toEqual([query, 'FORBIDDEN']);
  }
});
