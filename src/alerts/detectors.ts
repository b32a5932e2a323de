import { underSavepoint } from '../realtime/consumer';
import type { Tx } from '../realtime/consumer';
import type { StreamEvent } from '../realtime/events';
import { employerKey, employerName, isLabourDispute, peopleAffected, prepareText, speaksOfWork } from '../risk/extract';
import { labourSeverity, surgeSeverity } from '../risk/severity';
import { isSurge, surgeScore } from '../risk/stats';
import { AlertKind, AlertSeverity } from './alert.entity';
import { parseUuidArray } from '../realtime/events';
import { MAX_EVIDENCE, raiseOrUpdate } from './alert.store';
import { RoutingMethod } from '../dutylist/dutylist.enums';

/** The detectors' thresholds (configurable; the defaults are documented in the README). */
export interface DetectorSettings {
  /** labour disputes: signals of one employer within this many days form one situation */
  labourWindowDays: number;
  /** … and raise an alert from this many tickets about one named employer */
  labourMinTickets: number;
  /** … or from this many people in one ticket */
  labourMinPeople: number;
  /** repeat callers: this many tickets from one caller … */
  repeatMinTickets: number;
  /** … within this many days */
  repeatWindowDays: number;
  /** surges: the tickets of one matter in one district in the last this many minutes … */
  surgeWindowMinutes: number;
  /** … against the same window's average over this many days before it */
  surgeBaselineDays: number;
  surgeMinObserved: number;
  surgePValue: number;
  surgeMinRatio: number;
  /** … once the district has at least this many days of history (a new hub has no baseline) */
  surgeMinHistoryDays: number;
  /** recurring problems: the same matter in the same H3 cell in this many distinct weeks … */
  recurringMinWeeks: number;
  /** … within this many days */
  recurringWindowDays: number;
}

export const DEFAULT_DETECTOR_SETTINGS: DetectorSettings = {
  labourWindowDays: 14,
  labourMinTickets: 2,
  labourMinPeople: 10,
  repeatMinTickets: 3,
  repeatWindowDays: 30,
  surgeWindowMinutes: 60,
  surgeBaselineDays: 28,
  surgeMinObserved: 5,
  surgePValue: 1e-3,
  surgeMinRatio: 2,
  surgeMinHistoryDays: 7,
  recurringMinWeeks: 4,
  recurringWindowDays: 730,
};

/** Matters whose tickets are labour disputes whatever their wording. */
const LABOUR_MATTERS = /^LABOUR\.(WAGE|WAGE_GROUP|CONTRACT|SOCIAL_INSURANCE)$/;

const DAY = 86_400_000;

interface TicketRow {
  id: string;
  number: string;
  title: string;
  content: string;
  district_id: string;
  matter_id: string | null;
  matter_code: string | null;
  matter_name: string | null;
  /** how it got its matter (the router's AUTO, an operator's MANUAL, ARBITRATION) */
  routing_method: string | null;
  cell: string | null;
  citizen_key: string | null;
  created_at: Date;
  /** the time it is examined as of: its intake, or the step that gave it its matter */
  as_of: Date;
  /** already a labour-dispute signal (examined before, under its words or another matter) */
  signalled: boolean;
}

/**
 * The risk detectors (风险预警): read the ticket stream as a checkpointed consumer (exactly once,
 * once across processes) and raise or update alerts in the same transaction as the checkpoint.
 * Each ticket is examined under a savepoint: one that trips a detector is logged and skipped,
 * and the detectors keep running.
 */
export class RiskDetectors {
  private readonly firstTicket = new Map<string, Date>();

  constructor(
    private readonly settings: DetectorSettings = DEFAULT_DETECTOR_SETTINGS,
    private readonly log: (m: string, e?: unknown) => void = () => undefined,
  ) {}

