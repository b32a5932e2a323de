/**
 * A probe of the graphql-ws protocol on /graphql with a raw WebSocket: every misbehaviour gets
 * the close code the protocol names.
 */
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

interface Probe {
  ws: WebSocket;
  send(m: unknown): void;
  closed: Promise<number>;
  messages: string[];
}

async function open(): Promise<Probe> {
  const ws = new WebSocket(t.hub.wsUrl.replace('localhost', '127.0.0.1'), 'graphql-transport-ws');
  const messages: string[] = [];
  ws.on('message', (d) => messages.push(d.toString()));
  const closed = new Promise<number>((resolve) => ws.once('close', (code) => resolve(code)));
  await new Promise((r) => ws.once('open', r));
  return { ws, send: (m) => ws.send(typeof m === 'string' ? m : JSON.stringify(m)), closed, messages };
}

const init = (authorization = `Bearer ${token}`) => ({ type: 'connection_init', payload: { authorization } });
const subscribe = (id: string) => ({ id, type: 'subscribe', payload: { query: 'subscription { ticketEvents { id } }' } });

async function acked(p: Probe): Promise<void> {
  const end = Date.now() + 5000;
  while (!p.messages.some((m) => m.includes('connection_ack'))) {
    if (Date.now() > end) throw new Error('no ack');
    await new Promise((r) => setTimeout(r, 10));
  }
}

test('no connection_init in time: 4408', async () => {
  const p = await open();
  expect(await p.closed).toBe(4408);
}, 10_000);

test('a bad token: 4403', async () => {
  const p = await open();
  p.send(init('Bearer not-a-token'));
  expect(await p.closed).toBe(4403);
});

test('subscribe before the ack: 4401', async () => {
  const p = await open();
  p.send(subscribe('1'));
  expect(await p.closed).toBe(4401);
});

test('a second connection_init: 4429', async () => {
  const p = await open();
  p.send(init());
  await acked(p);
  p.send(init());
  expect(await p.closed).toBe(4429);
});

test('a duplicate operation id: 4409', async () => {
  const p = await open();
  p.send(init());
  await acked(p);
  p.send(subscribe('same'));
  p.send(subscribe('same'));
  expect(await p.closed).toBe(4409);
});

test('a malformed message: 4400', async () => {
  const p = await open();
  p.send(init());
  await acked(p);
  p.send('{"type": "subscribe", "id": 7');
  expect(await p.closed).toBe(4400);
});

test('a well-behaved client is acknowledged and served', async () => {
  const p = await open();
  p.send(init());
  await acked(p);
  p.send({ id: 'q', type: 'subscribe', payload: { query: '{ viewer { role } }' } });
  const end = Date.now() + 5000;
  while (!p.messages.some((m) => m.includes('"complete"'))) {
    if (Date.now() > end) throw new Error('no answer');
    await new Promise((r) => setTimeout(r, 10));
  }
  expect(p.messages.find((m) => m.includes('"next"'))).toContain('"role":"OPERATOR"');
  p.ws.close();
});
