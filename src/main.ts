#!/usr/bin/env node
import 'reflect-metadata';
import { GraphQLError } from 'graphql';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Command, Option } from 'commander';
import { Client } from 'pg';
import { ApiKeys } from './auth/api-keys';
import { Role, signToken } from './auth/viewer';
import type { Viewer } from './auth/viewer';
import type { RequestContext } from './app/context';
import { createLoaders } from './app/loaders';
import type { Services } from './app/schema';
import type { DutyListFormat } from './dutylist/dutylist.enums';
import { isUtf8, placeOf } from './dutylist/dutylist.io';
import { crossValidate, evaluate, formatReport, readExamplesCsv, TextClassifier, writePredictionsCsv } from './routing';
import { ConfigError, loadConfig, PROJECT_ROOT } from './app/config';
import type { Config } from './app/config';
import { openDatabase, startThrowawayPostgres } from './app/database';
import type { Database } from './app/database';
import { consoleLogger, createServices, startHub } from './app/hub';
import { initOrm, migrateUp } from './app/orm';
import { buildHubSchema, printHubSchema, SCHEMA_FILE, writeSchemaFile } from './app/schema';
import { systemClock } from './shared/clock';
import { seedDemo } from './seed/demo';
import { formatStats, simulate } from './simulate/simulator';

const log = (m: string) => consoleLogger.info(m);

function config(): Config {
  return loadConfig();
}

/**
 * An empty, throw-away database for commands that compare migrations with entities: a fresh
 * database on the DATABASE_URL server, or else a throw-away embedded PostgreSQL.
 */
async function scratchDatabase(cfg: Config): Promise<Database> {
  if (cfg.DATABASE_URL) {
    const name = `minsheng_scratch_${process.pid}_${Date.now().toString(36)}`;
    const serverUrl = cfg.DATABASE_URL;
    const run = async (sql: string) => {
      const client = new Client({ connectionString: serverUrl });
      await client.connect();
      try {
        await client.query(sql);
      } finally {
        await client.end();
      }
    };
    await run(`create database "${name}"`);
    const url = new URL(serverUrl);
    url.pathname = `/${name}`;
    return { url: url.toString(), embedded: false, stop: () => run(`drop database if exists "${name}" with (force)`) };
  }
  return startThrowawayPostgres('scratch', 'minsheng-scratch-');
}

/** How long a stopping hub may take (requests draining, workers finishing) before it is cut short. */
const SHUTDOWN_GRACE_MS = 20_000;

async function serve(): Promise<void> {
  const cfg = config();
  const t0 = Date.now();
  const db = await openDatabase(cfg, log, { share: false });
  // the embedded PostgreSQL package stops its database on these signals by itself, at once —
  // under the hub's feet; the hub stops first and then stops the database (below)
  const signals = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;
  if (db.embedded) for (const signal of signals) process.removeAllListeners(signal);
  let hub: Awaited<ReturnType<typeof startHub>> | undefined;
  let stopping = false;
  /** The database stopped, but not waited for longer than `ms` (a child that died already never says so). */
  const stopDatabase = (ms: number) =>
    Promise.race([db.stop(), new Promise<void>((resolve) => setTimeout(resolve, ms).unref())]).catch((e) => consoleLogger.error('stopping the database failed', e));
  const shutdown = async (signal: string) => {
    if (stopping) {
      // a second signal, or the deadline: stop the database and go now
      log(`${signal}: not waiting any longer — stopping the database and exiting`);
      await stopDatabase(5_000);
      process.exit(1);
    }
    stopping = true;
    log(`${signal}: stopping (HTTP and sockets first, then the database; again to force)`);
    setTimeout(() => void shutdown(`still stopping after ${SHUTDOWN_GRACE_MS / 1000} s`), SHUTDOWN_GRACE_MS).unref();
    let failed = false;
    try {
      await hub?.stop();
    } catch (e) {
      failed = true;
      consoleLogger.error('stopping the hub failed', e);
    } finally {
      await stopDatabase(10_000);
      process.exit(failed ? 1 : 0);
    }
  };
  for (const signal of signals) process.on(signal, () => void shutdown(signal));
  try {
    hub = await startHub({
      config: cfg,
      databaseUrl: db.url,
      beforeListen: async (orm) => void (cfg.SEED_DEMO && (await seedDemo(orm, cfg, log))),
    });
  } catch (e) {
    if (stopping) return;
    consoleLogger.error('could not start', e);
    await hub?.stop().catch(() => undefined);
    await db.stop().catch(() => undefined);
    process.exit(1);
  }
  log(`GraphQL${cfg.NODE_ENV === 'production' ? '' : ' (and the explorer)'} at ${hub.url} — ready in ${Date.now() - t0} ms`);
  if (cfg.NODE_ENV !== 'production') {
    const operator = await signToken(cfg.authSecret, { role: Role.OPERATOR, subject: 'dev-operator' }, cfg.TOKEN_TTL);
    log(`development token (OPERATOR), send as "Authorization: Bearer <token>":\n${operator}`);
    log('more: npx minsheng token --role SUPERVISOR | --role DEPARTMENT_STAFF --department 440106-UM | --role DISTRICT_OFFICE --district 440106');
  }
}

