/**
 * Intake → subscriber: how long from a call's intake to its events reaching district offices'
 * dashboards, at a steady 200 tickets a second with 1,000 subscribers.
 *
 *   npm run build && node dist/test/bench/live.bench.js [--rate 200] [--subscribers 1000] [--seconds 20] [--runs 3] [--mix realistic|district] [--profile hub.cpuprofile]
 *
 * The hub runs in this process (NODE_ENV=production, the demo duty list loaded, so the router
 * dispatches most calls at intake) on a throw-away database (or a scratch database on
 * DATABASE_URL's server). Realistic calls from `minsheng simulate`'s generator go through
 * GraphQL over keep-alive HTTP from a child process, open loop, at the rate. The subscribers are raw graphql-ws
 * sockets in two other child processes, watching as people at work would (`--mix`):
 *   realistic (default): 85 % department staff following their department's tickets
 *     (`ticketEvents(filter: { departmentCodes: [theirs] })`, over the 67 departments) and 15 %
 *     district offices following their district (`districtCodes: [theirs]`, over 11 districts);
 *   district: every subscriber a district office's dashboard.
 * Latency per event: from the event's `occurredAt` (stamped at intake, before
 * the ticket is written) to its arrival at a subscriber — intake, the write, the relay, the bus
 * and the fan-out. Prints a table and a JSON line.
 */
import 'reflect-metadata';
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector';
import { loadConfig } from '../../src/app/config';
import { startHub } from '../../src/app/hub';
import { Role, signToken } from '../../src/auth/viewer';
import { seedDirectory, seedDutyList } from '../../src/seed/demo';
import { GUANGZHOU_DEPARTMENTS, GUANGZHOU_DISTRICTS } from '../../src/seed/guangzhou';
import { inChild } from './support/child';
import { arg, benchDatabase, median, percentile } from './support/db';
import type { OpenLoopRequest, OpenLoopResult } from './support/open-loop';
import { forkSwarm } from './support/ws-swarm';

const QUERY = 'subscription District($filter: TicketEventFilter) { ticketEvents(filter: $filter) { id type number status occurredAt district { code } } }';

/** CPU-profiles the hub (this process) from now until the returned function is called. */
async function startProfile(): Promise<() => Promise<object>> {
  const session = new Session();
  session.connect();
  const post = (method: string) => new Promise<object>((resolve, reject) => session.post(method, (e, r) => (e ? reject(e) : resolve(r as object))));
  await post('Profiler.enable');
  await post('Profiler.start');
  return async () => {
    const { profile } = (await post('Profiler.stop')) as { profile: object };
    session.disconnect();
    return profile;
  };
}

function intakeInChild(o: OpenLoopRequest): Promise<OpenLoopResult> {
  return inChild<OpenLoopResult>('open-loop', o);
}

