import { Arg, Ctx, Field, Float, Int, ObjectType, Query, Resolver } from 'type-graphql';
import type { RequestContext } from '../app/context';
import { onReplica } from '../app/replicas';
import { departmentIdsFor, districtIdsFor, requireOwnDistricts, viewerDepartment, viewerDistrictIds } from '../auth/scope';
import { CENTRE_ROLES, requireRole, Role } from '../auth/viewer';
import { Department } from '../departments/department.entity';
import type { Clock } from '../shared/clock';
import { forbidden, requirePeriod } from '../shared/errors';
import { pgArray } from '../shared/insert';


/**
 * 承办单位考核: how one department worked the tickets taken in over a period — the published
 * figures of a hotline's monthly report, rejects (退单, "推拖绕躲") among them. Tickets are counted
 * once: merged duplicates go with their parent — unless the caller, dissatisfied, had one
 * re-opened and it was handled on its own (then it is a report of the department that did).
 */
@ObjectType({ description: '承办单位考核: a department’s figures over the tickets taken in during a period.' })
export class DepartmentFigures {
  @Field(() => Department)
  department!: Department;

  @Field(() => Int, { description: 'Tickets it leads now (主办; not those waiting for arbitration; a merged duplicate goes with its parent, unless re-opened by its caller and handled on its own).' })
  tickets!: number;

  @Field(() => Int, { description: '退单: tickets it rejected as not its own, from the audit log (an overruled reject counts too).' })
  rejected!: number;

  @Field(() => Int, { description: '签收: of its tickets, accepted.' })
  accepted!: number;

  @Field(() => Int, { description: 'Accepted by the accept deadline of its current handling (a re-opened ticket: its re-handling).' })
  acceptedOnTime!: number;

  @Field(() => Int, { description: '办结: resolved (and not re-opened since).' })
  resolved!: number;

  @Field(() => Int, { description: 'Resolved by the resolve deadline of its current handling (a re-opened ticket: its re-handling).' })
  resolvedOnTime!: number;

  @Field(() => Int, { description: '超期: not resolved, past the resolve deadline now (a ticket late to be accepted is not yet counted here: see `acceptedOnTime` and `Ticket.overdue`).' })
  overdue!: number;

  @Field(() => Int, { description: '回访: return visits of the tickets it leads now, every caller’s (merged duplicates’ too; a re-opened ticket’s each).' })
  returnVisits!: number;

  @Field(() => Int)
  satisfied!: number;

  @Field(() => Int)
  basicallySatisfied!: number;

  @Field(() => Int)
  dissatisfied!: number;

  @Field(() => Float, { nullable: true, description: '满意率: (satisfied + basically satisfied) ÷ return visits; null without visits.' })
  satisfactionRate!: number | null;

  @Field(() => Float, { nullable: true, description: '按时办结率: resolved on time ÷ resolved; null when none is resolved.' })
  onTimeResolutionRate!: number | null;

  @Field(() => Float, { nullable: true, description: '退单率: rejected ÷ (tickets + rejected); null when it had none.' })
  rejectRate!: number | null;
}

interface Row {
  id: string;
  tickets: number;
  rejected: number;
  accepted: number;
  accepted_on_time: number;
  resolved: number;
  resolved_on_time: number;
  overdue: number;
  visits: number;
  satisfied: number;
  basically: number;
  dissatisfied: number;
}

/** A share to 4 decimals; null without a denominator. */
export const rate = (n: number, d: number) => (d > 0 ? Math.round((n / d) * 10_000) / 10_000 : null);

export class DepartmentFiguresService {
  constructor(private readonly clock: Clock) {}

