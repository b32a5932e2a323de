import type { StreamEvent } from '../events';
import { encode } from '../bus';

describe('the bus message of a NOTIFY', () => {
  const event = (position: string, note: string) => ({ position, topic: 'taskforce', type: 'ACTION', payload: { note } }) as unknown as StreamEvent;

  test('events whose text is short in characters but long in bytes (Chinese) travel as a range', () => {
    const note = '专班到厂区协调补偿'.repeat(300); // 2,700 characters, 8,100 bytes
    const message = { events: [event('41', note)] };
    expect(JSON.stringify(message).length).toBeLessThan(7500);
    expect(JSON.parse(encode(message, 7500))).toEqual({ from: '41', to: '41' });
  });

  test('small batches travel whole', () => {
    const message = { events: [event('7', '已派员'), event('8', '已回访')] };
    expect(JSON.parse(encode(message, 7500))).toEqual(message);
  });
});
