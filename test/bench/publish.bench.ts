/**
 * Publishing a duty list while the hub is in use: how long requests wait meanwhile.
 *
 *   npm run build && node dist/test/bench/publish.bench.js [--runs 3] [--interval 20]
 *
 * Starts a hub on a throw-away database (DATABASE_URL's server, in a scratch database, or an
 * embedded PostgreSQL), loads the directory and the demo duty list, then per run: a client sends
 * `{ __typename }` every `interval` ms over keep-alive HTTP (from another process, as a browser
 * would) for two quiet seconds — the baseline — and then while a supervisor publishes a copy of
 * the list in force (the router trains on it). Prints the requests' wait (p50, p99, max) in both
 * windows and how long the publication took.
 */
import 'reflect-metadata';
import { fork } from 'node:child_process';
import { loadConfig } from '../../src/app/config';
import { startHub } from '../../src/app/hub';
import { Role, signToken } from '../../src/auth/viewer';
import { seedDirectory, seedDutyList } from '../../src/seed/demo';
import { arg, benchDatabase, median, percentile } from './support/db';

/** A pinger in its own process: `{ __typename }` every `interval` ms until told to stop; answers the waits. */
function pinger(url: string, interval: number) {
  const child = fork(__filename, ['--ping', url, String(interval)], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const ready = new Promise<void>((resolve) => child.once('message', () => resolve()));
  return {
    /** once its connection is open and a first answer came (not counted) */
    ready,
    stop: () =>
      new Promise<number[]>((resolve) => {
        child.once('message', (waits) => resolve(waits as number[]));
        child.send('stop');
      }),
  };
}

async function ping(url: string, interval: number): Promise<void> {
  const waits: number[] = [];
  let running = true;
  process.on('message', () => (running = false));
  const ask = () => fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"query":"{ __typename }"}' }).then((r) => r.text());
  await ask(); // (the connection opened: not counted)
  process.send!('ready');
  while (running) {
    const started = performance.now();
    await ask();
    waits.push(performance.now() - started);
    await new Promise((r) => setTimeout(r, interval));
  }
  process.send!(waits, () => process.exit(0));
}

async function main(): Promise<void> {
  const runs = arg('runs', 3);
  const interval = arg('interval', 20);
  const db = await benchDatabase('publish');
  const config = loadConfig({ NODE_ENV: 'production', AUTH_SECRET: 'bench-secret-bench-secret-bench-secret', DATABASE_URL: db.url, HOST: '127.0.0.1', RATE_LIMIT_PER_MINUTE: '10000000' });
  const hub = await startHub({ config, databaseUrl: db.url, port: 0, logger: { info: () => undefined, error: (m, e) => console.error(m, e) } });
  try {
    await seedDirectory(hub.orm);
    await seedDutyList(hub.orm, config);
    const url = hub.url.replace('localhost', '127.0.0.1');
    const token = await signToken(config.authSecret, { role: Role.SUPERVISOR, subject: 'bench' });
    const gql = async (query: string, variables: Record<string, unknown> = {}) => {
      const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body: JSON.stringify({ query, variables }) });
      const body = (await res.json()) as { data?: Record<string, { number: number; version: number }>; errors?: unknown[] };
      if (body.errors) throw new Error(JSON.stringify(body.errors));
      return body.data!;
    };
    const row = (name: string, w: number[]) => {
      const s = [...w].sort((a, b) => a - b);
      return { name, requests: s.length, p50: percentile(s, 50), p99: percentile(s, 99), max: s[s.length - 1] };
    };
    const results: { run: number; quiet: ReturnType<typeof row>; busy: ReturnType<typeof row>; took: number }[] = [];
    console.log(`publishing a copy of the demo duty list while { __typename } is asked every ${interval} ms, ${runs} runs`);
    console.log('run | quiet: p50 / p99 / max ms | publishing: p50 / p99 / max ms | publication took ms');
    for (let run = 1; run <= runs; run++) {
      const quietPinger = pinger(url, interval);
      await quietPinger.ready;
      await new Promise((r) => setTimeout(r, 2000));
      const quiet = row('quiet', await quietPinger.stop());
      const { createDutyListDraft: draft } = await gql('mutation { createDutyListDraft(notes: "bench") { number version } }');
      const busyPinger = pinger(url, interval);
      await busyPinger.ready;
      const started = performance.now();
      await gql('mutation($n: Int!, $v: Int!) { publishDutyList(number: $n, expectedVersion: $v) { number } }', { n: draft.number, v: draft.version });
      const took = performance.now() - started;
      const busy = row('publishing', await busyPinger.stop());
      results.push({ run, quiet, busy, took });
      const f = (x: number) => x.toFixed(1);
      console.log(`${run} | ${f(quiet.p50)} / ${f(quiet.p99)} / ${f(quiet.max)} | ${f(busy.p50)} / ${f(busy.p99)} / ${f(busy.max)} | ${took.toFixed(0)}`);
    }
    const med = (k: (r: (typeof results)[number]) => number) => median(results.map(k));
    console.log(
      `median: quiet max ${med((r) => r.quiet.max).toFixed(1)} ms; while publishing p99 ${med((r) => r.busy.p99).toFixed(1)} ms, max ${med((r) => r.busy.max).toFixed(1)} ms; publication ${med((r) => r.took).toFixed(0)} ms`,
    );
    console.log(JSON.stringify({ bench: 'publish', interval, runs: results }));
  } finally {
    await hub.stop();
    await db.stop();
  }
}

if (process.argv[2] === '--ping') void ping(process.argv[3], Number(process.argv[4]));
else
  main().catch((e) => {
    console.error(e);
    process.exit(1);
  });
