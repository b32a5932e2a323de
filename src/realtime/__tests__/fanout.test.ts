import { member, SharedSelection, setSocketBufferLimit, SLOW_SOCKET_CLOSE } from '../fanout';
import type WebSocket from 'ws';

/** A stand-in socket: records frames, reports a chosen backlog. */
function fakeSocket(bufferedAmount: number) {
  const sent: string[] = [];
  const closed: [number, string][] = [];
  const s = {
    readyState: 1,
    bufferedAmount,
    send: (b: Buffer, o: { binary: boolean }) => sent.push(`${o.binary ? 'binary' : 'text'}:${b.toString()}`),
    close: (code: number, reason: string) => closed.push([code, reason]),
  };
  return { s: s as unknown as WebSocket, sent, closed };
}

afterEach(() => setSocketBufferLimit(4 * 1024 * 1024));

test('one payload, written to each member as a graphql-ws next frame under its own operation id', () => {
  const a = fakeSocket(0);
  const b = fakeSocket(0);
  const payload = Buffer.from('{"data":{"x":1}}');
  const n = SharedSelection.send(payload, [member(a.s, 'one', () => undefined), member(b.s, '2"quoted', () => undefined)]);
  expect(n).toBe(2);
  expect(a.sent).toEqual(['text:{"id":"one","type":"next","payload":{"data":{"x":1}}}']);
  expect(JSON.parse(b.sent[0].slice(5))).toEqual({ id: '2"quoted', type: 'next', payload: { data: { x: 1 } } });
});

test('a socket too far behind is closed with 4503 and dropped; the others are served', () => {
  setSocketBufferLimit(1000);
  const slow = fakeSocket(5000);
  const fast = fakeSocket(10);
  let ended = 0;
  const members = [member(slow.s, 'a', () => ended++), member(fast.s, 'b', () => undefined)];
  expect(SharedSelection.send(Buffer.from('{}'), members)).toBe(1);
  expect(slow.closed).toEqual([[SLOW_SOCKET_CLOSE, expect.stringContaining('after')]]);
  expect(slow.sent).toEqual([]);
  expect(ended).toBe(1);
  expect(fast.sent).toHaveLength(1);
  // once closed, never written again
  expect(SharedSelection.send(Buffer.from('{}'), members)).toBe(1);
  expect(ended).toBe(1);
});
