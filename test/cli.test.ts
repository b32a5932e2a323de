/**
 * The CLI's credentials, end to end: `minsheng token create` and `minsheng apikey create|list|revoke`
 * run as real processes against the database of a running hub, and what they print works (or,
 * revoked, stops working) on that hub.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { stringify } from 'csv-stringify/sync';
import { PROJECT_ROOT } from '../src/app/config';
import { MATTERS, UNSEEN } from '../src/routing/__tests__/fixtures';
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

describe('routing eval and predict on CSV files', () => {
  let dir: string;
  let train: string;
  let input: string;

  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'minsheng-cli-'));
    // title + detail, a label, and a column the router does not read
    const rows = Object.entries(MATTERS).flatMap(([label, texts]) => texts.map((t, i) => [`来电${i}`, t, label, `x${i}`]));
    train = path.join(dir, 'train.csv');
    fs.writeFileSync(train, stringify(rows, { header: true, columns: ['title', 'detail', 'label_level1', 'other'] }));
    // unseen texts; one row without a detail cell, one with an empty detail
    const unseen = UNSEEN.map(([t]) => ['', t, 'ignored']);
    input = path.join(dir, 'input.csv');
    fs.writeFileSync(input, `${stringify([...unseen, ['路灯坏了']], { header: true, columns: ['title', 'detail', 'extra'] })}护照,\n`);
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  test('predict: one row per input row, in input order, row,label,confidence; short rows and extra columns are fine', async () => {
    const out = path.join(dir, 'p.csv');
    const r = await cli('routing', 'predict', '--train', train, '--input', input, '--text', 'title,detail', '--output', out);
    expect(r.code).toBe(0);
    const lines = fs.readFileSync(out, 'utf8').trim().split('\n');
    expect(lines[0]).toBe('row,label,confidence');
    expect(lines).toHaveLength(UNSEEN.length + 3);
    const preds = lines.slice(1).map((l) => l.split(','));
    expect(preds.map((p) => Number(p[0]))).toEqual(Array.from({ length: UNSEEN.length + 2 }, (_, i) => i));
    UNSEEN.forEach(([, label], i) => expect(preds[i][1]).toBe(label));
    expect(preds[UNSEEN.length][1]).toBe('STREET_LIGHT');
    for (const p of preds) expect(Number(p[2])).toBeGreaterThan(0);
  });

  test('eval: macro-F1, accuracy, per class, confusion and ms per message', async () => {
    const r = await cli('routing', 'eval', '--train', train, '--folds', '4', '--text', 'title,detail', '--label', 'label_level1');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/macro-F1: 0\.\d{4}/);
    expect(r.stdout).toMatch(/accuracy: 0\.\d{4}/);
    expect(r.stdout).toMatch(/confusion/);
    expect(r.stdout).toMatch(/predict: median [\d.]+ ms, p99 [\d.]+ ms/);
  });

  test('misnamed text columns: a file to learn from with none of them fails; otherwise warned of; bad folds and an output that cannot be written: a clear message, before any training', async () => {
    // a training file with none of the text columns: nothing to learn from (a misspelt --text)
    const none = await cli('routing', 'eval', '--train', train, '--folds', '4', '--text', 'titel,detial', '--label', 'label_level1');
    expect([none.code, none.stderr]).toEqual([1, expect.stringContaining('none of the text columns titel, detial is in the file (its header: title,detail,label_level1,other): check --text')]);
    const noneToLearn = await cli('routing', 'predict', '--train', train, '--input', input, '--text', 'titel', '--output', path.join(dir, 'r.csv'));
    expect([noneToLearn.code, noneToLearn.stderr]).toEqual([1, expect.stringContaining('check --text')]);
    // missing in the file to predict on: read as empty text, row for row, and said so
    const blind = path.join(dir, 'blind.csv');
    fs.writeFileSync(blind, 'remark\n甲\n乙\n');
    const blindOut = await cli('routing', 'predict', '--train', train, '--input', blind, '--output', path.join(dir, 'b.csv'));
    expect([blindOut.code, blindOut.stderr]).toEqual([0, expect.stringContaining('every text is empty')]);
    expect(fs.readFileSync(path.join(dir, 'b.csv'), 'utf8').trim().split('\n').map((l) => l.split(',')[0])).toEqual(['row', '0', '1']);
    const some = await cli('routing', 'predict', '--train', train, '--input', input, '--text', 'title,detial', '--output', path.join(dir, 'q.csv'));
    expect(some.code).toBe(0);
    expect(some.stderr).toContain('warning: no column detial: read as empty text');
    for (const folds of ['1', '2.5', 'x']) {
      const bad = await cli('routing', 'eval', '--train', train, '--folds', folds, '--label', 'label_level1');
      expect([bad.code, bad.stderr]).toEqual([1, expect.stringContaining(`--folds must be a whole number of at least 2, got "${folds}"`)]);
    }
    const tooMany = await cli('routing', 'eval', '--train', train, '--folds', '1000', '--label', 'label_level1');
    expect([tooMany.code, tooMany.stderr]).toEqual([1, expect.stringContaining('more than the 48 labelled rows')]);
    const nowhere = await cli('routing', 'predict', '--train', train, '--input', input, '--output', path.join(dir, 'no', 'such', 'p.csv'));
    expect([nowhere.code, nowhere.stderr]).toEqual([1, expect.stringContaining('cannot write')]);
    const folder = await cli('routing', 'predict', '--train', train, '--input', input, '--output', dir);
    expect([folder.code, folder.stderr]).toEqual([1, expect.stringContaining('it is a folder; name a file')]);
  });

  test('dutylist export: a version that is not a number, or not there, is said plainly', async () => {
    const word = await cli('dutylist', 'export', '--version', 'abc');
    expect([word.code, word.stderr]).toEqual([1, expect.stringContaining('--version must be a whole number of at least 1, got "abc"')]);
    const absent = await cli('dutylist', 'export', '--version', '999');
    expect([absent.code, absent.stderr.trim()]).toEqual([1, 'minsheng dutylist export: duty list version 999 not found']);
  });
});
