/**
 * The ticket lifecycle as a pure state machine (DOMAIN.md, "Tickets and their life").
 *
 * `decide` checks a command against the current state and returns the event it produces
 * (or throws ILLEGAL_TRANSITION / FORBIDDEN / BAD_USER_INPUT); `evolve` applies an event to a
 * state. The ticket row is the fold of its events: the service writes `evolve`'s result and the
 * event in one transaction, and `replay` rebuilds the same state from the audit log alone.
 */
import { badInput, forbidden, illegalTransition } from '../shared/errors';
import type { WorkingCalendar } from '../shared/calendar';
import type {
  Resolution} from './ticket.enums';
import {
  Satisfaction,
  TicketCategory,
  TicketEventType,
  TicketStatus,
  Urgency,
} from './ticket.enums';

/** The part of a ticket its lifecycle changes. Dates are ISO strings, so events are plain JSON. */
export interface TicketState {
  status: TicketStatus;
  leadDepartmentId: string | null;
  /** 首办负责: the first department the ticket was dispatched to */
  firstDepartmentId: string | null;
  coDepartmentIds: string[];
  rejectedDepartmentIds: string[];
  rejectCount: number;
  /** times the centre re-routed the ticket itself (first-dispatch accuracy) */
  rerouteCount: number;
  /** set by arbitration: this department may not reject again */
  bindingDepartmentId: string | null;
  parentId: string | null;
  dispatchedAt: string | null;
  acceptDeadline: string | null;
  resolveDeadline: string | null;
  returnVisitDeadline: string | null;
  acceptedAt: string | null;
  resolvedAt: string | null;
  closedAt: string | null;
  reply: string | null;
  satisfaction: Satisfaction | null;
  resolution: Resolution | null;
  reopenCount: number;
  /**
   * 首办负责: the department a re-opened ticket returns to — its lead when it was re-opened (null
   * when no department had handled it: resolved on the call, or merged). Once back there, it is
   * neither rejected nor re-routed; only arbitration moves it.
   */
  returnsToDepartmentId: string | null;
  extensionPending: boolean;
  /** 事项: the duty-list matter it is routed under, and the version of the list */
  matterId: string | null;
  dutyListVersionId: string | null;
}

export const INITIAL_STATE: TicketState = {
  status: TicketStatus.RECEIVED,
  leadDepartmentId: null,
  firstDepartmentId: null,
  coDepartmentIds: [],
  rejectedDepartmentIds: [],
  rejectCount: 0,
  rerouteCount: 0,
  bindingDepartmentId: null,
  parentId: null,
  dispatchedAt: null,
  acceptDeadline: null,
  resolveDeadline: null,
  returnVisitDeadline: null,
  acceptedAt: null,
  resolvedAt: null,
  closedAt: null,
  reply: null,
  satisfaction: null,
  resolution: null,
  reopenCount: 0,
  returnsToDepartmentId: null,
  extensionPending: false,
  matterId: null,
  dutyListVersionId: null,
};

export const STATE_KEYS = Object.keys(INITIAL_STATE) as (keyof TicketState)[];

/** What a command produced: the event type, the new status and the changed fields. */
export interface Decision {
  type: TicketEventType;
  to: TicketStatus;
  changes: Partial<TicketState>;
}

/** The duty-list matter a routing step files the ticket under. */
export interface MatterRef {
  matterId: string;
  dutyListVersionId: string;
}

/**
 * A routing step (dispatch, redispatch, arbitration): to a department; with `matter`, filed under
 * that matter, and `coDepartmentIds` are the departments of the matter's co-handling kinds with
 * jurisdiction at the ticket's place (协办, from the duty list).
 */
interface Routing {
  departmentId: string;
  matter?: MatterRef;
  coDepartmentIds?: readonly string[];
}