async function main(): Promise<void> {
  const rate = arg('rate', 200);
  const subscribers = arg('subscribers', 1000);
  const seconds = arg('seconds', 20);
  const runs = arg('runs', 3);
  const profileIndex = process.argv.indexOf('--profile');
  const profileFile = profileIndex > 0 ? process.argv[profileIndex + 1] : null;
  const mixIndex = process.argv.indexOf('--mix');
  const mix = mixIndex > 0 ? process.argv[mixIndex + 1] : 'realistic';
  const districtFilters = GUANGZHOU_DISTRICTS.map((d) => ({ filter: { districtCodes: [d.code] } }));
  const departmentFilters = GUANGZHOU_DEPARTMENTS.map((d) => ({ filter: { departmentCodes: [d.code] } }));
  // round-robin over this list: 17 department subscribers for every 3 district ones
  const variables =
    mix === 'district'
      ? districtFilters
      : Array.from({ length: 20 * 67 }, (_, i) => (i % 20 < 17 ? departmentFilters[(Math.floor(i / 20) * 17 + (i % 20)) % 67] : districtFilters[(Math.floor(i / 20) * 3 + (i % 20) - 17) % 11]));
  const db = await benchDatabase('live');
  const config = loadConfig({ NODE_ENV: 'production', AUTH_SECRET: 'bench-secret-bench-secret-bench-secret', DATABASE_URL: db.url, HOST: '127.0.0.1' });
  const hub = await startHub({ config, databaseUrl: db.url, port: 0, logger: { info: () => undefined, error: (m, e) => console.error(m, e) } });
  const rows: Record<string, number>[] = [];
  try {
    await seedDirectory(hub.orm);
    await seedDutyList(hub.orm, config);
    const url = hub.url.replace('localhost', '127.0.0.1');
    const operator = await signToken(config.authSecret, { role: Role.OPERATOR, subject: 'bench' });
    const swarm = await forkSwarm(
      {
        url: hub.wsUrl.replace('localhost', '127.0.0.1'),
        connectionParams: { authorization: `Bearer ${operator}` },
        subscribers,
        query: QUERY,
        variables,
        latencyField: ['data', 'ticketEvents', 'occurredAt'],
        connectRate: 1000,
      },
      2,
    );
    await swarm.ready;
    await new Promise((r) => setTimeout(r, 1000));
    // warm-up: JIT, connections, the router's first predictions
    await intakeInChild({ url, token: operator, rate: rate / 2, seconds: 5, seed: 1 });
    for (let run = 1; run <= runs; run++) {
      await new Promise((r) => setTimeout(r, 1000));
      await swarm.reset();
      const profiler = profileFile && run === runs ? await startProfile() : null;
      const cpu0 = process.cpuUsage();
      const t0 = Date.now();
      const stats = await intakeInChild({ url, token: operator, rate, seconds, seed: 100 + run });
      const lat = stats.latencies.sort((a, b) => a - b);
      if (stats.errors.length) console.error(stats.errors.join('\n'));
      await new Promise((r) => setTimeout(r, 1000));
      if (profiler) writeFileSync(profileFile!, JSON.stringify(await profiler()));
      const cpu = process.cpuUsage(cpu0);
      const report = await swarm.report();
      const groups = hub.services.live.groups.stats();
      rows.push({
        run,
        sent: stats.sent,
        ok: stats.ok,
        failed: stats.failed,
        intakeP50: Math.round(percentile(lat, 50) * 10) / 10,
        intakeP99: Math.round(percentile(lat, 99) * 10) / 10,
        events: report.messages,
        eventP50: Math.round(report.latency.p50 * 10) / 10,
        eventP99: Math.round(report.latency.p99 * 10) / 10,
        eventMax: Math.round(report.latency.max * 10) / 10,
        errors: report.errors,
        groups: groups.groups,
        hubCpuPercent: Math.round(((cpu.user + cpu.system) / 1000 / (Date.now() - t0)) * 100),
        rssMB: Math.round(process.memoryUsage().rss / 1048576),
      });
      console.log(JSON.stringify(rows[rows.length - 1]));
    }
    await swarm.stop();
    console.log(`\nintake → subscriber: ${rate} tickets/s for ${seconds} s, ${subscribers} subscribers (mix: ${mix}), ${runs} runs`);
    console.log('run | tickets ok/sent | intake p50/p99 ms | events recv | event p50 ms | event p99 ms | event max ms | hub CPU');
    for (const r of rows) {
      console.log(
        `${String(r.run).padStart(3)} | ${`${r.ok}/${r.sent}`.padStart(15)} | ${`${r.intakeP50}/${r.intakeP99}`.padStart(17)} | ${String(r.events).padStart(11)} | ${String(r.eventP50).padStart(12)} | ${String(r.eventP99).padStart(12)} | ${String(r.eventMax).padStart(12)} | ${r.hubCpuPercent}%`,
      );
    }
    const med = { eventP50: median(rows.map((r) => r.eventP50)), eventP99: median(rows.map((r) => r.eventP99)), intakeP99: median(rows.map((r) => r.intakeP99)) };
    console.log(`median of runs: event p50 ${med.eventP50} ms, event p99 ${med.eventP99} ms (bar 50 ms), intake p99 ${med.intakeP99} ms`);
    console.log(JSON.stringify({ bench: 'live', rate, subscribers, mix, seconds, runs: rows, median: med }));
  } finally {
    await hub.stop();
    await db.stop();
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
