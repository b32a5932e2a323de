/**
 * graphql-http's audit suite (GraphQL over HTTP conformance) against the running hub, in
 * production mode, as an ADMIN (the suite introspects with `__type`, which production allows
 * only to ADMIN tokens).
 */
import { auditServer } from 'graphql-http';
import { Role, startTestHub } from './support/hub';
import type { TestHub } from './support/hub';

let t: TestHub;
beforeAll(async () => {
  t = await startTestHub({ env: { NODE_ENV: 'production' } });
});
afterAll(() => t.stop());

/** The SHOULDs the hub answers differently on purpose (see the README). */
const KNOWN_WARNINGS = [
  'SHOULD use 200 status code on document parsing failure when accepting application/json',
  'SHOULD use 200 status code on document validation failure when accepting application/json',
  'SHOULD use a status code of 200 on variable coercion failure when accepting application/json',
];

test('no MUST fails; the SHOULD warnings are the known ones', async () => {
  const admin = await t.token({ role: Role.ADMIN });
  const results = await auditServer({
    url: t.url.replace('localhost', '127.0.0.1'),
    fetchFn: (input: string | URL | Request, init?: RequestInit) => {
      const headers = new Headers(init?.headers);
      headers.set('authorization', `Bearer ${admin}`);
      return fetch(input, { ...init, headers });
    },
  });
  const errors = results.filter((r) => r.status === 'error').map((r) => r.name);
  const warnings = results.filter((r) => r.status === 'warn').map((r) => r.name);
  expect(errors).toEqual([]);
  expect(warnings.sort()).toEqual([...KNOWN_WARNINGS].sort());
  expect(results.filter((r) => r.status === 'ok').length).toBeGreaterThan(50);
});

test('in production only ADMIN may introspect', async () => {
  const query = '{ __schema { queryType { name } } }';
  const operator = await t.raw({ query }, { authorization: `Bearer ${await t.token({ role: Role.OPERATOR })}` });
  expect(operator.status).toBe(400);
  expect(operator.body.errors?.[0].extensions?.code).toBe('INTROSPECTION_DISABLED');
  const admin = await t.raw({ query }, { authorization: `Bearer ${await t.token({ role: Role.ADMIN })}` });
  expect(admin.body).toEqual({ data: { __schema: { queryType: { name: 'Query' } } } });
});
