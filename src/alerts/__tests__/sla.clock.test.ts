/**
 * When the SLA clock escalates (DOMAIN.md, "Deadlines"): every level on the working calendar.
 * Instants in UTC; the comments give China Standard Time (UTC+8). 2026 days used: 03-03 Tue,
 * 03-06 Fri, 09-30 Wed (eve of National Day, 10-01..07 off), 10-08 Thu, 10-10 Sat (make-up day).
 */
import { WorkingCalendar } from '../../shared/calendar';
import { escalationTimes, lateness, levelsReached } from '../sla.clock';

const cal = new WorkingCalendar();
const utc = (iso: string) => new Date(iso);
const times = (due: string) => Object.fromEntries(Object.entries(escalationTimes(utc(due), cal)).map(([l, d]) => [l, d.toISOString()]));

test('a weekday deadline: reminder the next morning, supervision after 5 and notice after 10 working days', () => {
  // Tuesday 03-03 17:00
  expect(times('2026-03-03T09:00:00Z')).toEqual({
    REMINDER: '2026-03-04T01:00:00.000Z', // Wednesday 09:00
    SUPERVISION: '2026-03-10T09:00:00.000Z', // Tuesday 03-10 17:00
    NOTICE: '2026-03-17T09:00:00.000Z', // Tuesday 03-17 17:00
  });
});

test('a Friday deadline is reminded on Monday, not on Saturday', () => {
  const due = utc('2026-03-06T09:00:00Z'); // Friday 17:00
  expect(levelsReached(due, utc('2026-03-07T09:00:00Z'), cal)).toEqual([]); // Saturday 17:00: 24 h later
  expect(levelsReached(due, utc('2026-03-09T00:59:59Z'), cal)).toEqual([]); // Monday 08:59:59
  expect(levelsReached(due, utc('2026-03-09T01:00:00Z'), cal)).toEqual(['REMINDER']); // Monday 09:00
});

test('a deadline on the eve of National Day: reminder on 10-08, supervision counting the make-up Saturday', () => {
  // Wednesday 09-30 17:00
  expect(times('2026-09-30T09:00:00Z')).toEqual({
    REMINDER: '2026-10-08T01:00:00.000Z', // Thursday 10-08 09:00
    SUPERVISION: '2026-10-13T09:00:00.000Z', // 10-08, 10-09, 10-10 (Sat, make-up), 10-12, 10-13 → Tuesday 17:00
    NOTICE: '2026-10-20T09:00:00.000Z', // Tuesday 10-20 17:00
  });
  expect(levelsReached(utc('2026-09-30T09:00:00Z'), utc('2026-10-07T15:59:59Z'), cal)).toEqual([]); // the whole holiday
});

test('an urgent deadline at night (30 minutes by the wall clock) is reminded the next working morning', () => {
  const due = utc('2026-03-03T15:30:00Z'); // Tuesday 23:30
  expect(levelsReached(due, utc('2026-03-04T00:59:00Z'), cal)).toEqual([]);
  expect(levelsReached(due, utc('2026-03-04T01:00:00Z'), cal)).toEqual(['REMINDER']);
});

test('the levels come in order, each once reached stays reached', () => {
  const due = utc('2026-03-06T09:00:00Z');
  const seen: string[][] = [];
  for (let t = due.getTime(); t < due.getTime() + 40 * 86_400_000; t += 1_800_000) seen.push(levelsReached(due, new Date(t), cal));
  const lengths = seen.map((l) => l.length);
  expect(lengths).toEqual([...lengths].sort((a, b) => a - b));
  expect(seen[seen.length - 1]).toEqual(['REMINDER', 'SUPERVISION', 'NOTICE']);
});

test('how late a ticket is, in working time (the alert says 已超期N个工作日, or 个工作小时 within the first day): weekends and holidays do not count', () => {
  const late = (due: string, now: string) => lateness(utc(due), utc(now), cal);
  // Friday 17:00 → Monday 09:00, when it is reminded: one working hour (Friday 17–18)
  expect(late('2026-03-06T09:00:00Z', '2026-03-09T01:00:00Z')).toEqual({ workingDays: 0, workingHours: 1 });
  // Tuesday 17:00 → the next Tuesday 17:00, when it is supervised: five working days, as the rule says
  const due = '2026-03-03T09:00:00Z';
  expect(late(due, times(due).SUPERVISION)).toEqual({ workingDays: 5, workingHours: 45 });
  // the eve of National Day: the holiday week is not counted; the make-up Saturday 10-10 is
  expect(late('2026-09-30T09:00:00Z', '2026-10-07T10:00:00Z').workingDays).toBe(0);
  expect(late('2026-09-30T09:00:00Z', '2026-10-10T10:00:00Z')).toEqual({ workingDays: 3, workingHours: 28 });
  expect(late('2026-03-03T09:00:00Z', '2026-03-02T09:00:00Z')).toEqual({ workingDays: 0, workingHours: 0 });
});