export type Command =
  | ({ kind: 'dispatch' } & Routing)
  | ({ kind: 'redispatch' } & Routing)
  | { kind: 'accept'; actorDepartmentId: string }
  | { kind: 'start'; actorDepartmentId: string }
  | { kind: 'reject'; actorDepartmentId: string }
  | { kind: 'disputeReject' }
  | ({ kind: 'arbitrate' } & Routing)
  | { kind: 'addCoDepartments'; actorDepartmentId: string; departmentIds: string[] }
  | { kind: 'requestExtension'; actorDepartmentId: string; days: number }
  | { kind: 'decideExtension'; approve: boolean; days: number }
  | { kind: 'resolve'; actorDepartmentId: string; reply: string }
  | { kind: 'resolveOnCall'; reply: string }
  | { kind: 'parentResolved'; reply: string }
  | { kind: 'returnVisit'; satisfaction: Satisfaction; resolution: Resolution }
  | { kind: 'close' }
  | { kind: 'merge'; parentId: string };

export interface DecideEnv {
  now: Date;
  calendar: WorkingCalendar;
  category: TicketCategory;
  urgency: Urgency;
  /** the matter's own deadline (working days), overriding the category's */
  resolveDays?: number | null;
}

/** Longest a ticket may take with approved extensions (complex matters), in working days. */
export const MAX_RESOLVE_WORKING_DAYS = 15;

/** Working days to resolve, by category; a re-opened ticket gets 3 (DOMAIN.md defaults). */
export function resolveWorkingDays(category: TicketCategory, reopened: boolean): number {
  if (reopened) return 3;
  return category === TicketCategory.CONSULTATION ? 1 : 5;
}

/** By when a department accepts a ticket dispatched now: 30 minutes if urgent, else 2 working hours. */
function acceptDeadlineFrom(env: DecideEnv): Date {
  return env.urgency === Urgency.URGENT ? new Date(env.now.getTime() + 30 * 60_000) : env.calendar.addWorkingHours(env.now, 2);
}

function dispatchDeadlines(state: TicketState, env: DecideEnv): Partial<TicketState> {
  const now = env.now;
  const accept = acceptDeadlineFrom(env);
  const days = state.reopenCount > 0 ? resolveWorkingDays(env.category, true) : (env.resolveDays ?? resolveWorkingDays(env.category, false));
  const resolve = env.calendar.addWorkingDays(now, days);
  return {
    dispatchedAt: now.toISOString(),
    acceptDeadline: accept.toISOString(),
    resolveDeadline: resolve.toISOString(),
    acceptedAt: null,
  };
}

function requireStatus(state: TicketState, action: string, ...allowed: TicketStatus[]): void {
  if (!allowed.includes(state.status)) {
    throw illegalTransition(state.status, action, `allowed from ${allowed.join(', ')}`);
  }
}

/** A re-opened ticket back at the department that handled it before (首办负责: it stays there). */
function backWithItsHandler(state: TicketState): boolean {
  return state.reopenCount > 0 && !!state.returnsToDepartmentId && state.leadDepartmentId === state.returnsToDepartmentId;
}

function requireLead(state: TicketState, actorDepartmentId: string, action: string): void {
  if (state.leadDepartmentId !== actorDepartmentId) {
    throw forbidden(`only the lead department may ${action} this ticket`);
  }
}