const program = new Command()
  .name('minsheng')
  .description('Minsheng (民生): the GraphQL data hub of a 12345 citizen service hotline')
  .showHelpAfterError();

program.command('serve').description('run the hub: GraphQL over HTTP and WebSocket at /graphql').action(serve);

program
  .command('migrate')
  .description('apply pending database migrations')
  .action(async () => {
    const cfg = config();
    const db = await openDatabase(cfg, log, { share: true });
    const orm = await initOrm({ url: db.url });
    try {
      const done = await migrateUp(orm);
      log(done.length ? `applied: ${done.join(', ')}` : 'database is up to date');
    } finally {
      await orm.close(true);
      await db.stop();
    }
  });

program
  .command('seed')
  .description('load data')
  .requiredOption('--demo', 'Guangzhou districts, departments and demo tickets in every state')
  .action(async () => {
    const cfg = config();
    const db = await openDatabase(cfg, log, { share: true });
    const orm = await initOrm({ url: db.url });
    try {
      await migrateUp(orm);
      await seedDemo(orm, cfg, log);
    } finally {
      await orm.close(true);
      await db.stop();
    }
  });

program
  .command('schema:emit')
  .description(`write the SDL to ${path.relative(PROJECT_ROOT, SCHEMA_FILE)}`)
  .option('--check', 'fail when the committed file differs from the code')
  .action(async (opts: { check?: boolean }) => {
    const cfg = config();
    const sdl = printHubSchema(await buildHubSchema(createServices(cfg, systemClock)));
    if (opts.check) {
      const current = fs.existsSync(SCHEMA_FILE) ? fs.readFileSync(SCHEMA_FILE, 'utf8') : '';
      if (current !== sdl) {
        console.error(`${SCHEMA_FILE} is stale: run \`npm run schema:emit\` and commit it`);
        process.exit(1);
      }
      log('schema file is up to date');
      return;
    }
    writeSchemaFile(sdl);
    log(`wrote ${SCHEMA_FILE}`);
  });

program
  .command('token')
  .argument('[action]', '"create" (the default and only action)')
  .description('print a signed bearer token for development and integrations: minsheng token [create] --role …')
  .addOption(new Option('--role <role>', 'the role').choices(Object.values(Role)).makeOptionMandatory())
  .option('--department <code>', 'department code (DEPARTMENT_STAFF)')
  .option('--district <code...>', 'district codes (DISTRICT_OFFICE)')
  .option('--subject <name>', 'who the token is for', 'dev')
  .option('--ttl <duration>', 'lifetime, e.g. 12h, 7d')
  .action(async (action: string | undefined, opts: { role: Role; department?: string; district?: string[]; subject: string; ttl?: string }) => {
    if (action !== undefined && action !== 'create') {
      console.error(`minsheng token: unknown action ${action} (try: minsheng token create --role OPERATOR)`);
      process.exit(2);
    }
    const cfg = config();
    try {
      const token = await signToken(
        cfg.authSecret,
        { role: opts.role, subject: opts.subject, departmentCode: opts.department, districtCodes: opts.district },
        opts.ttl ?? cfg.TOKEN_TTL,
      );
      process.stdout.write(`${token}\n`);
    } catch (e) {
      console.error(`minsheng token: ${(e as Error).message}`);
      process.exit(2);
    }
  });