  async handle(events: StreamEvent[], tx: Tx): Promise<void> {
    const createdIds = new Set(events.filter((e) => e.topic === 'ticket' && e.type === 'CREATED').map((e) => e.aggregateId));
    // a ticket that gets its matter after intake (the operator's dispatch of one the router left,
    // a re-route, arbitration) is examined again as of that step: the matter's checks — a
    // LABOUR.* matter, surges, recurring places — could not see it at intake
    const rematched = new Map<string, Date>();
    for (const e of events) {
      if (e.topic !== 'ticket' || e.type === 'CREATED' || createdIds.has(e.aggregateId)) continue;
      const p = e.payload as { matterId?: string | null; fromMatterId?: string | null };
      if (p.matterId && p.matterId !== p.fromMatterId) rematched.set(e.aggregateId, new Date(e.occurredAt));
    }
    if (createdIds.size || rematched.size) {
      const { rows: found } = await tx.query<Omit<TicketRow, 'as_of'>>(
        `select t.id, t.number, t.title, t.content, t.district_id, t.matter_id, m.code as matter_code, m.name as matter_name,
                t.routing ->> 'method' as routing_method, t.cell, t.citizen_key, t.created_at,
                t.id = any($2::uuid[]) and exists (select 1 from risk_signals s where s.ticket_id = t.id and s.kind = '${AlertKind.LABOUR_DISPUTE}') as signalled
         from tickets t left join matters m on m.id = t.matter_id
         where t.id = any($1::uuid[])`,
        [[...createdIds, ...rematched.keys()], [...rematched.keys()]],
      );
      const rows: TicketRow[] = found
        .map((t) => ({ ...t, as_of: rematched.get(t.id) ?? new Date(t.created_at) }))
        .sort((a, b) => a.as_of.getTime() - b.as_of.getTime() || (a.id < b.id ? -1 : 1));
      // labour disputes for the whole batch, each ticket updating its alert; callers, places and
      // surges once per batch at their latest ticket — its counts take in the batch's earlier
      // ones, so a caller with hundreds of tickets a minute costs one check, not hundreds
      const latest = (key: (t: TicketRow) => string | null) => {
        const m = new Map<string, TicketRow>();
        for (const t of rows) {
          const k = key(t);
          if (k) m.set(k, t);
        }
        return [...m.values()];
      };
      // (a caller's tickets are counted once, at intake: a matter does not change them)
      const callers = latest((t) => (t.citizen_key && createdIds.has(t.id) ? `${t.district_id}:${t.citizen_key}` : null));
      const places = latest((t) => (t.cell && t.matter_id ? `${t.district_id}:${t.matter_id}:${t.cell}` : null));
      const surges = latest((t) => (t.matter_id ? `${t.district_id}:${t.matter_id}` : null));
      // each check takes a list of tickets: labour disputes, repeat callers and recurring places
      // in a few statements for the whole list, surges ticket by ticket
      const each = (check: (t: TicketRow) => Promise<void>) => async (ts: TicketRow[]) => {
        for (const t of ts) await check(t);
      };
      const checks: [string, TicketRow[], (ts: TicketRow[]) => Promise<void>][] = [
        ['labour', rows, (ts) => this.labour(tx, ts)],
        ['repeat caller', callers, (ts) => this.repeatCallers(tx, ts)],
        ['recurring', places, (ts) => this.recurring(tx, ts)],
        ['surge', surges, each((t) => this.surge(tx, t))],
      ];
      // the whole batch under one savepoint; only if it fails, ticket by ticket, skipping the bad one
      const whole = await underSavepoint(tx, async () => {
        for (const [, ts, check] of checks) if (ts.length) await check(ts);
      });
      if (whole) {
        this.log('risk detectors: a batch failed; examining its tickets one by one', whole);
        for (const [what, ts, check] of checks) for (const t of ts) await this.guarded(tx, `${what} ${t.number}`, () => check([t]));
      }
    }
    for (const e of events) {
      if (e.topic === 'ticket' && e.type === 'RETURN_VISITED' && e.payload.status === 'REOPENED') {
        await this.guarded(tx, `return visit ${String(e.payload.number)}`, () => this.dissatisfied(tx, e));
      }
    }
  }

  private async guarded(tx: Tx, what: string, run: () => Promise<void>): Promise<void> {
    const e = await underSavepoint(tx, run);
    if (e) this.log(`risk detectors: skipped ${what}`, e);
  }

