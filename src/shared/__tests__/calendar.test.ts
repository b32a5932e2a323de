/**
 * Pure unit tests of the working-time calendar (DOMAIN.md, "Deadlines").
 *
 * All instants are written in UTC; the comment next to each gives China Standard Time
 * (UTC+8), the time the calendar counts in. 2026 weekdays used below, checked by hand:
 *   2025-12-31 Wed, 2026-01-01 Thu, 2026-01-04 Sun (make-up day), 2026-02-12 Thu,
 *   2026-02-14 Sat (make-up day), 2026-02-15 Sun .. 2026-02-23 Mon (Spring Festival),
 *   2026-02-28 Sat (make-up day), 2026-03-02 Mon, 2026-04-03 Fri, 2026-04-06 Mon,
 *   2026-09-20 Sun (make-up day), 2026-09-30 Wed, 2026-10-08 Thu, 2026-10-10 Sat (make-up day).
 */
import { calendarWarnings, DEFAULT_HOLIDAYS_2026, DEFAULT_WORKDAYS_2026, WorkingCalendar } from '../calendar';

const cal = new WorkingCalendar();
const utc = (iso: string) => new Date(iso);
const iso = (d: Date) => d.toISOString();

describe('the 2026 defaults', () => {
  test('public holidays follow the State Council notice: 33 days in 7 blocks', () => {
    expect(DEFAULT_HOLIDAYS_2026).toEqual([
      '2026-01-01', '2026-01-02', '2026-01-03',
      '2026-02-15', '2026-02-16', '2026-02-17', '2026-02-18', '2026-02-19', '2026-02-20', '2026-02-21', '2026-02-22', '2026-02-23',
      '2026-04-04', '2026-04-05', '2026-04-06',
      '2026-05-01', '2026-05-02', '2026-05-03', '2026-05-04', '2026-05-05',
      '2026-06-19', '2026-06-20', '2026-06-21',
      '2026-09-25', '2026-09-26', '2026-09-27',
      '2026-10-01', '2026-10-02', '2026-10-03', '2026-10-04', '2026-10-05', '2026-10-06', '2026-10-07',
    ]);
  });

  test('make-up working days (调休)', () => {
    expect(DEFAULT_WORKDAYS_2026).toEqual(['2026-01-04', '2026-02-14', '2026-02-28', '2026-05-09', '2026-09-20', '2026-10-10']);
  });

  test('every make-up working day is a Saturday or Sunday', () => {
    for (const d of DEFAULT_WORKDAYS_2026) {
      expect([0, 6]).toContain(new Date(`${d}T00:00:00Z`).getUTCDay());
    }
  });

  test('the default working day is 09:00-18:00: 540 minutes', () => {
    expect(cal.minutesPerDay).toBe(540);
  });
});

