/**
 * The hotline's figures over a year of tickets, as BI tools and monthly reports ask for them.
 *
 *   npm run build && node dist/test/bench/figures.bench.js [--tickets 1000000] [--runs 7]
 *
 * Starts a hub on a throw-away embedded PostgreSQL (or DATABASE_URL's server, in a scratch
 * database), loads Guangzhou's directory and the demo duty list, then bulk-loads N tickets with
 * SQL (not through GraphQL), spread over the 365 days before now: each in a district, at a
 * department of that district, under one of the duty list's matters, worked through the lifecycle
 * in the proportions of a hotline (most accepted and resolved, some late, some rejected, re-routed
 * or re-opened, a few merged duplicates, return visits with their satisfaction). VACUUM (ANALYZE)
 * follows. Then, alternating within each round, over HTTP with an ANALYST token (a BI tool):
 *   - `ticketFigures` for the year: no breakdown; by DISTRICT × MONTH; by MATTER; by DEPARTMENT;
 *     by DAY; and one district's year by DEPARTMENT;
 *   - `departmentFigures` for the year (rejects from the audit log);
 *   - the baseline: `select count(*)` of the year's tickets on a plain connection — the least a
 *     pass over them costs.
 * Prints p50 / min ms per query and its ratio to the baseline, and a JSON line (`{"bench":"figures"`).
 */
import 'reflect-metadata';
import { performance } from 'node:perf_hooks';
import { Client } from 'pg';
import { loadConfig } from '../../src/app/config';
import { startHub } from '../../src/app/hub';
import type { Hub } from '../../src/app/hub';
import { Role, signToken } from '../../src/auth/viewer';
import { seedDirectory, seedDutyList } from '../../src/seed/demo';
import { arg, benchDatabase, median } from './support/db';

const DAY = 86_400_000;
const BATCH = 100_000;

/**
 * N tickets from row n0 on, over the year before $2. Each row's lot (r1…r5, uniform in [0, 1)) decides its path:
 * 3 % merged duplicates, 2 % more waiting for dispatch, 5 % rejected once, 4 % re-routed, 90 %
 * accepted (80 % of them within 2 hours), 84 % resolved (85 % of those on time), of which 7 %
 * re-opened after a dissatisfied return visit and 63 % more return-visited (satisfied or basically).
 */