program
  .command('migration:create')
  .description('write a migration for entity changes (against a throw-away database unless DATABASE_URL)')
  .option('--initial', 'the first migration')
  .option('--name <name>', 'a short name')
  .action(async (opts: { initial?: boolean; name?: string }) => {
    const cfg = config();
    const db = await scratchDatabase(cfg);
    const orm = await initOrm({ url: db.url });
    try {
      const migrator = orm.getMigrator();
      if (!opts.initial) await migrator.up();
      const result = await migrator.createMigration(undefined, false, opts.initial ?? false, opts.name);
      if (!result.fileName) log('no changes: no migration written');
      else {
        writeMigrationIndex();
        log(`wrote migrations/${result.fileName} and migrations/index.ts`);
      }
    } finally {
      await orm.close(true);
      await db.stop();
    }
  });

program
  .command('migration:check')
  .description('fail when entities changed without a migration')
  .action(async () => {
    const cfg = config();
    const db = await scratchDatabase(cfg);
    const orm = await initOrm({ url: db.url });
    let needed = true;
    try {
      await orm.getMigrator().up();
      needed = await orm.getMigrator().checkMigrationNeeded();
    } finally {
      await orm.close(true);
      await db.stop();
    }
    if (needed) {
      console.error('entities changed without a migration: run `npm run migration:create` and commit it');
      process.exit(1);
    }
    log('migrations match the entities');
  });

/** Runs `fn` with the hub's services on the configured database, as an ADMIN (the CLI is local). */
async function withServices<T>(fn: (services: Services, rc: RequestContext) => Promise<T>): Promise<T> {
  const cfg = config();
  const db = await openDatabase(cfg, log, { share: true });
  const orm = await initOrm({ url: db.url });
  try {
    await migrateUp(orm);
    const services = createServices(cfg, systemClock);
    const em = orm.em.fork();
    const viewer: Viewer = { role: Role.ADMIN, subject: `cli:${os.userInfo().username}`, districtCodes: [] };
    return await fn(services, { viewer, em, loaders: createLoaders(em) });
  } finally {
    await orm.close(true);
    await db.stop();
  }
}

function fail(message: string, code = 1): never {
  console.error(message);
  process.exit(code);
}

/**
 * Reads a CSV for the router, saying which of the text columns it lacks (they count as empty). A
 * file to learn from with none of them fails (a model of empty texts is no model: a misspelt
 * --text); a file to predict or test on gets a warning and empty texts, row for row.
 */
function readCsv(file: string, text: string[], label?: string, learnFrom = false): { text: string; label?: string; index: number }[] {
  const { rows, header, missingTextColumns } = readExamplesCsv(file, text, label);
  if (missingTextColumns.length === text.length && learnFrom) {
    throw new Error(`${file}: none of the text columns ${text.join(', ')} is in the file (its header: ${header.join(',')}): check --text`);
  } else if (missingTextColumns.length === text.length) {
    console.error(`${file}: warning: none of the text columns ${text.join(', ')} is in the file (its header: ${header.join(',')}): every text is empty`);
  } else if (missingTextColumns.length) console.error(`${file}: warning: no column ${missingTextColumns.join(', ')}: read as empty text`);
  return rows;
}

/** A whole number of at least `min` from an option, else a clear failure naming the option. */
const wholeNumber = (option: string, min: number) => (v: string) => {
  const n = Number(v);
  if (!/^\s*\d+\s*$/.test(v) || !Number.isInteger(n) || n < min) fail(`${option} must be a whole number of at least ${min}, got "${v}"`);
  return n;
};

/** Fails early, before any training, when `file` cannot be written. */
function writable(command: string, file: string): void {
  try {
    fs.accessSync(path.dirname(path.resolve(file)), fs.constants.W_OK);
  } catch {
    fail(`${command}: cannot write ${file}: its folder does not exist or is not writable`);
  }
  if (fs.statSync(file, { throwIfNoEntry: false })?.isDirectory()) fail(`${command}: cannot write ${file}: it is a folder; name a file`);
}

