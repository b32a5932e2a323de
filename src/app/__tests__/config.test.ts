import { mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ConfigError, loadConfig } from '../config';

describe('configuration from the environment', () => {
  test('defaults need nothing set', () => {
    const c = loadConfig({ DATA_DIR: mkdtempSync(path.join(tmpdir(), 'minsheng-cfg-')) });
    expect(c.PORT).toBe(4000);
    expect(c.DATABASE_URL).toBeUndefined();
    expect(c.SEED_DEMO).toBe(true);
    expect(c.CITY_BOUNDS).toEqual([22.5, 112.9, 23.95, 114.1]);
    expect(c.authSecret.length).toBeGreaterThanOrEqual(32);
  });

  test('without AUTH_SECRET a random key is made once per data directory and kept there, readable by its owner only', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'minsheng-cfg-'));
    const first = loadConfig({ DATA_DIR: dir }).authSecret;
    expect(first).toMatch(/^[0-9a-f]{64}$/);
    expect(loadConfig({ DATA_DIR: dir }).authSecret).toBe(first);
    expect(readFileSync(path.join(dir, 'auth-secret'), 'utf8')).toBe(first);
    expect(statSync(path.join(dir, 'auth-secret')).mode & 0o077).toBe(0);
    const other = loadConfig({ DATA_DIR: mkdtempSync(path.join(tmpdir(), 'minsheng-cfg-')) }).authSecret;
    expect(other).not.toBe(first);
    // an empty key (a crash while it was written) is replaced; a key others can read is made the owner's
    const broken = mkdtempSync(path.join(tmpdir(), 'minsheng-cfg-'));
    writeFileSync(path.join(broken, 'auth-secret'), '');
    expect(loadConfig({ DATA_DIR: broken }).authSecret).toMatch(/^[0-9a-f]{64}$/);
    expect(readdirSync(broken)).toEqual(['auth-secret']);
    const open = mkdtempSync(path.join(tmpdir(), 'minsheng-cfg-'));
    writeFileSync(path.join(open, 'auth-secret'), 'k'.repeat(64), { mode: 0o644 });
    expect(loadConfig({ DATA_DIR: open }).authSecret).toBe('k'.repeat(64));
    expect(statSync(path.join(open, 'auth-secret')).mode & 0o077).toBe(0);
    // a given AUTH_SECRET wins, and nothing is kept for it
    const given = mkdtempSync(path.join(tmpdir(), 'minsheng-cfg-'));
    expect(loadConfig({ DATA_DIR: given, AUTH_SECRET: 's'.repeat(40) }).authSecret).toBe('s'.repeat(40));
    expect(() => statSync(path.join(given, 'auth-secret'))).toThrow();
  });

  test('values are parsed', () => {
    const c = loadConfig({
      PORT: '4100',
      DATABASE_URL: 'postgres://u:p@db:5432/hub',
      SEED_DEMO: 'false',
      CALENDAR_HOLIDAYS: '2027-01-01, 2027-02-06',
      CITY_BOUNDS: '22,113,24,115',
    });
    expect(c.PORT).toBe(4100);
    expect(c.SEED_DEMO).toBe(false);
    expect(c.CALENDAR_HOLIDAYS).toEqual(['2027-01-01', '2027-02-06']);
    expect(c.CITY_BOUNDS).toEqual([22, 113, 24, 115]);
  });

  test('every bad value is named with what to fix, all at once', () => {
    let message = '';
    try {
      loadConfig({ PORT: 'eighty', DATABASE_URL: 'mysql://x', CALENDAR_HOLIDAYS: '2027/01/01', CITY_BOUNDS: '24,113,22,115' });
    } catch (e) {
      expect(e).toBeInstanceOf(ConfigError);
      message = (e as Error).message;
    }
    expect(message).toMatch(/PORT/);
    expect(message).toMatch(/DATABASE_URL: must be a postgres:\/\/ or postgresql:\/\/ URL/);
    expect(message).toMatch(/CALENDAR_HOLIDAYS.*YYYY-MM-DD/);
    expect(message).toMatch(/CITY_BOUNDS.*south<north/);
  });

  test('holiday calendar days must exist; make-up working days fall on a weekend', () => {
    expect(() => loadConfig({ CALENDAR_HOLIDAYS: '2027-01-01,2027-02-30,2027-13-01' })).toThrow(/2027-02-30 is not a date[\s\S]*2027-13-01 is not a date/);
    expect(() => loadConfig({ CALENDAR_WORKDAYS: '2027-02-20,2027-01-06' })).toThrow(/make-up working days are Saturdays or Sundays; not 2027-01-06/);
    expect(loadConfig({ CALENDAR_WORKDAYS: '2027-02-20' }).CALENDAR_WORKDAYS).toEqual(['2027-02-20']);
  });

  test('production needs a real AUTH_SECRET', () => {
    expect(() => loadConfig({ NODE_ENV: 'production' })).toThrow(/AUTH_SECRET: required in production/);
    expect(() => loadConfig({ NODE_ENV: 'production', AUTH_SECRET: 'short' })).toThrow(/at least 32 characters/);
    expect(loadConfig({ NODE_ENV: 'production', AUTH_SECRET: 'x'.repeat(40) }).authSecret).toBe('x'.repeat(40));
  });

  test('the pseudonym key is its own when given, so the token key can be rotated', () => {
    expect(loadConfig({ AUTH_SECRET: 'a'.repeat(40) }).pseudonymSecret).toBe('a'.repeat(40));
    const c = loadConfig({ AUTH_SECRET: 'a'.repeat(40), PSEUDONYM_SECRET: 'p'.repeat(40) });
    expect([c.authSecret, c.pseudonymSecret]).toEqual(['a'.repeat(40), 'p'.repeat(40)]);
    expect(() => loadConfig({ PSEUDONYM_SECRET: 'short' })).toThrow(/PSEUDONYM_SECRET: must be at least 32 characters/);
  });
});
