/**
 * The heatmap over a million tickets: last 7 days, whole city, from the rollups and by GROUP BY.
 *
 *   npm run build && node dist/test/bench/heatmap.bench.js [--tickets 1000000] [--runs 50] [--seed 1]
 *
 * Starts a hub on a throw-away embedded PostgreSQL (or DATABASE_URL's server, in a scratch
 * database), loads Guangzhou's directory, then bulk-loads N located tickets with SQL (not through
 * GraphQL or the outbox): 95 % over the last 7 days with a daytime peak, 5 % older (which the
 * window must leave out), at points drawn around the district centroids (Gaussian, a few km) and
 * around a few dozen hotspots, turned into H3 cells in this process. heatmap_hourly and
 * heatmap_daily are then built from the loaded tickets by SQL that groups them as the rollup
 * consumer (applyHeatmapRollup) does: UTC hour × cell × district × matter (NO_MATTER for none),
 * and UTC day × cell × district. VACUUM (ANALYZE) follows, as autovacuum would have done on a live
 * table. Then, alternating within the same run (the order rotates each round), after 3 warm-ups
 * each, it measures
 *   a) HeatmapService.run for LAST_7D at the stored resolution, no filter (daily + hourly
 *      rollups, part-hours at the edges from the tickets);
 *   b) the same query end to end: `heatmap(window: LAST_7D)` over HTTP with an ANALYST token;
 *   c) the baseline: HeatmapService.countsFromTickets, a GROUP BY over the tickets table;
 * checks that a) and c) give the same cells with the same counts in every round, and prints a
 * table (p50, p90, p99, min) and a JSON line (starting with `{"bench":"heatmap"`).
 */
import 'reflect-metadata';
import { performance } from 'node:perf_hooks';
import { latLngToCell } from 'h3-js';
import { Client } from 'pg';
import { NO_MATTER } from '../../src/analytics/heatmap.entity';
import { HeatmapWindow } from '../../src/analytics/heatmap.service';
import type { HeatmapResult, HeatmapSpec } from '../../src/analytics/heatmap.service';
import { loadConfig } from '../../src/app/config';
import { startHub } from '../../src/app/hub';
import type { Hub } from '../../src/app/hub';
import { Role, signToken } from '../../src/auth/viewer';
import { seededRandom } from '../../src/routing/random';
import { seedDirectory } from '../../src/seed/demo';
import { GUANGZHOU_DISTRICTS } from '../../src/seed/guangzhou';
import { inChild } from './support/child';
import type { LoadResult } from './support/http-load';
import { arg, benchDatabase, median, percentile as pct } from './support/db';

const HOUR = 3_600_000;
const DAY = 86_400_000;
const WEEK = 7 * DAY;
const BATCH = 20_000;
/** the share of tickets older than the window */
const OLDER = 0.05;
/** the share of tickets at hotspots (a market, a building site, a station…) */
const AT_HOTSPOTS = 0.25;
const HOTSPOTS = 40;

/** Rough weight (residents, millions) and spread (σ, km) of each district's tickets around its centroid. */
const SPREAD: Record<string, { weight: number; sigmaKm: number }> = {
  '440103': { weight: 1.1, sigmaKm: 1.5 }, // 荔湾
  '440104': { weight: 1.0, sigmaKm: 1 }, // 越秀
  '440105': { weight: 1.8, sigmaKm: 2 }, // 海珠
  '440106': { weight: 2.2, sigmaKm: 2 }, // 天河
  '440111': { weight: 3.7, sigmaKm: 3.5 }, // 白云
  '440112': { weight: 1.3, sigmaKm: 3 }, // 黄埔
  '440113': { weight: 2.8, sigmaKm: 3 }, // 番禺
  '440114': { weight: 1.7, sigmaKm: 3.5 }, // 花都
  '440115': { weight: 0.9, sigmaKm: 4 }, // 南沙
  '440117': { weight: 0.7, sigmaKm: 4.5 }, // 从化
  '440118': { weight: 1.5, sigmaKm: 4 }, // 增城
};

/** Calls by local hour (UTC+8): quiet at night, busiest in office hours. */
const BY_HOUR = [0.15, 0.15, 0.15, 0.15, 0.15, 0.15, 0.2, 0.5, 0.9, 1, 1, 1, 0.7, 0.7, 1, 1, 1, 1, 0.7, 0.7, 0.7, 0.7, 0.35, 0.35];

