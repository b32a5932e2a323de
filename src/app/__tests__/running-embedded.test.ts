/** Telling a running hub's embedded PostgreSQL from a lock file a crash left behind. */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runningEmbedded } from '../database';

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'minsheng-pidfile-'));
  fs.mkdirSync(path.join(dir, 'pg'));
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

const lockFile = (pid: number, dataDir: string, port = 54329) =>
  fs.writeFileSync(path.join(dir, 'pg', 'postmaster.pid'), `${pid}\n${dataDir}\n1795888179\n${port}\n/tmp\n127.0.0.1\n  1234567     98304\nready   \n`);

test('no lock file: none running', () => {
  expect(runningEmbedded(dir)).toBeNull();
});

test('a lock file whose process is gone: none running', () => {
  lockFile(2 ** 22 + 12345, path.join(dir, 'pg'));
  expect(runningEmbedded(dir)).toBeNull();
});

test('a lock file whose number another process took since (another PostgreSQL, say): none running', () => {
  lockFile(process.pid, path.join(dir, 'pg'));
  expect(runningEmbedded(dir)).toBeNull();
});

(fs.existsSync('/proc/self') ? test : test.skip)('the server started with -D on this data directory: running, on its port', async () => {
  // a stand-in with the server's command line (`postgres -D <dir>/pg -p <port>`)
  const child = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)', '--', '-D', path.join(dir, 'pg'), '-p', '55555'], { stdio: 'ignore' });
  try {
    await new Promise((r) => setTimeout(r, 200));
    lockFile(child.pid!, path.join(dir, 'pg'), 55555);
    expect(runningEmbedded(dir)).toEqual({ pid: child.pid, port: 55555 });
    // the same process, but the lock file of another data directory
    lockFile(child.pid!, '/var/lib/postgresql/15/main', 55555);
    expect(runningEmbedded(dir)).toBeNull();
  } finally {
    child.kill();
  }
});