describe('isWorkingDay', () => {
  test.each<[string, string, boolean]>([
    ['2026-03-02T04:00:00Z', 'Monday 03-02 noon', true],
    ['2026-03-06T04:00:00Z', 'Friday 03-06 noon', true],
    ['2026-03-07T04:00:00Z', 'Saturday 03-07 noon', false],
    ['2026-03-01T04:00:00Z', 'Sunday 03-01 noon', false],
    ['2026-01-01T04:00:00Z', "New Year's Day (Thursday)", false],
    ['2026-01-02T04:00:00Z', 'Friday 01-02, holiday', false],
    ['2026-01-04T04:00:00Z', 'Sunday 01-04, make-up day', true],
    ['2026-02-13T04:00:00Z', 'Friday 02-13, before Spring Festival', true],
    ['2026-02-14T04:00:00Z', 'Saturday 02-14, make-up day', true],
    ['2026-02-15T04:00:00Z', 'Sunday 02-15, Spring Festival starts', false],
    ['2026-02-16T04:00:00Z', 'Monday 02-16, Spring Festival', false],
    ['2026-02-20T04:00:00Z', 'Friday 02-20, Spring Festival', false],
    ['2026-02-23T04:00:00Z', 'Monday 02-23, Spring Festival ends', false],
    ['2026-02-24T04:00:00Z', 'Tuesday 02-24, back to work', true],
    ['2026-02-28T04:00:00Z', 'Saturday 02-28, make-up day', true],
    ['2026-04-06T04:00:00Z', 'Monday 04-06, Qingming', false],
    ['2026-05-05T04:00:00Z', 'Tuesday 05-05, Labour Day', false],
    ['2026-05-09T04:00:00Z', 'Saturday 05-09, make-up day', true],
    ['2026-06-19T04:00:00Z', 'Friday 06-19, Dragon Boat', false],
    ['2026-09-20T04:00:00Z', 'Sunday 09-20, make-up day', true],
    ['2026-09-25T04:00:00Z', 'Friday 09-25, Mid-Autumn', false],
    ['2026-10-07T04:00:00Z', 'Wednesday 10-07, National Day', false],
    ['2026-10-08T04:00:00Z', 'Thursday 10-08, back to work', true],
    ['2026-10-10T04:00:00Z', 'Saturday 10-10, make-up day', true],
  ])('%s (%s) → %p', (at, _label, expected) => {
    expect(cal.isWorkingDay(utc(at))).toBe(expected);
  });

  test('the day is the local (UTC+8) day, not the UTC day', () => {
    // Sunday 2026-03-01 23:59:59 local
    expect(cal.isWorkingDay(utc('2026-03-01T15:59:59Z'))).toBe(false);
    // Monday 2026-03-02 00:00 local, still Sunday in UTC
    expect(cal.isWorkingDay(utc('2026-03-01T16:00:00Z'))).toBe(true);
    // Friday 2026-03-06 23:59 local
    expect(cal.isWorkingDay(utc('2026-03-06T15:59:00Z'))).toBe(true);
    // Saturday 2026-03-07 00:00 local, still Friday in UTC
    expect(cal.isWorkingDay(utc('2026-03-06T16:00:00Z'))).toBe(false);
    // 2026-02-14 make-up Saturday starts at 2026-02-13T16:00Z
    expect(cal.isWorkingDay(utc('2026-02-13T16:00:00Z'))).toBe(true);
    // 2026-02-15 Spring Festival starts at 2026-02-14T16:00Z
    expect(cal.isWorkingDay(utc('2026-02-14T16:00:00Z'))).toBe(false);
  });
});

describe('addWorkingHours / addWorkingMinutes within and across days', () => {
  test('Monday 09:00 + 2 h → Monday 11:00', () => {
    expect(iso(cal.addWorkingHours(utc('2026-03-02T01:00:00Z'), 2))).toBe('2026-03-02T03:00:00.000Z');
  });

  test('Monday 09:00 + 9 h → Monday 18:00 exactly (the end of the day, not Tuesday 09:00)', () => {
    expect(iso(cal.addWorkingHours(utc('2026-03-02T01:00:00Z'), 9))).toBe('2026-03-02T10:00:00.000Z');
  });

  test('Monday 09:00 + 10 h → Tuesday 10:00', () => {
    expect(iso(cal.addWorkingHours(utc('2026-03-02T01:00:00Z'), 10))).toBe('2026-03-03T02:00:00.000Z');
  });

  test('across the end of a day: Monday 17:00 + 2 h → Tuesday 10:00', () => {
    expect(iso(cal.addWorkingHours(utc('2026-03-02T09:00:00Z'), 2))).toBe('2026-03-03T02:00:00.000Z');
  });

  test('Monday 16:00 + 2 h → Monday 18:00', () => {
    expect(iso(cal.addWorkingHours(utc('2026-03-02T08:00:00Z'), 2))).toBe('2026-03-02T10:00:00.000Z');
  });

  test('across a weekend: Friday 17:00 + 2 h → Monday 10:00', () => {
    expect(iso(cal.addWorkingHours(utc('2026-03-06T09:00:00Z'), 2))).toBe('2026-03-09T02:00:00.000Z');
  });

  test('fractional hours: Monday 17:30 + 1.5 h → Tuesday 10:00', () => {
    expect(iso(cal.addWorkingHours(utc('2026-03-02T09:30:00Z'), 1.5))).toBe('2026-03-03T02:00:00.000Z');
  });

  test('seconds are kept: Monday 17:59:30 + 1 min → Tuesday 09:00:30', () => {
    expect(iso(cal.addWorkingMinutes(utc('2026-03-02T09:59:30Z'), 1))).toBe('2026-03-03T01:00:30.000Z');
  });

  test('Monday 09:00 + 30 min → Monday 09:30', () => {
    expect(iso(cal.addWorkingMinutes(utc('2026-03-02T01:00:00Z'), 30))).toBe('2026-03-02T01:30:00.000Z');
  });

  test('zero minutes inside working hours is the same instant', () => {
    expect(iso(cal.addWorkingMinutes(utc('2026-03-02T02:17:00Z'), 0))).toBe('2026-03-02T02:17:00.000Z');
  });

  test('zero minutes on a Sunday is the next opening, Monday 09:00', () => {
    expect(iso(cal.addWorkingMinutes(utc('2026-03-01T04:00:00Z'), 0))).toBe('2026-03-02T01:00:00.000Z');
  });

  test('does not modify the Date it is given', () => {
    const from = utc('2026-03-02T09:00:00Z');
    cal.addWorkingHours(from, 5);
    expect(iso(from)).toBe('2026-03-02T09:00:00.000Z');
  });
});

