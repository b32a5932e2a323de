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

/**
 * A real second hub: `node dist/src/main.js serve` in its own process (built by `npm test`'s
 * pretest step), on the given database, listening on an OS-chosen port unless `port` is given.
 */
export async function spawnHub(databaseUrl: string, env: Record<string, string> = {}, port = 0): Promise<HubProcess> {
  const child: ChildProcess = spawn(process.execPath, [MAIN, 'serve'], {
    env: {
      ...process.env,
      NODE_ENV: 'test',
      AUTH_SECRET: TEST_SECRET,
      DATABASE_URL: databaseUrl,
      HOST: '127.0.0.1',
      PORT: String(port),
      SEED_DEMO: 'false',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`hub process did not start in 30 s:\n${out}`)), 30_000);
    const onData = (b: Buffer) => {
      out += b.toString();
      const m = out.match(/at (http:\/\/\S+\/graphql)/);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', (b: Buffer) => (out += b.toString()));
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`hub process exited (${code}) before it was ready:\n${out}`));
    });
  });
  return {
    url,
    wsUrl: url.replace(/^http/, 'ws'),
    pid: child.pid!,
    output: () => out,
    async kill() {
      child.kill('SIGKILL');
      await exited;
    },
    async stop() {
      child.kill('SIGTERM');
      await exited;
    },
  };
}
