/**
 * Tokens of an identity provider: RS256 verified by a configured public key or a JWKS URL,
 * with the provider's issuer; the hub's own HS256 tokens keep working.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, exportSPKI, generateKeyPair, SignJWT } from 'jose';
import type { KeyLike } from 'jose';
import { Role, startTestHub } from './support/hub';
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
