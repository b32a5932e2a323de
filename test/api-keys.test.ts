import { createClient } from 'graphql-ws';
import { print } from 'graphql';
import WebSocket from 'ws';
import { Role } from '../src/auth/viewer';
import { ViewerDocument } from './generated/graphql';
import { startTestHub } from './support/hub';
import type { TestHub } from './support/hub';

let t: TestHub;
beforeAll(async () => {
  t = await startTestHub();
});
afterAll(() => t.stop());

const viewer = '{ viewer { role subject districtCodes } }';

test('a key works over HTTP (Authorization: ApiKey, or X-Api-Key) and WebSocket, with its role and scope', async () => {
  const { key, record } = await t.hub.apiKeys.create({ name: 'district-bi', role: Role.DISTRICT_OFFICE, districtCodes: ['440106'] });
  expect(key).toMatch(/^msk_[A-Za-z0-9]{12}_/);
  const expected = { viewer: { role: 'DISTRICT_OFFICE', subject: 'apikey:district-bi', districtCodes: ['440106'] } };
  expect((await t.raw({ query: viewer }, { authorization: `ApiKey ${key}` })).body.data).toEqual(expected);
  expect((await t.raw({ query: viewer }, { 'x-api-key': key })).body.data).toEqual(expected);

  const c = createClient({ url: t.hub.wsUrl.replace('localhost', '127.0.0.1'), webSocketImpl: WebSocket, retryAttempts: 0, connectionParams: { authorization: `ApiKey ${key}` } });
  try {
    const res = await new Promise<{ data?: unknown }>((resolve, reject) => {
      let r: { data?: unknown } = {};
      c.subscribe({ query: print(ViewerDocument) }, { next: (x) => (r = x), error: reject, complete: () => resolve(r) });
    });
    expect(res.data).toMatchObject({ viewer: { role: 'DISTRICT_OFFICE', districtCodes: ['440106'] } });
  } finally {
    await c.dispose();
  }

  // kept hashed: the secret is nowhere in the table; the last use is recorded
  const rows = await t.hub.orm.em.getConnection().execute<Record<string, unknown>[]>('select * from api_keys where prefix = ?', [record.prefix]);
  // (the secret is everything after the prefix: base64url, which may itself hold "_")
  const secret = key.slice(`msk_${record.prefix}_`.length);
  expect(secret).toHaveLength(43);
  expect(JSON.stringify(rows)).not.toContain(secret);
  expect(rows[0].last_used_at).not.toBeNull();
});

test('a wrong, malformed or revoked key is UNAUTHENTICATED (401)', async () => {
  const { key, record } = await t.hub.apiKeys.create({ name: 'feed', role: Role.ANALYST });
  const wrong = `${key.slice(0, -4)}AAAA`;
  for (const k of [wrong, 'msk_nope', 'not-a-key']) {
    const res = await t.raw({ query: viewer }, { authorization: `ApiKey ${k}` });
    expect([k, res.status, res.body.errors?.[0].extensions?.code]).toEqual([k, 401, 'UNAUTHENTICATED']);
  }
  expect((await t.raw({ query: viewer }, { authorization: `ApiKey ${key}` })).status).toBe(200);
  expect(await t.hub.apiKeys.revoke(record.prefix)).toBe(true);
  const revoked = await t.raw({ query: viewer }, { authorization: `ApiKey ${key}` });
  expect(revoked.status).toBe(401);
  expect(await t.hub.apiKeys.revoke(record.prefix)).toBe(false);
});

test('a key is scoped like a token: a district office key needs districts', async () => {
  await expect(t.hub.apiKeys.create({ name: 'bad', role: Role.DISTRICT_OFFICE })).rejects.toThrow(/district/);
});
