import type { Client } from 'pg';
import { LeaderWorker } from '../realtime/leader';
import type { WorkingCalendar } from '../shared/calendar';
import type { Clock } from '../shared/clock';
import { AlertKind, AlertSeverity, SupervisionLevel } from './alert.entity';
import { raiseOrUpdate } from './alert.store';

export interface SlaClockOptions {
  databaseUrl: string;
  clock: Clock;
  calendar: WorkingCalendar;
  /** how often the clock looks (ms) */
  everyMs: number;
  log?: (m: string, e?: unknown) => void;
}

/** Statuses whose deadline still runs. */
const RUNNING = `('DISPATCHED', 'ACCEPTED', 'IN_PROGRESS', 'REOPENED', 'RESOLVED')`;
const BATCH = 500;

const SEVERITY: Record<SupervisionLevel, AlertSeverity> = {
  REMINDER: AlertSeverity.MEDIUM,
  SUPERVISION: AlertSeverity.HIGH,
  NOTICE: AlertSeverity.CRITICAL,
};
const WORDS: Record<SupervisionLevel, string> = { REMINDER: '催办', SUPERVISION: '督办', NOTICE: '通报' };

/**
 * When each escalation level falls due for the deadline `due`, all on the working calendar:
 * - reminder (催办): the next working day — the opening of working hours (09:00 by default) of the
 *   first working day after the day of the deadline (Tuesday 10:00 → Wednesday 09:00; Friday
 *   17:00 → Monday 09:00; the eve of a holiday → the first working day after it);
 * - supervision (督办): 5 working days after the deadline (`addWorkingDays`, as deadlines are counted);
 * - public notice (通报): 10 working days after the deadline.
 */
export function escalationTimes(due: Date, calendar: WorkingCalendar): Record<SupervisionLevel, Date> {
  return {
    REMINDER: calendar.startOfNextWorkingDay(due),
    SUPERVISION: calendar.addWorkingDays(due, 5),
    NOTICE: calendar.addWorkingDays(due, 10),
  };
}

/** How late a ticket is, in working time since its deadline: whole working days, and whole working hours. */
export function lateness(due: Date, now: Date, calendar: WorkingCalendar): { workingDays: number; workingHours: number } {
  const minutes = calendar.workingMinutesBetween(due, now);
  return { workingDays: Math.floor(minutes / calendar.minutesPerDay), workingHours: Math.floor(minutes / 60) };
}

/** The escalation levels a ticket has reached `now`, for its deadline `due`, lowest first. */
export function levelsReached(due: Date, now: Date, calendar: WorkingCalendar): SupervisionLevel[] {
  const at = escalationTimes(due, calendar);
  return [SupervisionLevel.REMINDER, SupervisionLevel.SUPERVISION, SupervisionLevel.NOTICE].filter((l) => now >= at[l]);
}

/**
 * The SLA clock (超期督办): once across processes, it looks at tickets past their deadline and
 * escalates each on the working calendar (`escalationTimes`) — reminder (催办) at the start of
 * the next working day, supervision (督办) after 5 working days, public notice (通报) after 10 —
 * recording every level reached once per deadline (`supervisions`: a ticket accepted late and
 * then resolved late is reminded of each). Key tickets (urgent ones, and any ticket that reached
 * supervision) raise an OVERDUE alert for their district, updated at each level.
 */
export class SlaClock extends LeaderWorker {
  constructor(private readonly o: SlaClockOptions) {
    super({ databaseUrl: o.databaseUrl, lock: 'minsheng.sla', name: 'minsheng-sla', pollMs: o.everyMs, log: o.log });
  }

  /** Runs one pass now on a connection of its own (tests, the CLI). */
  async runOnce(c: Client): Promise<number> {
    return this.escalate(c);
  }

  protected override async pass(c: Client): Promise<void> {
    await this.escalate(c);
  }

  private async escalate(c: Client): Promise<number> {
    const now = this.o.clock.now();
    let escalated = 0;
    let after = '00000000-0000-0000-0000-000000000000';
    for (;;) {
      // overdue tickets that may have reached a level they have not been given yet
      const { rows } = await c.query<{ id: string; number: string; district_id: string; due_at: Date; urgency: string; levels: string[] | null }>(
        `select t.id, t.number, t.district_id, t.due_at, t.urgency,
                (select array_agg(s.level) from supervisions s where s.ticket_id = t.id and s.due_at = t.due_at) as levels
         from tickets t
         where t.status in ${RUNNING} and t.due_at < $1 and t.id > $2
           and (select count(*) from supervisions s where s.ticket_id = t.id and s.due_at = t.due_at) < 3
         order by t.id limit ${BATCH}`,
        [now, after],
      );
      for (const t of rows) {
        const reached = levelsReached(new Date(t.due_at), now, this.o.calendar);
        const fresh = reached.filter((l) => !(t.levels ?? []).includes(l));
        if (!fresh.length) continue;
        await c.query('begin');
        try {
          // the ticket as it is now, held until the escalation commits: one accepted, resolved,
          // extended or closed since it was read is not escalated for a deadline it no longer has;
          // one being changed right now is left for the next pass (the pass does not wait on it)
          const { rowCount: still } = await c.query(`select 1 from tickets where id = $1 and due_at = $2 and status in ${RUNNING} for share skip locked`, [t.id, t.due_at]);
          if (!still) {
            await c.query('commit');
            continue;
          }
          const { rows: inserted } = await c.query<{ level: SupervisionLevel }>(
            `insert into supervisions (ticket_id, level, due_at, at) select $1, unnest($2::text[]), $3, $4
             on conflict do nothing returning level`,
            [t.id, fresh, t.due_at, now],
          );
          const top = reached[reached.length - 1];
          const key = t.urgency === 'URGENT' || reached.includes(SupervisionLevel.SUPERVISION);
          if (inserted.length && key) {
            const overdueDays = Math.floor((now.getTime() - new Date(t.due_at).getTime()) / 86_400_000);
            // (deadlines are kept in working time: so is the delay told, in working days, or hours within the first)
            const { workingDays: overdueWorkingDays, workingHours } = lateness(new Date(t.due_at), now, this.o.calendar);
            const late = overdueWorkingDays >= 1 ? `${overdueWorkingDays}个工作日` : `${Math.max(1, workingHours)}个工作小时`;
            await raiseOrUpdate(c, {
              kind: AlertKind.OVERDUE,
              key: `${AlertKind.OVERDUE}:${t.id}`,
              districtId: t.district_id,
              severity: SEVERITY[top],
              title: `超期${WORDS[top]}：${t.number}${t.urgency === 'URGENT' ? '（紧急）' : ''}，已超期${late}`,
              figures: { number: t.number, level: top, dueAt: new Date(t.due_at).toISOString(), overdueDays, overdueWorkingDays, urgent: t.urgency === 'URGENT' },
              ticketIds: [t.id],
              ticketCount: 1,
              at: now,
              actor: 'system/sla-clock',
            });
          }
          await c.query('commit');
          escalated += inserted.length;
        } catch (e) {
          await c.query('rollback').catch(() => undefined);
          throw e;
        }
      }
      if (rows.length < BATCH) return escalated;
      after = rows[rows.length - 1].id;
    }
  }
}