interface Place {
  districtId: string;
  lat: number;
  lng: number;
  sigmaKm: number;
  weight: number;
}

/** Draws ticket times and places. */
function generator(seed: number, now: number, districtIds: Map<string, string>) {
  // seeded, so that every run loads the same tickets
  const random = seededRandom(seed);
  const gauss = () => Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
  const pick = <T extends { weight: number }>(xs: T[], total: number): T => {
    let r = random() * total;
    for (const x of xs) if ((r -= x.weight) < 0) return x;
    return xs[xs.length - 1];
  };
  const around = (lat: number, lng: number, sigmaKm: number): [number, number] => [
    lat + (gauss() * sigmaKm) / 110.574,
    lng + (gauss() * sigmaKm) / (111.32 * Math.cos((lat * Math.PI) / 180)),
  ];
  const districts: Place[] = GUANGZHOU_DISTRICTS.map((d) => ({ districtId: districtIds.get(d.code)!, lat: d.lat, lng: d.lng, ...SPREAD[d.code] }));
  const districtTotal = districts.reduce((s, d) => s + d.weight, 0);
  const hotspots: Place[] = Array.from({ length: HOTSPOTS }, (_, k) => {
    const d = pick(districts, districtTotal);
    const [lat, lng] = around(d.lat, d.lng, d.sigmaKm * 0.6);
    return { districtId: d.districtId, lat, lng, sigmaKm: 0.3, weight: 1 / (k + 1) };
  });
  const hotspotTotal = hotspots.reduce((s, h) => s + h.weight, 0);
  const time = (): number => {
    if (random() < OLDER) return now - WEEK - 1 - Math.floor(random() * 4 * WEEK);
    for (;;) {
      const t = now - 1 - Math.floor(random() * WEEK);
      if (random() < BY_HOUR[Math.floor((t + 8 * HOUR) / HOUR) % 24]) return t;
    }
  };
  return () => {
    const p = random() < AT_HOTSPOTS ? pick(hotspots, hotspotTotal) : pick(districts, districtTotal);
    const [lat, lng] = around(p.lat, p.lng, p.sigmaKm);
    return { createdAt: time(), districtId: p.districtId, lat, lng };
  };
}

const INSERT = `insert into tickets (id, number, channel, category, title, content, lat, lng, cell, district_id,
    access_needs, co_department_ids, rejected_department_ids, created_at, updated_at)
  select gen_random_uuid(), 'B-' || ($1::int + u.n), (array['PHONE','WECHAT','WEB','APP'])[1 + (u.n % 4)],
    (array['COMPLAINT','HELP_REQUEST','CONSULTATION','REPORT','SUGGESTION'])[1 + (u.n % 5)], '热力图基准工单', '基准: 批量载入的工单',
    u.lat, u.lng, u.cell, u.district_id, '{}', '{}', '{}', u.created_at, u.created_at
  from unnest($2::timestamptz[], $3::text[], $4::uuid[], $5::float8[], $6::float8[])
    with ordinality as u(created_at, cell, district_id, lat, lng, n)`;

// what applyHeatmapRollup adds up, event by event, grouped at once (hour and day are UTC)
const HOURLY = `insert into heatmap_hourly (hour, cell, district_id, matter_id, count)
  select date_trunc('hour', created_at at time zone 'UTC') at time zone 'UTC', cell, district_id, coalesce(matter_id, '${NO_MATTER}'::uuid), count(*)
  from tickets where cell is not null group by 1, 2, 3, 4`;
const DAILY = `insert into heatmap_daily (day, cell, district_id, count)
  select date_trunc('day', created_at at time zone 'UTC') at time zone 'UTC', cell, district_id, count(*)
  from tickets where cell is not null group by 1, 2, 3`;

interface GraphQLHeatmap {
  total: number;
  cells: { cell: string; count: number }[];
}

interface Stats {
  p50: number;
  p90: number;
  p99: number;
  min: number;
}

function stats(xs: number[]): Stats {
  const s = [...xs].sort((a, b) => a - b);
  return { p50: pct(s, 50), p90: pct(s, 90), p99: pct(s, 99), min: s[0] };
}

