import { Client } from 'pg';
import type { MikroORM } from '@mikro-orm/postgresql';
import { startThrowawayPostgres } from '../../../src/app/database';
import type { Database } from '../../../src/app/database';
import { consumersBehind as behindOf } from '../../../src/realtime/consumer';

/**
 * A database for a benchmark: a scratch database on DATABASE_URL's server (dropped at the end),
 * else a throw-away embedded PostgreSQL.
 */
export async function benchDatabase(tag: string): Promise<Database> {
  if (process.env.DATABASE_URL) {
    const name = `minsheng_bench_${tag}_${process.pid}`;
    const admin = new Client({ connectionString: process.env.DATABASE_URL });
    await admin.connect();
    await admin.query(`create database "${name}"`);
    await admin.end();
    const url = new URL(process.env.DATABASE_URL);
    url.pathname = `/${name}`;
    return {
      url: url.toString(),
      embedded: false,
      stop: async () => {
        const c = new Client({ connectionString: process.env.DATABASE_URL });
        await c.connect();
        await c.query(`drop database if exists "${name}" with (force)`);
        await c.end();
      },
    };
  }
  return startThrowawayPostgres('bench', `minsheng-bench-${tag}-`);
}

export function arg(name: string, dflt: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : dflt;
}

export function stringArg(name: string, dflt: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : dflt;
}

export function argList(name: string, dflt: number[]): number[] {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1].split(',').map(Number) : dflt;
}

export function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

/** How far each background consumer's checkpoint is behind the outbox (events), by name. */
export function consumersBehind(orm: MikroORM): Promise<{ name: string; behind: number }[]> {
  return behindOf(orm.em.fork());
}

/** Waits (up to `ms`) until every background consumer has caught up with the outbox. */
export async function consumersCaughtUp(orm: MikroORM, ms: number): Promise<void> {
  for (const until = Date.now() + ms; Date.now() < until; ) {
    if ((await consumersBehind(orm)).every((l) => l.behind <= 0)) return;
    await new Promise((r) => setTimeout(r, 200));
  }
}
