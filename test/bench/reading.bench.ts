/**
 * Reading tickets as dashboards and BI tools do: pages of 100 through GraphQL, and the entity
 * loading under them.
 *
 *   npm run build && node dist/test/bench/reading.bench.js [--tickets 2000] [--requests 1000] [--concurrency 4] [--runs 3]
 *
 * Starts a hub on a throw-away embedded PostgreSQL (or DATABASE_URL's server, in a scratch
 * database), loads Guangzhou's directory and the demo duty list, takes N simulated calls in through
 * GraphQL (so tickets carry routing records, deadlines and events like real ones) and waits for
 * the background consumers. Then, per run:
 *   a) `tickets(first: 100)` with the fields a ticket list shows, as a SUPERVISOR, from another
 *      process, `concurrency` clients in a closed loop: p50 / p99 ms and requests/s;
 *   b) loading 1,000 tickets as entities (`em.find`) in the hub's process: CPU ms, median of 15.
 * Prints a table and a JSON line (starting with `{"bench":"reading"`).
 */
import 'reflect-metadata';
import { loadConfig } from '../../src/app/config';
import { startHub } from '../../src/app/hub';
import { Role, signToken } from '../../src/auth/viewer';
import { seedDirectory, seedDutyList } from '../../src/seed/demo';
import { CallGenerator } from '../../src/simulate/generator';
import { Ticket } from '../../src/tickets/ticket.entity';
import { inChild } from './support/child';
import { arg, benchDatabase, consumersCaughtUp, median, percentile as pct } from './support/db';
import type { LoadRequest, LoadResult } from './support/http-load';

const LIST = `{ tickets(first: 100) { totalCount edges { node { id number title status urgency channel createdAt dueAt
  district { code name } leadDepartment { code name } matter { code name } } } } }`;

async function main(): Promise<void> {
  const tickets = arg('tickets', 2000);
  const requests = arg('requests', 1000);
  const concurrency = arg('concurrency', 4);
  const runs = arg('runs', 3);
  const db = await benchDatabase('reading');
  const env = { NODE_ENV: 'production', AUTH_SECRET: 'bench-secret-bench-secret-bench-secret', DATABASE_URL: db.url, HOST: '127.0.0.1', RATE_LIMIT_PER_MINUTE: '10000000' };
  const config = loadConfig(env);
  const hub = await startHub({ config, databaseUrl: db.url, port: 0, logger: { info: () => undefined, error: (m, e) => console.error(m, e) } });
  try {
    await seedDirectory(hub.orm);
    await seedDutyList(hub.orm, config);
    const url = hub.url.replace('localhost', '127.0.0.1');
    const operator = await signToken(config.authSecret, { role: Role.OPERATOR, subject: 'bench-intake' });
    const supervisor = await signToken(config.authSecret, { role: Role.SUPERVISOR, subject: 'bench-reader' });
    const generator = new CallGenerator(2026);
    const intake = `mutation($input: CreateTicketInput!) { createTicket(input: $input) { number } }`;
    const bodies = Array.from({ length: tickets }, () => JSON.stringify({ query: intake, variables: { input: generator.next() } }));
    const taken = await inChild<LoadResult>('http-load', { request: { url, token: operator, concurrency: 10, requests: tickets, bodies } satisfies LoadRequest, marker: '' });
    if (taken.errors.length) throw new Error(`intake errors: ${taken.errors.join('\n')}`);
    // the consumers (duplicates, alerts, rollups) catch up before reading starts
    await consumersCaughtUp(hub.orm, 120_000);
    const results: { run: number; p50: number; p99: number; perSecond: number; find1000CpuMs: number }[] = [];
    const list = JSON.stringify({ query: LIST });
    for (let run = 1; run <= runs; run++) {
      const r = await inChild<LoadResult>('http-load', {
        request: { url, token: supervisor, concurrency, requests, bodies: [list], warmup: 10 * concurrency } satisfies LoadRequest,
        marker: '',
      });
      if (r.errors.length) throw new Error(`errors: ${r.errors.join('\n')}`);
      const lat = r.latencies.sort((a, b) => a - b);
      const cpu: number[] = [];
      for (let i = 0; i < 15; i++) {
        const em = hub.orm.em.fork();
        const started = process.cpuUsage();
        const rows = await em.find(Ticket, {}, { limit: 1000, orderBy: { createdAt: 'desc' } });
        const used = process.cpuUsage(started);
        if (rows.length < Math.min(1000, tickets)) throw new Error(`only ${rows.length} tickets`);
        cpu.push((used.user + used.system) / 1000);
      }
      results.push({ run, p50: pct(lat, 50), p99: pct(lat, 99), perSecond: requests / r.seconds, find1000CpuMs: median(cpu) });
    }
    console.log(`reading: tickets(first: 100) with district, department and matter, ${requests} requests × ${runs} runs at ${concurrency} concurrent, over ${tickets} tickets`);
    console.log('run |  p50 ms |  p99 ms | requests/s | em.find 1,000 tickets: CPU ms (median of 15)');
    for (const r of results) {
      console.log(`${String(r.run).padStart(3)} | ${r.p50.toFixed(1).padStart(7)} | ${r.p99.toFixed(1).padStart(7)} | ${r.perSecond.toFixed(0).padStart(10)} | ${r.find1000CpuMs.toFixed(1)}`);
    }
    const med = (k: 'p50' | 'p99' | 'perSecond' | 'find1000CpuMs') => median(results.map((r) => r[k]));
    console.log(`median: p50 ${med('p50').toFixed(1)} ms, p99 ${med('p99').toFixed(1)} ms, ${med('perSecond').toFixed(0)} requests/s; 1,000 entities ${med('find1000CpuMs').toFixed(1)} ms CPU`);
    console.log(JSON.stringify({ bench: 'reading', tickets, requests, concurrency, runs: results, median: { p50: med('p50'), p99: med('p99'), perSecond: med('perSecond'), find1000CpuMs: med('find1000CpuMs') } }));
  } finally {
    await hub.stop();
    await db.stop();
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
