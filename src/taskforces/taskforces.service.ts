import { randomUUID } from 'node:crypto';
import type { FilterQuery } from '@mikro-orm/postgresql';
import type { Pool, PoolClient } from 'pg';
import type { RequestContext } from '../app/context';
import { AlertStatus } from '../alerts/alert.entity';
import { recordAlertChange } from '../alerts/alert.store';
import type { AlertRow } from '../alerts/alert.store';
import { departmentIdsFor, districtIdsFor, viewerDepartment, viewerDistrictIds } from '../auth/scope';
import { actorOf, CENTRE_ROLES, requireRole, Role } from '../auth/viewer';
import type { Clock } from '../shared/clock';
import { badInput, conflict, DomainError, ErrorCode, forbidden, illegalTransition, notFound } from '../shared/errors';
import { paginate } from '../shared/paginate';
import { localId } from '../shared/relay';
import type { PageArgs } from '../shared/relay';
import type { TicketsService } from '../tickets/tickets.service';
import { parseUuidArray } from '../realtime/events';
import type { StreamEvent } from '../realtime/events';
import { inTransaction } from '../shared/transaction';
import { MAX_LINKED, recordTaskForceChange } from './taskforce.log';
import type { LiveContext, LiveService } from '../realtime/live.service';
import type { GraphQLResolveInfo } from 'graphql';
import { TaskForce, TaskForceAction, TaskForceStatus } from './taskforce.entity';

export interface FormTaskForceArgs {
  name: string;
  leadDepartmentCode: string;
  memberDepartmentCodes?: string[] | null;
  alertId?: string | null;
  ticketIds?: string[] | null;
  districtCode?: string | null;
  note?: string | null;
}

export interface TaskForceChangeArgs {
  id: string;
  expectedVersion?: number | null;
  note?: string | null;
}

/** Statuses a linked ticket may be in for its task force to close. */
/** A linked ticket's statuses that let its task force close (a MERGED one: its parent's). */
export const DONE = new Set(['RESOLVED', 'CLOSED', 'MERGED']);
/** Who forms task forces and changes them: supervisors, admins, the district's office. */
const ORGANISERS = [Role.SUPERVISOR, Role.ADMIN, Role.DISTRICT_OFFICE];

interface Row {
  id: string;
  name: string;
  status: TaskForceStatus;
  district_id: string;
  lead_department_id: string;
  department_ids: string[];
  ticket_ids: string[];
  alert_ids: string[];
  version: number;
}

/** Member departments of one task force, the lead's included. */
const MAX_MEMBERS = 50;
const tooManyMembers = (field: string) => badInput(field, `a task force has at most ${MAX_MEMBERS} member departments, its lead among them`);

/** What each change does, for error messages ("cannot add members to a task force in status CLOSED"). */
const ACTION_VERBS: Record<'MEMBERS_ADDED' | 'TICKETS_LINKED' | 'ACTION' | 'CLOSED', string> = {
  MEMBERS_ADDED: 'add members to',
  TICKETS_LINKED: 'link tickets to',
  ACTION: 'record an action of',
  CLOSED: 'close',
};

/** 工作专班: forming, changing and closing task forces, each change audited and on the event stream. */
export class TaskForcesService {
  private pool: Pool | null = null;
  private live: LiveService | null = null;

  constructor(
    private readonly clock: Clock,
    private readonly tickets: TicketsService,
  ) {}

  attach(pool: Pool, live: LiveService): void {
    this.pool = pool;
    this.live = live;
  }

  /**
   * The taskForceEvents subscription: a department follows the task forces it leads or joined, a
   * district office its districts', the centre all; with `after`, missed events first.
   */
  async subscribe(rc: LiveContext, after: string | null | undefined, info: GraphQLResolveInfo) {
    if (!this.live) throw new Error('task forces: the event stream is not running');
    const role = requireRole(rc.viewer, ...CENTRE_ROLES, Role.ANALYST, Role.DISTRICT_OFFICE, Role.DEPARTMENT_STAFF);
    const tests: ((e: StreamEvent) => boolean)[] = [(e) => e.topic === 'taskforce'];
    if (role === Role.DISTRICT_OFFICE) {
      const ids = new Set(await viewerDistrictIds(rc));
      tests.push((e) => !!e.districtId && ids.has(e.districtId));
    } else if (role === Role.DEPARTMENT_STAFF) {
      const dep = (await viewerDepartment(rc)).id;
      tests.push((e) => e.departmentIds.includes(dep));
    }
    if (after != null) await this.live.checkAfter(after);
    const v = rc.viewer;
    return this.live.groups.join(rc, info, `taskforces|${v.role}|${v.departmentCode ?? ''}|${[...v.districtCodes].sort().join(',')}`, (e) => tests.every((t) => t(e)), after ?? null);
  }

