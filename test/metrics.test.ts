/**
 * GET /metrics: Prometheus text — GraphQL operations over HTTP and WebSocket by root field and
 * outcome, their durations, open sockets, the background consumers' lag, Node's own — behind
 * METRICS_TOKEN when it is set. Labels come from the schema, never from what a client names.
 */
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';
import { Role, startTestHub } from './support/hub';
import type { TestHub } from './support/hub';
import { until } from './support/wait';

jest.setTimeout(60_000);
const TOKEN = 'metrics-token-0123456789';
let t: TestHub;
beforeAll(async () => {
  t = await startTestHub({ env: { METRICS_TOKEN: TOKEN } });
});
afterAll(() => t.stop());

const scrape = async (authorization?: string) => {
  const res = await fetch(t.url.replace('/graphql', '/metrics'), { headers: authorization ? { authorization } : {} });
  return { status: res.status, type: res.headers.get('content-type'), text: await res.text() };
};
/** The value of one sample, by its exact name and labels; 0 when absent. */
const sample = (text: string, series: string) => {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line ? Number(line.slice(series.length + 1)) : 0;
};

test('behind its token: 401 without, the metrics with', async () => {
  expect((await scrape()).status).toBe(401);
  expect((await scrape('Bearer wrong-token-wrong-token')).status).toBe(401);
  const ok = await scrape(`Bearer ${TOKEN}`);
  expect(ok.status).toBe(200);
  expect(ok.type).toMatch(/^text\/plain/);
  expect(ok.text).toContain('minsheng_process_cpu_seconds_total');
  expect(ok.text).toContain('minsheng_nodejs_eventloop_lag_seconds');
});

test('HTTP operations by root field and outcome; a field a client made up is no label', async () => {
  const operator = await t.token({ role: Role.OPERATOR, subject: 'op-metrics' });
  const before = (await scrape(`Bearer ${TOKEN}`)).text;
  const ok = 'minsheng_graphql_operations_total{transport="http",type="query",field="viewer",code="OK"}';
  for (let i = 0; i < 3; i++) await t.raw({ query: '{ viewer { role } }' }, { authorization: `Bearer ${operator}` });
  await t.raw({ query: '{ madeUpFieldName }' }, { authorization: `Bearer ${operator}` });
  await t.raw({ query: 'mutation { dispatchTicket(input: { id: "nope", expectedVersion: 1, departmentCode: "X" }) { id } }' }, { authorization: `Bearer ${operator}` });
  const after = (await scrape(`Bearer ${TOKEN}`)).text;
  expect(sample(after, ok) - sample(before, ok)).toBe(3);
  expect(after).not.toContain('madeUpFieldName');
  expect(sample(after, 'minsheng_graphql_operations_total{transport="http",type="unknown",field="unknown",code="GRAPHQL_VALIDATION_FAILED"}')).toBeGreaterThanOrEqual(1);
  expect(after).toMatch(/minsheng_graphql_operations_total\{transport="http",type="mutation",field="dispatchTicket",code="(BAD_USER_INPUT|NOT_FOUND)"\} 1/);
  expect(sample(after, 'minsheng_graphql_operation_duration_seconds_count{transport="http",type="query",field="viewer"}')).toBeGreaterThanOrEqual(3);
});

test('WebSocket: open sockets, subscriptions by root field; the consumers’ lag', async () => {
  const supervisor = await t.token({ role: Role.SUPERVISOR, subject: 'sup-metrics' });
  const c = createClient({ url: t.hub.wsUrl.replace('localhost', '127.0.0.1'), webSocketImpl: WebSocket, retryAttempts: 0, connectionParams: { authorization: `Bearer ${supervisor}` } });
  try {
    c.subscribe({ query: 'subscription { ticketEvents { seq } }' }, { next: () => undefined, error: () => undefined, complete: () => undefined });
    await until('the subscription to be counted', async () =>
      sample((await scrape(`Bearer ${TOKEN}`)).text, 'minsheng_graphql_operations_total{transport="ws",type="subscription",field="ticketEvents",code="OK"}') >= 1,
    );
    expect(sample((await scrape(`Bearer ${TOKEN}`)).text, 'minsheng_websocket_connections')).toBeGreaterThanOrEqual(1);
  } finally {
    await c.dispose();
  }
  // a ticket's events reach the consumers; each has a lag, back to 0 once they have read it
  const operator = await t.token({ role: Role.OPERATOR, subject: 'op-metrics' });
  await t.raw(
    { query: 'mutation($i: CreateTicketInput!) { createTicket(input: $i) { id } }', variables: { i: { channel: 'PHONE', title: '路灯', content: '路灯不亮', districtCode: '440106' } } },
    { authorization: `Bearer ${operator}` },
  );
  await until('every consumer to have read the stream', async () => {
    const text = (await scrape(`Bearer ${TOKEN}`)).text;
    return ['heatmap', 'risk', 'duplicates'].every((name) => text.includes(`minsheng_consumer_lag_events{consumer="${name}"} 0`));
  }, 15_000);
});