export function decide(state: TicketState, cmd: Command, env: DecideEnv): Decision {
  const now = env.now.toISOString();
  switch (cmd.kind) {
    case 'dispatch': {
      requireStatus(state, 'dispatch', TicketStatus.RECEIVED, TicketStatus.REOPENED);
      if (state.status === TicketStatus.REOPENED && state.leadDepartmentId && cmd.departmentId !== state.leadDepartmentId) {
        // 首办负责: a re-opened ticket goes back to its lead; only arbitration moves it.
        throw illegalTransition(state.status, 'dispatch', 'a re-opened ticket goes back to its lead department');
      }
      if (state.rejectedDepartmentIds.includes(cmd.departmentId)) {
        throw badInput('departmentCode', 'this department has rejected the ticket; dispute the reject to send it to arbitration');
      }
      return {
        type: TicketEventType.DISPATCHED,
        to: TicketStatus.DISPATCHED,
        changes: {
          leadDepartmentId: cmd.departmentId,
          firstDepartmentId: state.firstDepartmentId ?? cmd.departmentId,
          ...matterChanges(cmd.matter),
          ...coHandling(state, cmd),
          ...dispatchDeadlines(state, env),
        },
      };
    }
    case 'redispatch': {
      requireStatus(state, 'redispatch', TicketStatus.DISPATCHED);
      if (cmd.departmentId === state.leadDepartmentId) {
        throw badInput('departmentCode', 'the ticket is already at this department');
      }
      if (state.bindingDepartmentId) {
        throw illegalTransition(state.status, 'redispatch', 'arbitration has bound the ticket to its department');
      }
      if (backWithItsHandler(state)) {
        throw illegalTransition(state.status, 'redispatch', 'a re-opened ticket stays with its lead department');
      }
      if (state.rejectedDepartmentIds.includes(cmd.departmentId)) {
        throw badInput('departmentCode', 'this department has rejected the ticket; dispute the reject to send it to arbitration');
      }
      return {
        type: TicketEventType.REDISPATCHED,
        to: TicketStatus.DISPATCHED,
        changes: {
          leadDepartmentId: cmd.departmentId,
          rerouteCount: state.rerouteCount + 1,
          ...matterChanges(cmd.matter),
          ...coHandling(state, cmd),
          ...dispatchDeadlines(state, env),
        },
      };
    }
    case 'accept':
      requireStatus(state, 'accept', TicketStatus.DISPATCHED);
      requireLead(state, cmd.actorDepartmentId, 'accept');
      return { type: TicketEventType.ACCEPTED, to: TicketStatus.ACCEPTED, changes: { acceptedAt: now } };
    case 'start':
      requireStatus(state, 'start', TicketStatus.ACCEPTED);
      requireLead(state, cmd.actorDepartmentId, 'start');
      return { type: TicketEventType.STARTED, to: TicketStatus.IN_PROGRESS, changes: {} };
    case 'reject': {
      // 首办负责: a department may reject only before it accepts, and only once.
      requireStatus(state, 'reject', TicketStatus.DISPATCHED);
      requireLead(state, cmd.actorDepartmentId, 'reject');
      if (state.bindingDepartmentId === cmd.actorDepartmentId) {
        throw illegalTransition(state.status, 'reject', 'the arbitration decision is binding');
      }
      if (backWithItsHandler(state)) {
        throw illegalTransition(state.status, 'reject', 'a re-opened ticket goes back to the department that handled it');
      }
      const second = state.rejectCount >= 1;
      return {
        type: TicketEventType.REJECTED,
        to: second ? TicketStatus.ARBITRATION : TicketStatus.RECEIVED,
        changes: {
          rejectCount: state.rejectCount + 1,
          rejectedDepartmentIds: [...state.rejectedDepartmentIds, cmd.actorDepartmentId],
          leadDepartmentId: second ? state.leadDepartmentId : null,
          // back in the queue, the co-handlers of the routing just refused leave with their lead
          ...(!second && state.coDepartmentIds.length ? { coDepartmentIds: [] } : {}),
          acceptDeadline: null,
          resolveDeadline: null,
        },
      };
    }
    case 'disputeReject':
      requireStatus(state, 'dispute the reject of', TicketStatus.RECEIVED);
      if (state.rejectCount === 0) {
        throw illegalTransition(state.status, 'dispute the reject of', 'the ticket has not been rejected');
      }
      return { type: TicketEventType.REJECT_DISPUTED, to: TicketStatus.ARBITRATION, changes: {} };
    case 'arbitrate':
      requireStatus(state, 'arbitrate', TicketStatus.ARBITRATION);
      return {
        type: TicketEventType.ARBITRATED,
        to: TicketStatus.DISPATCHED,
        changes: {
          leadDepartmentId: cmd.departmentId,
          bindingDepartmentId: cmd.departmentId,
          // the decision is binding on the decided department: it may no longer reject
          rejectedDepartmentIds: state.rejectedDepartmentIds.filter((d) => d !== cmd.departmentId),
          ...matterChanges(cmd.matter),
          ...coHandling(state, cmd),
          ...dispatchDeadlines(state, env),
        },
      };
    case 'addCoDepartments': {
      requireStatus(state, 'add co-handling departments to', TicketStatus.ACCEPTED, TicketStatus.IN_PROGRESS);
      requireLead(state, cmd.actorDepartmentId, 'add co-handlers to');
      const added = [...new Set(cmd.departmentIds)].filter(
        (d) => d !== state.leadDepartmentId && !state.coDepartmentIds.includes(d),
      );
      if (added.length === 0) throw badInput('departmentCodes', 'no new co-handling department');
      return {
        type: TicketEventType.CO_DEPARTMENTS_ADDED,
        to: state.status,
        changes: { coDepartmentIds: [...state.coDepartmentIds, ...added] },
      };
    }
    case 'requestExtension': {
      requireStatus(state, 'request an extension for', TicketStatus.ACCEPTED, TicketStatus.IN_PROGRESS);
      requireLead(state, cmd.actorDepartmentId, 'request an extension for');
      if (state.extensionPending) {
        throw illegalTransition(state.status, 'request an extension for', 'an extension request is already pending');
      }
      // (延期 is asked for within the time: past it, the ticket is overdue)
      if (state.resolveDeadline && env.now >= new Date(state.resolveDeadline)) {
        throw illegalTransition(state.status, 'request an extension for', `its deadline (${state.resolveDeadline}) has passed: an extension is asked for before it`);
      }
      checkExtension(state, cmd.days, env);
      return { type: TicketEventType.EXTENSION_REQUESTED, to: state.status, changes: { extensionPending: true } };
    }
    case 'decideExtension': {
      if (!state.extensionPending) {
        throw illegalTransition(state.status, 'decide an extension for', 'no extension request is pending');
      }
      const changes: Partial<TicketState> = { extensionPending: false };
      if (cmd.approve) {
        requireStatus(state, 'extend', TicketStatus.ACCEPTED, TicketStatus.IN_PROGRESS);
        const extended = checkExtension(state, cmd.days, env);
        // approved so late that the new deadline has passed too: it would only restart the escalations
        if (extended <= env.now) {
          throw illegalTransition(state.status, 'extend', `the deadline it asks for (${extended.toISOString()}) has passed too: refuse the request (approve: false)`);
        }
        changes.resolveDeadline = extended.toISOString();
      }
      return { type: TicketEventType.EXTENSION_DECIDED, to: state.status, changes };
    }
    case 'resolve':
      requireStatus(state, 'resolve', TicketStatus.IN_PROGRESS);
      requireLead(state, cmd.actorDepartmentId, 'resolve');
      return resolved(state, TicketEventType.RESOLVED, cmd.reply, env);
    case 'resolveOnCall':
      // 即接即办: the operator answers on the call, before any dispatch
      requireStatus(state, 'resolve on the call', TicketStatus.RECEIVED);
      if (state.rejectCount > 0) {
        throw illegalTransition(state.status, 'resolve on the call', 'a rejected ticket needs a department or arbitration');
      }
      return resolved(state, TicketEventType.RESOLVED_ON_CALL, cmd.reply, env);
    case 'parentResolved':
      requireStatus(state, 'resolve with its parent', TicketStatus.MERGED);
      return resolved(state, TicketEventType.PARENT_RESOLVED, cmd.reply, env);
    case 'returnVisit': {
      requireStatus(state, 'record a return visit for', TicketStatus.RESOLVED);
      const dissatisfied = cmd.satisfaction === Satisfaction.DISSATISFIED;
      return {
        type: TicketEventType.RETURN_VISITED,
        to: dissatisfied ? TicketStatus.REOPENED : TicketStatus.CLOSED,
        changes: {
          satisfaction: cmd.satisfaction,
          resolution: cmd.resolution,
          returnVisitDeadline: null,
          ...(dissatisfied
            ? {
                reopenCount: state.reopenCount + 1,
                returnsToDepartmentId: state.leadDepartmentId,
                resolvedAt: null,
                // a warning ticket (预警工单) waits at the centre to go back to its department: the
                // clock runs from now — back and accepted within the accept time, else overdue and
                // escalated like any other (the re-handling's 3 days start at the dispatch, which
                // also clears the previous handling's acceptance)
                acceptDeadline: acceptDeadlineFrom(env).toISOString(),
                resolveDeadline: null,
              }
            : { closedAt: now }),
        },
      };
    }
    case 'close':
      requireStatus(state, 'close', TicketStatus.RESOLVED);
      return {
        type: TicketEventType.CLOSED,
        to: TicketStatus.CLOSED,
        changes: { closedAt: now, returnVisitDeadline: null },
      };
    case 'merge':
      requireStatus(state, 'merge', TicketStatus.RECEIVED, TicketStatus.DISPATCHED);
      return {
        type: TicketEventType.MERGED,
        to: TicketStatus.MERGED,
        // the parent's departments handle it now: its own lead and co-handlers leave it
        changes: { parentId: cmd.parentId, leadDepartmentId: null, ...(state.coDepartmentIds.length ? { coDepartmentIds: [] } : {}), acceptDeadline: null, resolveDeadline: null },
      };
  }
}

