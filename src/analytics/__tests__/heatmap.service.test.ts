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
