/**
 * The benchmark load client (test/bench/support/ws-swarm.ts) against a tiny graphql-ws server:
 * no hub, no database.
 */
import type { AddressInfo } from 'node:net';
import { GraphQLInt, GraphQLNonNull, GraphQLObjectType, GraphQLSchema, GraphQLString } from 'graphql';
import { useServer } from 'graphql-ws/use/ws';
import { WebSocketServer } from 'ws';
import { LatencyHistogram, Swarm, mergeSnapshots } from './bench/support/ws-swarm';
import type { SwarmSnapshot } from './bench/support/ws-swarm';

const TICKS = 5;

const Tick = new GraphQLObjectType({
  name: 'Tick',
  fields: {
    n: { type: new GraphQLNonNull(GraphQLInt) },
    cell: { type: new GraphQLNonNull(GraphQLString) },
    sentAt: { type: new GraphQLNonNull(GraphQLString) },
  },
});

const schema = new GraphQLSchema({
  query: new GraphQLObjectType({ name: 'Query', fields: { ok: { type: GraphQLInt, resolve: () => 1 } } }),
  subscription: new GraphQLObjectType({
    name: 'Subscription',
    fields: {
      ticks: {
        type: new GraphQLNonNull(Tick),
        args: { cell: { type: new GraphQLNonNull(GraphQLString) } },
        subscribe: async function* (_root: unknown, args: { cell: string }) {
          for (let n = 1; n <= TICKS; n++) {
            await new Promise((r) => setTimeout(r, 10));
            yield { ticks: { n, cell: args.cell, sentAt: new Date().toISOString() } };
          }
        },
      },
    },
  }),
});

const QUERY = 'subscription($cell: String!) { ticks(cell: $cell) { n cell sentAt } }';

async function serve(onConnect?: () => boolean): Promise<{ url: string; cells: string[]; close: () => Promise<void> }> {
  const wss = new WebSocketServer({ port: 0, host: '127.0.0.1' });
  await new Promise<void>((resolve) => wss.once('listening', () => resolve()));
  const cells: string[] = [];
  const server = useServer(
    {
      schema,
      onConnect,
      onSubscribe: (_ctx, _id, payload) => void cells.push(String(payload.variables?.cell)),
    },
    wss,
  );
  const port = (wss.address() as AddressInfo).port;
  return {
    url: `ws://127.0.0.1:${port}`,
    cells,
    close: async () => {
      await server.dispose();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
    },
  };
}

test('200 subscribers each get all their messages, with latencies', async () => {
  const srv = await serve();
  const swarm = new Swarm({
    url: srv.url,
    subscribers: 200,
    query: QUERY,
    variables: (i) => ({ cell: `c${i}` }),
    connectRate: 10_000,
    latencyField: ['data', 'ticks', 'sentAt'],
  });
  try {
    await swarm.start();
    for (let t = 0; t < 200 && swarm.report().completed < 200; t++) await new Promise((r) => setTimeout(r, 10));
    expect(srv.cells.sort()).toEqual(Array.from({ length: 200 }, (_, i) => `c${i}`).sort());
    const r = swarm.report();
    expect(r).toMatchObject({ connected: 200, acked: 200, subscribed: 0, messages: 200 * TICKS, errors: 0, completed: 200, closes: {} });
    expect(r.perSubscription).toEqual({ min: TICKS, max: TICKS });
    expect(r.latency.count).toBe(200 * TICKS);
    for (const v of [r.latency.p50, r.latency.p90, r.latency.p99, r.latency.max]) expect(Number.isFinite(v) && v >= 0).toBe(true);
    expect(r.latency.p50).toBeLessThanOrEqual(r.latency.p90);
    expect(r.latency.p90).toBeLessThanOrEqual(r.latency.p99);
    expect(r.latency.p99).toBeLessThanOrEqual(r.latency.max);
    expect(r.latency.max).toBeLessThan(5000);

    swarm.resetStats();
    expect(swarm.report()).toMatchObject({ messages: 0, completed: 0, latency: { count: 0 }, perSubscription: { min: 0, max: 0 } });
  } finally {
    await swarm.stop();
    await srv.close();
  }
  expect(swarm.report()).toMatchObject({ connected: 0, acked: 0, closes: {} }); // its own closes are not counted
});

test('sampling parses one message in N and counts the rest from their first bytes', async () => {
  const srv = await serve();
  const swarm = new Swarm({
    url: srv.url,
    subscribers: 20,
    subscriptionsPerSocket: 3,
    query: QUERY,
    variables: [{ cell: 'a' }, { cell: 'b' }],
    sampleEvery: 4,
    latencyOf: (payload: { data: { ticks: { sentAt: string } } }, receivedAt) => receivedAt - Date.parse(payload.data.ticks.sentAt),
  });
  try {
    await swarm.start();
    for (let t = 0; t < 200 && swarm.report().completed < 60; t++) await new Promise((r) => setTimeout(r, 10));
    const r = swarm.report();
    expect(r).toMatchObject({ connected: 20, subscribed: 0, messages: 60 * TICKS, errors: 0, completed: 60 });
    expect(r.perSubscription).toEqual({ min: TICKS, max: TICKS });
    expect(r.latency.count).toBe((60 * TICKS) / 4);
    expect(srv.cells.filter((c) => c === 'a')).toHaveLength(30);
  } finally {
    await swarm.stop();
    await srv.close();
  }
});

