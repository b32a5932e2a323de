import { ManualClock } from '../../shared/clock';
import type { StreamEvent } from '../../realtime/events';
import { HeatmapService } from '../heatmap.service';

const HOUR = 3_600_000;

test('the in-memory index keeps only the retention window as tickets come, even when nobody reads the whole city', () => {
  const clock = new ManualClock(new Date('2026-03-02T01:00:00Z'));
  const service = new HeatmapService(clock, 8, { retentionMs: 8 * 24 * HOUR, graceMs: 0 });
  service.startIndex();
  // a ticket an hour for 30 days, in one cell
  for (let h = 0; h < 30 * 24; h++) {
    clock.advance(HOUR);
    const createdAt = clock.now().toISOString();
    service.onEvent({ topic: 'ticket', type: 'CREATED', payload: { createdAt, cell: '88411c8d6dfffff' } } as unknown as StreamEvent);
  }
  const hours = (service as unknown as { index: { hours: Map<number, unknown> } }).index.hours;
  expect(hours.size).toBeLessThanOrEqual(8 * 24 + 2);
  expect(hours.size).toBeGreaterThanOrEqual(8 * 24 - 2);
});

test('a load of the index that fails part-way goes on where it stopped: no day is counted twice', async () => {
  const clock = new ManualClock(new Date('2026-03-10T01:00:00Z'));
  const service = new HeatmapService(clock, 8, { retentionMs: 8 * 24 * HOUR, graceMs: 0 });
  service.startIndex();
  // one located ticket at noon of each day the load reads; the 4th day's read fails once
  let calls = 0;
  let failed = false;
  service.attach((async (_sql: string, params: unknown[]) => {
    calls++;
    if (calls === 4 && !failed) {
      failed = true;
      throw new Error('connection reset');
    }
    const from = (params[0] as Date).getTime();
    return [{ t: from + 12 * HOUR, cell: '88411c8d6dfffff' }];
  }) as never);
  await expect(service.indexReady()).rejects.toThrow('connection reset');
  await service.indexReady();
  const index = (service as unknown as { index: { counts(a: number, b: number, r: number, s: number): Map<string, number> | null } }).index;
  const now = clock.now().getTime();
  expect(index.counts(now - 8 * 24 * HOUR, now, 8, 8)?.get('88411c8d6dfffff')).toBe(8);
});