function matterChanges(matter: MatterRef | undefined): Partial<TicketState> {
  return matter ? { matterId: matter.matterId, dutyListVersionId: matter.dutyListVersionId } : {};
}

/**
 * 协办 after a routing step. Co-handlers follow the matter and its lead: a step that names a matter
 * brings the matter's co-handlers; those the ticket already has stay when its lead does (a
 * re-opened ticket back at its lead keeps the co-handlers the lead added) and leave when the lead
 * changes, whether or not the step names a matter (they came with the routing being corrected).
 * The lead is never its own co-handler. Only a change is recorded, so the audit log shows who
 * joined or left.
 */
function coHandling(state: TicketState, cmd: Routing): Partial<TicketState> {
  const kept = state.leadDepartmentId !== cmd.departmentId ? [] : state.coDepartmentIds;
  const next = [...new Set([...kept, ...(cmd.coDepartmentIds ?? [])])].filter((d) => d !== cmd.departmentId);
  const same = next.length === state.coDepartmentIds.length && next.every((d, i) => d === state.coDepartmentIds[i]);
  return same ? {} : { coDepartmentIds: next };
}

function resolved(state: TicketState, type: TicketEventType, reply: string, env: DecideEnv): Decision {
  return {
    type,
    to: TicketStatus.RESOLVED,
    changes: {
      reply,
      // a request for more time still pending when the work is done lapses with it
      ...(state.extensionPending ? { extensionPending: false } : {}),
      resolvedAt: env.now.toISOString(),
      returnVisitDeadline: env.calendar.addWorkingDays(env.now, 1).toISOString(),
    },
  };
}