test('refused connections are counted by close code', async () => {
  const srv = await serve(() => false);
  const swarm = new Swarm({ url: srv.url, subscribers: 50, query: QUERY, variables: { cell: 'x' }, connectionParams: { token: 'no' } });
  try {
    await swarm.start(); // resolves although no socket got subscribed
    const r = swarm.report();
    expect(r).toMatchObject({ connected: 0, acked: 0, subscribed: 0, messages: 0, closes: { '4403': 50 } });
    expect(r.lastError).toBe('close 4403: Forbidden');
  } finally {
    await swarm.stop();
    await srv.close();
  }
});

test('operation errors are counted and end the subscription', async () => {
  const srv = await serve();
  const swarm = new Swarm({ url: srv.url, subscribers: 20, subscriptionsPerSocket: 2, query: 'subscription { nope }' });
  try {
    await swarm.start();
    for (let t = 0; t < 200 && swarm.report().errors < 40; t++) await new Promise((r) => setTimeout(r, 10));
    const r = swarm.report();
    expect(r).toMatchObject({ connected: 20, acked: 20, subscribed: 0, messages: 0, errors: 40, closes: {} });
    expect(r.lastError).toMatch(/Cannot query field "nope"/);
  } finally {
    await swarm.stop();
    await srv.close();
  }
});

test('a ping is answered with a pong', async () => {
  // the protocol by hand: ping before the acknowledgement, one next after the pong
  const wss = new WebSocketServer({ port: 0, host: '127.0.0.1' });
  await new Promise<void>((resolve) => wss.once('listening', () => resolve()));
  wss.on('connection', (ws) => {
    ws.on('message', (data) => {
      const m = JSON.parse(String(data)) as { type: string; id?: string };
      if (m.type === 'connection_init') ws.send(JSON.stringify({ type: 'ping', payload: { at: 1 } }));
      else if (m.type === 'pong') ws.send(JSON.stringify({ type: 'connection_ack' }));
      else if (m.type === 'subscribe') ws.send(JSON.stringify({ type: 'next', id: m.id, payload: { data: { ticks: { n: 1 } } } }));
    });
  });
  const swarm = new Swarm({ url: `ws://127.0.0.1:${(wss.address() as AddressInfo).port}`, subscribers: 5, query: QUERY });
  try {
    await swarm.start();
    for (let t = 0; t < 200 && swarm.report().messages < 5; t++) await new Promise((r) => setTimeout(r, 10));
    expect(swarm.report()).toMatchObject({ acked: 5, messages: 5, errors: 0, perSubscription: { min: 1, max: 1 } });
  } finally {
    await swarm.stop();
    await new Promise<void>((resolve) => wss.close(() => resolve()));
  }
});

test('an unreachable server: every socket closes 1006 with an error', async () => {
  const srv = await serve();
  const url = srv.url;
  await srv.close();
  const swarm = new Swarm({ url, subscribers: 10, query: QUERY });
  await swarm.start();
  const r = swarm.report();
  expect(r).toMatchObject({ connected: 0, errors: 10, closes: { '1006': 10 } });
  expect(r.lastError).toMatch(/ECONNREFUSED/);
  await swarm.stop();
});

test('histograms merge bucket by bucket', () => {
  const all = new LatencyHistogram();
  const parts = [new LatencyHistogram(), new LatencyHistogram(), new LatencyHistogram()];
  const values: number[] = [];
  for (let j = 0; j < 30_000; j++) {
    // three very different distributions: averaging their percentiles would be far off
    const v = j % 3 === 0 ? 0.05 + (j % 97) / 100 : j % 3 === 1 ? 5 + (j % 89) : 200 + (j % 1009) * 3;
    values.push(v);
    all.record(v);
    parts[j % 3].record(v);
  }
  values.sort((a, b) => a - b);
  const exact = (p: number) => values[Math.ceil((p / 100) * values.length) - 1];
  const snap = (h: LatencyHistogram): SwarmSnapshot => ({
    connected: 0,
    acked: 0,
    subscribed: 0,
    messages: h.count,
    errors: 0,
    closes: {},
    completed: 0,
    perSubscription: { min: 0, max: 0 },
    histogram: h.snapshot(),
  });
  const merged = mergeSnapshots(parts.map(snap));
  const { mean, ...rest } = all.summary();
  expect(merged.latency).toMatchObject(rest);
  expect(merged.latency.mean).toBeCloseTo(mean, 6);
  for (const p of [50, 90, 99] as const) {
    expect(Math.abs(merged.latency[`p${p}`] - exact(p)) / exact(p)).toBeLessThan(0.01);
  }
  expect(merged.latency.max).toBe(values[values.length - 1]);
  expect(merged.latency.count).toBe(30_000);
});
