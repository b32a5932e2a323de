/**
 * Intake → DISPATCHED through GraphQL, with N concurrent operators.
 *
 *   npm run build && node dist/test/bench/intake.bench.js [--concurrency 50] [--requests 2000] [--runs 3] [--calls simulated|fixed] [--mode closed|burst] [--hubs 1]
 *
 * Starts a hub on a throw-away embedded PostgreSQL (or DATABASE_URL's server, in a scratch
 * database), loads Guangzhou's directory and the demo duty list, then sends realistic calls and
 * measures end-to-end latency of `createTicket` and the share that the router dispatched at once.
 * The operators' requests come from a separate process (keep-alive HTTP), as they would from
 * their browsers. Prints a table and a JSON line.
 *
 * `--calls simulated` (default): every request a different call from `minsheng simulate`'s
 * generator: distinct callers, text, places, channels, as a hotline hears them (the demo duty
 * list's own examples are not used). `--calls fixed`: 16 sentences × 11 districts from one phone
 * number, over and over — after the first round every ticket repeats an open one by the same
 * caller, so the duplicate detector merges nearly all of them: a stress case for merging, not a
 * hotline's traffic.
 *
 * `--mode closed` (default): a closed loop, each of the N clients sending its next call as soon as
 * the last is answered — throughput-bound: latency = N / throughput. `--mode burst`: N calls at the
 * same instant, all answered, 100 ms of quiet, again — how long each of N simultaneous intakes takes.
 * `--hubs K`: K hub processes on the one database (`EVENT_BUS=postgres`), the operators spread
 * evenly over them, as behind a load balancer.
 */