describe('starting outside working hours', () => {
  test('before 09:00: Monday 07:30 + 1 h → Monday 10:00', () => {
    expect(iso(cal.addWorkingHours(utc('2026-03-01T23:30:00Z'), 1))).toBe('2026-03-02T02:00:00.000Z');
  });

  test('just after midnight local, still Sunday in UTC: Monday 00:00 + 1 h → Monday 10:00', () => {
    expect(iso(cal.addWorkingHours(utc('2026-03-01T16:00:00Z'), 1))).toBe('2026-03-02T02:00:00.000Z');
  });

  test('after 18:00: Monday 19:00 + 1 h → Tuesday 10:00', () => {
    expect(iso(cal.addWorkingHours(utc('2026-03-02T11:00:00Z'), 1))).toBe('2026-03-03T02:00:00.000Z');
  });

  test('exactly 18:00: Monday 18:00 + 1 h → Tuesday 10:00', () => {
    expect(iso(cal.addWorkingHours(utc('2026-03-02T10:00:00Z'), 1))).toBe('2026-03-03T02:00:00.000Z');
  });

  test('late at night, the next UTC day: Monday 23:30 + 1 h → Tuesday 10:00', () => {
    expect(iso(cal.addWorkingHours(utc('2026-03-02T15:30:00Z'), 1))).toBe('2026-03-03T02:00:00.000Z');
  });

  test('on a Sunday: Sunday 12:00 + 1 h → Monday 10:00', () => {
    expect(iso(cal.addWorkingHours(utc('2026-03-01T04:00:00Z'), 1))).toBe('2026-03-02T02:00:00.000Z');
  });

  test('on a Saturday evening after a working Friday: Saturday 20:00 + 2 h → Monday 11:00', () => {
    expect(iso(cal.addWorkingHours(utc('2026-03-07T12:00:00Z'), 2))).toBe('2026-03-09T03:00:00.000Z');
  });
});

