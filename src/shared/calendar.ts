/**
 * Working-time arithmetic (工作日) for deadlines, over a configurable holiday calendar.
 *
 * Times are counted in China Standard Time (UTC+8, no daylight saving). A working day is a
 * weekday that is not a public holiday, or a weekend day listed as a make-up working day (调休).
 * Working hours are one span per day (default 09:00-18:00); "N working days" means N full spans.
 */
const TZ_OFFSET_MS = 8 * 3600_000;
const DAY_MS = 86_400_000;
const MINUTE_MS = 60_000;

/** Public holidays of 2026 by the State Council's notice (国务院办公厅关于2026年部分节假日安排的通知). */
export const DEFAULT_HOLIDAYS_2026 = [
  ...range('2026-01-01', '2026-01-03'), // 元旦
  ...range('2026-02-15', '2026-02-23'), // 春节
  ...range('2026-04-04', '2026-04-06'), // 清明节
  ...range('2026-05-01', '2026-05-05'), // 劳动节
  ...range('2026-06-19', '2026-06-21'), // 端午节
  ...range('2026-09-25', '2026-09-27'), // 中秋节
  ...range('2026-10-01', '2026-10-07'), // 国庆节
];

/** Weekend days that are working days in 2026 (调休上班). */
export const DEFAULT_WORKDAYS_2026 = [
  '2026-01-04',
  '2026-02-14',
  '2026-02-28',
  '2026-05-09',
  '2026-09-20',
  '2026-10-10',
];

function range(from: string, to: string): string[] {
  const out: string[] = [];
  for (let t = Date.parse(`${from}T00:00:00Z`); t <= Date.parse(`${to}T00:00:00Z`); t += DAY_MS) {
    out.push(new Date(t).toISOString().slice(0, 10));
  }
  return out;
}

/**
 * The statutory holidays on fixed dates (《全国年节及纪念日放假办法》): 元旦 1 January, 劳动节
 * 1-2 May, 国庆节 1-3 October. They hold in a year whose notice is not known yet; the lunar
 * ones (春节, 清明, 端午, 中秋) and the year's bridging days and make-up working days come only
 * with the notice.
 */
const STATUTORY_FIXED = ['01-01', '05-01', '05-02', '10-01', '10-02', '10-03'];

/** Days a year must be given for its notice to count as known. */
const MIN_NOTICE_DAYS = 5;

export interface CalendarOptions {
  /** Days off by the State Council's notices, added to the built-in one (2026). */
  holidays?: readonly string[];
  /** Weekend days that are working days (调休), likewise. */
  workdays?: readonly string[];
  /** e.g. "09:00-18:00", local time */
  hours?: string;
}

export class WorkingCalendar {
  private readonly holidays: Set<string>;
  private readonly workdays: Set<string>;
  /** years whose notice is known (given or built in) */
  private readonly noticeYears: Set<number>;
  private readonly startMin: number;
  private readonly endMin: number;

  constructor(options: CalendarOptions = {}) {
    const year = (d: string) => Number(d.slice(0, 4));
    // the days given add to the built-in notice (a notice also lists days of the year before it:
    // the 2023 notice's 2022-12-31)
    this.holidays = new Set([...DEFAULT_HOLIDAYS_2026, ...(options.holidays ?? [])]);
    this.workdays = new Set([...DEFAULT_WORKDAYS_2026, ...(options.workdays ?? [])]);
    // a year's notice is known when it gives that year several days (a real one gives 25 or more)
    const perYear = new Map<number, number>();
    for (const d of [...this.holidays, ...this.workdays]) perYear.set(year(d), (perYear.get(year(d)) ?? 0) + 1);
    this.noticeYears = new Set([...perYear].filter(([, n]) => n >= MIN_NOTICE_DAYS).map(([y]) => y));
    const m = /^(\d{2}):(\d{2})-(\d{2}):(\d{2})$/.exec(options.hours ?? '09:00-18:00');
    if (!m) throw new Error(`working hours must look like 09:00-18:00, got ${options.hours}`);
    const [sh, sm, eh, em] = m.slice(1).map(Number);
    if (sm > 59 || em > 59 || sh > 23 || eh > 24 || (eh === 24 && em > 0)) {
      throw new Error(`working hours must be clock times between 00:00 and 24:00, got ${options.hours}`);
    }
    this.startMin = sh * 60 + sm;
    this.endMin = eh * 60 + em;
    if (!(this.startMin < this.endMin)) throw new Error('working hours must end after they start');
  }

  /** The years whose holiday notice the calendar knows, ascending. */
  get knownYears(): number[] {
    return [...this.noticeYears].sort((a, b) => a - b);
  }