  /**
   * LABOUR_DISPUTE: wage arrears, compensation, mass disputes — clustered by employer. A batch's
   * signals go in with one insert and are counted with one statement, each as of its own ticket
   * (the signals of its window up to and including it), so each ticket raises or updates its
   * situation's alert as if the tickets had come one by one.
   */
  private async labour(tx: Tx, ts: TicketRow[]): Promise<void> {
    const s = this.settings;
    const found = [];
    for (const t of ts) {
      if (t.signalled) continue;
      const text = prepareText(`${t.title}\n${t.content}`);
      const match = isLabourDispute(text);
      // a labour matter counts whatever the wording when a person chose it; the router's choice
      // only where the text speaks of work at all (村民的拆迁补偿款 is no labour dispute, however
      // sure the router was)
      const labourMatter = !!t.matter_code && LABOUR_MATTERS.test(t.matter_code) && (t.routing_method !== RoutingMethod.AUTO || speaksOfWork(text));
      if (!match.matched && !labourMatter) continue;
      const people = peopleAffected(text);
      const employer = employerName(text);
      const ekey = employer ? employerKey(employer) : '';
      const key = ekey ? `${AlertKind.LABOUR_DISPUTE}:${t.district_id}:${ekey}`.slice(0, 200) : `${AlertKind.LABOUR_DISPUTE}:${t.district_id}:ticket:${t.id}`;
      found.push({ t, match, people, employer, ekey, key });
    }
    if (!found.length) return;
    // the signals, in the batch's order (their ids order tickets that share a timestamp)
    const { rows: inserted } = await tx.query<{ id: string; ticket_id: string }>(
      `insert into risk_signals (kind, key, ticket_id, district_id, people, facts, at)
       select $1, k.key, k.ticket_id, k.district_id, k.people, k.facts, k.at
       from unnest($2::text[], $3::uuid[], $4::uuid[], $5::int[], $6::jsonb[], $7::timestamptz[]) with ordinality as k(key, ticket_id, district_id, people, facts, at, i)
       order by k.i
       returning id, ticket_id`,
      [
        AlertKind.LABOUR_DISPUTE,
        found.map((f) => f.key),
        found.map((f) => f.t.id),
        found.map((f) => f.t.district_id),
        found.map((f) => f.people?.count ?? null),
        found.map((f) => JSON.stringify({ employer: f.employer, phrase: f.people?.phrase ?? null, terms: f.match.terms })),
        found.map((f) => f.t.created_at),
      ],
    );
    const signalOf = new Map(inserted.map((r) => [r.ticket_id, r.id]));
    // each ticket's situation as of that ticket: its key's signals in the window before it, and it
    const { rows: counted } = await tx.query<{ i: string; n: number; people: number | null; tickets: string[] | string }>(
      `select k.i, count(*)::int as n, max(s.people) as people, (array_agg(s.ticket_id order by s.at desc, s.id desc))[1:${MAX_EVIDENCE}] as tickets
       from unnest($1::text[], $2::timestamptz[], $3::bigint[]) with ordinality as k(key, at, signal, i)
       join risk_signals s on s.key = k.key and s.at > k.at - make_interval(days => $4) and s.at <= k.at
         and (s.at < k.at or s.id <= k.signal)
       group by k.i`,
      [found.map((f) => f.key), found.map((f) => f.t.as_of), found.map((f) => signalOf.get(f.t.id)), s.labourWindowDays],
    );
    const byIndex = new Map(counted.map((r) => [Number(r.i) - 1, r]));
    for (const [i, f] of found.entries()) {
      const row = byIndex.get(i);
      if (!row) continue;
      const n = row.n;
      const most = row.people;
      if (!((f.ekey && n >= s.labourMinTickets) || (most ?? 0) >= s.labourMinPeople)) continue;
      const severity = labourSeverity({ people: most, tickets: n }) as AlertSeverity;
      const who = f.employer ?? '未具名用人单位';
      await raiseOrUpdate(tx, {
        kind: AlertKind.LABOUR_DISPUTE,
        key: f.key,
        districtId: f.t.district_id,
        severity,
        title: `劳资纠纷：${who}${most ? `，涉及约${most}人` : ''}，${n}件工单`,
        figures: { employer: who, people: most, tickets: n, terms: f.match.terms, windowDays: s.labourWindowDays },
        ticketIds: parseUuidArray(row.tickets).reverse(),
        ticketCount: n,
        people: most,
        at: f.t.as_of,
        actor: 'system/labour-dispute',
      });
    }
  }