describe('holidays and make-up days (2026)', () => {
  test('Spring Festival: make-up Saturday 02-14 17:00 + 2 h → Tuesday 02-24 10:00 (02-15..23 off)', () => {
    expect(iso(cal.addWorkingHours(utc('2026-02-14T09:00:00Z'), 2))).toBe('2026-02-24T02:00:00.000Z');
  });

  test('Friday 02-13 17:00 + 2 h → make-up Saturday 02-14 10:00', () => {
    expect(iso(cal.addWorkingHours(utc('2026-02-13T09:00:00Z'), 2))).toBe('2026-02-14T02:00:00.000Z');
  });

  test('work is counted on a make-up Saturday: 02-14 10:00 + 1 h → 02-14 11:00', () => {
    expect(iso(cal.addWorkingHours(utc('2026-02-14T02:00:00Z'), 1))).toBe('2026-02-14T03:00:00.000Z');
  });

  test('make-up Saturday 02-28 08:00 + 9 h → 02-28 18:00', () => {
    expect(iso(cal.addWorkingHours(utc('2026-02-28T00:00:00Z'), 9))).toBe('2026-02-28T10:00:00.000Z');
  });

  test('Friday 02-27 17:00 + 2 h → make-up Saturday 02-28 10:00', () => {
    expect(iso(cal.addWorkingHours(utc('2026-02-27T09:00:00Z'), 2))).toBe('2026-02-28T02:00:00.000Z');
  });

  test('make-up Saturday 02-28 17:00 + 2 h → Monday 03-02 10:00 (Sunday off)', () => {
    expect(iso(cal.addWorkingHours(utc('2026-02-28T09:00:00Z'), 2))).toBe('2026-03-02T02:00:00.000Z');
  });

  test('starting inside the Spring Festival: Wednesday 02-18 12:00 + 1 h → Tuesday 02-24 10:00', () => {
    expect(iso(cal.addWorkingHours(utc('2026-02-18T04:00:00Z'), 1))).toBe('2026-02-24T02:00:00.000Z');
  });

  test('5 working days from Thursday 02-12 09:00: Thu, Fri, Sat 02-14, Tue 02-24, Wed 02-25 → 02-25 18:00', () => {
    expect(iso(cal.addWorkingDays(utc('2026-02-12T01:00:00Z'), 5))).toBe('2026-02-25T10:00:00.000Z');
  });

  test('2 working days from Friday 02-13 09:00 end on make-up Saturday 02-14 18:00; 3 on Tuesday 02-24 18:00', () => {
    expect(iso(cal.addWorkingDays(utc('2026-02-13T01:00:00Z'), 2))).toBe('2026-02-14T10:00:00.000Z');
    expect(iso(cal.addWorkingDays(utc('2026-02-13T01:00:00Z'), 3))).toBe('2026-02-24T10:00:00.000Z');
  });

  test("New Year: Wednesday 2025-12-31 17:00 + 2 h → make-up Sunday 2026-01-04 10:00", () => {
    expect(iso(cal.addWorkingHours(utc('2025-12-31T09:00:00Z'), 2))).toBe('2026-01-04T02:00:00.000Z');
  });

  test('Qingming: Friday 04-03 17:00 + 2 h → Tuesday 04-07 10:00', () => {
    expect(iso(cal.addWorkingHours(utc('2026-04-03T09:00:00Z'), 2))).toBe('2026-04-07T02:00:00.000Z');
  });

  test('Labour Day: Thursday 04-30 17:00 + 2 h → Wednesday 05-06 10:00', () => {
    expect(iso(cal.addWorkingHours(utc('2026-04-30T09:00:00Z'), 2))).toBe('2026-05-06T02:00:00.000Z');
  });

  test('make-up Sunday 09-20: Friday 09-18 17:00 + 2 h → Sunday 09-20 10:00', () => {
    expect(iso(cal.addWorkingHours(utc('2026-09-18T09:00:00Z'), 2))).toBe('2026-09-20T02:00:00.000Z');
  });

  test('Mid-Autumn: Thursday 09-24 17:00 + 2 h → Monday 09-28 10:00', () => {
    expect(iso(cal.addWorkingHours(utc('2026-09-24T09:00:00Z'), 2))).toBe('2026-09-28T02:00:00.000Z');
  });

  test('National Day: 2 working days from Wednesday 09-30 09:00 → Thursday 10-08 18:00', () => {
    expect(iso(cal.addWorkingDays(utc('2026-09-30T01:00:00Z'), 2))).toBe('2026-10-08T10:00:00.000Z');
  });

  test('make-up Saturday 10-10: Friday 10-09 17:00 + 2 h → Saturday 10-10 10:00', () => {
    expect(iso(cal.addWorkingHours(utc('2026-10-09T09:00:00Z'), 2))).toBe('2026-10-10T02:00:00.000Z');
  });
});

