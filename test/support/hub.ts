import 'reflect-metadata';
import { randomBytes } from 'node:crypto';
import { print } from 'graphql';
import type { ExecutionResult } from 'graphql';
import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { loadConfig } from '../../src/app/config';
import { startHub } from '../../src/app/hub';
import type { Hub } from '../../src/app/hub';
import { initOrm, migrateUp, QueryCounter } from '../../src/app/orm';
import { Role, signToken } from '../../src/auth/viewer';
import type { TokenClaims } from '../../src/auth/viewer';
import { ManualClock } from '../../src/shared/clock';
import type { Clock } from '../../src/shared/clock';
import { seedDirectory, seedDutyList } from '../../src/seed/demo';
import { admin, withDatabase } from './pg-admin';

export const TEST_SECRET = 'test-secret-for-minsheng-integration-tests';

export interface TestHubOptions {
  clock?: Clock;
  /** load Guangzhou's districts and departments (default true) */
  directory?: boolean;
  /** import and publish the demo duty list (trains the router; default false) */
  dutyList?: boolean;
  /** extra environment for the hub's configuration, e.g. ROUTING_THRESHOLD */
  env?: Record<string, string>;
}

export interface TestHub {
  hub: Hub;
  url: string;
  databaseUrl: string;
  counter: QueryCounter;
  errors: string[];
  token(claims: Partial<TokenClaims> & { role: Role }): Promise<string>;
  /** POSTs a typed operation; returns the whole response body */
  gql<R, V>(doc: TypedDocumentNode<R, V>, variables: V, token?: string): Promise<ExecutionResult<R>>;
  /** like gql, but fails the test on errors */
  ok<R, V>(doc: TypedDocumentNode<R, V>, variables: V, token?: string): Promise<R>;
  raw(body: unknown, headers?: Record<string, string>): Promise<{ status: number; body: ExecutionResult }>;
  stop(): Promise<void>;
}

/** A real hub on a fresh database (cloned from the migrated template), listening on port 0. */
export async function startTestHub(options: TestHubOptions = {}): Promise<TestHub> {
  const server = process.env.DATABASE_URL!;
  const name = `minsheng_t_${randomBytes(4).toString('hex')}_${process.env.MINSHENG_TEST_RUN}`;
  await createFromTemplate(server, name);
  const databaseUrl = withDatabase(server, name);
  const config = loadConfig({ NODE_ENV: 'test', AUTH_SECRET: TEST_SECRET, DATABASE_URL: databaseUrl, HOST: '127.0.0.1', ...options.env });
  const clock = options.clock ?? new ManualClock(new Date('2026-03-02T01:00:00Z'));
  const counter = new QueryCounter();
  const errors: string[] = [];
  const hub = await startHub({
    config,
    databaseUrl,
    clock,
    counter,
    port: 0,
    logger: { info: () => undefined, error: (m, e) => errors.push(`${m}: ${e instanceof Error ? e.stack : String(e)}`) },
  });
  if (options.directory !== false) await seedDirectory(hub.orm);
  if (options.dutyList) await seedDutyList(hub.orm, config, clock);

  const raw = async (body: unknown, headers: Record<string, string> = {}) => {
    const res = await fetch(hub.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });
    return { status: res.status, body: (await res.json()) as ExecutionResult };
  };
  const gql = async <R, V>(doc: TypedDocumentNode<R, V>, variables: V, token?: string) => {
    const { body } = await raw(
      { query: print(doc), variables },
      token ? { authorization: `Bearer ${token}` } : {},
    );
    return body as ExecutionResult<R>;
  };
  return {
    hub,
    url: hub.url,
    databaseUrl,
    counter,
    errors,
    token: (claims) => signToken(TEST_SECRET, { subject: 'test', ...claims }),
    gql,
    async ok(doc, variables, token) {
      const res = await gql(doc, variables, token);
      if (res.errors?.length) throw new Error(`GraphQL errors: ${JSON.stringify(res.errors)}`);
      return res.data!;
    },
    raw,
    async stop() {
      await hub.stop();
      await admin(server, (c) => c.query(`drop database if exists "${name}" with (force)`));
    },
  };
}

/** Clones the migrated template (migrating it first, once per run, under an advisory lock). */
async function createFromTemplate(server: string, name: string): Promise<void> {
  const template = process.env.MINSHENG_TEST_TEMPLATE!;
  await admin(server, async (c) => {
    await c.query('select pg_advisory_lock(724851)');
    try {
      const { rowCount } = await c.query('select 1 from pg_database where datname = $1', [template]);
      if (!rowCount) {
        await c.query(`create database "${template}"`);
        const orm = await initOrm({ url: withDatabase(server, template) });
        try {
          await migrateUp(orm);
        } finally {
          await orm.close(true);
        }
      }
      await c.query(`create database "${name}" template "${template}"`);
    } finally {
      await c.query('select pg_advisory_unlock(724851)');
    }
  });
}

export { Role };