/** The new resolve deadline after `days` more working days; refuses past the 15-day ceiling. */
function checkExtension(state: TicketState, days: number, env: DecideEnv): Date {
  if (!Number.isInteger(days) || days < 1) throw badInput('days', 'days must be a whole number ≥ 1');
  const base = state.resolveDeadline ? new Date(state.resolveDeadline) : env.now;
  const proposed = env.calendar.addWorkingDays(base, days);
  const ceiling = env.calendar.addWorkingDays(new Date(state.dispatchedAt ?? env.now), MAX_RESOLVE_WORKING_DAYS);
  if (proposed > ceiling) {
    throw badInput('days', `an extension may not take the deadline past ${MAX_RESOLVE_WORKING_DAYS} working days from dispatch`);
  }
  return proposed;
}

/** Applies one event's changes: the only way a ticket's lifecycle state moves. */
export function evolve(state: TicketState, to: TicketStatus, changes: Partial<TicketState>): TicketState {
  return { ...state, ...changes, status: to };
}

export interface RecordedEvent {
  toStatus: TicketStatus;
  changes: Partial<TicketState>;
}

/** Rebuilds a ticket's lifecycle state from its audit log alone. */
export function replay(events: readonly RecordedEvent[]): TicketState {
  return events.reduce((s, e) => evolve(s, e.toStatus, e.changes), INITIAL_STATE);
}

/** The deadline that matters in the current status (null when none runs). */
export function currentDeadline(state: TicketState): string | null {
  switch (state.status) {
    case TicketStatus.DISPATCHED:
    case TicketStatus.REOPENED:
      return state.acceptDeadline;
    case TicketStatus.ACCEPTED:
    case TicketStatus.IN_PROGRESS:
      return state.resolveDeadline;
    case TicketStatus.RESOLVED:
      return state.returnVisitDeadline;
    default:
      return null;
  }
}