describe('addWorkingDays', () => {
  test('5 working days from Monday 09:00 end Friday 18:00 local', () => {
    expect(iso(cal.addWorkingDays(utc('2026-03-02T01:00:00Z'), 5))).toBe('2026-03-06T10:00:00.000Z');
  });

  test('1 working day from Monday 09:00 ends Monday 18:00', () => {
    expect(iso(cal.addWorkingDays(utc('2026-03-02T01:00:00Z'), 1))).toBe('2026-03-02T10:00:00.000Z');
  });

  test('1 working day from Monday 10:00 ends Tuesday 10:00', () => {
    expect(iso(cal.addWorkingDays(utc('2026-03-02T02:00:00Z'), 1))).toBe('2026-03-03T02:00:00.000Z');
  });

  test('5 working days from Wednesday 09:00 span the weekend: Tuesday 18:00', () => {
    expect(iso(cal.addWorkingDays(utc('2026-03-04T01:00:00Z'), 5))).toBe('2026-03-10T10:00:00.000Z');
  });

  test('1 working day from Friday 18:00 ends Monday 18:00', () => {
    expect(iso(cal.addWorkingDays(utc('2026-03-06T10:00:00Z'), 1))).toBe('2026-03-09T10:00:00.000Z');
  });

  test('15 working days from Monday 03-02 09:00 end Friday 03-20 18:00', () => {
    expect(iso(cal.addWorkingDays(utc('2026-03-02T01:00:00Z'), 15))).toBe('2026-03-20T10:00:00.000Z');
  });

  test('0 working days from Monday 10:00 is Monday 10:00', () => {
    expect(iso(cal.addWorkingDays(utc('2026-03-02T02:00:00Z'), 0))).toBe('2026-03-02T02:00:00.000Z');
  });
});

describe('startOfNextWorkingDay (次一工作日)', () => {
  test.each<[string, string, string]>([
    ['2026-03-03T02:00:00Z', 'Tuesday 03-03 10:00 → Wednesday 09:00', '2026-03-04T01:00:00.000Z'],
    ['2026-03-03T00:30:00Z', 'Tuesday 03-03 08:30, before opening → Wednesday 09:00, not the same day', '2026-03-04T01:00:00.000Z'],
    ['2026-03-02T16:30:00Z', 'Tuesday 03-03 00:30 (still Monday in UTC) → Wednesday 09:00', '2026-03-04T01:00:00.000Z'],
    ['2026-03-03T15:59:00Z', 'Tuesday 03-03 23:59 → Wednesday 09:00', '2026-03-04T01:00:00.000Z'],
    ['2026-03-06T09:00:00Z', 'Friday 03-06 17:00 → Monday 09:00', '2026-03-09T01:00:00.000Z'],
    ['2026-03-06T19:00:00Z', 'Saturday 03-07 03:00 → Monday 09:00', '2026-03-09T01:00:00.000Z'],
    ['2026-09-24T09:00:00Z', 'Thursday 09-24 17:00, eve of Mid-Autumn (09-25..27) → Monday 09-28 09:00', '2026-09-28T01:00:00.000Z'],
    ['2026-09-30T09:00:00Z', 'Wednesday 09-30 17:00, eve of National Day → Thursday 10-08 09:00', '2026-10-08T01:00:00.000Z'],
    ['2026-10-09T09:00:00Z', 'Friday 10-09 17:00 → Saturday 10-10 09:00, a make-up working day', '2026-10-10T01:00:00.000Z'],
  ])('%s (%s)', (at, _what, expected) => {
    expect(iso(cal.startOfNextWorkingDay(utc(at)))).toBe(expected);
  });

  test('midnight ends the day before it: a deadline at the close of a 24-hour working day is reminded the next morning', () => {
    const c = new WorkingCalendar({ hours: '00:00-24:00' });
    // Tuesday 03-03 00:00 local = the end of Monday → Tuesday 00:00 (its opening), not Wednesday
    expect(iso(c.startOfNextWorkingDay(utc('2026-03-02T16:00:00Z')))).toBe('2026-03-02T16:00:00.000Z');
    // a minute later it is Tuesday's
    expect(iso(c.startOfNextWorkingDay(utc('2026-03-02T16:01:00Z')))).toBe('2026-03-03T16:00:00.000Z');
  });

  test('opens at the configured hour', () => {
    const c = new WorkingCalendar({ hours: '08:30-17:30' });
    // Friday 03-06 17:00 → Monday 08:30
    expect(iso(c.startOfNextWorkingDay(utc('2026-03-06T09:00:00Z')))).toBe('2026-03-09T00:30:00.000Z');
  });

  test('a calendar with no working day gives up with an error instead of looping forever', () => {
    const days: string[] = [];
    // (from 2027: no built-in make-up working day)
    for (let t = Date.parse('2027-01-01T00:00:00Z'), i = 0; i < 4100; i++, t += 86_400_000) {
      days.push(new Date(t).toISOString().slice(0, 10));
    }
    const c = new WorkingCalendar({ holidays: days, workdays: [] });
    expect(() => c.startOfNextWorkingDay(utc('2027-01-02T01:00:00Z'))).toThrow(/no working day found/);
  });
});

