import { createHash, createHmac } from 'node:crypto';
import { LockMode } from '@mikro-orm/core';
import { latLngToCell } from 'h3-js';
import type { EntityManager, FilterQuery, MikroORM } from '@mikro-orm/postgresql';
import type { RequestContext } from '../app/context';
import { viewerDepartment, viewerDistrictIds } from '../auth/scope';
import { actorOf, CENTRE_ROLES, requireRole, requireSignedIn, Role } from '../auth/viewer';
import type { Viewer } from '../auth/viewer';
import { escapeLike } from '../departments/departments.service';
import type { DepartmentsService } from '../departments/departments.service';
import type { Department } from '../departments/department.entity';
import { MatterDispute } from '../dutylist/dispute.entity';
import { RoutingMethod } from '../dutylist/dutylist.enums';
import type { DutyListService } from '../dutylist/dutylist.service';
import { Matter } from '../dutylist/matter.entity';
import type { Jurisdiction, Place } from '../dutylist/jurisdiction';
import type { RoutingRecord } from '../dutylist/routing.types';
import type { RouterService } from '../dutylist/router.service';
import type { District } from '../departments/district.entity';
import type { WorkingCalendar } from '../shared/calendar';
import type { Clock } from '../shared/clock';
import { badInput, conflict, DomainError, ErrorCode, forbidden, notFound } from '../shared/errors';
import { paginate } from '../shared/paginate';
import { localId } from '../shared/relay';
import type { PageArgs } from '../shared/relay';
import { outboxEvent } from '../realtime/events';
import type { Sql } from '../realtime/stream';
import { IntakeKey } from './intake-key.entity';
import { PersonalDataAccess } from './personal-data-access.entity';
import { IntakeWriter } from './intake.writer';
import type { IntakeUnit } from './intake.writer';
import { ExtensionRequest } from './extension-request.entity';
import { ReturnVisit } from './return-visit.entity';
import { ticketEventPayload } from './ticket.events';
import { TicketEvent } from './ticket-event.entity';
import { Ticket } from './ticket.entity';
import { ExtensionStatus, TicketEventType, TicketStatus } from './ticket.enums';
import { currentDeadline, decide, evolve, INITIAL_STATE, STATE_KEYS } from './ticket.lifecycle';
import type { Command, Decision, MatterRef, TicketState } from './ticket.lifecycle';
import type {
  AddCoDepartmentsInput,
  ArbitrateTicketInput,
  CreateTicketInput,
  DecideExtensionInput,
  DispatchTicketInput,
  DisputeRejectInput,
  MergeTicketInput,
  RedispatchTicketInput,
  RejectTicketInput,
  RequestExtensionInput,
  ResolveTicketInput,
  ReturnVisitInput,
  RevealCitizenInput,
  TicketChangeInput,
  TicketFilter,
} from './tickets.inputs';

export interface TicketsServiceDeps {
  clock: Clock;
  calendar: WorkingCalendar;
  departments: DepartmentsService;
  dutyLists: DutyListService;
  router: RouterService;
  /** prefix of ticket numbers, e.g. GZ */
  cityCode: string;
  /** H3 resolution of the cell stored on each located ticket (heatmaps) */
  heatmapResolution: number;
  /** key of the caller pseudonyms (HMAC-SHA256 of the phone number) */
  citizenKeySecret: string;
}

/** Who may do what; department actions also need the viewer's department to be the lead. */
const CENTRE = CENTRE_ROLES;
const SUPERVISORS = [Role.SUPERVISOR, Role.ADMIN];
const DEPARTMENT = [Role.DEPARTMENT_STAFF];

const DATE_KEYS = new Set<keyof TicketState>([
  'dispatchedAt',
  'acceptDeadline',
  'resolveDeadline',
  'returnVisitDeadline',
  'acceptedAt',
  'resolvedAt',
  'closedAt',
]);

/** The lifecycle state held in a ticket row. */
export function stateOf(t: Ticket): TicketState {
  const s = {} as Record<string, unknown>;
  for (const k of STATE_KEYS) {
    const v = (t as unknown as Record<string, unknown>)[k];
    s[k] = DATE_KEYS.has(k) ? (v ? (v as Date).toISOString() : null) : Array.isArray(v) ? [...v] : v;
  }
  return s as unknown as TicketState;
}

function writeState(t: Ticket, state: TicketState): void {
  const row = t as unknown as Record<string, unknown>;
  for (const k of STATE_KEYS) {
    const v = state[k];
    row[k] = DATE_KEYS.has(k) ? (v ? new Date(v as string) : null) : v;
  }
  const due = currentDeadline(state);
  t.dueAt = due ? new Date(due) : null;
}

/** The rules of a ticket's life: intake, every transition, and who sees what. */
export class TicketsService {
  private intakeWriter: IntakeWriter | null = null;

  constructor(private readonly deps: TicketsServiceDeps) {}

  /** Connects the intake hot path to the database (the hub does it at start). */
  /** `sql`: a pool of at least `INTAKE_STATEMENTS_IN_FLIGHT` connections for intake alone. */
  attach(orm: MikroORM, sql: Sql): void {
    this.intakeWriter = new IntakeWriter(orm, sql);
  }