  /** REPEAT_CALLER: one caller (by pseudonym), many tickets. Each caller counted at its ticket. */
  private async repeatCallers(tx: Tx, ts: TicketRow[]): Promise<void> {
    const s = this.settings;
    const keyed = ts.filter((t) => t.citizen_key);
    if (!keyed.length) return;
    const { rows } = await tx.query<{ i: string; n: number; ids: string[] | string }>(
      `select k.i, count(*)::int as n, (array_agg(t.id order by t.created_at desc, t.id desc))[1:${MAX_EVIDENCE}] as ids
       from unnest($1::text[], $2::uuid[], $3::timestamptz[]) with ordinality as k(citizen_key, district_id, at, i)
       join tickets t on t.citizen_key = k.citizen_key and t.district_id = k.district_id
         and t.created_at > k.at - make_interval(days => $4) and t.created_at <= k.at
       group by k.i having count(*) >= $5`,
      [keyed.map((t) => t.citizen_key), keyed.map((t) => t.district_id), keyed.map((t) => t.created_at), s.repeatWindowDays, s.repeatMinTickets],
    );
    for (const r of rows) {
      const t = keyed[Number(r.i) - 1];
      const n = r.n;
      const severity = n >= 10 ? AlertSeverity.HIGH : n >= 5 ? AlertSeverity.MEDIUM : AlertSeverity.LOW;
      await raiseOrUpdate(tx, {
        kind: AlertKind.REPEAT_CALLER,
        // per district: each office sees its own callers' tickets, and only those
        key: `${AlertKind.REPEAT_CALLER}:${t.district_id}:${t.citizen_key}`,
        districtId: t.district_id,
        severity,
        title: `重复来电：同一来电人${s.repeatWindowDays}天内${n}件工单`,
        figures: { tickets: n, windowDays: s.repeatWindowDays },
        ticketIds: parseUuidArray(r.ids).reverse(),
        ticketCount: n,
        at: t.created_at,
        actor: 'system/repeat-caller',
      });
    }
  }

  /** RECURRING: the same matter at the same place (H3 cell) in many distinct weeks. Each place counted at its ticket. */
  private async recurring(tx: Tx, ts: TicketRow[]): Promise<void> {
    const s = this.settings;
    const placed = ts.filter((t) => t.cell && t.matter_id);
    if (!placed.length) return;
    // weeks counted in SQL (ISO weeks, Monday first, in Asia/Shanghai): a hot cell may hold thousands
    const { rows } = await tx.query<{ i: string; n: number; weeks: number; since: Date; ids: string[] | string }>(
      `select k.i, count(*)::int as n,
              count(distinct date_trunc('week', t.created_at at time zone 'Asia/Shanghai'))::int as weeks,
              min(t.created_at) as since,
              (array_agg(t.id order by t.created_at desc, t.id desc))[1:${MAX_EVIDENCE}] as ids
       from unnest($1::uuid[], $2::text[], $3::uuid[], $4::timestamptz[]) with ordinality as k(matter_id, cell, district_id, at, i)
       join tickets t on t.matter_id = k.matter_id and t.cell = k.cell and t.district_id = k.district_id
         and t.created_at > k.at - make_interval(days => $5) and t.created_at <= k.at
       group by k.i having count(distinct date_trunc('week', t.created_at at time zone 'Asia/Shanghai')) >= $6`,
      [placed.map((t) => t.matter_id), placed.map((t) => t.cell), placed.map((t) => t.district_id), placed.map((t) => t.as_of), s.recurringWindowDays, s.recurringMinWeeks],
    );
    for (const r of rows) {
      const t = placed[Number(r.i) - 1];
      const { n, weeks } = r;
      const since = new Date(r.since);
      const severity = weeks >= 26 ? AlertSeverity.HIGH : weeks >= 8 ? AlertSeverity.MEDIUM : AlertSeverity.LOW;
      const sinceText = since.toISOString().slice(0, 10);
      await raiseOrUpdate(tx, {
        kind: AlertKind.RECURRING,
        key: `${AlertKind.RECURRING}:${t.district_id}:${t.matter_id}:${t.cell}`,
        districtId: t.district_id,
        severity,
        title: `反复投诉：${t.matter_name ?? '同一事项'}，同一地点${weeks}个不同周（自${sinceText}起）`,
        figures: { weeks, tickets: n, since: sinceText, matterCode: t.matter_code, cell: t.cell, windowDays: s.recurringWindowDays },
        ticketIds: parseUuidArray(r.ids).reverse(),
        ticketCount: n,
        at: t.as_of,
        actor: 'system/recurring',
      });
    }
  }

