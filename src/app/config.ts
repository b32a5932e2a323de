import { randomBytes } from 'node:crypto';
import { chmodSync, linkSync, mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';

/** Where the project lives: two levels above this file, in source and in dist alike. */
export const PROJECT_ROOT = findProjectRoot();

function findProjectRoot(): string {
  // src/app/config.ts -> ../.. ; dist/src/app/config.js -> ../../..
  const up2 = path.resolve(__dirname, '..', '..');
  return path.basename(up2) === 'dist' ? path.dirname(up2) : up2;
}

const bool = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'])
  .transform((v) => v === 'true' || v === '1' || v === 'yes');

/** A calendar date that exists (2027-02-30 does not). */
const realDate = (d: string) => {
  const t = Date.parse(`${d}T00:00:00Z`);
  return /^\d{4}-\d{2}-\d{2}$/.test(d) && !Number.isNaN(t) && new Date(t).toISOString().slice(0, 10) === d;
};
const csvDates = z
  .string()
  .transform((s) => s.split(',').map((d) => d.trim()).filter(Boolean))
  .pipe(z.array(z.string().refine(realDate, { error: (issue) => `${String(issue.input)} is not a date: dates are YYYY-MM-DD` })));
/** make-up working days (调休) are weekend days */
const onWeekend = (d: string) => [0, 6].includes(new Date(`${d}T00:00:00Z`).getUTCDay());
const weekendDates = csvDates.refine((days) => days.every(onWeekend), {
  error: (issue) => `make-up working days are Saturdays or Sundays; not ${(issue.input as string[]).filter((d) => !onWeekend(d)).join(', ')}`,
});

const bounds = z
  .string()
  .transform((s) => s.split(',').map((n) => Number(n.trim())))
  .pipe(z.tuple([z.number(), z.number(), z.number(), z.number()]))
  .refine(([s, w, n, e]) => s < n && w < e, 'expected south,west,north,east with south<north, west<east');

const schema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  PORT: z.coerce.number().int().min(0).max(65535).default(4000),
  HOST: z.string().default('0.0.0.0'),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// or postgresql:// URL')
    .optional(),
  /** read replicas (standbys of DATABASE_URL) for dashboards' and BI tools' aggregates, comma-separated */
  DATABASE_REPLICA_URLS: z
    .string()
    .transform((s) => s.split(',').map((u) => u.trim()).filter(Boolean))
    .pipe(z.array(z.string().regex(/^postgres(ql)?:\/\//, 'each must be a postgres:// or postgresql:// URL')))
    .default([]),
  DATA_DIR: z.string().default(path.join(PROJECT_ROOT, '.data')),
  EMBEDDED_PG_PORT: z.coerce.number().int().min(1).max(65535).default(54329),
  AUTH_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
  /** key of the callers' pseudonyms (HMAC of the phone number); default AUTH_SECRET */
  PSEUDONYM_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
  TOKEN_TTL: z.string().default('12h'),
  AUTH_PUBLIC_KEY: z.string().regex(/BEGIN PUBLIC KEY/, 'must be a PEM public key (SPKI)').optional(),
  AUTH_PUBLIC_KEY_ALG: z.enum(['RS256', 'ES256']).default('RS256'),
  AUTH_JWKS_URL: z.string().url().optional(),
  AUTH_ISSUER: z.string().optional(),
  AUTH_AUDIENCE: z.string().optional(),
  WS_AUTH_RECHECK_SECONDS: z.coerce.number().positive().default(10),
  SEED_DEMO: bool.default(true),
  CITY_CODE: z.string().regex(/^[A-Z]{2,4}$/, 'must be 2-4 capital letters, e.g. GZ').default('GZ'),
  CITY_BOUNDS: bounds.default([22.5, 112.9, 23.95, 114.1]),
  CALENDAR_HOLIDAYS: csvDates.optional(),
  CALENDAR_WORKDAYS: weekendDates.optional(),
  WORKDAY_HOURS: z
    .string()
    .regex(/^\d{2}:\d{2}-\d{2}:\d{2}$/, 'must look like 09:00-18:00')
    .default('09:00-18:00'),
  ROUTING_THRESHOLD: z.coerce.number().min(0).max(1.01, 'must be between 0 and 1 (above 1 turns automatic dispatch off)').default(0.6),
  LOG_SQL: bool.default(false),
  EVENT_BUS: z.enum(['memory', 'postgres', 'redis']).default('memory'),
  REDIS_URL: z.string().regex(/^rediss?:\/\//, 'must be a redis:// or rediss:// URL').optional(),
  OUTBOX_RETENTION_HOURS: z.coerce.number().positive().default(72),
  SUBSCRIPTION_BUFFER_BYTES: z.coerce.number().int().min(1024).default(4 * 1024 * 1024),
  HEATMAP_RESOLUTION: z.coerce.number().int().min(5).max(10).default(8),
  HEATMAP_INDEX_GRACE_MS: z.coerce.number().int().min(0).default(5000),
  RETENTION_DAYS: z.coerce.number().positive().default(180),
  HOT_ISSUE_MAX_TICKETS: z.coerce.number().int().min(10).max(100_000).default(5000),
  SLA_CLOCK_SECONDS: z.coerce.number().positive().default(60),
  RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(1).default(20000),
  /** when set, GET /metrics asks for `Authorization: Bearer <METRICS_TOKEN>` */
  METRICS_TOKEN: z.string().min(16, 'must be at least 16 characters').optional(),
  /** where rate-limit counters live; by default shared like the event bus (memory for one process) */
  RATE_LIMIT_STORE: z.enum(['memory', 'postgres', 'redis']).optional(),
  MAX_DEPTH: z.coerce.number().int().min(2).default(12),
  MAX_ALIASES: z.coerce.number().int().min(1).default(30),
  MAX_DIRECTIVES: z.coerce.number().int().min(1).default(20),
  MAX_TOKENS: z.coerce.number().int().min(100).default(5000),
  MAX_COST: z.coerce.number().int().min(100).default(100000),
  MAX_FIELDS: z.coerce.number().int().min(10).default(300),
  MAX_BODY: z.string().regex(/^\d+(kb|mb)$/, 'must look like 512kb or 1mb').default('1mb'),
});

export type Config = z.infer<typeof schema> & { authSecret: string; pseudonymSecret: string };

/**
 * Without AUTH_SECRET (outside production): a random key made once for this machine and kept in
 * DATA_DIR/auth-secret (readable by its owner only), so the hub, `minsheng token` and the other
 * commands agree across restarts and processes here — and no published key signs anything.
 */
function developmentSecret(dataDir: string): string {
  const file = path.join(dataDir, 'auth-secret');
  const read = () => {
    try {
      return readFileSync(file, 'utf8').trim();
    } catch {
      return '';
    }
  };
  const kept = read();
  if (kept.length >= 32) {
    // a key others can read is no key: keep it the owner's alone
    try {
      if (statSync(file).mode & 0o077) chmodSync(file, 0o600);
    } catch {
      // another user's file: theirs to fix
    }
    return kept;
  }
  const tmp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}`;
  try {
    mkdirSync(dataDir, { recursive: true });
    const secret = randomBytes(32).toString('hex');
    // written whole under another name, then put in place: a reader never sees half a key
    writeFileSync(tmp, secret, { mode: 0o600, flag: 'wx' });
    try {
      // of two processes starting at once, the first one's key is kept
      linkSync(tmp, file);
      return secret;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      const theirs = read();
      if (theirs.length >= 32) return theirs;
      // an empty or cut-short key (a crash while it was written): replaced
      renameSync(tmp, file);
      return secret;
    }
  } catch (e) {
    const made = read();
    if (made.length >= 32) return made;
    throw new ConfigError(
      `Invalid configuration (environment variables):\n  AUTH_SECRET: not set, and no key could be kept in ${file} (${(e as Error).message}): set AUTH_SECRET`,
    );
  } finally {
    rmSync(tmp, { force: true });
  }
}

export class ConfigError extends Error {}

/** Reads and validates the environment; every problem is listed with what to fix. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const input = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = schema.safeParse(input);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new ConfigError(`Invalid configuration (environment variables):\n${lines.join('\n')}`);
  }
  const c = parsed.data;
  if (c.NODE_ENV === 'production' && !c.AUTH_SECRET) {
    throw new ConfigError(
      'Invalid configuration (environment variables):\n  AUTH_SECRET: required in production (32+ random characters, e.g. `openssl rand -hex 32`)',
    );
  }
  if (c.EVENT_BUS === 'redis' && !c.REDIS_URL) {
    throw new ConfigError('Invalid configuration (environment variables):\n  REDIS_URL: required when EVENT_BUS=redis');
  }
  if (c.RATE_LIMIT_STORE === 'redis' && !c.REDIS_URL) {
    throw new ConfigError('Invalid configuration (environment variables):\n  REDIS_URL: required when RATE_LIMIT_STORE=redis');
  }
  if (c.DATABASE_REPLICA_URLS.length && !c.DATABASE_URL) {
    throw new ConfigError('Invalid configuration (environment variables):\n  DATABASE_REPLICA_URLS: replicas are of a real PostgreSQL: set DATABASE_URL to their primary');
  }
  const authSecret = c.AUTH_SECRET ?? developmentSecret(c.DATA_DIR);
  return { ...c, authSecret, pseudonymSecret: c.PSEUDONYM_SECRET ?? authSecret };
}