import 'reflect-metadata';
import { readdirSync, readFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { loadConfig } from '../../src/app/config';
import { startHub } from '../../src/app/hub';
import { Role, signToken } from '../../src/auth/viewer';
import { seedDirectory, seedDutyList } from '../../src/seed/demo';
import { GUANGZHOU_DISTRICTS } from '../../src/seed/guangzhou';
import { CallGenerator } from '../../src/simulate/generator';
import { LABOUR_CALL, PLAIN_CALLS } from './support/calls';
import { inChild } from './support/child';
import { arg, benchDatabase, consumersBehind, consumersCaughtUp, median, percentile as pct, stringArg } from './support/db';
import type { LoadRequest, LoadResult } from './support/http-load';
import { spawnHub } from '../support/process';
import type { HubProcess } from '../support/process';

/** Runs the load in a separate process, as operators' browsers are. */
function load(request: LoadRequest, marker: string): Promise<LoadResult> {
  return inChild<LoadResult>('http-load', { request, marker });
}

/** CPU time (ms, user + system) of every PostgreSQL process on the machine, from /proc. */
function postgresCpuMs(): number {
  let ticks = 0;
  for (const pid of readdirSync('/proc')) {
    if (!/^\d+$/.test(pid)) continue;
    try {
      if (!readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('postgres')) continue;
      const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
      ticks += Number(f[11]) + Number(f[12]);
    } catch {
      // the process ended meanwhile
    }
  }
  return ticks * 10; // USER_HZ = 100
}

/** the baseline request: through HTTP, authentication, limits and Apollo, with nothing to resolve */
const BASELINE_QUERY = '{ __typename }';

/** what the floor server answers */
const FLOOR_ANSWER = Buffer.from(JSON.stringify({ data: { __typename: 'Query' } }));

/** the fixed workload: the plain calls with one labour dispute, in this order */
const CALLS = [...PLAIN_CALLS.slice(0, 2), LABOUR_CALL, ...PLAIN_CALLS.slice(2)];

async function main(): Promise<void> {
  const concurrency = arg('concurrency', 50);
  const requests = arg('requests', 2000);
  const runs = arg('runs', 3);
  const hubs = arg('hubs', 1);
  const db = await benchDatabase('intake');
  // the operators share one token here (each has their own at work): lift the per-caller limit
  const env: Record<string, string> = {
    NODE_ENV: 'production',
    AUTH_SECRET: 'bench-secret-bench-secret-bench-secret',
    DATABASE_URL: db.url,
    HOST: '127.0.0.1',
    RATE_LIMIT_PER_MINUTE: '10000000',
    // several processes share events through PostgreSQL (as `minsheng serve` would be run)
    ...(hubs > 1 ? { EVENT_BUS: 'postgres' } : {}),
  };
  const config = loadConfig(env);
  const hub = await startHub({ config, databaseUrl: db.url, port: 0, logger: { info: () => undefined, error: (m, e) => console.error(m, e) } });
  const others: HubProcess[] = [];
  try {
    await seedDirectory(hub.orm);
    await seedDutyList(hub.orm, config);
    for (let i = 1; i < hubs; i++) others.push(await spawnHub(db.url, env));
    const urls = [hub.url, ...others.map((o) => o.url)].map((u) => u.replace('localhost', '127.0.0.1'));
    const token = await signToken(config.authSecret, { role: Role.OPERATOR, subject: 'bench' });
    const query = `mutation($input: CreateTicketInput!) { createTicket(input: $input) { number status } }`;
    const calls = stringArg('calls', 'simulated');
    const mode = stringArg('mode', 'closed');
    if (mode !== 'closed' && mode !== 'burst') throw new Error('--mode is closed or burst');
    if (calls !== 'simulated' && calls !== 'fixed') throw new Error('--calls is simulated or fixed');
    const generator = new CallGenerator(2026);
    // enough distinct calls that no run repeats one (warm-ups included)
    const bodies =
      calls === 'simulated'
        ? Array.from({ length: 500 + runs * (requests + 4 * concurrency) + 40 }, () => JSON.stringify({ query, variables: { input: generator.next() } }))
        : Array.from({ length: 176 }, (_, i) => {
            const d = GUANGZHOU_DISTRICTS[i % GUANGZHOU_DISTRICTS.length];
            return JSON.stringify({
              query,
              variables: { input: { channel: 'PHONE', title: '来电', content: `${CALLS[i % CALLS.length]}（${d.name}）`, districtCode: d.code, citizenPhone: '13800138000' } },
            });
          });
    // each run's clients connect and warm up first (4 requests each, not measured)
    // (simulated calls: each run its own slice of the calls, so none is sent twice)
    let next = 0;
    // the baseline: the same bodies (size, connections, token, concurrency) asking only
    // `{ __typename }` — what the HTTP and GraphQL layers cost on this machine, in the same run
    const baselineBodies = bodies.slice(0, 500).map((b) => JSON.stringify({ ...JSON.parse(b), query: BASELINE_QUERY }));
    // the floor: a bare node:http server in this process (the hub's) that parses each body and
    // answers a constant — what this machine gives any Node server at this concurrency
    const floorServer = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        JSON.parse(Buffer.concat(chunks).toString('utf8'));
        res.writeHead(200, { 'content-type': 'application/json', 'content-length': FLOOR_ANSWER.length });
        res.end(FLOOR_ANSWER);
      });
    });
    await new Promise<void>((ok) => floorServer.listen(0, '127.0.0.1', ok));
    const floorUrl = `http://127.0.0.1:${(floorServer.address() as AddressInfo).port}/graphql`;
    type What = 'floor' | 'baseline' | 'intake';
    const request = (url: string, n: number, c: number, burst: boolean, what: What): LoadRequest => {
      const slice = what !== 'intake' ? baselineBodies : calls === 'simulated' ? bodies.slice(next, (next += n + 4 * c)) : bodies;
      return { url, token, concurrency: c, requests: n, bodies: slice, warmup: 4 * c, burstPauseMs: burst ? 100 : undefined };
    };
    /** The operators spread evenly over the hub processes, a load process for each. */
    const loadAll = async (n: number, c: number, burst: boolean, what: What = 'intake'): Promise<LoadResult> => {
      const targets = what === 'floor' ? [floorUrl] : urls;
      const parts = await Promise.all(
        targets.map((url, i) =>
          load(request(url, Math.floor(n / targets.length) + (i < n % targets.length ? 1 : 0), Math.floor(c / targets.length) + (i < c % targets.length ? 1 : 0), burst, what), 'DISPATCHED'),
        ),
      );
      return {
        latencies: parts.flatMap((p) => p.latencies),
        seconds: Math.max(...parts.map((p) => p.seconds)),
        errors: parts.flatMap((p) => p.errors),
        marked: parts.reduce((a, p) => a + p.marked, 0),
      };
    };
    // warm-up: the model loads, connections open, JIT settles
    await loadAll(500 * urls.length, 10 * urls.length, false);
    interface Measured {
      p50: number;
      p99: number;
      max: number;
      perSecond: number;
      marked: number;
      hubCpu: number;
      pgCpu: number;
      loopDelayP99: number;
      loopDelayMax: number;
    }
    const measure = async (what: What): Promise<Measured> => {
      // how long the hub's event loop was held up (the first hub runs in this process)
      const loop = monitorEventLoopDelay({ resolution: 5 });
      loop.enable();
      const cpu0 = process.cpuUsage();
      const pg0 = postgresCpuMs();
      const r = await loadAll(requests, concurrency, mode === 'burst', what);
      const cpu = process.cpuUsage(cpu0);
      const pgMs = postgresCpuMs() - pg0;
      loop.disable();
      if (r.errors.length) throw new Error(`errors: ${r.errors.join('\n')}`);
      const lat = r.latencies.sort((a, b) => a - b);
      return {
        p50: pct(lat, 50),
        p99: pct(lat, 99),
        max: lat[lat.length - 1],
        perSecond: requests / r.seconds,
        marked: r.marked,
        hubCpu: (cpu.user + cpu.system) / 1000 / requests,
        pgCpu: pgMs / requests,
        loopDelayP99: loop.percentile(99) / 1e6,
        loopDelayMax: loop.max / 1e6,
      };
    };
    const results: (Measured & { run: number; dispatched: number; consumersBehind: string; baseline: Measured; floor: Measured })[] = [];
    for (let run = 1; run <= runs; run++) {
      // each run starts with the background consumers caught up (up to a minute)
      await consumersCaughtUp(hub.orm, 60_000);
      // then the floor, the baseline and the intakes, back to back on the same machine
      const floor = await measure('floor');
      const baseline = await measure('baseline');
      const m = await measure('intake');
      // how far the background consumers (duplicates, risk, heatmap rollups) are behind the relay
      const behind = (await consumersBehind(hub.orm)).map((l) => `${l.name} ${l.behind}`).join(', ');
      results.push({ ...m, run, dispatched: m.marked / requests, consumersBehind: behind, baseline, floor });
    }
    const med = (k: 'p50' | 'p99' | 'perSecond') => median(results.map((r) => r[k]));
    const medOf = (which: 'baseline' | 'floor', k: 'p50' | 'p99' | 'perSecond') => median(results.map((r) => r[which][k]));
    console.log(`intake → DISPATCHED over GraphQL: ${requests} createTicket per run (${calls} calls), ${concurrency} concurrent over ${hubs} hub process(es) (${mode === 'closed' ? 'closed loop' : `bursts of ${concurrency} at once, 100 ms apart`}), ${runs} runs`);
    console.log(`each run after, with the same load (${requests} requests, same bodies and concurrency): the floor — a bare node:http server in the hub's process answering a constant — and the baseline — the hub answering \`${BASELINE_QUERY}\``);
    const fmt = (m: Measured) => `${m.p50.toFixed(1)} / ${m.p99.toFixed(1)}, ${m.perSecond.toFixed(0)}`;
    console.log('run |  p50 ms |  p99 ms |  max ms | tickets/s | dispatched at intake | floor p50 / p99 ms, req/s | baseline p50 / p99 ms, req/s | hub event-loop delay p99 / max ms | CPU ms per ticket: hub / PostgreSQL (baseline hub) | consumers behind at the end (events)');
    for (const r of results) {
      const b = r.baseline;
      console.log(
        `${String(r.run).padStart(3)} | ${r.p50.toFixed(1).padStart(7)} | ${r.p99.toFixed(1).padStart(7)} | ${r.max.toFixed(1).padStart(7)} | ${r.perSecond.toFixed(0).padStart(9)} | ${`${(r.dispatched * 100).toFixed(1)}%`.padEnd(20)} | ${fmt(r.floor).padEnd(25)} | ${fmt(b).padEnd(28)} | ${`${r.loopDelayP99.toFixed(1)} / ${r.loopDelayMax.toFixed(1)}`.padEnd(33)} | ${`${r.hubCpu.toFixed(2)} / ${r.pgCpu.toFixed(2)} (${b.hubCpu.toFixed(2)})`.padEnd(50)} | ${r.consumersBehind}`,
      );
    }
    const ratioP99 = median(results.map((r) => r.p99 / r.baseline.p99));
    const ratioRate = median(results.map((r) => r.perSecond / r.baseline.perSecond));
    console.log(
      `median: p50 ${med('p50').toFixed(1)} ms, p99 ${med('p99').toFixed(1)} ms, ${med('perSecond').toFixed(0)} tickets/s; ` +
        `floor p99 ${medOf('floor', 'p99').toFixed(1)} ms, ${medOf('floor', 'perSecond').toFixed(0)} req/s; ` +
        `baseline p50 ${medOf('baseline', 'p50').toFixed(1)} ms, p99 ${medOf('baseline', 'p99').toFixed(1)} ms, ${medOf('baseline', 'perSecond').toFixed(0)} req/s; ` +
        `intake ÷ baseline (median of runs): p99 ×${ratioP99.toFixed(2)}, rate ×${ratioRate.toFixed(2)}`,
    );
    const summary = (which: 'baseline' | 'floor') => ({ p50: medOf(which, 'p50'), p99: medOf(which, 'p99'), perSecond: medOf(which, 'perSecond') });
    console.log(JSON.stringify({ bench: 'intake', calls, mode, hubs, concurrency, requests, runs: results, median: { p50: med('p50'), p99: med('p99'), perSecond: med('perSecond') }, floor: summary('floor'), baseline: summary('baseline'), ratio: { p99: ratioP99, perSecond: ratioRate } }));
    floorServer.close();
  } finally {
    for (const o of others) await o.stop().catch(() => undefined);
    await hub.stop();
    await db.stop();
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