  private get writer(): IntakeWriter {
    if (!this.intakeWriter) throw new Error('tickets: intake has no database');
    return this.intakeWriter;
  }

  // ---------------------------------------------------------------- reading

  /** May this viewer see this ticket at all? (Scope, not personal data.) */
  async canSee(rc: RequestContext, t: Ticket): Promise<boolean> {
    const role = rc.viewer.role;
    if (!role) return false;
    if (CENTRE.includes(role) || role === Role.ANALYST) return true;
    if (role === Role.DISTRICT_OFFICE) {
      const district = await rc.loaders.districtById.load(t.districtId);
      return !!district && rc.viewer.districtCodes.includes(district.code);
    }
    if (role === Role.DEPARTMENT_STAFF) return (await this.handledByViewer(rc, t)) || (await this.taskForceTicketIds(rc)).includes(t.id);
    return false;
  }

  /** Tickets linked to the task forces (工作专班) the viewer's department leads or joined. */
  private async taskForceTicketIds(rc: RequestContext): Promise<string[]> {
    return rc.loaders.taskForceTicketIds.load(await this.viewerDepartmentId(rc));
  }

  /** May this viewer see the citizen's contact details on this ticket? */
  async mayContactCitizen(rc: RequestContext, t: Ticket): Promise<boolean> {
    const role = rc.viewer.role;
    if (role && CENTRE.includes(role)) return true;
    if (role === Role.DEPARTMENT_STAFF) return this.handledByViewer(rc, t);
    return false;
  }

  /**
   * 个人信息查阅: unmasks a ticket's caller for a stated purpose and records who, when, which
   * ticket and why in the same transaction. Only the centre and the handling department may;
   * analysts and district offices never do.
   */
  async revealCitizen(rc: RequestContext, input: RevealCitizenInput): Promise<Ticket> {
    const role = requireRole(rc.viewer, ...CENTRE, Role.DEPARTMENT_STAFF);
    const reason = input.reason.trim();
    if ([...reason].length < 4) throw badInput('reason', 'say why you need the personal data (at least 4 characters)');
    if ([...reason].length > 500) throw badInput('reason', 'the reason is at most 500 characters');
    const id = localId(input.id, 'Ticket');
    return rc.em.transactional(async (em) => {
      const t = await em.findOne(Ticket, { id });
      if (!t || !(await this.canSee(rc, t))) throw notFound('ticket', input.id);
      if (!(await this.mayContactCitizen(rc, t))) throw forbidden(`role ${role} may not see the caller of ${t.number}`);
      em.persist(
        em.create(PersonalDataAccess, {
          ticketId: t.id,
          ticketNumber: t.number,
          actor: actorOf(rc.viewer),
          role,
          subject: rc.viewer.subject,
          purpose: input.purpose,
          reason,
          at: this.deps.clock.now(),
        }),
      );
      await em.flush();
      return t;
    });
  }

  /** The unmasking log, newest first: of one ticket, or of one person (supervisors, admins). */
  async personalDataAccesses(
    rc: RequestContext,
    filter: { ticketId?: string | null; subject?: string | null },
    first: number,
  ): Promise<PersonalDataAccess[]> {
    requireRole(rc.viewer, ...SUPERVISORS);
    if (first < 1 || first > 500) throw badInput('first', 'first must be between 1 and 500');
    const where: FilterQuery<PersonalDataAccess> = {};
    if (filter.ticketId) where.ticketId = localId(filter.ticketId, 'Ticket', 'ticketId');
    if (filter.subject) where.subject = filter.subject;
    return rc.em.find(PersonalDataAccess, where, { orderBy: { id: 'desc' }, limit: first });
  }

  /** Is the viewer's department the lead or a co-handler of the ticket? */
  async handledByViewer(rc: RequestContext, t: Ticket): Promise<boolean> {
    const dep = await this.viewerDepartmentId(rc);
    return t.leadDepartmentId === dep || t.coDepartmentIds.includes(dep);
  }

  private async viewerDepartmentId(rc: RequestContext): Promise<string> {
    return (await viewerDepartment(rc)).id;
  }


  /** The rows this viewer may see, as a filter. */
  private async scope(rc: RequestContext): Promise<FilterQuery<Ticket>> {
    const role = requireSignedIn(rc.viewer);
    if (CENTRE.includes(role) || role === Role.ANALYST) return {};
    if (role === Role.DISTRICT_OFFICE) {
      return { districtId: { $in: await viewerDistrictIds(rc) } };
    }
    if (role === Role.DEPARTMENT_STAFF) {
      const dep = await this.viewerDepartmentId(rc);
      const linked = await this.taskForceTicketIds(rc);
      return linked.length ? { $or: [handledBy(dep), { id: { $in: linked } }] } : handledBy(dep);
    }
    throw forbidden(`role ${role} cannot read tickets`);
  }

  async byNumber(rc: RequestContext, number: string): Promise<Ticket | null> {
    requireSignedIn(rc.viewer);
    const t = await rc.em.findOne(Ticket, { number });
    return t && (await this.canSee(rc, t)) ? t : null;
  }