const INSERT = `
with districts_of as (select array_agg(id order by code) as ids from districts),
     departments_of as (select district_id, array_agg(id order by code) as ids from departments where district_id is not null group by 1),
     matters_of as (select array_agg(id order by code) as ids, (array_agg(version_id))[1] as version_id from matters where department_kind is not null),
lot as (
  select n, random() as r1, random() as r2, random() as r3, random() as r4, random() as r5,
         $2::timestamptz - (random() * interval '365 days') as created_at,
         (select ids[1 + (n % cardinality(ids))] from districts_of) as district_id,
         (select ids[1 + ((n::bigint * 7919) % cardinality(ids))::int] from matters_of) as matter_id,
         (select version_id from matters_of) as version_id
    from generate_series($1::int, $1::int + $3::int - 1) as n
),
x as (
  select lot.*, dd.ids[1 + ((n / 11) % cardinality(dd.ids))] as dep, r1 < 0.03 and n > 0 as dup,
         r1 >= 0.03 and r3 < 0.93 as accepted, r1 >= 0.03 and r3 < 0.93 and r5 < 0.93 as resolved
    from lot join departments_of dd on dd.district_id = lot.district_id
)
insert into tickets (id, number, channel, category, title, content, district_id, urgency, access_needs, status,
    lead_department_id, first_department_id, co_department_ids, rejected_department_ids, reject_count, reroute_count,
    parent_id, dispatched_at, accept_deadline, resolve_deadline, due_at, accepted_at, resolved_at, closed_at,
    satisfaction, resolution, reopen_count, extension_pending, matter_id, duty_list_version_id, created_at, updated_at, version)
select gen_random_uuid(), 'F-' || n, (array['PHONE','PHONE','PHONE','WECHAT','WEB','APP'])[1 + (n % 6)],
       (array['COMPLAINT','HELP_REQUEST','CONSULTATION','REPORT','SUGGESTION'])[1 + (n % 5)], '考核基准工单', '基准: 批量载入的工单',
       district_id, 'NORMAL', '{}',
       case when dup then 'MERGED' when r1 < 0.05 then 'RECEIVED' when not accepted then 'DISPATCHED'
            when not resolved then 'IN_PROGRESS' when r4 < 0.07 then 'REOPENED' when r4 < 0.7 then 'CLOSED' else 'RESOLVED' end,
       case when dup or r1 < 0.05 then null else dep end, case when r1 < 0.05 and not dup then null else dep end,
       '{}', '{}', case when r2 < 0.05 then 1 else 0 end, case when r2 between 0.05 and 0.09 then 1 else 0 end,
       null, case when r1 >= 0.05 then created_at end,
       case when r1 >= 0.05 and not (resolved and r4 < 0.07) then created_at + interval '2 hours' end,
       case when r1 >= 0.05 and not (resolved and r4 < 0.07) then created_at + interval '7 days' end,
       case when r1 >= 0.05 and not resolved then created_at + interval '7 days' end,
       case when accepted then created_at + case when r3 < 0.8 then interval '1 hour' else interval '5 hours' end end,
       case when resolved and r4 >= 0.07 then created_at + case when r5 < 0.85 then interval '3 days' else interval '9 days' end end,
       case when resolved and r4 >= 0.07 and r4 < 0.7 then created_at + interval '10 days' end,
       case when resolved and r4 < 0.07 then 'DISSATISFIED' when resolved and r4 < 0.55 then 'SATISFIED' when resolved and r4 < 0.7 then 'BASICALLY_SATISFIED' end,
       case when resolved and r4 < 0.07 then 'NOT_RESOLVED' when resolved and r4 < 0.6 then 'RESOLVED' when resolved and r4 < 0.7 then 'PARTLY_RESOLVED' end,
       case when resolved and r4 < 0.07 then 1 else 0 end, false, matter_id, version_id, created_at, created_at, 1
  from x`;

interface Case {
  name: string;
  query: string;
  variables: Record<string, unknown>;
}

