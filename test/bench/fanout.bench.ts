/**
 * Live heatmap fan-out: how many concurrent heatmap subscribers one hub process serves with
 * p99 delivery latency under 1 s at 1 update a second, and its memory at each level.
 *
 *   npm run build && node dist/test/bench/fanout.bench.js [--levels 1000,5000,10000,15000,19000] [--seconds 15]
 *
 * The hub runs in this process (NODE_ENV=production) on a throw-away database (or a scratch
 * database on DATABASE_URL's server). The subscribers are raw graphql-ws sockets in two child
 * processes (test/bench/support/ws-swarm.ts), all with the same subscription — a city
 * dashboard: `heatmap(window: LAST_24H)` — so they share one group. Once a second a ticket
 * arrives at a random place in the city, so the group sends one delta a second. Latency is
 * measured per message from the update's `at` (when the hub built it) to its arrival; the
 * wait for the throttle (≤ 500 ms between a ticket and its update) comes before `at`.
 * Prints a table and a JSON line.
 */
import 'reflect-metadata';
import { readFileSync } from 'node:fs';
import { loadConfig } from '../../src/app/config';
import { createLoaders } from '../../src/app/loaders';
import { startHub } from '../../src/app/hub';
import { Role, signToken } from '../../src/auth/viewer';
import type { Viewer } from '../../src/auth/viewer';
import { seedDirectory } from '../../src/seed/demo';
import { GUANGZHOU_DISTRICTS } from '../../src/seed/guangzhou';
import { Channel, TicketCategory, Urgency } from '../../src/tickets/ticket.enums';
import { arg, argList, benchDatabase } from './support/db';
import { forkSwarm } from './support/ws-swarm';
import type { ForkedSwarm, SwarmReport } from './support/ws-swarm';
import { spawnHub } from '../support/process';
import type { HubProcess } from '../support/process';

/** Several swarms as one: counts add up, latency percentiles are the worst of them (conservative). */
function mergeSwarms(swarms: ForkedSwarm[]): ForkedSwarm {
  return {
    ready: Promise.all(swarms.map((s) => s.ready)).then(() => undefined),
    reset: async () => void (await Promise.all(swarms.map((s) => s.reset()))),
    stop: async () => void (await Promise.all(swarms.map((s) => s.stop()))),
    report: async (): Promise<SwarmReport> => {
      const rs = await Promise.all(swarms.map((s) => s.report()));
      if (rs.length === 1) return rs[0];
      const sum = (f: (r: SwarmReport) => number) => rs.reduce((a, r) => a + f(r), 0);
      const closes: Record<string, number> = {};
      for (const r of rs) for (const [k, v] of Object.entries(r.closes)) closes[k] = (closes[k] ?? 0) + v;
      return {
        ...rs[0],
        connected: sum((r) => r.connected),
        acked: sum((r) => r.acked),
        subscribed: sum((r) => r.subscribed),
        messages: sum((r) => r.messages),
        errors: sum((r) => r.errors),
        completed: sum((r) => r.completed),
        closes,
        perSubscription: { min: Math.min(...rs.map((r) => r.perSubscription.min)), max: Math.max(...rs.map((r) => r.perSubscription.max)) },
        latency: {
          p50: Math.max(...rs.map((r) => r.latency.p50)),
          p90: Math.max(...rs.map((r) => r.latency.p90)),
          p99: Math.max(...rs.map((r) => r.latency.p99)),
          max: Math.max(...rs.map((r) => r.latency.max)),
          min: Math.min(...rs.map((r) => r.latency.min)),
          mean: sum((r) => r.latency.mean * r.latency.count) / Math.max(1, sum((r) => r.latency.count)),
          count: sum((r) => r.latency.count),
        },
      };
    },
  };
}

function rssOf(pid: number): number {
  const m = readFileSync(`/proc/${pid}/status`, 'utf8').match(/VmRSS:\s+(\d+) kB/);
  return m ? Math.round(Number(m[1]) / 1024) : 0;
}

const QUERY = 'subscription Dashboard { heatmap(window: LAST_24H) { kind at total cells { cell count } } }';

