/**
 * The CLI's credentials, end to end: `minsheng token create` and `minsheng apikey create|list|revoke`
 * run as real processes against the database of a running hub, and what they print works (or,
 * revoked, stops working) on that hub.
 */
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { PROJECT_ROOT } from '../src/app/config';
import { startTestHub, TEST_SECRET } from './support/hub';
import type { TestHub } from './support/hub';

jest.setTimeout(60_000);

const run = promisify(execFile);
const MAIN = path.join(PROJECT_ROOT, 'dist', 'src', 'main.js');
let t: TestHub;

beforeAll(async () => {
  t = await startTestHub();
});
afterAll(() => t.stop());

async function cli(...args: string[]): Promise<{ stdout: string; stderr: string; code: number }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [MAIN, ...args], {
      env: { ...process.env, NODE_ENV: 'test', AUTH_SECRET: TEST_SECRET, DATABASE_URL: t.databaseUrl },
    });
    return { stdout, stderr, code: 0 };
  } catch (e) {
    const err = e as { stdout: string; stderr: string; code: number };
    return { stdout: err.stdout, stderr: err.stderr, code: err.code };
  }
}

const viewer = '{ viewer { role subject districtCodes } }';

test('token create: a district office token the hub accepts, scoped as asked', async () => {
  const out = await cli('token', 'create', '--role', 'DISTRICT_OFFICE', '--district', '440106', '440104', '--subject', 'tianhe-duty');
  expect(out.code).toBe(0);
  const res = await t.raw({ query: viewer }, { authorization: `Bearer ${out.stdout.trim()}` });
  expect(res.body.data).toEqual({ viewer: { role: 'DISTRICT_OFFICE', subject: 'tianhe-duty', districtCodes: ['440106', '440104'] } });
});

test('token: a role without its scope, an unknown role or action: a clear message and exit code 2', async () => {
  const noDistrict = await cli('token', 'create', '--role', 'DISTRICT_OFFICE');
  expect([noDistrict.code, noDistrict.stderr]).toEqual([2, expect.stringContaining('needs at least one district code')]);
  const noDepartment = await cli('token', 'create', '--role', 'DEPARTMENT_STAFF');
  expect([noDepartment.code, noDepartment.stderr]).toEqual([2, expect.stringContaining('needs a department code')]);
  const badRole = await cli('token', 'create', '--role', 'KING');
  expect(badRole.code).not.toBe(0);
  expect(badRole.stderr).toContain('Allowed choices');
  const badAction = await cli('token', 'delete', '--role', 'OPERATOR');
  expect([badAction.code, badAction.stderr]).toEqual([2, expect.stringContaining('unknown action delete')]);
});

test('apikey create, list, revoke: the key works, is listed with its last use, and stops working when revoked', async () => {
  const created = await cli('apikey', 'create', '--name', 'bi-dashboard', '--role', 'ANALYST');
  expect(created.code).toBe(0);
  const key = created.stdout.trim().split('\n').pop()!;
  expect(key).toMatch(/^msk_[A-Za-z0-9]+_[A-Za-z0-9_-]+$/);
  const ok = await t.raw({ query: viewer }, { authorization: `ApiKey ${key}` });
  expect(ok.body.data).toMatchObject({ viewer: { role: 'ANALYST' } });

  const prefix = /^msk_([A-Za-z0-9]+)_/.exec(key)![1];
  const listed = await cli('apikey', 'list');
  const line = listed.stdout.split('\n').find((l) => l.startsWith(prefix));
  expect(line).toContain('bi-dashboard  ANALYST');
  expect(line).not.toContain('last used -');
  expect(listed.stdout).not.toContain(key); // the secret is never shown again

  const revoked = await cli('apikey', 'revoke', prefix);
  expect(revoked.code).toBe(0);
  // revocation reaches every process within the key cache's 30 s; this hub is told directly
  t.hub.apiKeys.forget(prefix);
  const refused = await t.raw({ query: viewer }, { authorization: `ApiKey ${key}` });
  expect(refused.status).toBe(401);
  expect((await cli('apikey', 'revoke', prefix)).code).not.toBe(0);
});