program
  .command('simulate')
  .description('send realistic calls (Guangzhou, in Chinese) to a running hub through GraphQL, so heatmaps and dashboards move')
  .option('--rate <n>', 'tickets per second', '50')
  .option('--duration <s>', 'seconds (0: until Ctrl-C)', '60')
  .option('--url <url>', 'the hub’s GraphQL endpoint (default http://localhost:$PORT/graphql)')
  .option('--token <jwt>', 'an OPERATOR token (default: one signed with AUTH_SECRET)')
  .option('--seed <n>', 'random seed: the same seed sends the same calls', '12345')
  .option('--concurrency <n>', 'requests in flight at most (sends beyond are skipped and counted)', '200')
  .action(async (opts: { rate: string; duration: string; url?: string; token?: string; seed: string; concurrency: string }) => {
    const cfg = config();
    const nums = { rate: Number(opts.rate), duration: Number(opts.duration), seed: Number(opts.seed), concurrency: Number(opts.concurrency) };
    for (const [k, v] of Object.entries(nums)) {
      if (!Number.isFinite(v) || v < 0 || (k === 'rate' && v === 0)) {
        console.error(`minsheng simulate: --${k} must be a ${k === 'rate' ? 'positive' : 'non-negative'} number`);
        process.exit(2);
      }
    }
    const url = opts.url ?? `http://localhost:${cfg.PORT}/graphql`;
    const token = opts.token ?? (await signToken(cfg.authSecret, { role: Role.OPERATOR, subject: 'simulator' }, '1d'));
    const abort = new AbortController();
    process.on('SIGINT', () => abort.abort());
    log(`simulating ${nums.rate} tickets/s for ${nums.duration ? `${nums.duration} s` : 'ever (Ctrl-C stops)'} → ${url}`);
    const stats = await simulate({ url, token, ...nums, signal: abort.signal, onProgress: (st) => log(formatStats(st)) });
    log(`done: ${formatStats(stats)}`);
    if (stats.errors.length) log(`first errors:\n  ${stats.errors.join('\n  ')}`);
    process.exit(stats.ok > 0 || stats.sent === 0 ? 0 : 1);
  });

const apikey = program.command('apikey').description('API keys for BI tools and feeds (shown once, kept hashed)');

apikey
  .command('create')
  .description('create a key and print it (it cannot be shown again)')
  .requiredOption('--name <name>', 'what the key is for, e.g. "bi-dashboard"')
  .addOption(new Option('--role <role>', 'the role').choices(Object.values(Role)).default(Role.ANALYST))
  .option('--department <code>', 'department code (DEPARTMENT_STAFF)')
  .option('--district <code...>', 'district codes (DISTRICT_OFFICE)')
  .action(async (opts: { name: string; role: Role; department?: string; district?: string[] }) => {
    try {
      const { key, record } = await withServices((_s, rc) =>
        new ApiKeys(() => rc.em).create({ name: opts.name, role: opts.role, departmentCode: opts.department, districtCodes: opts.district }),
      );
      log(`API key ${record.prefix} (${record.name}, ${record.role}); send it as "Authorization: ApiKey <key>" or "X-Api-Key: <key>":`);
      process.stdout.write(`${key}\n`);
    } catch (e) {
      fail(`minsheng apikey create: ${(e as Error).message}`);
    }
  });

apikey
  .command('list')
  .description('the keys: prefix, name, role and scope, created, last used, revoked')
  .action(async () => {
    const keys = await withServices((_s, rc) => new ApiKeys(() => rc.em).list());
    for (const k of keys) {
      const scope = k.departmentCode ?? k.districtCodes.join('+');
      const when = (d: Date | null) => (d ? d.toISOString() : '-');
      process.stdout.write(
        `${k.prefix}  ${k.name}  ${k.role}${scope ? `:${scope}` : ''}  created ${when(k.createdAt)}  last used ${when(k.lastUsedAt)}${k.revokedAt ? `  REVOKED ${when(k.revokedAt)}` : ''}\n`,
      );
    }
    if (!keys.length) log('no API keys');
  });

