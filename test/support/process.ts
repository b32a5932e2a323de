import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import path from 'node:path';
import { PROJECT_ROOT } from '../../src/app/config';
import { TEST_SECRET } from './hub';

export interface HubProcess {
  url: string;
  wsUrl: string;
  pid: number;
  /** output so far (for failure messages) */
  output(): string;
  /** SIGKILL: no shutdown, no goodbye — as a crash */
  kill(): Promise<void>;
  /** SIGTERM and wait */
  stop(): Promise<void>;
}

const MAIN = path.join(PROJECT_ROOT, 'dist', 'src', 'main.js');

/** A child process (node running `args`) that printed the line it is ready with. */
export interface ReadyProcess {
  child: ChildProcess;
  /** the first capture group of `ready` */
  value: string;
  exited: Promise<void>;
  output(): string;
}

/** Starts `node args…` and waits until its output matches `ready` (or it exits, or `timeoutMs` passes). */
export function spawnReady(args: string[], env: NodeJS.ProcessEnv, ready: RegExp, what: string, timeoutMs = 30_000, options: { ownProcessGroup?: boolean } = {}): Promise<ReadyProcess> {
  // (ownProcessGroup: the child leads a group of its own, as a command run in a terminal does)
  const child: ChildProcess = spawn(process.execPath, args, { env, stdio: ['ignore', 'pipe', 'pipe'], detached: options.ownProcessGroup ?? false });
  let out = '';
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${what} did not start in ${timeoutMs / 1000} s:\n${out}`)), timeoutMs);
    child.stdout!.on('data', (b: Buffer) => {
      out += b.toString();
      const m = out.match(ready);
      if (m) {
        clearTimeout(timer);
        resolve({ child, value: m[1], exited, output: () => out });
      }
    });
    child.stderr!.on('data', (b: Buffer) => (out += b.toString()));
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${what} exited (${code}) before it was ready:\n${out}`));
    });
  });
}

/**
 * A real second hub: `node dist/src/main.js serve` in its own process (built by `npm test`'s
 * pretest step), on the given database, listening on an OS-chosen port unless `port` is given.
 */
export async function spawnHub(databaseUrl: string, env: Record<string, string> = {}, port = 0): Promise<HubProcess> {
  const p = await spawnReady(
    [MAIN, 'serve'],
    {
      ...process.env,
      NODE_ENV: 'test',
      AUTH_SECRET: TEST_SECRET,
      DATABASE_URL: databaseUrl,
      HOST: '127.0.0.1',
      PORT: String(port),
      SEED_DEMO: 'false',
      ...env,
    },
    /at (http:\/\/\S+\/graphql)/,
    'hub process',
  );
  const url = p.value;
  return {
    url,
    wsUrl: url.replace(/^http/, 'ws'),
    pid: p.child.pid!,
    output: p.output,
    async kill() {
      p.child.kill('SIGKILL');
      await p.exited;
    },
    async stop() {
      p.child.kill('SIGTERM');
      await p.exited;
    },
  };
}