  async byId(rc: RequestContext, id: string): Promise<Ticket | null> {
    requireSignedIn(rc.viewer);
    const t = await rc.loaders.ticketById.load(id);
    return t && (await this.canSee(rc, t)) ? t : null;
  }

  async list(rc: RequestContext, filter: TicketFilter | null | undefined, page: PageArgs) {
    const where: FilterQuery<Ticket>[] = [await this.scope(rc)];
    const f = filter ?? {};
    if (f.status?.length) where.push({ status: { $in: f.status } });
    if (f.channel?.length) where.push({ channel: { $in: f.channel } });
    if (f.urgency) where.push({ urgency: f.urgency });
    if (f.category) where.push({ category: f.category });
    if (f.districtCode) {
      const d = await rc.loaders.districtByCode.load(f.districtCode);
      if (!d) throw badInput('districtCode', `district ${f.districtCode} not found`);
      where.push({ districtId: d.id });
    }
    if (f.departmentCode) {
      const dep = await this.deps.departments.departmentByCode(rc, f.departmentCode);
      where.push(handledBy(dep.id));
    }
    if (f.overdue != null) {
      const now = this.deps.clock.now();
      where.push(f.overdue ? { dueAt: { $lt: now } } : { $or: [{ dueAt: null }, { dueAt: { $gte: now } }] });
    }
    if (f.createdFrom) where.push({ createdAt: { $gte: f.createdFrom } });
    if (f.createdTo) where.push({ createdAt: { $lt: f.createdTo } });
    if (f.search?.trim()) {
      // analysts and district offices read texts with personal data left out: a search over the
      // full text would let them test for a phone number or a name, so they may not search texts
      const role = rc.viewer.role;
      if (role === Role.ANALYST || role === Role.DISTRICT_OFFICE) {
        const who = role === Role.ANALYST ? 'analysts' : 'district offices';
        throw new DomainError(ErrorCode.FORBIDDEN, `${who} may not search ticket texts (a search would reveal the personal data left out of them): filter by matter, category, status or period`, {
          field: 'filter.search',
        });
      }
      const like = `%${escapeLike(f.search.trim())}%`;
      where.push({ $or: [{ title: { $ilike: like } }, { content: { $ilike: like } }] });
      // a department reads in full only the tickets it handles (a task force's other tickets
      // with the caller left out): it searches those
      if (role === Role.DEPARTMENT_STAFF) where.push(handledBy(await this.viewerDepartmentId(rc)));
    }
    return paginate(rc.em, Ticket, { $and: where }, page, { createdAt: 'desc', id: 'desc' });
  }

  isOverdue(t: Ticket): boolean {
    return !!t.dueAt && t.dueAt.getTime() < this.deps.clock.now().getTime();
  }

  // ---------------------------------------------------------------- intake

  /**
   * 受理: validates, numbers and stores a new ticket, and routes it: to the department or matter
   * the operator chose, else — when the router is confident — to the matter's department with
   * jurisdiction in the ticket's district, in the same transaction (即接即办). Otherwise it stays
   * RECEIVED with the router's suggestions, in the operators' manual-dispatch queue.
   */
  async create(rc: RequestContext, input: CreateTicketInput): Promise<Ticket> {
    requireRole(rc.viewer, ...CENTRE);
    const content = input.content.trim();
    const title = input.title.trim();
    if (!content) throw badInput('content', 'content must not be blank');
    if (!title) throw badInput('title', 'title must not be blank');
    const actor = actorOf(rc.viewer);
    const requestHash = input.idempotencyKey ? hashInput(input) : '';
    if (input.idempotencyKey) {
      const earlier = await this.earlierIntake(rc, actor, input.idempotencyKey, requestHash);
      if (earlier) return earlier;
    }
    const district = await this.deps.departments.districtFor(rc, input);
    const plan = await this.routeAtIntake(rc, input, district, `${title} ${content}`);
    const now = this.deps.clock.now();

    const writer = this.writer;
    const ticket = Object.assign(new Ticket(), {
      number: ticketNumber(this.deps.cityCode, now, await writer.nextNumber()),
      channel: input.channel,
      category: input.category,
      title,
      content,
      citizenName: input.citizenName?.trim() || null,
      citizenPhone: input.citizenPhone ?? null,
      citizenAddress: input.citizenAddress?.trim() || null,
      citizenKey: input.citizenPhone ? createHmac('sha256', this.deps.citizenKeySecret).update(input.citizenPhone.replace(/\D/g, '')).digest('hex') : null,
      lat: input.lat ?? null,
      lng: input.lng ?? null,
      cell: input.lat != null && input.lng != null ? latLngToCell(input.lat, input.lng, this.deps.heatmapResolution) : null,
      districtId: district.id,
      urgency: input.urgency,
      accessNeeds: [...new Set(input.accessNeeds ?? [])],
      routing: plan.routing,
      matterId: null,
      dutyListVersionId: null,
      createdAt: now,
      updatedAt: now,
      version: 1,
    });
    writeState(ticket, INITIAL_STATE);
    // a new ticket is version 1; when the router (or the operator) chose a department, the
    // dispatch is applied before the row is written: it is inserted already DISPATCHED
    // (version 2), with both events and their outbox rows, in one statement
    const unit: IntakeUnit = { ticket, events: [], outbox: [] };
    this.record(unit, rc.viewer, ticket, { seq: 1, type: TicketEventType.CREATED, from: null, to: TicketStatus.RECEIVED, changes: {}, note: null, now });
    if (plan.departmentId) {
      const cmd: Command = { kind: 'dispatch', departmentId: plan.departmentId, matter: plan.matter?.ref, coDepartmentIds: plan.coDepartmentIds };
      this.decideAndRecord(unit, rc.viewer, ticket, cmd, plan.note, plan.matter?.resolveDays);
    }
    if (input.idempotencyKey) {
      unit.key = Object.assign(new IntakeKey(), { actor, key: input.idempotencyKey, requestHash, ticketId: ticket.id, createdAt: now });
    }
    try {
      await writer.write(unit);
    } catch (e) {
      // the same key sent twice at once: the other intake won; answer as for a retry
      if (input.idempotencyKey && (e as { code?: string; constraint?: string }).constraint === 'intake_keys_pkey') {
        const earlier = await this.earlierIntake(rc, actor, input.idempotencyKey, requestHash);
        if (earlier) return earlier;
      }
      throw e;
    }
    return ticket;
  }