apikey
  .command('revoke')
  .description('revoke a key (in effect within 30 s in every hub process)')
  .argument('<prefix>', 'the key\'s prefix, as `apikey list` shows it')
  .action(async (prefix: string) => {
    const done = await withServices((_s, rc) => new ApiKeys(() => rc.em).revoke(prefix));
    if (!done) fail(`minsheng apikey revoke: no active key ${prefix}`);
    log(`revoked ${prefix}`);
  });

const dutylist = program.command('dutylist').description('the duty list (民生诉求事项清单)');

dutylist
  .command('import')
  .description('import a CSV or JSON duty list as a new draft (rejected whole, with every bad row, if it has errors)')
  .argument('<file>', 'a .csv or .json file (UTF-8)')
  .option('--publish', 'publish it at once (validated)')
  .option('--format <format>', 'csv or json (default: from the file name)')
  .option('--notes <text>', 'notes for the version')
  .action(async (file: string, opts: { publish?: boolean; format?: string; notes?: string }) => {
    if (!fs.existsSync(file)) fail(`minsheng dutylist import: ${file}: no such file`);
    const buf = fs.readFileSync(file);
    if (!isUtf8(buf)) fail(`minsheng dutylist import: ${file} is not UTF-8 text (save it as UTF-8, e.g. "CSV UTF-8" in a spreadsheet)`);
    const format = (opts.format ?? path.extname(file).slice(1)).toUpperCase();
    if (format !== 'CSV' && format !== 'JSON') fail(`minsheng dutylist import: say --format csv or --format json`);
    try {
      const v = await withServices((s, rc) =>
        s.dutyLists.import(rc, { format: format as DutyListFormat, content: buf.toString('utf8'), publish: opts.publish, notes: opts.notes }),
      );
      log(`duty list version ${v.number}: ${v.status}${v.effectiveAt ? `, in force from ${v.effectiveAt.toISOString()}` : ''}`);
    } catch (e) {
      const problems = (e as { extensions?: { problems?: { line: number; unit?: 'matter'; code?: string; reason: string }[] } }).extensions?.problems;
      if (problems) fail(`${file}: rejected, nothing imported:\n${problems.map((p) => `  ${placeOf(p)}${p.code ? ` (${p.code})` : ''}: ${p.reason}`).join('\n')}`);
      throw e;
    }
  });

dutylist
  .command('export')
  .description('print a duty list version (default: the one in force) as CSV or JSON')
  .option('--version <n>', 'version number', wholeNumber('--version', 1))
  .option('--format <format>', 'csv or json', 'csv')
  .action(async (opts: { version?: number; format: string }) => {
    const format = opts.format.toUpperCase();
    if (format !== 'CSV' && format !== 'JSON') fail('minsheng dutylist export: --format csv or json');
    try {
      const out = await withServices((s, rc) => s.dutyLists.export(rc, opts.version, format as DutyListFormat));
      process.stdout.write(out);
    } catch (e) {
      if (e instanceof GraphQLError) fail(`minsheng dutylist export: ${e.message}`);
      throw e;
    }
  });

const routing = program.command('routing').description('the router: evaluate, predict, retrain');

/** Rows with a label; rows without one are skipped, and said so. */
function labelled(file: string, rows: { text: string; label?: string }[]): { text: string; label: string }[] {
  const out = rows.filter((r): r is { text: string; label: string } => !!r.label);
  if (out.length < rows.length) console.error(`${file}: ${rows.length - out.length} rows without a label skipped`);
  if (!out.length) fail(`${file}: no labelled rows`);
  return out;
}

const textColumns = (v: string) => v.split(',').map((c) => c.trim()).filter(Boolean);