  /**
   * What a year without a known notice means for deadlines, or null when the notice is known:
   * only weekends and the fixed-date statutory holidays are days off.
   */
  unknownYearWarning(year: number): string | null {
    if (this.noticeYears.has(year)) return null;
    return (
      `the working calendar has no holiday notice for ${year}: its deadlines count weekends and the fixed statutory days (元旦, 劳动节, 国庆节) only — ` +
      `not 春节, 清明, 端午, 中秋 nor make-up working days. Set CALENDAR_HOLIDAYS and CALENDAR_WORKDAYS from the State Council's notice (known: ${this.knownYears.join(', ') || 'none'})`
    );
  }

  /** Working minutes in one working day. */
  get minutesPerDay(): number {
    return this.endMin - this.startMin;
  }

  /** Is the local calendar day of `at` a working day? */
  isWorkingDay(at: Date): boolean {
    const local = new Date(at.getTime() + TZ_OFFSET_MS);
    const iso = local.toISOString().slice(0, 10);
    if (this.workdays.has(iso)) return true;
    if (this.holidays.has(iso)) return false;
    if (!this.noticeYears.has(local.getUTCFullYear()) && STATUTORY_FIXED.includes(iso.slice(5))) return false;
    const dow = local.getUTCDay();
    return dow !== 0 && dow !== 6;
  }

  /** The instant `minutes` working minutes after `from`. */
  addWorkingMinutes(from: Date, minutes: number): Date {
    if (minutes < 0) throw new Error('minutes must not be negative');
    let remaining = minutes * MINUTE_MS;
    // Work on the local (UTC+8) time line, expressed as epoch milliseconds.
    let t = from.getTime() + TZ_OFFSET_MS;
    for (let guard = 0; guard < 4000; guard++) {
      const dayStart = Math.floor(t / DAY_MS) * DAY_MS;
      const open = dayStart + this.startMin * MINUTE_MS;
      const close = dayStart + this.endMin * MINUTE_MS;
      if (!this.isWorkingDay(new Date(dayStart - TZ_OFFSET_MS)) || t >= close) {
        t = dayStart + DAY_MS + this.startMin * MINUTE_MS;
        continue;
      }
      if (t < open) t = open;
      const available = close - t;
      if (remaining <= available) return new Date(t + remaining - TZ_OFFSET_MS);
      remaining -= available;
      t = dayStart + DAY_MS + this.startMin * MINUTE_MS;
    }
    throw new Error('no working time found within 4000 days: check the holiday calendar');
  }

  /**
   * The opening of the first working day after the local calendar day of `at` (次一工作日):
   * Friday 17:00 → Monday 09:00; the eve of a holiday → the first working day after it. Midnight
   * ends the day before it (a deadline at the close of a 24-hour working day is that day's).
   */
  startOfNextWorkingDay(at: Date): Date {
    let dayStart = Math.floor((at.getTime() - 1 + TZ_OFFSET_MS) / DAY_MS) * DAY_MS;
    for (let guard = 0; guard < 4000; guard++) {
      dayStart += DAY_MS;
      if (this.isWorkingDay(new Date(dayStart - TZ_OFFSET_MS))) return new Date(dayStart + this.startMin * MINUTE_MS - TZ_OFFSET_MS);
    }
    throw new Error('no working day found within 4000 days: check the holiday calendar');
  }

  /** Working minutes between two instants (0 when `to` is not after `from`). */
  workingMinutesBetween(from: Date, to: Date): number {
    let total = 0;
    const end = to.getTime() + TZ_OFFSET_MS;
    let t = from.getTime() + TZ_OFFSET_MS;
    for (let guard = 0; t < end && guard < 40_000; guard++) {
      const dayStart = Math.floor(t / DAY_MS) * DAY_MS;
      if (this.isWorkingDay(new Date(dayStart - TZ_OFFSET_MS))) {
        const open = Math.max(t, dayStart + this.startMin * MINUTE_MS);
        const close = Math.min(end, dayStart + this.endMin * MINUTE_MS);
        if (close > open) total += close - open;
      }
      t = dayStart + DAY_MS;
    }
    return total / MINUTE_MS;
  }

  addWorkingHours(from: Date, hours: number): Date {
    return this.addWorkingMinutes(from, hours * 60);
  }

  addWorkingDays(from: Date, days: number): Date {
    return this.addWorkingMinutes(from, days * this.minutesPerDay);
  }
}

/**
 * What the calendar cannot tell about the deadlines of the coming weeks: a warning for this year
 * and for the year 45 days ahead (a resolve deadline, extended, runs up to 30 working days) when
 * their notice is not known.
 */
export function calendarWarnings(calendar: WorkingCalendar, now: Date): string[] {
  const years = new Set([now, new Date(now.getTime() + 45 * DAY_MS)].map((d) => new Date(d.getTime() + TZ_OFFSET_MS).getUTCFullYear()));
  return [...years].map((y) => calendar.unknownYearWarning(y)).filter((w): w is string => w !== null);
}
