/**
 * Abuse limits, the same over HTTP and WebSocket: each abusive request is refused with a 4xx
 * (HTTP) and a coded error, and the hub goes on serving others.
 */
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';
import { Role, startTestHub } from './support/hub';
import type { TestHub } from './support/hub';

let t: TestHub;
let token: string;
beforeAll(async () => {
  t = await startTestHub();
  token = await t.token({ role: Role.OPERATOR });
});
afterAll(() => t.stop());

const nested = (depth: number) => `{ tickets(first: 1) { edges { node { ${'parent { '.repeat(depth)}number${' }'.repeat(depth)} } } } }`;

const abusive: [string, string, string | string[]][] = [
  ['depth 20', nested(20), 'GRAPHQL_VALIDATION_FAILED'],
  // refused by the alias limit, or before parsing by the token limit
  ['1,000 aliases', `{ ${Array.from({ length: 1000 }, (_, i) => `a${i}: viewer { role }`).join(' ')} }`, ['GRAPHQL_VALIDATION_FAILED', 'GRAPHQL_PARSE_FAILED']],
  ['40 aliases', `{ ${Array.from({ length: 40 }, (_, i) => `a${i}: viewer { role }`).join(' ')} }`, 'GRAPHQL_VALIDATION_FAILED'],
  ['500 duplicated fields', `{ viewer { ${'role '.repeat(500)}} }`, 'GRAPHQL_VALIDATION_FAILED'],
  ['50 directives', `{ viewer { role ${'@include(if: true) '.repeat(50)}} }`, 'GRAPHQL_VALIDATION_FAILED'],
  ['circular fragments', 'query { viewer { ...A } } fragment A on Viewer { ...B } fragment B on Viewer { ...A }', 'GRAPHQL_VALIDATION_FAILED'],
  ['first: 100000', '{ tickets(first: 100000) { edges { node { number citizen { name phone } events { type } } } } }', 'QUERY_TOO_COMPLEX'],
  ['a NUL character in a string', '{ ticket(number: "GZ\\u0000") { number } }', 'BAD_USER_INPUT'],
  ['10,000 tokens', `{ viewer { role } } ${'# \n'.repeat(1)}${Array.from({ length: 2600 }, (_, i) => `fragment F${i} on Viewer { role }`).join(' ')}`, 'GRAPHQL_PARSE_FAILED'],
];

describe.each(abusive)('%s', (_name, query, code) => {
  test('is refused over HTTP with a 4xx and a code', async () => {
    const res = await t.raw({ query }, { authorization: `Bearer ${token}` });
    expect(res.status).toBeGreaterThanOrEqual(400);
    expect(res.status).toBeLessThan(500);
    expect([code].flat()).toContain(res.body.errors?.[0].extensions?.code);
  });

  test('is refused over WebSocket with the same code on that operation; the socket stays usable', async () => {
    const c = createClient({
      url: t.hub.wsUrl.replace('localhost', '127.0.0.1'),
      webSocketImpl: WebSocket,
      retryAttempts: 0,
      lazy: false, // one socket for both operations: a close would show
      connectionParams: { authorization: `Bearer ${token}` },
    });
    let closed: unknown = null;
    c.on('closed', (e) => (closed = e));
    const run = (q: string) =>
      new Promise<{ errors?: readonly { extensions?: Record<string, unknown>; message: string }[]; data?: unknown }>((resolve, reject) => {
        let result: never;
        c.subscribe(
          { query: q },
          { next: (r) => (result = r as never), error: (e) => (Array.isArray(e) ? resolve({ errors: e }) : reject(e)), complete: () => resolve(result) },
        );
      });
    try {
      const refused = await run(query);
      expect([code].flat()).toContain(refused.errors?.[0].extensions?.code);
      expect(refused.data ?? null).toBeNull();
      // the same socket answers the next operation
      expect(await run('{ viewer { role } }')).toEqual({ data: { viewer: { role: 'OPERATOR' } } });
      expect(closed).toBeNull();
    } finally {
      await c.dispose();
    }
  });
});

test('a 2 MB body is 413 with a code; malformed JSON is 400 with a code; the hub goes on serving', async () => {
  const big = await t.raw(JSON.stringify({ query: `{ viewer { role } }`, variables: { pad: 'x'.repeat(2 * 1024 * 1024) } }), {
    authorization: `Bearer ${token}`,
  });
  expect(big.status).toBe(413);
  expect(big.body.errors?.[0].extensions?.code).toBe('PAYLOAD_TOO_LARGE');
  const bad = await t.raw('{"query": "{ viewer { role } }"', { authorization: `Bearer ${token}` });
  expect(bad.status).toBe(400);
  expect(bad.body.errors?.[0].extensions?.code).toBe('BAD_REQUEST');
  const ok = await t.raw({ query: '{ viewer { role } }' }, { authorization: `Bearer ${token}` });
  expect(ok.status).toBe(200);
  expect(ok.body.data).toEqual({ viewer: { role: 'OPERATOR' } });
  // a path that is not the hub's: 404 with a code, in JSON
  for (const method of ['GET', 'POST']) {
    const res = await fetch(t.url.replace('/graphql', '/nope'), { method, headers: { 'content-type': 'application/json' }, body: method === 'POST' ? '{}' : undefined });
    expect(res.status).toBe(404);
    expect(res.headers.get('content-type')).toMatch(/application\/json/);
    expect(((await res.json()) as { errors: { extensions: { code: string } }[] }).errors[0].extensions.code).toBe('NOT_FOUND');
  }
});

test('ordinary dashboards stay well within the limits', async () => {
  const res = await t.raw(
    { query: '{ tickets(first: 100) { totalCount edges { node { number status citizen { name phone } events { type actor occurredAt } leadDepartment { name district { name } } } } } }' },
    { authorization: `Bearer ${token}` },
  );
  expect(res.status).toBe(200);
  expect(res.body.errors).toBeUndefined();
});

test('an invalid operation gets each of its errors once over HTTP', async () => {
  const res = await t.raw({ query: '{ nope viewer { role } }' }, { authorization: `Bearer ${token}` });
  expect(res.status).toBe(400);
  expect(res.body.errors?.map((e) => [e.extensions?.code, e.message])).toEqual([['GRAPHQL_VALIDATION_FAILED', expect.stringMatching(/Cannot query field "nope"/)]]);
});