describe('custom options', () => {
  test('custom hours 08:30-17:30: 540 minutes a day, opens at 08:30', () => {
    const c = new WorkingCalendar({ hours: '08:30-17:30' });
    expect(c.minutesPerDay).toBe(540);
    // Monday 08:00 + 1 h → 09:30
    expect(iso(c.addWorkingHours(utc('2026-03-02T00:00:00Z'), 1))).toBe('2026-03-02T01:30:00.000Z');
    // Monday 17:00 + 1 h → 30 min Monday + 30 min Tuesday → Tuesday 09:00
    expect(iso(c.addWorkingHours(utc('2026-03-02T09:00:00Z'), 1))).toBe('2026-03-03T01:00:00.000Z');
    // 1 working day from Monday 08:30 → Monday 17:30
    expect(iso(c.addWorkingDays(utc('2026-03-02T00:30:00Z'), 1))).toBe('2026-03-02T09:30:00.000Z');
  });

  test('custom hours 09:00-12:00: a working day is 3 hours', () => {
    const c = new WorkingCalendar({ hours: '09:00-12:00' });
    expect(c.minutesPerDay).toBe(180);
    // 2 working days from Monday 09:00 → Tuesday 12:00
    expect(iso(c.addWorkingDays(utc('2026-03-02T01:00:00Z'), 2))).toBe('2026-03-03T04:00:00.000Z');
    // Monday 13:00 + 1 h → Tuesday 10:00
    expect(iso(c.addWorkingHours(utc('2026-03-02T05:00:00Z'), 1))).toBe('2026-03-03T02:00:00.000Z');
  });

  test('custom holidays add to the built-in notice', () => {
    const c = new WorkingCalendar({ holidays: ['2026-03-03'] });
    expect(c.isWorkingDay(utc('2026-03-03T04:00:00Z'))).toBe(false);
    // Spring Festival still is a holiday, the make-up Saturday a working day
    expect(c.isWorkingDay(utc('2026-02-16T04:00:00Z'))).toBe(false);
    expect(c.isWorkingDay(utc('2026-02-14T04:00:00Z'))).toBe(true);
    // Monday 17:00 + 2 h → Wednesday 10:00 (Tuesday is a holiday)
    expect(iso(c.addWorkingHours(utc('2026-03-02T09:00:00Z'), 2))).toBe('2026-03-04T02:00:00.000Z');
  });

  test('custom make-up days add to the built-in ones', () => {
    const c = new WorkingCalendar({ workdays: ['2026-03-07'] });
    expect(c.isWorkingDay(utc('2026-03-07T04:00:00Z'))).toBe(true);
    expect(c.isWorkingDay(utc('2026-02-14T04:00:00Z'))).toBe(true);
    // Friday 17:00 + 2 h → Saturday 10:00
    expect(iso(c.addWorkingHours(utc('2026-03-06T09:00:00Z'), 2))).toBe('2026-03-07T02:00:00.000Z');
  });

  test('empty lists keep the built-in notice', () => {
    const c = new WorkingCalendar({ holidays: [], workdays: [] });
    expect(c.isWorkingDay(utc('2026-01-01T04:00:00Z'))).toBe(false);
    expect(c.isWorkingDay(utc('2026-02-14T04:00:00Z'))).toBe(true);
    expect(c.knownYears).toEqual([2026]);
  });

  test("another year's notice, with a day of the year before it: its days, and 2026's all still", () => {
    const notice2027 = ['2026-12-31', '2027-01-01', '2027-01-02', '2027-02-06', '2027-02-07', '2027-02-08', '2027-02-09'];
    const c = new WorkingCalendar({ holidays: notice2027, workdays: ['2027-02-20'] });
    expect(c.isWorkingDay(utc('2027-02-08T04:00:00Z'))).toBe(false);
    expect(c.isWorkingDay(utc('2027-02-20T04:00:00Z'))).toBe(true);
    expect(c.isWorkingDay(utc('2026-12-31T04:00:00Z'))).toBe(false);
    // 2026's built-in notice stands whole
    for (const day of ['2026-02-16', '2026-10-01']) expect(c.isWorkingDay(utc(`${day}T04:00:00Z`))).toBe(false);
    expect(c.isWorkingDay(utc('2026-02-14T04:00:00Z'))).toBe(true);
    expect(c.knownYears).toEqual([2026, 2027]);
    expect(c.unknownYearWarning(2027)).toBeNull();
  });

  test('a year whose notice is not known: the statutory days on fixed dates are off (元旦, 劳动节 1-2 May, 国庆节 1-3 October), and it is said', () => {
    // 2027-01-01 Fri, 2027-05-03 Mon, 2027-10-01 Fri, 2027-02-08 Mon (春节 by the lunar calendar: not known without the notice)
    expect(cal.isWorkingDay(utc('2027-01-01T04:00:00Z'))).toBe(false);
    expect(cal.isWorkingDay(utc('2027-05-03T04:00:00Z'))).toBe(true);
    expect(cal.isWorkingDay(utc('2027-10-01T04:00:00Z'))).toBe(false);
    expect(cal.isWorkingDay(utc('2027-02-08T04:00:00Z'))).toBe(true);
    // a ticket dispatched Thursday 2026-12-31 17:00 with 2 working hours to accept: Monday 2027-01-04 10:00
    expect(iso(cal.addWorkingHours(utc('2026-12-31T09:00:00Z'), 2))).toBe('2027-01-04T02:00:00.000Z');
    expect(cal.unknownYearWarning(2026)).toBeNull();
    expect(cal.unknownYearWarning(2027)).toMatch(/no holiday notice for 2027.*CALENDAR_HOLIDAYS/);
    // said from mid-November on (deadlines of the coming weeks reach into the new year), not in June
    expect(calendarWarnings(cal, utc('2026-06-01T04:00:00Z'))).toEqual([]);
    expect(calendarWarnings(cal, utc('2026-12-01T04:00:00Z'))).toEqual([cal.unknownYearWarning(2027)]);
  });

  test('a calendar with no working time gives up with an error instead of looping forever', () => {
    const days: string[] = [];
    for (let t = Date.parse('2027-01-01T00:00:00Z'), i = 0; i < 4100; i++, t += 86_400_000) {
      days.push(new Date(t).toISOString().slice(0, 10));
    }
    const c = new WorkingCalendar({ holidays: days, workdays: [] });
    expect(() => c.addWorkingMinutes(utc('2027-01-04T01:00:00Z'), 1)).toThrow(/no working time found/);
  });
});