  /** The ticket an earlier intake with this key created; IDEMPOTENCY_KEY_REUSED if its input differed. */
  private async earlierIntake(rc: RequestContext, actor: string, key: string, requestHash: string): Promise<Ticket | null> {
    const em = rc.em.fork();
    const earlier = await em.findOne(IntakeKey, { actor, key });
    if (!earlier) return null;
    if (earlier.requestHash !== requestHash) {
      throw new DomainError(ErrorCode.IDEMPOTENCY_KEY_REUSED, `idempotency key ${key} was used for a different intake`, {
        field: 'idempotencyKey',
      });
    }
    return rc.em.findOneOrFail(Ticket, { id: earlier.ticketId });
  }

  /** Where a new ticket goes, decided before its transaction opens (the router is in memory). */
  private async routeAtIntake(rc: RequestContext, input: CreateTicketInput, district: District, text: string): Promise<IntakePlan> {
    const threshold = this.deps.router.threshold;
    const at = this.deps.clock.now().toISOString();
    const place: Place = { districtId: district.id, lat: input.lat, lng: input.lng };
    if (input.matterCode) {
      const chosen = await this.matterInForce(rc, input.matterCode, 'matterCode');
      const there = await this.deps.dutyLists.jurisdiction(rc.em, chosen.matter, place);
      const department = input.dispatchTo
        ? await this.deps.departments.departmentByCode(rc, input.dispatchTo, 'dispatchTo')
        : leadOf(there, chosen.matter, 'matterCode');
      return {
        departmentId: department.id,
        coDepartmentIds: there.coHandlers.map((d) => d.id),
        matter: chosen,
        routing: { method: RoutingMethod.MANUAL, versionNumber: chosen.versionNumber, threshold, candidates: [], at },
        note: `operator: ${chosen.matter.code} ${chosen.matter.name}${!input.dispatchTo && there.note ? ` — ${there.note}` : ''}`,
      };
    }
    if (input.dispatchTo) {
      const department = await this.deps.departments.departmentByCode(rc, input.dispatchTo, 'dispatchTo');
      return {
        departmentId: department.id,
        routing: { method: RoutingMethod.MANUAL, versionNumber: null, threshold, candidates: [], at },
        note: null,
      };
    }
    const { version, candidates, dispatch } = await this.deps.router.suggest(rc, text, place, 3, 'intake');
    const records = candidates.map(({ matter: _m, department: _d, coDepartments: _c, ...record }) => record);
    const top = candidates[0];
    if (version && dispatch && top?.department) {
      return {
        departmentId: top.department.id,
        coDepartmentIds: top.coDepartments.map((d) => d.id),
        matter: {
          ref: { matterId: top.matter.id, dutyListVersionId: version.id },
          matter: top.matter,
          versionNumber: version.number,
          resolveDays: top.matter.resolveDays,
        },
        routing: { method: RoutingMethod.AUTO, versionNumber: version.number, threshold, candidates: records, at },
        note: `router: ${top.matterCode} ${top.matterName} (${top.confidence.toFixed(2)}; ${top.keywords.slice(0, 5).join('、')})${top.jurisdictionNote ? ` — ${top.jurisdictionNote}` : ''}`,
      };
    }
    return {
      departmentId: null,
      routing: { method: null, versionNumber: version?.number ?? null, threshold, candidates: records, at },
      note: null,
    };
  }

  /** A leaf matter of the duty list in force, by code. */
  private async matterInForce(rc: RequestContext, code: string, field: string): Promise<ChosenMatter> {
    const version = await this.deps.dutyLists.inForce(rc.em);
    if (!version) throw badInput(field, 'no duty list is in force');
    const matter = await rc.em.findOne(Matter, { versionId: version.id, code });
    if (!matter || !matter.active) throw badInput(field, `matter ${code} is not in duty list ${version.number}`);
    if (!matter.departmentKind) throw badInput(field, `${code} is a category: choose one of its matters`);
    return {
      ref: { matterId: matter.id, dutyListVersionId: version.id },
      matter,
      versionNumber: version.number,
      resolveDays: matter.resolveDays,
    };
  }