  /**
   * Per department, over the tickets taken in from `from` to `to` (at most 366 days): the centre
   * and analysts read every department's, a district office those of tickets in its districts, a
   * department its own.
   */
  async figures(
    rc: RequestContext,
    a: { from: Date; to: Date; districtCodes?: string[] | null; departmentCodes?: string[] | null },
  ): Promise<DepartmentFigures[]> {
    const role = requireRole(rc.viewer, ...CENTRE_ROLES, Role.ANALYST, Role.DISTRICT_OFFICE, Role.DEPARTMENT_STAFF);
    requirePeriod(a.from, a.to, 'department figures');
    let districts = a.districtCodes?.length ? await districtIdsFor(rc, a.districtCodes, 'districtCodes') : null;
    let departments = a.departmentCodes?.length ? await departmentIdsFor(rc, a.departmentCodes, 'departmentCodes') : null;
    if (role === Role.DISTRICT_OFFICE) {
      requireOwnDistricts(rc, a.districtCodes);
      districts ??= await viewerDistrictIds(rc);
    } else if (role === Role.DEPARTMENT_STAFF) {
      const own = (await viewerDepartment(rc)).id;
      if (departments && departments.some((d) => d !== own)) throw forbidden('your department reads its own figures only');
      departments = [own];
    }
    // (placeholders in the order they appear in the statement)
    const params: unknown[] = [a.from, a.to];
    const inDistricts = districts ? (params.push(pgArray(districts)), 'and t.district_id = any(?::uuid[])') : '';
    // a department's own rows only (its tickets, those it rejected, merged duplicates): the
    // city's period is not aggregated for one department
    const mine = departments
      ? (params.push(pgArray(departments), pgArray(departments)), 'and (t.lead_department_id = any(?::uuid[]) or t.parent_id is not null or exists (select 1 from ticket_events e where e.ticket_id = t.id and e.type = \'REJECTED\' and (e.changes -> \'rejectedDepartmentIds\' ->> -1)::uuid = any(?::uuid[])))')
      : '';
    params.push(this.clock.now());
    if (departments) params.push(pgArray(departments));
    const ofDepartments = departments ? 'and d.id = any(?::uuid[])' : '';
    const rows = await onReplica(rc.em, (db, tx) =>
      db.execute<Row[]>(
        `with every as (
           -- the period's tickets, merged duplicates included (their rejects and return visits count)
           select t.id, t.parent_id, t.reopen_count, t.lead_department_id, t.status, t.accepted_at, t.accept_deadline, t.resolved_at, t.resolve_deadline
             from tickets t
            where t.created_at >= ? and t.created_at < ? ${inDistricts} ${mine}
         ),
         led as (
           -- tickets counted once (a duplicate goes with its parent, unless its caller had it re-opened
           -- and it was handled on its own); one waiting for arbitration is nobody's yet
           select lead_department_id as dep, count(*)::int as tickets,
                  count(*) filter (where accepted_at is not null)::int as accepted,
                  -- (a re-opened ticket waiting at the centre: its accept deadline is the next handling's)
                count(*) filter (where accepted_at <= accept_deadline and status <> 'REOPENED')::int as accepted_on_time,
                  count(*) filter (where resolved_at is not null)::int as resolved,
                  count(*) filter (where resolved_at <= resolve_deadline)::int as resolved_on_time,
                  count(*) filter (where resolved_at is null and status not in ('RESOLVED', 'CLOSED') and resolve_deadline < ?)::int as overdue
             from every where (parent_id is null or reopen_count > 0) and status not in ('MERGED', 'ARBITRATION') and lead_department_id is not null group by 1
         ),
         refused as (
           -- from the audit log: a reject arbitration overruled is still a reject
           select (e.changes -> 'rejectedDepartmentIds' ->> -1)::uuid as dep, count(distinct e.ticket_id)::int as rejected
             from every join ticket_events e on e.ticket_id = every.id and e.type = 'REJECTED' group by 1
         ),
         visited as (
           -- every caller's return visit (the audit log's, in order), a duplicate's with its parent's
           -- lead — but once its caller had it re-opened and it was dispatched again, with the
           -- department that handled it on its own
           select case when every.parent_id is not null and every.lead_department_id is not null
                        and exists (select 1 from ticket_events r where r.ticket_id = every.id and r.from_status = 'REOPENED' and r.seq < e.seq)
                       then every.lead_department_id
                       else coalesce(p.lead_department_id, every.lead_department_id) end as dep,
                  count(*)::int as visits,
                  count(*) filter (where e.changes ->> 'satisfaction' = 'SATISFIED')::int as satisfied,
                  count(*) filter (where e.changes ->> 'satisfaction' = 'BASICALLY_SATISFIED')::int as basically,
                  count(*) filter (where e.changes ->> 'satisfaction' = 'DISSATISFIED')::int as dissatisfied
             from every join ticket_events e on e.ticket_id = every.id and e.type = 'RETURN_VISITED' left join tickets p on p.id = every.parent_id
            group by 1
         )
         select d.id, coalesce(l.tickets, 0) as tickets, coalesce(r.rejected, 0) as rejected,
                coalesce(l.accepted, 0) as accepted, coalesce(l.accepted_on_time, 0) as accepted_on_time,
                coalesce(l.resolved, 0) as resolved, coalesce(l.resolved_on_time, 0) as resolved_on_time,
                coalesce(l.overdue, 0) as overdue, coalesce(v.visits, 0) as visits, coalesce(v.satisfied, 0) as satisfied,
                coalesce(v.basically, 0) as basically, coalesce(v.dissatisfied, 0) as dissatisfied
           from departments d
           left join led l on l.dep = d.id left join refused r on r.dep = d.id left join visited v on v.dep = d.id
          where (l.dep is not null or r.dep is not null) ${ofDepartments}
          order by d.code`,
        params,
        'all',
        tx,
      ),
    );
    const byId = new Map((await rc.loaders.departmentById.loadMany(rows.map((r) => r.id))).filter((d): d is Department => d instanceof Department).map((d) => [d.id, d]));
    return rows.map((r) => ({
      department: byId.get(r.id)!,
      tickets: r.tickets,
      rejected: r.rejected,
      accepted: r.accepted,
      acceptedOnTime: r.accepted_on_time,
      resolved: r.resolved,
      resolvedOnTime: r.resolved_on_time,
      overdue: r.overdue,
      returnVisits: r.visits,
      satisfied: r.satisfied,
      basicallySatisfied: r.basically,
      dissatisfied: r.dissatisfied,
      satisfactionRate: rate(r.satisfied + r.basically, r.visits),
      onTimeResolutionRate: rate(r.resolved_on_time, r.resolved),
      rejectRate: rate(r.rejected, r.tickets + r.rejected),
    }));
  }
}

export function figuresResolvers(figures: DepartmentFiguresService) {
  @Resolver()
  class DepartmentFiguresResolver {
    @Query(() => [DepartmentFigures], {
      description: '承办单位考核: per department, over the tickets taken in during [from, to) — instants: give the offset, e.g. 2026-03-01T00:00:00+08:00 — (≤ 366 days): tickets, rejects (退单), on-time accept and resolution, overdue, return-visit satisfaction. Departments with neither tickets nor rejects are left out.',
    })
    departmentFigures(
      @Ctx() rc: RequestContext,
      @Arg('from', () => Date) from: Date,
      @Arg('to', () => Date) to: Date,
      @Arg('districtCodes', () => [String], { nullable: true }) districtCodes?: string[] | null,
      @Arg('departmentCodes', () => [String], { nullable: true }) departmentCodes?: string[] | null,
    ) {
      return figures.figures(rc, { from, to, districtCodes, departmentCodes });
    }
  }
  return [DepartmentFiguresResolver];
}
