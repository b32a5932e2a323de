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

export interface CalendarOptions {
  holidays?: readonly string[];
  workdays?: readonly string[];
  /** e.g. "09:00-18:00", local time */
  hours?: string;
}

export class WorkingCalendar {
  private readonly holidays: Set<string>;
  private readonly workdays: Set<string>;
  private readonly startMin: number;
  private readonly endMin: number;

  constructor(options: CalendarOptions = {}) {
    this.holidays = new Set(options.holidays ?? DEFAULT_HOLIDAYS_2026);
    this.workdays = new Set(options.workdays ?? DEFAULT_WORKDAYS_2026);
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

  addWorkingHours(from: Date, hours: number): Date {
    return this.addWorkingMinutes(from, hours * 60);
  }

  addWorkingDays(from: Date, days: number): Date {
    return this.addWorkingMinutes(from, days * this.minutesPerDay);
  }
}