  /**
   * The department (and matter) a dispatch-like step names: a department code, a matter code, or
   * both. With a matter, also its co-handlers at the ticket's place (协办; without one the step
   * leaves the ticket's co-handlers as they are).
   */
  private async target(
    rc: RequestContext,
    t: Ticket,
    input: { departmentCode?: string | null; matterCode?: string | null },
  ): Promise<{ department: Department; chosen?: ChosenMatter; coDepartmentIds?: string[] }> {
    if (!input.departmentCode && !input.matterCode) throw badInput('departmentCode', 'give departmentCode or matterCode');
    const chosen = input.matterCode ? await this.matterInForce(rc, input.matterCode, 'matterCode') : undefined;
    const there = chosen ? await this.deps.dutyLists.jurisdiction(rc.em, chosen.matter, { districtId: t.districtId, lat: t.lat, lng: t.lng }) : undefined;
    const department = input.departmentCode
      ? await this.deps.departments.departmentByCode(rc, input.departmentCode)
      : leadOf(there!, chosen!.matter, 'matterCode');
    return { department, chosen, coDepartmentIds: there?.coHandlers.map((d) => d.id) };
  }

  /** The operator's choice is recorded next to what the router had suggested. */
  private markManual(t: Ticket, method: RoutingMethod, chosen: ChosenMatter | undefined): void {
    t.routing = {
      method,
      versionNumber: chosen?.versionNumber ?? t.routing?.versionNumber ?? null,
      threshold: t.routing?.threshold ?? this.deps.router.threshold,
      candidates: t.routing?.candidates ?? [],
      at: this.deps.clock.now().toISOString(),
    };
  }

  private async resolveDaysOf(em: EntityManager, matterId: string | null): Promise<number | null> {
    if (!matterId) return null;
    return (await em.findOne(Matter, { id: matterId }))?.resolveDays ?? null;
  }

  // ---------------------------------------------------------------- lifecycle

  /**
   * Runs one change in one transaction: locks the row, checks scope and the expected version,
   * then lets `run` apply commands (each one appends a TicketEvent).
   */
  private async change(
    rc: RequestContext,
    input: TicketChangeInput,
    roles: readonly Role[],
    run: (em: EntityManager, t: Ticket) => Promise<void>,
  ): Promise<Ticket> {
    requireRole(rc.viewer, ...roles);
    const id = localId(input.id, 'Ticket');
    return rc.em.transactional(async (em) => {
      // (with its routing record: a dispatch or arbitration rewrites it)
      const t = await em.findOne(Ticket, { id }, { lockMode: LockMode.PESSIMISTIC_WRITE, refresh: true, populate: ['routing'] });
      if (!t || !(await this.canSee(rc, t))) throw notFound('ticket', input.id);
      if (t.version !== input.expectedVersion) {
        throw conflict(`ticket ${t.number} changed: you saw version ${input.expectedVersion}, it is now ${t.version}; reload and retry`, {
          currentVersion: t.version,
        });
      }
      await run(em, t);
      return t;
    });
  }

  /** Decides, applies and records one command on a locked ticket. */
  private async apply(
    em: EntityManager,
    viewer: Viewer,
    t: Ticket,
    cmd: Command,
    note?: string | null,
    resolveDays?: number | null,
  ): Promise<Decision> {
    const d = this.decideAndRecord(em, viewer, t, cmd, note, resolveDays);
    await em.flush();
    return d;
  }

  /** Decides one command and changes the ticket in the unit of work (flushed by the caller). */
  private decideAndRecord(
    em: EntityManager | IntakeUnit,
    viewer: Viewer,
    t: Ticket,
    cmd: Command,
    note?: string | null,
    resolveDays?: number | null,
  ): Decision {
    const now = this.deps.clock.now();
    const state = stateOf(t);
    const env = { now, calendar: this.deps.calendar, category: t.category, urgency: t.urgency, resolveDays };
    const d = decide(state, cmd, env);
    writeState(t, evolve(state, d.to, d.changes));
    t.updatedAt = now;
    this.record(em, viewer, t, { seq: t.version + 1, type: d.type, from: state.status, to: d.to, changes: d.changes, note: note ?? null, now, fromMatterId: state.matterId, formerDepartmentIds: [state.leadDepartmentId, ...state.coDepartmentIds] });
    t.version += 1;
    return d;
  }