  // ---------------------------------------------------------------- reading

  private async scope(rc: RequestContext): Promise<FilterQuery<TaskForce>> {
    const role = requireRole(rc.viewer, ...CENTRE_ROLES, Role.ANALYST, Role.DISTRICT_OFFICE, Role.DEPARTMENT_STAFF);
    if (role === Role.DISTRICT_OFFICE) return { districtId: { $in: await viewerDistrictIds(rc) } };
    if (role === Role.DEPARTMENT_STAFF) return { departmentIds: { $contains: [(await viewerDepartment(rc)).id] } };
    return {};
  }

  async list(rc: RequestContext, filter: { statuses?: TaskForceStatus[] | null; districtCodes?: string[] | null } | null | undefined, page: PageArgs) {
    const where: FilterQuery<TaskForce>[] = [await this.scope(rc)];
    if (filter?.statuses?.length) where.push({ status: { $in: filter.statuses } });
    if (filter?.districtCodes?.length) where.push({ districtId: { $in: await districtIdsFor(rc, filter.districtCodes, 'filter.districtCodes') } });
    return paginate(rc.em, TaskForce, { $and: where }, page, { createdAt: 'desc', id: 'desc' });
  }

  async byId(rc: RequestContext, id: string): Promise<TaskForce | null> {
    return rc.em.findOne(TaskForce, { $and: [{ id }, await this.scope(rc)] });
  }

  actions(rc: RequestContext, f: TaskForce): Promise<TaskForceAction[]> {
    return rc.em.find(TaskForceAction, { taskForceId: f.id }, { orderBy: { id: 'asc' } });
  }

  // ---------------------------------------------------------------- changes

  /** 成立专班: from an alert (its evidence tickets come along; the alert moves to TASK_FORCE) or by hand. */
  async form(rc: RequestContext, input: FormTaskForceArgs): Promise<TaskForce> {
    const role = requireRole(rc.viewer, ...ORGANISERS);
    const name = input.name.trim();
    if ([...name].length < 2 || [...name].length > 200) throw badInput('name', 'a task force needs a name of 2–200 characters');
    const [lead] = await departmentIdsFor(rc, [input.leadDepartmentCode], 'leadDepartmentCode');
    const memberCodes = [...new Set((input.memberDepartmentCodes ?? []).map((code) => code.trim()))];
    if (memberCodes.length > MAX_MEMBERS) throw tooManyMembers('memberDepartmentCodes');
    const members = await departmentIdsFor(rc, memberCodes, 'memberDepartmentCodes');
    if (new Set([lead, ...members]).size > MAX_MEMBERS) throw tooManyMembers('memberDepartmentCodes');
    if ((input.ticketIds?.length ?? 0) > MAX_LINKED) throw badInput('ticketIds', `a task force links at most ${MAX_LINKED} tickets`);
    const ticketIds = await this.visibleTickets(rc, input.ticketIds ?? [], 'ticketIds');
    const alertId = input.alertId ? localId(input.alertId, 'RiskAlert', 'alertId') : null;
    const own = role === Role.DISTRICT_OFFICE ? await viewerDistrictIds(rc) : null;
    const explicitDistrict = input.districtCode ? (await districtIdsFor(rc, [input.districtCode], 'districtCode'))[0] : null;
    const note = this.note(input.note);
    const now = this.clock.now();
    const id = randomUUID();
    await this.tx(async (c) => {
      let alert: AlertRow | null = null;
      if (alertId) {
        const { rows } = await c.query<AlertRow>('select * from risk_alerts where id = $1 for update', [alertId]);
        alert = rows[0] ?? null;
        if (!alert || (own && !own.includes(alert.district_id))) throw notFound('alert', input.alertId!);
        if (alert.status !== AlertStatus.OPEN && alert.status !== AlertStatus.ACKNOWLEDGED) {
          throw illegalTransition(alert.status, 'form a task force for', 'the alert is no longer open', 'an alert');
        }
      }
      const leadDistrict = (await rc.loaders.departmentById.load(lead))?.districtId ?? null;
      const districtId = alert?.district_id ?? explicitDistrict ?? leadDistrict;
      if (!districtId) throw badInput('districtCode', 'say which district the task force works in (its lead is a city bureau)');
      if (own && !own.includes(districtId)) throw forbidden('a district office forms task forces in its own districts only');
      // the alert's evidence comes along, as far as the viewer may see it
      const evidence: string[] = [];
      for (const id of alert ? parseUuidArray(alert.evidence_ticket_ids) : []) if (await this.linkable(rc, id)) evidence.push(id);
      const linked = [...new Set([...evidence, ...ticketIds])];
      if (linked.length > MAX_LINKED) throw badInput('ticketIds', `a task force links at most ${MAX_LINKED} tickets (the alert brings ${evidence.length})`);
      const departments = [...new Set([lead, ...members])];
      await c.query(
        `insert into task_forces (id, name, status, district_id, lead_department_id, department_ids, ticket_ids, alert_ids, formed_by, created_at, version)
         values ($1, $2, 'ACTIVE', $3, $4, $5, $6, $7, $8, $9, 1)`,
        [id, name, districtId, lead, departments, linked, alert ? [alert.id] : [], actorOf(rc.viewer), now],
      );
      await recordTaskForceChange(c, id, 'FORMED', actorOf(rc.viewer), note ?? `成立专班：${name}`, now);
      if (alert) {
        const { rows } = await c.query<AlertRow>(
          `update risk_alerts set status = 'TASK_FORCE', task_force_id = $2, version = version + 1, updated_at = $3 where id = $1 returning *`,
          [alert.id, id, now],
        );
        await recordAlertChange(c, rows[0], 'TASK_FORCE', actorOf(rc.viewer), `专班：${name}`, now);
      }
    });
    return this.reload(rc, id);
  }

