import { Arg, Ctx, Field, Float, InputType, Int, ObjectType, Query, registerEnumType, Resolver } from 'type-graphql';
import type { RequestContext } from '../app/context';
import { onReplica } from '../app/replicas';
import { departmentIdsFor, districtIdsFor, matterIdsFor, requireOwnDistricts, viewerDepartment, viewerDistrictIds } from '../auth/scope';
import { CENTRE_ROLES, requireRole, Role } from '../auth/viewer';
import { Department } from '../departments/department.entity';
import { rate } from './figures';
import { District } from '../departments/district.entity';
import type { Clock } from '../shared/clock';
import { badInput, forbidden, requirePeriod } from '../shared/errors';
import { pgArray } from '../shared/insert';
import { Channel, TicketCategory, Urgency } from '../tickets/ticket.enums';

/** What the figures may be broken down by: at most one of DAY, WEEK and MONTH. */
export enum FigureDimension {
  DISTRICT = 'DISTRICT',
  /** the department leading the ticket now (主办) */
  DEPARTMENT = 'DEPARTMENT',
  /** the duty-list matter it is routed under, by code across duty-list versions (事项) */
  MATTER = 'MATTER',
  CHANNEL = 'CHANNEL',
  CATEGORY = 'CATEGORY',
  URGENCY = 'URGENCY',
  /** the day, ISO week (from Monday) or month it was taken in, in China Standard Time */
  DAY = 'DAY',
  WEEK = 'WEEK',
  MONTH = 'MONTH',
}
registerEnumType(FigureDimension, { name: 'FigureDimension', description: 'What ticket figures are broken down by (at most one of DAY, WEEK, MONTH).' });

const PERIODS: Partial<Record<FigureDimension, string>> = { [FigureDimension.DAY]: 'day', [FigureDimension.WEEK]: 'week', [FigureDimension.MONTH]: 'month' };

/** the most groups one answer holds */
export const MAX_FIGURE_GROUPS = 10_000;

@InputType({ description: 'Which tickets the figures are over, besides the period; each list: any of its values.' })
export class TicketFiguresFilter {
  @Field(() => [String], { nullable: true })
  districtCodes?: string[] | null;

  @Field(() => [String], { nullable: true, description: 'Departments leading the tickets now.' })
  departmentCodes?: string[] | null;

  @Field(() => [String], { nullable: true, description: 'Duty-list matter codes; a category code includes its matters.' })
  matterCodes?: string[] | null;

  @Field(() => [Channel], { nullable: true })
  channels?: Channel[] | null;

  @Field(() => [TicketCategory], { nullable: true })
  categories?: TicketCategory[] | null;
}

/**
 * The figures a hotline is judged by (DOMAIN: KPIs), for one group of the tickets taken in during
 * a period. A report is counted once: merged duplicates are counted apart (`duplicates`), and
 * only their callers' return visits count with the rest.
 */
@ObjectType({ description: 'The hotline’s figures (考核指标) for one group of the tickets taken in during a period.' })
export class TicketFigures {
  @Field(() => District, { nullable: true, description: 'Grouped by DISTRICT: the district.' })
  district!: District | null;

  @Field(() => Department, { nullable: true, description: 'Grouped by DEPARTMENT: the department leading them now (a merged duplicate: its parent’s); null for tickets at no department or waiting for arbitration.' })
  department!: Department | null;

  @Field(() => String, { nullable: true, description: 'Grouped by MATTER: the matter’s code; null for tickets routed under none.' })
  matterCode!: string | null;

  @Field(() => String, { nullable: true, description: 'Grouped by MATTER: the matter’s name in the newest duty list that has it.' })
  matterName!: string | null;

  @Field(() => Channel, { nullable: true })
  channel!: Channel | null;

  @Field(() => TicketCategory, { nullable: true })
  category!: TicketCategory | null;

  @Field(() => Urgency, { nullable: true })
  urgency!: Urgency | null;

  @Field(() => String, { nullable: true, description: 'Grouped by DAY, WEEK or MONTH: the first day of the period, YYYY-MM-DD in China Standard Time.' })
  period!: string | null;