async function until(what: string, cond: () => Promise<boolean>, ms: number): Promise<void> {
  const end = Date.now() + ms;
  while (!(await cond())) {
    if (Date.now() > end) throw new Error(`timed out: ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

async function main(): Promise<void> {
  const hubs = arg('hubs', 1);
  const levels = argList('levels', hubs > 1 ? [20000, 30000] : [1000, 5000, 10000, 15000, 19000]);
  const seconds = arg('seconds', 15);
  const db = await benchDatabase('fanout');
  // every dashboard here signs in with one token: the per-caller limit (20,000 operations a
  // minute) would refuse the subscriptions of a second level within the same minute
  const env = { NODE_ENV: 'production', AUTH_SECRET: 'bench-secret-bench-secret-bench-secret', DATABASE_URL: db.url, HOST: '127.0.0.1', RATE_LIMIT_PER_MINUTE: '10000000' };
  const busEnv: Record<string, string> = hubs > 1 ? { EVENT_BUS: 'postgres' } : {};
  const config = loadConfig({ ...env, ...busEnv });
  const hub = await startHub({ config, databaseUrl: db.url, port: 0, logger: { info: () => undefined, error: (m, e) => console.error(m, e) } });
  // more hub processes on the same database and bus (each process may hold ~20,000 sockets here)
  const others: HubProcess[] = [];
  for (let i = 1; i < hubs; i++) others.push(await spawnHub(db.url, { ...env, ...busEnv }));
  const wsUrls = [hub.wsUrl, ...others.map((o) => o.wsUrl)].map((u) => u.replace('localhost', '127.0.0.1'));
  const rows: Record<string, number | string>[] = [];
  try {
    await seedDirectory(hub.orm);
    const token = await signToken(config.authSecret, { role: Role.ANALYST, subject: 'dashboard' });
    const operator: Viewer = { role: Role.OPERATOR, subject: 'bench', districtCodes: [] };
    let n = 0;
    const intake = async () => {
      const d = GUANGZHOU_DISTRICTS[n++ % GUANGZHOU_DISTRICTS.length];
      const em = hub.orm.em.fork();
      await hub.services.tickets.create(
        { viewer: operator, em, loaders: createLoaders(em) },
        {
          channel: Channel.PHONE,
          category: TicketCategory.COMPLAINT,
          urgency: Urgency.NORMAL,
          accessNeeds: [],
          title: '噪音',
          content: '楼下施工噪音',
          districtCode: d.code,
          lat: d.lat + (Math.random() - 0.5) * 0.05,
          lng: d.lng + (Math.random() - 0.5) * 0.05,
        },
      );
    };
    for (let i = 0; i < 50; i++) await intake(); // a map with something on it
    for (const subscribers of levels) {
      const t0 = Date.now();
      // subscribers split evenly over the hub processes, two load processes per hub
      const swarms = await Promise.all(
        wsUrls.map((url, i) =>
          forkSwarm(
            {
              url,
              connectionParams: { authorization: `Bearer ${token}` },
              subscribers: Math.floor(subscribers / wsUrls.length) + (i < subscribers % wsUrls.length ? 1 : 0),
              query: QUERY,
              latencyField: ['data', 'heatmap', 'at'],
              connectRate: 1500,
            },
            2,
          ),
        ),
      );
      const swarm = mergeSwarms(swarms);
      try {
        await swarm.ready;
        await until('every subscriber has its snapshot', async () => (await swarm.report()).perSubscription.min >= 1, 120_000).catch(async (e) => {
          console.error(JSON.stringify({ ...(await swarm.report()), hub: hub.services.heatmapLive.stats() }));
          throw e;
        });
        const connectSeconds = (Date.now() - t0) / 1000;
        const stats = { groups: hub.services.heatmapLive.stats().groups * hubs };
        // errors while subscribing (a refused subscription still counts) — reset clears the counts
        const subscribeErrors = (await swarm.report()).errors;
        await swarm.reset();
        const cpu0 = process.cpuUsage();
        const wall0 = Date.now();
        for (let s = 0; s < seconds; s++) {
          const tick = Date.now();
          await intake();
          await new Promise((r) => setTimeout(r, Math.max(0, 1000 - (Date.now() - tick))));
        }
        await new Promise((r) => setTimeout(r, 1500));
        const cpu = process.cpuUsage(cpu0);
        const report = await swarm.report();
        const mem = process.memoryUsage();
        const otherRss = others.map((o) => rssOf(o.pid));
        rows.push({
          subscribers,
          groups: stats.groups,
          connected: report.connected,
          connectSeconds: Math.round(connectSeconds * 10) / 10,
          updates: report.messages,
          expected: subscribers * seconds,
          minPerSubscriber: report.perSubscription.min,
          p50: Math.round(report.latency.p50 * 10) / 10,
          p99: Math.round(report.latency.p99 * 10) / 10,
          max: Math.round(report.latency.max * 10) / 10,
          errors: report.errors + subscribeErrors,
          closes: JSON.stringify(report.closes),
          hubCpuPercent: Math.round(((cpu.user + cpu.system) / 1000 / (Date.now() - wall0)) * 100),
          rssMB: Math.round(mem.rss / 1048576),
          otherHubsRssMB: otherRss.join('+') || '-',
          heapMB: Math.round(mem.heapUsed / 1048576),
        });
        console.log(JSON.stringify(rows[rows.length - 1]));
      } finally {
        await swarm.stop();
        await until('the group to empty', async () => hub.services.heatmapLive.stats().subscribers === 0, 60_000).catch(() =>
          console.error(`after ${subscribers}: the group still holds ${hub.services.heatmapLive.stats().subscribers} subscribers`),
        );
      }
    }
    for (const o of others) await o.stop();
    console.log(`\nheatmap fan-out: ${hubs} hub process(es), one group each (heatmap(window: LAST_24H)), 1 update/s for ${seconds} s per level`);
    console.log('subscribers | updates recv/expected | min/sub |  p50 ms |  p99 ms |  max ms | errors | hub CPU | hub RSS MB');
    for (const r of rows) {
      console.log(
        `${String(r.subscribers).padStart(11)} | ${`${r.updates}/${r.expected}`.padStart(21)} | ${String(r.minPerSubscriber).padStart(7)} | ${String(r.p50).padStart(7)} | ${String(r.p99).padStart(7)} | ${String(r.max).padStart(7)} | ${String(r.errors).padStart(6)} | ${`${r.hubCpuPercent}%`.padStart(7)} | ${r.rssMB}`,
      );
    }
    const ok = rows.filter((r) => (r.p99 as number) < 1000 && r.updates === r.expected && r.errors === 0);
    const best = ok.length ? Math.max(...ok.map((r) => r.subscribers as number)) : 0;
    console.log(`largest level with every update delivered, no errors and p99 < 1 s: ${best}`);
    console.log(JSON.stringify({ bench: 'fanout', hubs, seconds, levels: rows, best }));
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