  /**
   * The audit-log row (seq = the ticket's version after the event) and its outbox event, both
   * in the caller's unit of work, so they commit with the change or not at all.
   */
  private record(
    to: EntityManager | IntakeUnit,
    viewer: Viewer,
    t: Ticket,
    e: {
      seq: number;
      type: TicketEventType;
      from: TicketStatus | null;
      to: TicketStatus;
      changes: Partial<TicketState>;
      note: string | null;
      now: Date;
      fromMatterId?: string | null;
      /** who held the ticket before the change: they are told of it too (a redispatch, a merge) */
      formerDepartmentIds?: readonly (string | null)[];
    },
  ): void {
    const actor = actorOf(viewer);
    const event = Object.assign(new TicketEvent(), {
      ticketId: t.id,
      seq: e.seq,
      type: e.type,
      fromStatus: e.from,
      toStatus: e.to,
      actor,
      note: e.note,
      changes: e.changes,
      occurredAt: e.now,
    });
    const out = outboxEvent({
      topic: 'ticket',
      type: e.type,
      aggregateId: t.id,
      districtId: t.districtId,
      departmentIds: [...new Set([t.leadDepartmentId, ...t.coDepartmentIds, ...(e.formerDepartmentIds ?? [])])].filter((d): d is string => !!d),
      matterId: t.matterId ?? null,
      occurredAt: e.now,
      payload: ticketEventPayload(t, { seq: e.seq, from: e.from, to: e.to, actor, fromMatterId: e.fromMatterId ?? null }),
    });
    if ('outbox' in to) {
      to.events.push(event);
      to.outbox.push(out);
    } else to.persist([event, out]);
  }

  /** 派单: to a department, or to a matter's department with jurisdiction in the ticket's district. */
  dispatch(rc: RequestContext, input: DispatchTicketInput) {
    return this.change(rc, input, CENTRE, async (em, t) => {
      const { department, chosen, coDepartmentIds } = await this.target(rc, t, input);
      const resolveDays = chosen ? chosen.resolveDays : await this.resolveDaysOf(em, t.matterId);
      this.markManual(t, RoutingMethod.MANUAL, chosen);
      await this.apply(em, rc.viewer, t, { kind: 'dispatch', departmentId: department.id, matter: chosen?.ref, coDepartmentIds }, input.note, resolveDays);
    });
  }

  /** The centre corrects its own routing before the department accepts. */
  redispatch(rc: RequestContext, input: RedispatchTicketInput) {
    return this.change(rc, input, CENTRE, async (em, t) => {
      const { department, chosen, coDepartmentIds } = await this.target(rc, t, input);
      const resolveDays = chosen ? chosen.resolveDays : await this.resolveDaysOf(em, t.matterId);
      this.markManual(t, RoutingMethod.MANUAL, chosen);
      await this.apply(em, rc.viewer, t, { kind: 'redispatch', departmentId: department.id, matter: chosen?.ref, coDepartmentIds }, input.reason, resolveDays);
    });
  }

  /** 签收 */
  accept(rc: RequestContext, input: TicketChangeInput) {
    return this.change(rc, input, DEPARTMENT, async (em, t) => {
      await this.apply(em, rc.viewer, t, { kind: 'accept', actorDepartmentId: await this.viewerDepartmentId(rc) }, input.note);
    });
  }

  /** 办理 */
  start(rc: RequestContext, input: TicketChangeInput) {
    return this.change(rc, input, DEPARTMENT, async (em, t) => {
      await this.apply(em, rc.viewer, t, { kind: 'start', actorDepartmentId: await this.viewerDepartmentId(rc) }, input.note);
    });
  }

  /** 退单: once, with a reason; a second reject goes to arbitration. */
  reject(rc: RequestContext, input: RejectTicketInput) {
    return this.change(rc, input, DEPARTMENT, async (em, t) => {
      await this.apply(em, rc.viewer, t, { kind: 'reject', actorDepartmentId: await this.viewerDepartmentId(rc) }, input.reason);
    });
  }

  /** The centre disputes a department's reject: the ticket goes to arbitration (疑难调处). */
  disputeReject(rc: RequestContext, input: DisputeRejectInput) {
    return this.change(rc, input, SUPERVISORS, async (em, t) => {
      await this.apply(em, rc.viewer, t, { kind: 'disputeReject' }, input.reason);
    });
  }

  /**
   * 疑难调处: the binding decision on which department handles the ticket. The decision is
   * evidence for the next duty list (per matter: who rejected, who was decided on) and, with a
   * matter, a training example for the router.
   */
  arbitrate(rc: RequestContext, input: ArbitrateTicketInput) {
    return this.change(rc, input, SUPERVISORS, async (em, t) => {
      const { department, chosen, coDepartmentIds } = await this.target(rc, t, input);
      const rejected = [...t.rejectedDepartmentIds];
      // the matter the departments disputed: the one it was routed under when they rejected it
      const disputedMatterId = t.matterId;
      // each department's reason: its latest REJECTED event (the department is the last one that
      // event added to rejectedDepartmentIds; a ticket arbitrated before has older rejects too)
      const reasonBy = new Map<string, string | null>();
      for (const e of await em.find(TicketEvent, { ticketId: t.id, type: TicketEventType.REJECTED }, { orderBy: { seq: 'asc' } })) {
        const by = (e.changes as { rejectedDepartmentIds?: string[] }).rejectedDepartmentIds?.at(-1);
        if (by) reasonBy.set(by, e.note ?? null);
      }
      const resolveDays = chosen ? chosen.resolveDays : await this.resolveDaysOf(em, t.matterId);
      // (the routing record changes in the same write as the transition: one version, one event)
      if (chosen) this.markManual(t, RoutingMethod.ARBITRATION, chosen);
      await this.apply(em, rc.viewer, t, { kind: 'arbitrate', departmentId: department.id, matter: chosen?.ref, coDepartmentIds }, input.decision, resolveDays);
      // evidence for the next duty list, under the matter disputed and, when the decision moved
      // the ticket, the matter decided on too: every reject with what was decided — an overruled
      // one (decided for the department that rejected) says the list was right
      const disputedCode = disputedMatterId ? (await em.findOne(Matter, { id: disputedMatterId }))?.code ?? null : null;
      const codes = [...new Set([disputedCode, chosen?.matter.code ?? null].filter((c) => c != null))];
      for (const matterCode of codes.length ? codes : [null]) {
        rejected.forEach((rejectedById) => {
          em.persist(
            em.create(MatterDispute, {
              ticketId: t.id,
              matterCode,
              rejectedById,
              decidedId: department.id,
              rejectReason: reasonBy.get(rejectedById) ?? null,
              decision: input.decision,
              decidedAt: this.deps.clock.now(),
            }),
          );
        });
      }
      await em.flush();
    });
  }