  @Field(() => Int, { description: 'Reports taken in (受理量), merged duplicates not included (unless re-opened and handled on their own).' })
  tickets!: number;

  @Field(() => Int, { description: 'Merged duplicates (重复件): further callers of a report counted above.' })
  duplicates!: number;

  @Field(() => Int, { description: '派单: reports dispatched to a department at least once.' })
  dispatched!: number;

  @Field(() => Int, { description: '签收: accepted in their current handling (a re-opened report: once dispatched again and accepted).' })
  accepted!: number;

  @Field(() => Int, { description: 'Accepted by the accept deadline of their current handling.' })
  acceptedOnTime!: number;

  @Field(() => Float, { nullable: true, description: 'Mean hours from (the last) dispatch to acceptance; null when none was accepted.' })
  meanHoursToAccept!: number | null;

  @Field(() => Int, { description: '办结: resolved (and not re-opened since).' })
  resolved!: number;

  @Field(() => Int, { description: 'Resolved by the resolve deadline of their current handling; answered on the call (never dispatched) counts as on time.' })
  resolvedOnTime!: number;

  @Field(() => Float, { nullable: true, description: 'Mean hours from intake to resolution; null when none is resolved.' })
  meanHoursToResolve!: number | null;

  @Field(() => Int, { description: '超期: not resolved and past the resolve deadline now (a ticket late to be accepted is not yet counted here: see `acceptedOnTime` and `Ticket.overdue`).' })
  overdue!: number;

  @Field(() => Int, { description: '退单: reports rejected by a department at least once; by department, the reports that department rejected (from the audit log: an overruled reject counts too).' })
  rejected!: number;

  @Field(() => Int, { description: '首次派准: reports dispatched and never rejected nor re-routed.' })
  firstDispatchRight!: number;

  @Field(() => Int, { description: '重办: reports re-opened at least once after a dissatisfied return visit.' })
  reopened!: number;

  @Field(() => Int, { description: '回访: callers asked (merged duplicates’ callers too), by their latest return visit.' })
  returnVisits!: number;

  @Field(() => Int)
  satisfied!: number;

  @Field(() => Int)
  basicallySatisfied!: number;

  @Field(() => Int)
  dissatisfied!: number;

  @Field(() => Int, { description: 'Return visits where the caller said the problem was solved (解决).' })
  solved!: number;

  @Field(() => Int, { description: '部分解决' })
  partlySolved!: number;

  @Field(() => Int, { description: '未解决' })
  notSolved!: number;

  @Field(() => Float, { nullable: true, description: '按时签收率: accepted on time ÷ accepted.' })
  onTimeAcceptanceRate!: number | null;

  @Field(() => Float, { nullable: true, description: '按时办结率: resolved on time ÷ resolved.' })
  onTimeResolutionRate!: number | null;

  @Field(() => Float, { nullable: true, description: '解决率: solved ÷ return visits that asked.' })
  resolutionRate!: number | null;

  @Field(() => Float, { nullable: true, description: '满意率: (satisfied + basically satisfied) ÷ return visits.' })
  satisfactionRate!: number | null;

  @Field(() => Float, { nullable: true, description: '退单率: rejected ÷ dispatched; by department, its rejects ÷ (its dispatched reports + its rejects), as in departmentFigures.' })
  rejectRate!: number | null;

  @Field(() => Float, { nullable: true, description: '首次派准率: dispatched right the first time ÷ dispatched.' })
  firstDispatchAccuracy!: number | null;

  @Field(() => Float, { nullable: true, description: '重办率: re-opened ÷ resolved at least once.' })
  reopenRate!: number | null;
}

interface Row {
  district_id: string | null;
  department_id: string | null;
  matter_code: string | null;
  channel: Channel | null;
  category: TicketCategory | null;
  urgency: Urgency | null;
  period: string | null;
  tickets: number;
  duplicates: number;
  dispatched: number;
  accepted: number;
  accepted_on_time: number;
  hours_to_accept: number | null;
  resolved: number;
  resolved_on_time: number;
  hours_to_resolve: number | null;
  overdue: number;
  rejected: number;
  first_right: number;
  reopened: number;
  resolved_once: number;
  visits: number;
  satisfied: number;
  basically: number;
  dissatisfied: number;
  solved: number;
  partly: number;
  not_solved: number;
}