describe('bad input', () => {
  test.each(['9:00-18:00', '0900-1800', '09:00–18:00', '09:00 - 18:00', '09:00-18:00 ', 'nine to six', '', '09:00'])(
    'hours %p are refused',
    (hours) => {
      expect(() => new WorkingCalendar({ hours })).toThrow(/working hours must look like 09:00-18:00/);
    },
  );

  test.each(['18:00-09:00', '09:00-09:00'])('hours %p that do not end after they start are refused', (hours) => {
    expect(() => new WorkingCalendar({ hours })).toThrow(/end after they start/);
  });

  test.each(['25:00-26:00', '09:60-18:00', '09:00-18:75', '09:00-24:30'])('impossible clock times %p are refused', (hours) => {
    expect(() => new WorkingCalendar({ hours })).toThrow();
  });

  test('negative minutes throw', () => {
    expect(() => cal.addWorkingMinutes(utc('2026-03-02T01:00:00Z'), -1)).toThrow('minutes must not be negative');
  });

  test('negative hours throw', () => {
    expect(() => cal.addWorkingHours(utc('2026-03-02T01:00:00Z'), -0.5)).toThrow('minutes must not be negative');
  });

  test('negative days throw', () => {
    expect(() => cal.addWorkingDays(utc('2026-03-02T01:00:00Z'), -1)).toThrow('minutes must not be negative');
  });
});