  /** 协办: the lead adds co-handling departments (it cannot hand the ticket off). */
  addCoDepartments(rc: RequestContext, input: AddCoDepartmentsInput) {
    return this.change(rc, input, DEPARTMENT, async (em, t) => {
      const deps = await Promise.all(
        input.departmentCodes.map((c) => this.deps.departments.departmentByCode(rc, c, 'departmentCodes')),
      );
      const cmd: Command = {
        kind: 'addCoDepartments',
        actorDepartmentId: await this.viewerDepartmentId(rc),
        departmentIds: deps.map((d) => d.id),
      };
      await this.apply(em, rc.viewer, t, cmd, input.note);
    });
  }

  /** 延期申请 */
  requestExtension(rc: RequestContext, input: RequestExtensionInput) {
    return this.change(rc, input, DEPARTMENT, async (em, t) => {
      const dep = await this.viewerDepartmentId(rc);
      await this.apply(em, rc.viewer, t, { kind: 'requestExtension', actorDepartmentId: dep, days: input.days }, input.reason);
      em.persist(
        em.create(ExtensionRequest, {
          ticketId: t.id,
          departmentId: dep,
          days: input.days,
          reason: input.reason,
          requestedBy: actorOf(rc.viewer),
          requestedAt: this.deps.clock.now(),
        }),
      );
      await em.flush();
    });
  }

  /** 延期审批: approve or deny the pending request. */
  decideExtension(rc: RequestContext, input: DecideExtensionInput) {
    return this.change(rc, input, SUPERVISORS, async (em, t) => {
      const pending = await em.findOne(ExtensionRequest, { ticketId: t.id, status: ExtensionStatus.PENDING });
      if (!pending) {
        // decide() refuses this too; the request row is the evidence
        await this.apply(em, rc.viewer, t, { kind: 'decideExtension', approve: input.approve, days: 0 }, input.note);
        return;
      }
      await this.apply(em, rc.viewer, t, { kind: 'decideExtension', approve: input.approve, days: pending.days }, input.note);
      pending.status = input.approve ? ExtensionStatus.APPROVED : ExtensionStatus.DENIED;
      pending.decidedBy = actorOf(rc.viewer);
      pending.decisionNote = input.note ?? null;
      pending.decidedAt = this.deps.clock.now();
      await em.flush();
    });
  }

  /** 办结: the lead department replies; merged duplicates get the same reply. */
  resolve(rc: RequestContext, input: ResolveTicketInput) {
    return this.change(rc, input, DEPARTMENT, async (em, t) => {
      const cmd: Command = { kind: 'resolve', actorDepartmentId: await this.viewerDepartmentId(rc), reply: input.reply };
      await this.apply(em, rc.viewer, t, cmd, input.note);
      await this.afterResolved(em, rc.viewer, t, input.reply);
    });
  }

  /** 即接即办: the operator answers on the call. */
  resolveOnCall(rc: RequestContext, input: ResolveTicketInput) {
    return this.change(rc, input, CENTRE, async (em, t) => {
      await this.apply(em, rc.viewer, t, { kind: 'resolveOnCall', reply: input.reply }, input.note);
      await this.afterResolved(em, rc.viewer, t, input.reply);
    });
  }

  /** After a resolution: a pending extension request lapses; merged duplicates are resolved too. */
  private async afterResolved(em: EntityManager, viewer: Viewer, parent: Ticket, reply: string): Promise<void> {
    const pending = await em.find(ExtensionRequest, { ticketId: parent.id, status: ExtensionStatus.PENDING });
    for (const p of pending) {
      p.status = ExtensionStatus.LAPSED;
      p.decidedAt = this.deps.clock.now();
    }
    await this.resolveChildren(em, viewer, parent, reply);
  }

  private async resolveChildren(em: EntityManager, viewer: Viewer, parent: Ticket, reply: string): Promise<void> {
    const children = await em.find(
      Ticket,
      { parentId: parent.id, status: TicketStatus.MERGED },
      { lockMode: LockMode.PESSIMISTIC_WRITE, orderBy: { id: 'asc' } },
    );
    for (const child of children) {
      await this.apply(em, viewer, child, { kind: 'parentResolved', reply }, `resolved with ${parent.number}`);
    }
  }