const EMPTY: Row = {
  district_id: null, department_id: null, matter_code: null, channel: null, category: null, urgency: null, period: null,
  tickets: 0, duplicates: 0, dispatched: 0, accepted: 0, accepted_on_time: 0, hours_to_accept: null, resolved: 0, resolved_on_time: 0,
  hours_to_resolve: null, overdue: 0, rejected: 0, first_right: 0, reopened: 0, resolved_once: 0, visits: 0, satisfied: 0, basically: 0,
  dissatisfied: 0, solved: 0, partly: 0, not_solved: 0,
};

const hours = (h: number | null) => (h == null ? null : Math.round(Number(h) * 100) / 100);

/** the column each plain dimension groups by, and its name in the answer's rows */
const COLUMNS: Partial<Record<FigureDimension, [string, keyof Row]>> = {
  [FigureDimension.DISTRICT]: ['t.district_id', 'district_id'],
  [FigureDimension.DEPARTMENT]: ['t.lead_department_id', 'department_id'],
  [FigureDimension.MATTER]: ['m.code', 'matter_code'],
  [FigureDimension.CHANNEL]: ['t.channel', 'channel'],
  [FigureDimension.CATEGORY]: ['t.category', 'category'],
  [FigureDimension.URGENCY]: ['t.urgency', 'urgency'],
};

/** each dimension's sort key in an answer's row */
const KEY: Record<FigureDimension, (f: TicketFigures) => string | null> = {
  [FigureDimension.DISTRICT]: (f) => f.district?.code ?? null,
  [FigureDimension.DEPARTMENT]: (f) => f.department?.code ?? null,
  [FigureDimension.MATTER]: (f) => f.matterCode,
  [FigureDimension.CHANNEL]: (f) => f.channel,
  [FigureDimension.CATEGORY]: (f) => f.category,
  [FigureDimension.URGENCY]: (f) => f.urgency,
  [FigureDimension.DAY]: (f) => f.period,
  [FigureDimension.WEEK]: (f) => f.period,
  [FigureDimension.MONTH]: (f) => f.period,
};

export class TicketFiguresService {
  constructor(private readonly clock: Clock) {}