/** How the service splits the window (as HeatmapService.counts does), for the printout. */
function split(spec: HeatmapSpec): string {
  const from = spec.from.getTime();
  const to = spec.to.getTime();
  const h0 = Math.ceil(from / HOUR) * HOUR;
  const h1 = Math.floor(to / HOUR) * HOUR;
  const d0 = Math.ceil(h0 / DAY) * DAY;
  const d1 = Math.floor(h1 / DAY) * DAY;
  const min = (ms: number) => `${(ms / 60_000).toFixed(0)} min`;
  return (
    `tickets for ${min(h0 - from)} + ${min(to - h1)} at the edges, heatmap_hourly for ${(d0 - h0) / HOUR} + ${(h1 - d1) / HOUR} h, ` +
    `heatmap_daily for ${(d1 - d0) / DAY} days`
  );
}

async function main(): Promise<void> {
  const tickets = arg('tickets', 1_000_000);
  const runs = arg('runs', 50);
  const seed = arg('seed', 1);
  const db = await benchDatabase('heatmap');
  const config = loadConfig({ NODE_ENV: 'production', AUTH_SECRET: 'bench-secret-bench-secret-bench-secret', DATABASE_URL: db.url, HOST: '127.0.0.1' });
  const resolution = config.HEATMAP_RESOLUTION;
  const pg = new Client({ connectionString: db.url, application_name: 'minsheng-bench' });
  let hub: Hub | null = null;
  try {
    hub = await startHub({ config, databaseUrl: db.url, port: 0, logger: { info: () => undefined, error: (m, e) => console.error(m, e) } });
    await pg.connect();
    const { districts } = await seedDirectory(hub.orm);
    const districtIds = new Map([...districts].map(([code, d]) => [code, d.id]));
    // load
    const now = Date.now();
    const next = generator(seed, now, districtIds);
    const t0 = performance.now();
    for (let done = 0; done < tickets; done += BATCH) {
      const n = Math.min(BATCH, tickets - done);
      const createdAt: string[] = new Array(n);
      const cells: string[] = new Array(n);
      const dists: string[] = new Array(n);
      const lats: number[] = new Array(n);
      const lngs: number[] = new Array(n);
      for (let i = 0; i < n; i++) {
        const t = next();
        createdAt[i] = new Date(t.createdAt).toISOString();
        cells[i] = latLngToCell(t.lat, t.lng, resolution);
        dists[i] = t.districtId;
        lats[i] = t.lat;
        lngs[i] = t.lng;
      }
      await pg.query(INSERT, [done, createdAt, cells, dists, lats, lngs]);
    }
    const t1 = performance.now();
    await pg.query(HOURLY);
    await pg.query(DAILY);
    const t2 = performance.now();
    await pg.query('vacuum (analyze) tickets, heatmap_hourly, heatmap_daily');
    const t3 = performance.now();
    const count = async (q: string) => Number((await pg.query<{ n: string }>(q)).rows[0].n);
    const rows = {
      tickets: await count('select count(*) as n from tickets'),
      inWindow: await count(`select count(*) as n from tickets where cell is not null and created_at >= '${new Date(now - WEEK).toISOString()}'`),
      hourly: await count('select count(*) as n from heatmap_hourly'),
      daily: await count('select count(*) as n from heatmap_daily'),
      cells: await count('select count(distinct cell) as n from tickets'),
    };
    const version = (await pg.query<{ v: string }>(`select current_setting('server_version') as v`)).rows[0].v;
    const load = { tickets: (t1 - t0) / 1000, rollups: (t2 - t1) / 1000, vacuumAnalyze: (t3 - t2) / 1000, total: (t3 - t0) / 1000, index: 0 };

    // the hub a city runs once its history is in place: a fresh start, which reads the last
    // days' located tickets into its in-memory index (after the grace period for other
    // processes' intakes)
    await hub.stop();
    hub = await startHub({ config, databaseUrl: db.url, port: 0, logger: { info: () => undefined, error: (m, e) => console.error(m, e) } });
    const url = hub.url;
    const heatmaps = hub.services.heatmaps;
    const t4 = performance.now();
    await heatmaps.indexReady();
    load.index = (performance.now() - t4) / 1000;

    // the three paths
    const spec = (): HeatmapSpec => {
      const to = Date.now();
      return { window: HeatmapWindow.LAST_7D, from: new Date(to - WEEK), to: new Date(to), resolution, districtIds: null, matterIds: null };
    };
    const token = await signToken(config.authSecret, { role: Role.ANALYST, subject: 'bench' });
    const body = JSON.stringify({ query: 'query { heatmap(window: LAST_7D) { total cells { cell count } } }' });
    const graphql = async (): Promise<GraphQLHeatmap> => {
      const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body });
      const json = (await res.json()) as { data?: { heatmap: GraphQLHeatmap }; errors?: unknown[] };
      if (!res.ok || json.errors || !json.data) throw new Error(`GraphQL ${res.status}: ${JSON.stringify(json.errors ?? json)}`);
      return json.data.heatmap;
    };
    const compactBody = JSON.stringify({ query: 'query { heatmap(window: LAST_7D) { total counts } }' });
    const graphqlCompact = async (): Promise<{ total: number; counts: Record<string, number> }> => {
      const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body: compactBody });
      const json = (await res.json()) as { data?: { heatmap: { total: number; counts: Record<string, number> } }; errors?: unknown[] };
      if (!res.ok || json.errors || !json.data) throw new Error(`GraphQL ${res.status}: ${JSON.stringify(json.errors ?? json)}`);
      return json.data.heatmap;
    };
    const timed = async <T>(f: () => Promise<T>): Promise<[number, T]> => {
      const start = performance.now();
      const r = await f();
      return [performance.now() - start, r];
    };

    const times = {
      rollups: [] as number[],
      sqlRollups: [] as number[],
      graphql: [] as number[],
      graphqlCompact: [] as number[],
      groupBy: [] as number[],
      childCells: [] as number[],
      childCounts: [] as number[],
    };
    let identical = 0;
    const mismatches: string[] = [];
    let last = { spec: spec(), total: 0, cells: 0, graphqlTotal: 0, graphqlCells: 0 };
    for (let round = -3; round < runs; round++) {
      const s = spec();
      const got: { a?: HeatmapResult; b?: GraphQLHeatmap; c?: Map<string, number> } = {};
      const steps = [
        async () => {
          const [ms, r] = await timed(() => heatmaps.run(s));
          got.a = r;
          if (round >= 0) times.rollups.push(ms);
        },
        async () => {
          const [ms, r] = await timed(() => heatmaps.countsFromRollups(s));
          if ([...r.values()].reduce((x, y) => x + y, 0) < 0) throw new Error('negative');
          if (round >= 0) times.sqlRollups.push(ms);
        },
        async () => {
          const [ms, r] = await timed(graphql);
          got.b = r;
          if (round >= 0) times.graphql.push(ms);
        },
        async () => {
          const [ms, r] = await timed(graphqlCompact);
          if (r.total !== Object.values(r.counts).reduce((x, y) => x + y, 0)) throw new Error('compact heatmap: total and counts disagree');
          if (round >= 0) times.graphqlCompact.push(ms);
        },
        async () => {
          const [ms, r] = await timed(() => heatmaps.countsFromTickets(s));
          got.c = r;
          if (round >= 0) times.groupBy.push(ms);
        },
      ];
      const k = ((round % steps.length) + steps.length) % steps.length;
      for (const step of [...steps.slice(k), ...steps.slice(0, k)]) await step();
      const [ra, rb, rc] = [got.a!, got.b!, got.c!];
      const fromRollups = new Map(ra.cells.map((x) => [x.cell, x.count]));
      const totalC = [...rc.values()].reduce((x, y) => x + y, 0);
      const cells = new Set([...fromRollups.keys(), ...rc.keys()]);
      const differ = [...cells].filter((cell) => fromRollups.get(cell) !== rc.get(cell)).length;
      if (ra.total === totalC && differ === 0) identical++;
      else mismatches.push(`round ${round}: rollups ${ra.total} in ${ra.cells.length} cells, GROUP BY ${totalC} in ${rc.size} cells, ${differ} cells differ`);
      last = { spec: s, total: ra.total, cells: ra.cells.length, graphqlTotal: rb.total, graphqlCells: rb.cells.length };
    }

    // the same GraphQL queries from another process (as a dashboard would send them): the
    // client's own work does not share the hub's event loop
    const fromChild = async (query: string) => {
      const r = await inChild<LoadResult>('http-load', { request: { url, token, concurrency: 1, requests: runs + 3, bodies: [query] } });
      if (r.errors.length) throw new Error(r.errors.join('\n'));
      return r.latencies.slice(3);
    };
    times.childCells = await fromChild(body);
    times.childCounts = await fromChild(compactBody);
    const result = {
      childCells: stats(times.childCells),
      childCounts: stats(times.childCounts),
      rollups: stats(times.rollups),
      sqlRollups: stats(times.sqlRollups),
      graphql: stats(times.graphql), graphqlCompact: stats(times.graphqlCompact), groupBy: stats(times.groupBy) };
    const ratio = median(times.groupBy) / median(times.rollups);
    const rounds = runs + 3;
    const f = (n: number) => n.toFixed(2).padStart(8);
    console.log(`heatmap, LAST_7D, whole city, resolution ${resolution}: ${rows.tickets} tickets, ${runs} runs (+3 warm-ups) per path, alternating`);
    console.log(`PostgreSQL ${version} (${db.embedded ? 'embedded' : 'DATABASE_URL server'}), seed ${seed}`);
    console.log(
      `load: tickets generated and inserted by SQL in ${load.tickets.toFixed(1)} s (batches of ${BATCH}, not through GraphQL or the outbox), ` +
        `rollups built by SQL from the tickets as the rollup consumer would (UTC hour/day) in ${load.rollups.toFixed(1)} s, ` +
        `VACUUM (ANALYZE) ${load.vacuumAnalyze.toFixed(1)} s; total ${load.total.toFixed(1)} s; ` +
        `then a fresh hub read the last 8 days into its in-memory index in ${load.index.toFixed(1)} s (incl. the 5 s grace)`,
    );
    console.log(
      `rows: tickets ${rows.tickets} (${rows.inWindow} in the last 7 days at load), heatmap_hourly ${rows.hourly}, heatmap_daily ${rows.daily}; ` +
        `distinct cells ${rows.cells} (all tickets), ${last.cells} in the answer`,
    );
    console.log(`window split (last round): ${split(last.spec)}`);
    console.log(
      `check a) = c): ${identical}/${rounds} rounds identical (same cells, same counts); last: total ${last.total} in ${last.cells} cells; ` +
        `GraphQL (its own now) total ${last.graphqlTotal} in ${last.graphqlCells} cells`,
    );
    for (const m of mismatches.slice(0, 5)) console.log(`  MISMATCH ${m}`);
    console.log('path                                      |   p50 ms |   p90 ms |   p99 ms |   min ms');
    const line = (name: string, s: Stats) => console.log(`${name.padEnd(41)} | ${f(s.p50)} | ${f(s.p90)} | ${f(s.p99)} | ${f(s.min)}`);
    line('a) HeatmapService.run (memory index)', result.rollups);
    line('a2) SQL rollups + edges (no index)', result.sqlRollups);
    line('b) GraphQL over HTTP: heatmap(LAST_7D)', result.graphql);
    line('b2) GraphQL over HTTP, { total counts }', result.graphqlCompact);
    line('b3) b) sent from another process', result.childCells);
    line('b4) b2) sent from another process', result.childCounts);
    line('c) GROUP BY over tickets', result.groupBy);
    console.log(`ratio c/a of medians: ${ratio.toFixed(1)}×`);
    const target = 20;
    console.log(
      `target p50 ≤ ${target} ms: service ${result.rollups.p50.toFixed(2)} ms (${result.rollups.p50 <= target ? 'met' : 'NOT met'}), ` +
        `GraphQL { total counts } from another process ${result.childCounts.p50.toFixed(2)} ms (${result.childCounts.p50 <= target ? 'met' : 'NOT met'}), ` +
        `GraphQL cells list from another process ${result.childCells.p50.toFixed(2)} ms (${result.childCells.p50 <= target ? 'met' : 'NOT met'})`,
    );
    console.log(
      JSON.stringify({
        bench: 'heatmap',
        tickets: rows.tickets,
        runs,
        seed,
        resolution,
        load,
        rows,
        identical: identical === rounds,
        rollups: result.rollups,
        sqlRollups: result.sqlRollups,
        graphql: result.graphql,
        graphqlCompact: result.graphqlCompact,
        fromAnotherProcess: { cells: result.childCells, counts: result.childCounts },
        groupBy: result.groupBy,
        ratio,
      }),
    );
    if (identical !== rounds) process.exitCode = 1;
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
