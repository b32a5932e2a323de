/**
 * Tokens of an identity provider: RS256 verified by a configured public key or a JWKS URL,
 * with the provider's issuer; the hub's own HS256 tokens keep working.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, exportSPKI, generateKeyPair, SignJWT } from 'jose';
import type { KeyLike } from 'jose';
import { Role, startTestHub, TEST_SECRET } from './support/hub';
import type { TestHub } from './support/hub';

const ISSUER = 'https://idp.example.gov.cn';
const viewer = '{ viewer { role subject districtCodes } }';

async function providerToken(privateKey: KeyLike, issuer = ISSUER, kid?: string) {
  return new SignJWT({ role: Role.DISTRICT_OFFICE, dis: ['440106'] })
    .setProtectedHeader({ alg: 'RS256', ...(kid ? { kid } : {}) })
    .setIssuer(issuer)
    .setSubject('zhang.wei@tianhe')
    .setIssuedAt()
    .setExpirationTime('10m')
    .sign(privateKey);
}

test('RS256 by a configured public key: the provider’s tokens are accepted, others refused; HS256 still works', async () => {
  const { publicKey, privateKey } = await generateKeyPair('RS256');
  const other = await generateKeyPair('RS256');
  const t: TestHub = await startTestHub({ env: { AUTH_PUBLIC_KEY: await exportSPKI(publicKey), AUTH_ISSUER: ISSUER } });
  try {
    const ok = await t.raw({ query: viewer }, { authorization: `Bearer ${await providerToken(privateKey)}` });
    expect(ok.body.data).toEqual({ viewer: { role: 'DISTRICT_OFFICE', subject: 'zhang.wei@tianhe', districtCodes: ['440106'] } });
    for (const bad of [await providerToken(other.privateKey), await providerToken(privateKey, 'https://elsewhere.example')]) {
      const res = await t.raw({ query: viewer }, { authorization: `Bearer ${bad}` });
      expect([res.status, res.body.errors?.[0].extensions?.code]).toEqual([401, 'UNAUTHENTICATED']);
    }
    const own = await t.raw({ query: viewer }, { authorization: `Bearer ${await t.token({ role: Role.OPERATOR })}` });
    expect(own.body.data).toMatchObject({ viewer: { role: 'OPERATOR' } });
  } finally {
    await t.stop();
  }
});

test('RS256 by a JWKS URL', async () => {
  const { publicKey, privateKey } = await generateKeyPair('RS256');
  const jwk = { ...(await exportJWK(publicKey)), kid: 'k1', alg: 'RS256', use: 'sig' };
  const jwks = http.createServer((_req, res) => {
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify({ keys: [jwk] }));
  });
  await new Promise<void>((r) => jwks.listen(0, '127.0.0.1', () => r()));
  const url = `http://127.0.0.1:${(jwks.address() as AddressInfo).port}/jwks.json`;
  const t: TestHub = await startTestHub({ env: { AUTH_JWKS_URL: url, AUTH_ISSUER: ISSUER } });
  try {
    const ok = await t.raw({ query: viewer }, { authorization: `Bearer ${await providerToken(privateKey, ISSUER, 'k1')}` });
    expect(ok.body.data).toMatchObject({ viewer: { role: 'DISTRICT_OFFICE', districtCodes: ['440106'] } });
    const unknownKid = await t.raw({ query: viewer }, { authorization: `Bearer ${await providerToken(privateKey, ISSUER, 'k2')}` });
    expect(unknownKid.status).toBe(401);
  } finally {
    await t.stop();
    jwks.close();
  }
});

test('a token without an expiry or a subject, or meant for another application, is refused', async () => {
  const { publicKey, privateKey } = await generateKeyPair('RS256');
  const t: TestHub = await startTestHub({ env: { AUTH_PUBLIC_KEY: await exportSPKI(publicKey), AUTH_ISSUER: ISSUER, AUTH_AUDIENCE: 'minsheng' } });
  try {
    const claims = { role: Role.DISTRICT_OFFICE, dis: ['440106'] };
    const signed = (aud: string | null, exp: boolean) => {
      let j = new SignJWT(claims).setProtectedHeader({ alg: 'RS256' }).setIssuer(ISSUER).setSubject('li.na@tianhe').setIssuedAt();
      if (aud) j = j.setAudience(aud);
      if (exp) j = j.setExpirationTime('10m');
      return j.sign(privateKey);
    };
    const ok = await t.raw({ query: viewer }, { authorization: `Bearer ${await signed('minsheng', true)}` });
    expect(ok.body.data).toMatchObject({ viewer: { role: 'DISTRICT_OFFICE' } });
    const anonymous = await new SignJWT(claims).setProtectedHeader({ alg: 'RS256' }).setIssuer(ISSUER).setAudience('minsheng').setIssuedAt().setExpirationTime('10m').sign(privateKey);
    for (const bad of [await signed('minsheng', false), await signed('some-other-app', true), await signed(null, true), anonymous]) {
      const res = await t.raw({ query: viewer }, { authorization: `Bearer ${bad}` });
      expect([res.status, res.body.errors?.[0].extensions?.code]).toEqual([401, 'UNAUTHENTICATED']);
    }
    // the hub's own tokens must expire too
    const own = (exp: boolean) => {
      const j = new SignJWT({ role: Role.ADMIN }).setProtectedHeader({ alg: 'HS256' }).setIssuer('minsheng').setSubject('x').setIssuedAt();
      return (exp ? j.setExpirationTime('10m') : j).sign(new TextEncoder().encode(TEST_SECRET));
    };
    expect((await t.raw({ query: viewer }, { authorization: `Bearer ${await own(true)}` })).status).toBe(200);
    expect((await t.raw({ query: viewer }, { authorization: `Bearer ${await own(false)}` })).status).toBe(401);
  } finally {
    await t.stop();
  }
});