routing
  .command('eval')
  .description('train on one CSV, test on another (or cross-validate): macro-F1, accuracy, per class, confusion, ms per message')
  .requiredOption('--train <file>', 'training CSV')
  .option('--test <file>', 'test CSV (omit with --folds for cross-validation)')
  .option('--folds <k>', 'k-fold cross-validation on --train (2 or more)', wholeNumber('--folds', 2))
  .option('--text <columns>', 'text columns, joined', textColumns, ['title', 'detail'])
  .requiredOption('--label <column>', 'label column')
  .option('--json', 'print the report as JSON too')
  .action(async (opts: { train: string; test?: string; folds?: number; text: string[]; label: string; json?: boolean }) => {
    const load = (file: string, learnFrom: boolean) => {
      try {
        return labelled(file, readCsv(file, opts.text, opts.label, learnFrom));
      } catch (e) {
        return fail(`minsheng routing eval: ${(e as Error).message}`);
      }
    };
    const train = load(opts.train, true);
    if (!opts.test && !opts.folds) fail('minsheng routing eval: give --test FILE or --folds K');
    if (!opts.test && opts.folds! > train.length) fail(`minsheng routing eval: --folds ${opts.folds} is more than the ${train.length} labelled rows`);
    const report = opts.test ? evaluate(train, load(opts.test, false)) : crossValidate(train, opts.folds!);
    process.stdout.write(`${formatReport(report)}\n`);
    if (opts.json) process.stdout.write(`${JSON.stringify(report)}\n`);
  });

routing
  .command('predict')
  .description('train on one CSV and write row,label,confidence for every row of another, in input order')
  .requiredOption('--train <file>', 'training CSV')
  .requiredOption('--input <file>', 'CSV to label')
  .option('--text <columns>', 'text columns, joined', textColumns, ['title', 'detail'])
  .option('--label <column>', 'label column of the training CSV', 'label_level1')
  .requiredOption('--output <file>', 'where to write row,label,confidence')
  .action(async (opts: { train: string; input: string; text: string[]; label: string; output: string }) => {
    writable('minsheng routing predict', opts.output);
    let train: { text: string; label: string }[] = [];
    let input: { index: number; text: string }[] = [];
    try {
      train = labelled(opts.train, readCsv(opts.train, opts.text, opts.label, true));
      input = readCsv(opts.input, opts.text);
    } catch (e) {
      fail(`minsheng routing predict: ${(e as Error).message}`);
    }
    const classifier = TextClassifier.train(train);
    const preds = input.map((r) => {
      const [best] = classifier.predict(r.text, 1);
      return { row: r.index, label: best?.label ?? '', confidence: best?.confidence ?? 0 };
    });
    writePredictionsCsv(opts.output, preds);
    log(`wrote ${preds.length} predictions to ${opts.output}`);
  });

routing
  .command('train')
  .description('retrain the router on the duty list in force and confirmed tickets, and store it')
  .action(async () => {
    const status = await withServices((s, rc) => s.router.retrain(rc));
    log(`router trained on duty list ${status.versionNumber}: ${status.matters} matters, ${status.listExamples} list examples, ${status.historyExamples} confirmed tickets`);
  });

/** Rewrites migrations/index.ts to list every migration file, in order. */
function writeMigrationIndex(): void {
  const dir = path.join(PROJECT_ROOT, 'migrations');
  const files = fs
    .readdirSync(dir)
    .filter((f) => /^Migration\d+.*\.ts$/.test(f))
    .sort();
  const names = files.map((f) => f.replace(/\.ts$/, ''));
  const classOf = (file: string) => /export class (\w+)/.exec(fs.readFileSync(path.join(dir, `${file}.ts`), 'utf8'))![1];
  const body = [
    "import type { MigrationObject } from '@mikro-orm/core';",
    ...names.map((n) => `import { ${classOf(n)} } from './${n}';`),
    '',
    '/**',
    ' * Every migration, in order. `minsheng migration:create` writes a new file here and adds it',
    ' * to this list; the list (not a folder scan) is what runs, in source and compiled form alike.',
    ' */',
    'export const migrationsList: MigrationObject[] = [',
    ...names.map((n) => `  { name: '${n}', class: ${classOf(n)} },`),
    '];',
    '',
  ];
  fs.writeFileSync(path.join(dir, 'index.ts'), body.join('\n'));
}

program.parseAsync(process.argv).catch((e) => {
  if (e instanceof ConfigError) console.error(e.message);
  else consoleLogger.error('failed', e);
  process.exit(1);
});