  /**
   * The KPIs over the tickets taken in from `from` to `to` (at most 366 days), broken down by
   * `groupBy`: the centre and analysts read the whole city's, a district office its districts',
   * a department the tickets it leads. One pass over the period's tickets (their counters —
   * rejects, re-routes, re-opens — and times are kept on the ticket row).
   */
  async figures(rc: RequestContext, a: { from: Date; to: Date; groupBy?: FigureDimension[] | null; filter?: TicketFiguresFilter | null }): Promise<TicketFigures[]> {
    const role = requireRole(rc.viewer, ...CENTRE_ROLES, Role.ANALYST, Role.DISTRICT_OFFICE, Role.DEPARTMENT_STAFF);
    requirePeriod(a.from, a.to, 'ticket figures');
    const groupBy = a.groupBy ?? [];
    if (new Set(groupBy).size !== groupBy.length) throw badInput('groupBy', 'name each dimension once');
    const periods = groupBy.filter((g) => PERIODS[g]);
    if (periods.length > 1) throw badInput('groupBy', `group by one of DAY, WEEK and MONTH, not ${periods.join(' and ')}`);
    const f = a.filter ?? {};
    let districts = f.districtCodes?.length ? await districtIdsFor(rc, f.districtCodes, 'filter.districtCodes') : null;
    let departments = f.departmentCodes?.length ? await departmentIdsFor(rc, f.departmentCodes, 'filter.departmentCodes') : null;
    const matters = f.matterCodes?.length ? await matterIdsFor(rc, f.matterCodes, 'filter.matterCodes') : null;
    if (role === Role.DISTRICT_OFFICE) {
      requireOwnDistricts(rc, f.districtCodes);
      districts ??= await viewerDistrictIds(rc);
    } else if (role === Role.DEPARTMENT_STAFF) {
      const own = (await viewerDepartment(rc)).id;
      if (departments && departments.some((d) => d !== own)) throw forbidden('your department reads the figures of its own tickets only');
      departments = [own];
    }

    // by department (grouped by it, or one department's figures): a ticket is the department's
    // that leads it now — a merged duplicate its parent's lead's, one waiting for arbitration
    // nobody's — and its rejects (退单) are the departments' that rejected, from the audit log
    const byDepartment = groupBy.includes(FigureDimension.DEPARTMENT) || departments != null;
    const leads = `(case when t.status = 'ARBITRATION' then null when t.lead_department_id is not null then t.lead_department_id
                         when p.status = 'ARBITRATION' then null else p.lead_department_id end)`;
    const rejecter = `(e.changes -> 'rejectedDepartmentIds' ->> -1)::uuid`;
    const joinMatters = groupBy.includes(FigureDimension.MATTER) ? 'left join matters m on m.id = t.matter_id' : '';

    /** One statement over the period's tickets: its group keys, filters and placeholders. */
    const statement = (department: string, from: string, measures: string): { sql: string; params: unknown[] } => {
      const params: unknown[] = [];
      const select: string[] = [];
      const group: string[] = [];
      for (const g of groupBy) {
        const unit = PERIODS[g];
        if (unit) {
          select.push(`to_char(date_trunc('${unit}', t.created_at at time zone 'Asia/Shanghai'), 'YYYY-MM-DD') as period`);
          group.push(`date_trunc('${unit}', t.created_at at time zone 'Asia/Shanghai')`);
        } else {
          const [column, name] = g === FigureDimension.DEPARTMENT ? [department, 'department_id'] : COLUMNS[g]!;
          select.push(`${column} as ${name}`);
          group.push(column);
        }
      }
      const where = ['t.created_at >= ?', 't.created_at < ?'];
      const bounds: unknown[] = [a.from, a.to];
      // (null: no restriction; an empty list — a scope with nothing in it — matches nothing)
      const restrict = (condition: string, values: readonly string[] | null | undefined) => {
        if (values == null) return;
        bounds.push(pgArray(values));
        where.push(condition);
      };
      restrict('t.district_id = any(?::uuid[])', districts);
      restrict(`${department} = any(?::uuid[])`, departments);
      restrict('t.matter_id = any(?::uuid[])', matters);
      restrict('t.channel = any(?::text[])', f.channels?.length ? f.channels : null);
      restrict('t.category = any(?::text[])', f.categories?.length ? f.categories : null);
      // (measures' placeholders come first in the statement, then the filters')
      params.push(...(measures.includes('?') ? [this.clock.now()] : []), ...bounds);
      return {
        sql: `select ${[...select, ''].join(', ')} ${measures}
                from ${from} ${joinMatters}
               where ${where.join(' and ')}
               ${group.length ? `group by ${group.join(', ')}` : ''}
               limit ${MAX_FIGURE_GROUPS + 1}`,
        params,
      };
    };

    // a report: not a merged duplicate — unless its caller, dissatisfied, had it re-opened and
    // handled on its own
    const report = '(t.parent_id is null or t.reopen_count > 0)';
    const main = statement(
      leads,
      `tickets t ${byDepartment ? 'left join tickets p on p.id = t.parent_id' : ''}`,
      `count(*) filter (where ${report})::int as tickets,
       count(*) filter (where not ${report})::int as duplicates,
       count(*) filter (where ${report} and t.first_department_id is not null)::int as dispatched,
       count(*) filter (where ${report} and t.accepted_at is not null and t.accept_deadline is not null and t.status <> 'REOPENED')::int as accepted,
       count(*) filter (where ${report} and t.accepted_at <= t.accept_deadline and t.status <> 'REOPENED')::int as accepted_on_time,
       avg(extract(epoch from t.accepted_at - t.dispatched_at) / 3600) filter (where ${report} and t.accepted_at >= t.dispatched_at and t.accept_deadline is not null and t.status <> 'REOPENED') as hours_to_accept,
       count(*) filter (where ${report} and t.resolved_at is not null)::int as resolved,
       -- answered on the call (即接即办: never dispatched, no deadline) is on time
       count(*) filter (where ${report} and (t.resolved_at <= t.resolve_deadline
                               or (t.resolved_at is not null and t.resolve_deadline is null and t.first_department_id is null)))::int as resolved_on_time,
       avg(extract(epoch from t.resolved_at - t.created_at) / 3600) filter (where ${report} and t.resolved_at is not null) as hours_to_resolve,
       count(*) filter (where ${report} and t.resolved_at is null and t.status not in ('RESOLVED', 'CLOSED', 'MERGED') and t.resolve_deadline < ?)::int as overdue,
       count(*) filter (where ${report} and t.reject_count > 0)::int as rejected,
       count(*) filter (where ${report} and t.first_department_id is not null and t.reject_count = 0 and t.reroute_count = 0)::int as first_right,
       count(*) filter (where ${report} and t.reopen_count > 0)::int as reopened,
       count(*) filter (where ${report} and (t.resolved_at is not null or t.reopen_count > 0))::int as resolved_once,
       count(t.satisfaction)::int as visits,
       count(*) filter (where t.satisfaction = 'SATISFIED')::int as satisfied,
       count(*) filter (where t.satisfaction = 'BASICALLY_SATISFIED')::int as basically,
       count(*) filter (where t.satisfaction = 'DISSATISFIED')::int as dissatisfied,
       count(*) filter (where t.resolution = 'RESOLVED')::int as solved,
       count(*) filter (where t.resolution = 'PARTLY_RESOLVED')::int as partly,
       count(*) filter (where t.resolution = 'NOT_RESOLVED')::int as not_solved`,
    );
    // by department: the tickets each rejected (an overruled reject counts too), merged duplicates' included
    const refused = byDepartment
      ? statement(rejecter, `tickets t join ticket_events e on e.ticket_id = t.id and e.type = 'REJECTED'`, 'count(distinct t.id)::int as rejected')
      : null;

    // PostgreSQL cannot know how few groups a day, week or month makes with the other keys: it
    // estimates one per ticket and sorts the whole period to group it — on disk, or in an index's
    // order, ticket by ticket (1,000,000 tickets: 5 s). Hashing takes one pass over the rows and a
    // table of the groups there are (1.5-2 s; it spills to disk if they are many).
    // (on a read replica when there is one; both statements in one snapshot)
    const [rows, rejects] = await onReplica(rc.em, async (db, tx) => {
      if (groupBy.length) await db.execute('set local enable_sort = off; set local enable_incremental_sort = off', [], 'run', tx);
      return [
        await db.execute<Row[]>(main.sql, main.params, 'all', tx),
        refused ? await db.execute<(Partial<Row> & { rejected: number })[]>(refused.sql, refused.params, 'all', tx) : [],
      ] as const;
    });
    const keyOf = (r: Partial<Row>) => JSON.stringify([r.district_id, r.department_id, r.matter_code, r.channel, r.category, r.urgency, r.period]);
    if (refused) {
      const byKey = new Map(rows.map((r) => [keyOf(r), r]));
      for (const r of rows) r.rejected = 0;
      for (const x of rejects) {
        const row = byKey.get(keyOf(x));
        if (row) row.rejected = x.rejected;
        // a department that only rejected: a row with its rejects alone
        else if (x.department_id != null || !groupBy.includes(FigureDimension.DEPARTMENT)) rows.push({ ...EMPTY, ...x });
      }
    }
    if (rows.length > MAX_FIGURE_GROUPS) {
      throw badInput('groupBy', `more than ${MAX_FIGURE_GROUPS} groups: shorten the period, filter, or group by fewer dimensions`);
    }
    // with no ticket at all and no grouping, the one row of zeros still answers
    const ids = <K extends keyof Row>(k: K) => [...new Set(rows.map((r) => r[k]).filter((v): v is NonNullable<Row[K]> => v != null))] as string[];
    const districtById = new Map((await rc.loaders.districtById.loadMany(ids('district_id'))).filter((d): d is District => d instanceof District).map((d) => [d.id, d]));
    const departmentById = new Map((await rc.loaders.departmentById.loadMany(ids('department_id'))).filter((d): d is Department => d instanceof Department).map((d) => [d.id, d]));
    const codes = ids('matter_code');
    const names = new Map(
      codes.length
        ? (
            await rc.em.getConnection().execute<{ code: string; name: string }[]>(
              `select distinct on (m.code) m.code, m.name from matters m join duty_list_versions v on v.id = m.version_id and v.status <> 'DRAFT'
                where m.code in (?) order by m.code, v.number desc`,
              [codes],
            )
          ).map((r) => [r.code, r.name])
        : [],
    );
    const answer: TicketFigures[] = rows.map((r) => ({
      district: r.district_id ? districtById.get(r.district_id) ?? null : null,
      department: r.department_id ? departmentById.get(r.department_id) ?? null : null,
      matterCode: r.matter_code ?? null,
      matterName: r.matter_code ? names.get(r.matter_code) ?? null : null,
      channel: r.channel ?? null,
      category: r.category ?? null,
      urgency: r.urgency ?? null,
      period: r.period ?? null,
      tickets: r.tickets,
      duplicates: r.duplicates,
      dispatched: r.dispatched,
      accepted: r.accepted,
      acceptedOnTime: r.accepted_on_time,
      meanHoursToAccept: hours(r.hours_to_accept),
      resolved: r.resolved,
      resolvedOnTime: r.resolved_on_time,
      meanHoursToResolve: hours(r.hours_to_resolve),
      overdue: r.overdue,
      rejected: r.rejected,
      firstDispatchRight: r.first_right,
      reopened: r.reopened,
      returnVisits: r.visits,
      satisfied: r.satisfied,
      basicallySatisfied: r.basically,
      dissatisfied: r.dissatisfied,
      solved: r.solved,
      partlySolved: r.partly,
      notSolved: r.not_solved,
      onTimeAcceptanceRate: rate(r.accepted_on_time, r.accepted),
      onTimeResolutionRate: rate(r.resolved_on_time, r.resolved),
      resolutionRate: rate(r.solved, r.solved + r.partly + r.not_solved),
      satisfactionRate: rate(r.satisfied + r.basically, r.visits),
      rejectRate: refused ? rate(r.rejected, r.dispatched + r.rejected) : rate(r.rejected, r.dispatched),
      firstDispatchAccuracy: rate(r.first_right, r.dispatched),
      reopenRate: rate(r.reopened, r.resolved_once),
    }));
    // in the order of the dimensions, by code (districts and departments too), empty keys last
    const keys = groupBy.map((g) => KEY[g]);
    return answer.sort((x, y) => {
      for (const key of keys) {
        const a = key(x);
        const b = key(y);
        if (a !== b) return a == null ? 1 : b == null ? -1 : a < b ? -1 : 1;
      }
      return 0;
    });
  }
}

export function ticketFiguresResolvers(figures: TicketFiguresService) {
  @Resolver()
  class TicketFiguresResolver {
    @Query(() => [TicketFigures], {
      description:
        '考核指标: the hotline’s figures over the tickets taken in during [from, to) — instants: give the offset, e.g. 2026-03-01T00:00:00+08:00 — (≤ 366 days), broken down by up to all of `groupBy` (none: one row for the whole period), within your scope: intake, duplicates, on-time acceptance and resolution, mean hours to accept and resolve, overdue, rejects, first-dispatch accuracy, re-opens, return-visit satisfaction and resolution. Groups with no ticket are left out; at most 10,000 groups.',
    })
    ticketFigures(
      @Ctx() rc: RequestContext,
      @Arg('from', () => Date) from: Date,
      @Arg('to', () => Date) to: Date,
      @Arg('groupBy', () => [FigureDimension], { nullable: true }) groupBy?: FigureDimension[] | null,
      @Arg('filter', () => TicketFiguresFilter, { nullable: true }) filter?: TicketFiguresFilter | null,
    ) {
      return figures.figures(rc, { from, to, groupBy, filter });
    }
  }
  return [TicketFiguresResolver];
}