async function main(): Promise<void> {
  const tickets = arg('tickets', 1_000_000);
  const runs = arg('runs', 7);
  const db = await benchDatabase('figures');
  // (the SLA clock would spend the run escalating the loaded year's unresolved tickets — 200,000
  // reminders and more — which a running hub did as they fell due: it waits a day here)
  const config = loadConfig({ NODE_ENV: 'production', AUTH_SECRET: 'bench-secret-bench-secret-bench-secret', DATABASE_URL: db.url, HOST: '127.0.0.1', RATE_LIMIT_PER_MINUTE: '10000000', SLA_CLOCK_SECONDS: '86400' });
  const pg = new Client({ connectionString: db.url, application_name: 'minsheng-bench' });
  let hub: Hub | null = null;
  try {
    hub = await startHub({ config, databaseUrl: db.url, port: 0, logger: { info: () => undefined, error: (m, e) => console.error(m, e) } });
    await pg.connect();
    await seedDirectory(hub.orm);
    await seedDutyList(hub.orm, config);
    const now = new Date();
    const t0 = performance.now();
    for (let done = 0; done < tickets; done += BATCH) await pg.query(INSERT, [done, now, Math.min(BATCH, tickets - done)]);
    // merged duplicates: under the report just before them
    await pg.query(`update tickets c set parent_id = p.id from tickets p
                     where c.status = 'MERGED' and p.number = 'F-' || (substr(c.number, 3)::int - 1)`);
    await pg.query('vacuum (analyze) tickets');
    const loadSeconds = (performance.now() - t0) / 1000;
    const token = await signToken(config.authSecret, { role: Role.ANALYST, subject: 'bi-bench' });
    const from = new Date(now.getTime() - 365 * DAY).toISOString();
    const to = new Date(now.getTime() + 60_000).toISOString();
    const { rows: district } = await pg.query<{ code: string }>('select code from districts order by code limit 1');
    const figures = (groupBy: string[], filter?: Record<string, unknown>): Case => ({
      name: `ticketFigures ${groupBy.join(' × ') || '(whole year)'}${filter ? ` ${JSON.stringify(filter)}` : ''}`,
      query: `query($from: DateTimeISO!, $to: DateTimeISO!, $g: [FigureDimension!], $f: TicketFiguresFilter) {
        ticketFigures(from: $from, to: $to, groupBy: $g, filter: $f) { district { code } department { code } matterCode period channel
          tickets duplicates accepted acceptedOnTime resolved resolvedOnTime overdue rejected firstDispatchAccuracy reopenRate satisfactionRate resolutionRate meanHoursToResolve } }`,
      variables: { from, to, g: groupBy, f: filter },
    });
    const cases: Case[] = [
      figures([]),
      figures(['DISTRICT', 'MONTH']),
      figures(['MATTER']),
      figures(['DEPARTMENT']),
      figures(['DAY']),
      figures(['DEPARTMENT'], { districtCodes: [district[0].code] }),
      {
        name: 'departmentFigures (whole year)',
        query: `query($from: DateTimeISO!, $to: DateTimeISO!) { departmentFigures(from: $from, to: $to) { department { code } tickets rejected accepted resolved satisfactionRate } }`,
        variables: { from, to },
      },
    ];
    const post = async (c: Case): Promise<{ ms: number; groups: number; tickets: number }> => {
      const t = performance.now();
      const res = await fetch(`${hub!.url.replace('localhost', '127.0.0.1')}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: JSON.stringify({ query: c.query, variables: c.variables }),
      });
      const body = (await res.json()) as { data?: Record<string, { tickets: number }[]>; errors?: unknown[] };
      const ms = performance.now() - t;
      if (body.errors) throw new Error(`${c.name}: ${JSON.stringify(body.errors)}`);
      const rows = Object.values(body.data!)[0];
      return { ms, groups: rows.length, tickets: rows.reduce((s, r) => s + r.tickets, 0) };
    };
    const baseline = async (): Promise<number> => {
      const t = performance.now();
      await pg.query('select count(*) from tickets where created_at >= $1 and created_at < $2', [from, to]);
      return performance.now() - t;
    };
    // warm-up: every query twice
    for (const c of cases) for (let i = 0; i < 2; i++) await post(c);
    for (let i = 0; i < 2; i++) await baseline();
    const times = new Map<string, number[]>(cases.map((c) => [c.name, []]));
    const base: number[] = [];
    const shape = new Map<string, { groups: number; tickets: number }>();
    for (let round = 0; round < runs; round++) {
      base.push(await baseline());
      for (const c of cases) {
        const r = await post(c);
        times.get(c.name)!.push(r.ms);
        shape.set(c.name, { groups: r.groups, tickets: r.tickets });
      }
    }
    const baseP50 = median(base);
    console.log(`figures over a year: ${tickets.toLocaleString('en')} tickets loaded in ${loadSeconds.toFixed(0)} s; ${runs} rounds, each query once per round, over HTTP as an ANALYST`);
    console.log(`baseline: select count(*) of the year's tickets, p50 ${baseP50.toFixed(1)} ms, min ${Math.min(...base).toFixed(1)} ms`);
    console.log('query | groups | reports counted | p50 ms | min ms | p50 ÷ baseline p50');
    const out: Record<string, unknown>[] = [];
    for (const c of cases) {
      const xs = times.get(c.name)!;
      const s = shape.get(c.name)!;
      const p50 = median(xs);
      console.log(`${c.name} | ${s.groups} | ${s.tickets} | ${p50.toFixed(1)} | ${Math.min(...xs).toFixed(1)} | ×${(p50 / baseP50).toFixed(2)}`);
      out.push({ name: c.name, groups: s.groups, tickets: s.tickets, p50, min: Math.min(...xs), ratio: p50 / baseP50 });
    }
    console.log(JSON.stringify({ bench: 'figures', tickets, runs, baseline: { p50: baseP50, min: Math.min(...base) }, cases: out }));
  } finally {
    await pg.end().catch(() => undefined);
    await hub?.stop();
    await db.stop();
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