  /** 回访: satisfied closes; dissatisfied re-opens (a warning ticket, 预警工单). */
  returnVisit(rc: RequestContext, input: ReturnVisitInput) {
    return this.change(rc, input, CENTRE, async (em, t) => {
      const cmd: Command = { kind: 'returnVisit', satisfaction: input.satisfaction, resolution: input.resolution };
      await this.apply(em, rc.viewer, t, cmd, input.note);
      em.persist(
        em.create(ReturnVisit, {
          ticketId: t.id,
          satisfaction: input.satisfaction,
          resolution: input.resolution,
          note: input.note ?? null,
          visitedBy: actorOf(rc.viewer),
          visitedAt: this.deps.clock.now(),
        }),
      );
      await em.flush();
    });
  }

  /** Closes a resolved ticket without a return visit (e.g. the citizen cannot be reached). */
  close(rc: RequestContext, input: TicketChangeInput) {
    return this.change(rc, input, SUPERVISORS, async (em, t) => {
      if (!input.note?.trim()) throw badInput('note', 'say why the ticket is closed without a return visit');
      await this.apply(em, rc.viewer, t, { kind: 'close' }, input.note);
    });
  }

  /**
   * Merges a duplicate report under its parent; the parent's reply reaches every caller.
   * `alsoInTransaction` lets an internal caller (the duplicate detector) commit its own record
   * of the merge with it, so no reader sees one without the other, and may ask for a parent
   * still being worked (`parentStatuses`), checked under the parent's row lock.
   */
  merge(
    rc: RequestContext,
    input: MergeTicketInput,
    alsoInTransaction?: (em: EntityManager) => Promise<void>,
    parentStatuses?: ReadonlySet<TicketStatus>,
  ) {
    return this.change(rc, input, CENTRE, async (em, t) => {
      const parentId = localId(input.parentId, 'Ticket', 'parentId');
      if (parentId === t.id) throw badInput('parentId', 'a ticket cannot be merged into itself');
      if ((await em.count(Ticket, { parentId: t.id })) > 0) {
        // one level only: every duplicate hangs off the ticket that is handled
        throw badInput('id', `${t.number} has duplicates merged into it: merge the other ticket into it instead`);
      }
      const parent = await em.findOne(Ticket, { id: parentId }, { lockMode: LockMode.PESSIMISTIC_WRITE });
      if (!parent) throw badInput('parentId', `ticket ${input.parentId} not found`);
      if (parent.parentId) throw badInput('parentId', `${parent.number} is itself merged into another ticket`);
      if ([TicketStatus.CLOSED, TicketStatus.MERGED].includes(parent.status)) {
        throw badInput('parentId', `${parent.number} is ${parent.status}: pick an open ticket`);
      }
      if (parentStatuses && !parentStatuses.has(parent.status)) {
        throw conflict(`${parent.number} became ${parent.status} meanwhile`, { currentStatus: parent.status });
      }
      await this.apply(em, rc.viewer, t, { kind: 'merge', parentId: parent.id }, input.note);
      if (parent.status === TicketStatus.RESOLVED && parent.reply) {
        await this.apply(em, rc.viewer, t, { kind: 'parentResolved', reply: parent.reply }, `resolved with ${parent.number}`);
      }
      await alsoInTransaction?.(em);
    });
  }
}

interface ChosenMatter {
  ref: MatterRef;
  matter: Matter;
  versionNumber: number;
  resolveDays: number | null;
}

interface IntakePlan {
  departmentId: string | null;
  /** 协办 of the matter at the ticket's place (with a matter) */
  coDepartmentIds?: string[];
  matter?: ChosenMatter;
  routing: RoutingRecord;
  note: string | null;
}

/** The lead a matter resolves to at the ticket's place, or a clear refusal saying why there is none. */
function leadOf(there: Jurisdiction, matter: Matter, field: string): Department {
  if (there.lead) return there.lead;
  throw badInput(field, `no department has jurisdiction for ${matter.code} at the ticket's place${there.note ? `: ${there.note}` : ''}`);
}

/** Tickets a department leads or co-handles. */
function handledBy(departmentId: string): FilterQuery<Ticket> {
  return { $or: [{ leadDepartmentId: departmentId }, { coDepartmentIds: { $contains: [departmentId] } }] };
}

/** GZ-20260131-000123: city, local (UTC+8) date, sequence. */
/** A stable digest of an intake's input, without its idempotency key. */
function hashInput(input: CreateTicketInput): string {
  const fields = Object.entries(input as unknown as Record<string, unknown>)
    .filter(([k, v]) => k !== 'idempotencyKey' && v != null)
    .sort(([a], [b]) => (a < b ? -1 : 1));
  return createHash('sha256').update(JSON.stringify(fields)).digest('hex');
}

export function ticketNumber(city: string, at: Date, seq: number): string {
  const local = new Date(at.getTime() + 8 * 3600_000).toISOString().slice(0, 10).replaceAll('-', '');
  return `${city}-${local}-${String(seq).padStart(6, '0')}`;
}