  /** SURGE: one matter in one district well above its baseline (Poisson). */
  private async surge(tx: Tx, t: TicketRow): Promise<void> {
    const s = this.settings;
    const windowMs = s.surgeWindowMinutes * 60_000;
    const to = t.as_of;
    const from = new Date(to.getTime() - windowMs);
    // the baseline covers the whole days the district has history for, up to surgeBaselineDays:
    // the same window of each of those days — calls come by the hour of the day (a busy matter's
    // morning hour is two or three times its daily average, every morning: no surge)
    const history = (from.getTime() - (await this.firstTicketAt(tx, t.district_id)).getTime()) / DAY;
    if (history < s.surgeMinHistoryDays) return;
    const baselineDays = Math.floor(Math.min(s.surgeBaselineDays, history));
    const { rows } = await tx.query<{ observed: number; before: number; ids: string[] | string }>(
      `select count(*)::int as observed,
              (array_agg(id order by created_at desc, id))[1:200] as ids,
              (select count(*)::int from generate_series(1, $5::int) as d(k)
                 join tickets b on b.district_id = $1 and b.matter_id = $2
                  and b.created_at > $3::timestamptz - make_interval(days => d.k) and b.created_at <= $4::timestamptz - make_interval(days => d.k)) as before
       from tickets where district_id = $1 and matter_id = $2 and created_at > $3 and created_at <= $4`,
      [t.district_id, t.matter_id, from, to, baselineDays],
    );
    const observed = rows[0].observed;
    const expected = rows[0].before / baselineDays;
    const input = { observed, expected, minObserved: s.surgeMinObserved, pValue: s.surgePValue, minRatio: s.surgeMinRatio };
    if (!isSurge(input)) return;
    const score = surgeScore(input);
    const round = (x: number) => Math.round(x * 1000) / 1000;
    await raiseOrUpdate(tx, {
      kind: AlertKind.SURGE,
      key: `${AlertKind.SURGE}:${t.district_id}:${t.matter_id}`,
      districtId: t.district_id,
      severity: surgeSeverity(score.ratio, score.pValue) as AlertSeverity,
      title: `激增：${t.matter_name ?? '同一事项'}，${s.surgeWindowMinutes}分钟${observed}件，常态约${round(score.expected)}件`,
      figures: {
        observed,
        expected: round(score.expected),
        ratio: round(score.ratio),
        pValue: score.pValue,
        windowMinutes: s.surgeWindowMinutes,
        baselineDays,
        matterCode: t.matter_code,
      },
      ticketIds: parseUuidArray(rows[0].ids).reverse(),
      ticketCount: observed,
      at: t.as_of,
      actor: 'system/surge',
    });
  }

  /** When the district's first ticket came in (cached: it only moves when retention deletes). */
  private async firstTicketAt(tx: Tx, districtId: string): Promise<Date> {
    let first = this.firstTicket.get(districtId);
    if (!first) {
      const { rows } = await tx.query<{ first: Date | null }>('select min(created_at) as first from tickets where district_id = $1', [districtId]);
      first = rows[0]?.first ? new Date(rows[0].first) : new Date();
      this.firstTicket.set(districtId, first);
    }
    return first;
  }

  /** DISSATISFIED: a return visit said dissatisfied, the ticket re-opened (预警工单). */
  private async dissatisfied(tx: Tx, e: StreamEvent): Promise<void> {
    const p = e.payload as { ticketId: string; number: string; districtId: string };
    const { rows } = await tx.query<{ n: number }>(
      `select count(*)::int as n from ticket_events where ticket_id = $1 and type = 'RETURN_VISITED' and to_status = 'REOPENED'`,
      [p.ticketId],
    );
    const times = Math.max(1, rows[0]?.n ?? 1);
    await raiseOrUpdate(tx, {
      kind: AlertKind.DISSATISFIED,
      key: `${AlertKind.DISSATISFIED}:${p.ticketId}`,
      districtId: p.districtId,
      severity: times >= 2 ? AlertSeverity.HIGH : AlertSeverity.MEDIUM,
      title: `回访不满意：${p.number}${times >= 2 ? `（第${times}次）` : ''}，预警工单`,
      figures: { number: p.number, dissatisfiedVisits: times },
      ticketIds: [p.ticketId],
      ticketCount: 1,
      at: new Date(e.occurredAt),
      actor: 'system/return-visit',
    });
  }
}
