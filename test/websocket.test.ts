import { createClient } from 'graphql-ws';
import type { Client } from 'graphql-ws';
import { print } from 'graphql';
import WebSocket from 'ws';
import { ViewerDocument, TicketListDocument } from './generated/graphql';
import { signToken } from '../src/auth/viewer';
import { Role, startTestHub, TEST_SECRET } from './support/hub';
import type { TestHub } from './support/hub';

let t: TestHub;
beforeAll(async () => {
  t = await startTestHub();
});
afterAll(() => t.stop());

function client(token?: string, onClose?: (code: number) => void): Client {
  return createClient({
    url: t.hub.wsUrl.replace('localhost', '127.0.0.1'),
    webSocketImpl: WebSocket,
    lazy: true,
    retryAttempts: 0,
    connectionParams: token ? { authorization: `Bearer ${token}` } : {},
    on: { closed: (e) => onClose?.((e as { code: number }).code) },
  });
}

async function once<T>(c: Client, query: string, variables: Record<string, unknown> = {}): Promise<T> {
  return new Promise((resolve, reject) => {
    let result: unknown;
    c.subscribe({ query, variables }, { next: (r) => (result = r), error: reject, complete: () => resolve(result as T) });
  });
}

test('graphql-ws on /graphql carries the same viewer as HTTP', async () => {
  const token = await t.token({ role: Role.DISTRICT_OFFICE, districtCodes: ['440106'] });
  const c = client(token);
  try {
    const res = await once<{ data: { viewer: { role: string; districtCodes: string[] } } }>(c, print(ViewerDocument));
    expect(res.data.viewer).toEqual({ role: 'DISTRICT_OFFICE', subject: 'test', departmentCode: null, districtCodes: ['440106'] });
  } finally {
    await c.dispose();
  }
});

test('errors over the socket are coded like over HTTP', async () => {
  const c = client();
  try {
    const res = await once<{ errors: { extensions: { code: string } }[] }>(c, print(TicketListDocument), { first: 1 });
    expect(res.errors[0].extensions.code).toBe('UNAUTHENTICATED');
  } finally {
    await c.dispose();
  }
});

test('a bad token is refused at connection_init with 4403', async () => {
  let code = 0;
  const c = client('not-a-token', (x) => (code = x));
  await expect(once(c, print(ViewerDocument))).rejects.toBeDefined();
  expect(code).toBe(4403);
  await c.dispose();
});

test('in production, introspection is refused over WebSocket as over HTTP', async () => {
  const prod = await startTestHub({ env: { NODE_ENV: 'production' } });
  try {
    const token = await prod.token({ role: Role.OPERATOR });
    const query = '{ __schema { queryType { name } } }';
    const http = await prod.raw({ query }, { authorization: `Bearer ${token}` });
    expect(http.body.errors?.[0].message).toMatch(/introspection/i);
    const c = createClient({
      url: prod.hub.wsUrl.replace('localhost', '127.0.0.1'),
      webSocketImpl: WebSocket,
      lazy: true,
      retryAttempts: 0,
      connectionParams: { authorization: `Bearer ${token}` },
    });
    try {
      const errors = await new Promise<{ message: string }[]>((resolve, reject) => {
        c.subscribe(
          { query },
          {
            next: (r) => (r.errors ? resolve(r.errors as unknown as { message: string }[]) : reject(new Error('answered'))),
            error: (e) => resolve(e as { message: string }[]),
            complete: () => undefined,
          },
        );
      });
      expect(errors[0].message).toMatch(/introspection/i);
      // an ordinary query on the same socket is answered
      const res = await once<{ data: { viewer: { role: string } } }>(c, print(ViewerDocument));
      expect(res.data.viewer.role).toBe('OPERATOR');
    } finally {
      await c.dispose();
    }
  } finally {
    await prod.stop();
  }
});

test('a socket lives only as long as its token: it is closed with 4401 once the token has expired', async () => {
  const short = await startTestHub({ env: { WS_AUTH_RECHECK_SECONDS: '0.3' } });
  const closed: number[] = [];
  const c = createClient({
    url: short.hub.wsUrl.replace('localhost', '127.0.0.1'),
    webSocketImpl: WebSocket,
    retryAttempts: 0,
    connectionParams: { authorization: `Bearer ${await signToken(TEST_SECRET, { role: Role.OPERATOR, subject: 'short-lived' }, '2s')}` },
    on: { closed: (e) => closed.push((e as { code: number }).code) },
  });
  try {
    const events: unknown[] = [];
    c.subscribe({ query: 'subscription { ticketEvents { id } }' }, { next: (r) => events.push(r), error: () => undefined, complete: () => undefined });
    await new Promise((r) => setTimeout(r, 1000));
    expect(closed).toEqual([]); // still valid
    const deadline = Date.now() + 6000;
    while (!closed.length && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    expect(closed).toEqual([4401]);
  } finally {
    await c.dispose();
    await short.stop();
  }
});

test('in production, an unexpected error in a live update is coded and says nothing of the database', async () => {
  const prod = await startTestHub({ env: { NODE_ENV: 'production' } });
  const c = createClient({
    url: prod.hub.wsUrl.replace('localhost', '127.0.0.1'),
    webSocketImpl: WebSocket,
    retryAttempts: 0,
    connectionParams: { authorization: `Bearer ${await prod.token({ role: Role.OPERATOR })}` },
  });
  const db = prod.hub.orm.em.getConnection();
  try {
    const updates: { errors?: { message: string; extensions?: { code?: string } }[] }[] = [];
    c.subscribe({ query: 'subscription { ticketEvents { type ticket { supervisions { level } } } }' }, { next: (r) => updates.push(r as (typeof updates)[number]), error: () => undefined, complete: () => undefined });
    await new Promise((r) => setTimeout(r, 200));
    // a database fault while the update is rendered
    await db.execute('alter table supervisions rename to supervisions_away');
    const token = await prod.token({ role: Role.OPERATOR });
    await prod.raw({ query: 'mutation($i: CreateTicketInput!) { createTicket(input: $i) { id } }', variables: { i: { channel: 'PHONE', title: '路灯不亮', content: '小区门口路灯坏了', districtCode: '440106' } } }, { authorization: `Bearer ${token}` });
    const deadline = Date.now() + 5000;
    while (!updates.some((u) => u.errors) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    const failed = updates.find((u) => u.errors)!;
    expect(failed.errors![0]).toMatchObject({ message: 'internal error', extensions: { code: 'INTERNAL_SERVER_ERROR' } });
    expect(JSON.stringify(failed)).not.toMatch(/relation|select|does not exist/);
    expect(prod.errors.join('\n')).toMatch(/supervisions/); // logged for the operators of the hub
    prod.errors.splice(0);
  } finally {
    await db.execute('alter table if exists supervisions_away rename to supervisions');
    await c.dispose();
    await prod.stop();
  }
});