  /** Adds member departments (organisers, or the lead department). */
  addMembers(rc: RequestContext, input: TaskForceChangeArgs & { departmentCodes: string[] }) {
    return this.change(rc, input, 'MEMBERS_ADDED', true, async (c, row) => {
      const note = this.note(input.note);
      const codes = [...new Set(input.departmentCodes.map((code) => code.trim()))];
      if (codes.length > MAX_MEMBERS) throw tooManyMembers('departmentCodes');
      const ids = await departmentIdsFor(rc, codes, 'departmentCodes');
      const added = codes.map((code, i) => ({ code, id: ids[i] })).filter((d) => !row.department_ids.includes(d.id));
      if (!added.length) throw badInput('departmentCodes', 'these departments are already members');
      if (row.department_ids.length + added.length > MAX_MEMBERS) throw tooManyMembers('departmentCodes');
      await c.query('update task_forces set department_ids = department_ids || $2::uuid[] where id = $1', [row.id, added.map((d) => d.id)]);
      return `加入：${added.map((d) => d.code).join('、')}${note ? `；${note}` : ''}`;
    });
  }

  /** Links tickets you may see (organisers, or the lead department). */
  linkTickets(rc: RequestContext, input: TaskForceChangeArgs & { ticketIds: string[] }) {
    return this.change(rc, input, 'TICKETS_LINKED', true, async (c, row) => {
      if (input.ticketIds.length > MAX_LINKED) throw badInput('ticketIds', `a task force links at most ${MAX_LINKED} tickets`);
      const ids = await this.visibleTickets(rc, input.ticketIds, 'ticketIds');
      const added = [...new Set(ids)].filter((t) => !row.ticket_ids.includes(t));
      if (!added.length) throw badInput('ticketIds', 'these tickets are already linked');
      if (row.ticket_ids.length + added.length > MAX_LINKED) throw badInput('ticketIds', `a task force links at most ${MAX_LINKED} tickets`);
      const note = this.note(input.note);
      await c.query('update task_forces set ticket_ids = ticket_ids || $2::uuid[] where id = $1', [row.id, added]);
      return `关联工单 ${added.length} 件${note ? `；${note}` : ''}`;
    });
  }

  /** An entry in the action log (any member department, organisers). */
  logAction(rc: RequestContext, input: TaskForceChangeArgs) {
    if (!input.note?.trim()) throw badInput('note', 'say what was done');
    return this.change(rc, input, 'ACTION', false, async () => this.note(input.note)!);
  }

  /** 专班结案: only when every linked ticket is resolved; its alerts are resolved with it. */
  async close(rc: RequestContext, input: TaskForceChangeArgs) {
    // a district office is told the numbers of its districts' tickets only (it sees no others)
    const own = rc.viewer.role === Role.DISTRICT_OFFICE ? new Set(await viewerDistrictIds(rc)) : null;
    return this.change(rc, input, 'CLOSED', true, async (c, row, now) => {
      // a merged ticket is done when the ticket it was merged into is; the tickets stay as read
      // until the close commits (a return visit cannot re-open one in between)
      const { rows: open } = await c.query<{ number: string; status: string; district_id: string }>(
        `select t.number, t.district_id, case when t.status = 'MERGED' then coalesce(p.status, t.status) else t.status end as status
         from tickets t left join tickets p on p.id = t.parent_id
         where t.id = any($1) order by t.number for share of t`,
        [row.ticket_ids],
      );
      const unresolved = open.filter((t) => !DONE.has(t.status));
      if (unresolved.length) {
        const named = unresolved.filter((t) => !own || own.has(t.district_id)).map((t) => t.number);
        const others = unresolved.length - named.length;
        throw new DomainError(
          ErrorCode.ILLEGAL_TRANSITION,
          `the task force still has ${unresolved.length} unresolved ticket(s)${named.length ? `: ${named.slice(0, 10).join(', ')}` : ''}${others ? ` (${others} in other districts)` : ''}`,
          { openTickets: named, openElsewhere: others },
        );
      }
      await c.query(`update task_forces set status = 'CLOSED', closed_at = $2 where id = $1`, [row.id, now]);
      const { rows: alerts } = await c.query<AlertRow>(
        `update risk_alerts set status = 'RESOLVED', version = version + 1, updated_at = $2 where id = any($1) and status = 'TASK_FORCE' returning *`,
        [row.alert_ids, now],
      );
      for (const a of alerts) await recordAlertChange(c, a, 'RESOLVED', actorOf(rc.viewer), `专班结案：${row.name}`, now);
      return this.note(input.note) ?? '专班结案';
    });
  }

  /** One change: locked, checked (scope, role, version, still active), applied, logged, published. */
  private async change(
    rc: RequestContext,
    input: TaskForceChangeArgs,
    type: keyof typeof ACTION_VERBS,
    organisersOrLead: boolean,
    apply: (c: PoolClient, row: Row, now: Date) => Promise<string>,
  ): Promise<TaskForce> {
    const role = requireRole(rc.viewer, ...ORGANISERS, Role.DEPARTMENT_STAFF);
    const id = localId(input.id, 'TaskForce');
    const dep = role === Role.DEPARTMENT_STAFF ? (await viewerDepartment(rc)).id : null;
    const own = role === Role.DISTRICT_OFFICE ? await viewerDistrictIds(rc) : null;
    const now = this.clock.now();
    await this.tx(async (c) => {
      const { rows } = await c.query<Row>('select * from task_forces where id = $1 for update', [id]);
      const row = rows[0] ? normalise(rows[0]) : undefined;
      if (!row || (own && !own.includes(row.district_id)) || (dep && !row.department_ids.includes(dep))) throw notFound('task force', input.id);
      if (dep && organisersOrLead && row.lead_department_id !== dep) throw forbidden('only the lead department or an organiser may do this');
      if (input.expectedVersion != null && row.version !== input.expectedVersion) {
        throw conflict(`task force changed: you saw version ${input.expectedVersion}, it is now ${row.version}; reload and retry`, { currentVersion: row.version });
      }
      if (row.status === TaskForceStatus.CLOSED) throw illegalTransition(row.status, ACTION_VERBS[type], 'the task force is closed', 'a task force');
      const note = await apply(c, row, now);
      if (type !== 'ACTION') await c.query('update task_forces set version = version + 1 where id = $1', [id]);
      await recordTaskForceChange(c, id, type, actorOf(rc.viewer), note, now);
    });
    return this.reload(rc, id);
  }

  private note(note: string | null | undefined): string | null {
    const n = note?.trim() || null;
    if (n && [...n].length > 2000) throw badInput('note', 'the note is at most 2,000 characters');
    return n;
  }

  /**
   * Ticket ids (global) the viewer may link, each once; NOT_FOUND names the first it may not. A
   * department links only tickets it leads or co-handles — not ones it sees through another
   * task force, which would pass them on to this one's members.
   */
  private async visibleTickets(rc: RequestContext, globalIds: string[], field: string): Promise<string[]> {
    const unique = [...new Set(globalIds)];
    if (unique.length > MAX_LINKED) throw badInput(field, `at most ${MAX_LINKED} tickets`);
    const ids: string[] = [];
    for (const g of unique) {
      const local = localId(g, 'Ticket', field);
      if (!(await this.linkable(rc, local))) throw notFound('ticket', g);
      ids.push(local);
    }
    return ids;
  }

  private async linkable(rc: RequestContext, id: string): Promise<boolean> {
    const t = await this.tickets.byId(rc, id);
    if (!t) return false;
    return rc.viewer.role !== Role.DEPARTMENT_STAFF || this.tickets.handledByViewer(rc, t);
  }

  private tx(run: (c: PoolClient) => Promise<void>): Promise<void> {
    if (!this.pool) throw new Error('task forces: no database');
    return inTransaction(this.pool, run);
  }

  private reload(rc: RequestContext, id: string): Promise<TaskForce> {
    return rc.em.fork().findOneOrFail(TaskForce, { id });
  }
}

function normalise(r: Row): Row {
  return { ...r, department_ids: parseUuidArray(r.department_ids), ticket_ids: parseUuidArray(r.ticket_ids), alert_ids: parseUuidArray(r.alert_ids) };
}
