/**
 * Pure unit tests of the ticket state machine (DOMAIN.md, "Tickets and their life" and
 * "Deadlines"). No database: `decide`, `evolve` and `replay` are plain functions.
 *
 * The fixed environment is Monday 2026-03-02 09:00 China Standard Time (01:00Z). Deadlines
 * below were computed by hand (09:00-18:00 working hours, UTC+8, no holidays in March 2026):
 *   accept within 2 working hours         → Mon 11:00 local = 2026-03-02T03:00:00.000Z
 *   urgent: accept within 30 minutes       → Mon 09:30 local = 2026-03-02T01:30:00.000Z
 *   1 working day  (consultation, return visit) → Mon 18:00 local = 2026-03-02T10:00:00.000Z
 *   3 working days (re-opened)             → Wed 18:00 local = 2026-03-04T10:00:00.000Z
 *   5 working days (help request)          → Fri 18:00 local = 2026-03-06T10:00:00.000Z
 *   15 working days (extension ceiling)    → Fri 03-20 18:00 local = 2026-03-20T10:00:00.000Z
 */
import { DomainError, ErrorCode } from '../../shared/errors';
import { WorkingCalendar } from '../../shared/calendar';
import {
  Resolution,
  Satisfaction,
  TicketCategory,
  TicketEventType,
  TicketStatus,
  Urgency,
} from '../ticket.enums';
import {
  currentDeadline,
  decide,
  evolve,
  INITIAL_STATE,
  MAX_RESOLVE_WORKING_DAYS,
  replay,
  resolveWorkingDays,
  STATE_KEYS,
} from '../ticket.lifecycle';
import type { Command, DecideEnv, Decision, RecordedEvent, TicketState } from '../ticket.lifecycle';

const env: DecideEnv = {
  now: new Date('2026-03-02T01:00:00Z'),
  calendar: new WorkingCalendar(),
  category: TicketCategory.HELP_REQUEST,
  urgency: Urgency.NORMAL,
};

const NOW = '2026-03-02T01:00:00.000Z';
const ACCEPT_2H = '2026-03-02T03:00:00.000Z';
const ACCEPT_URGENT = '2026-03-02T01:30:00.000Z';
const ONE_DAY = '2026-03-02T10:00:00.000Z';
const THREE_DAYS = '2026-03-04T10:00:00.000Z';
const FIVE_DAYS = '2026-03-06T10:00:00.000Z';
const FIFTEEN_DAYS = '2026-03-20T10:00:00.000Z';

const A = 'dep-a';
const B = 'dep-b';
const C = 'dep-c';
const D = 'dep-d';

const ALL_STATUSES = Object.values(TicketStatus) as TicketStatus[];

/** A state in `status` with the given fields; everything else as a fresh ticket. */
function at(status: TicketStatus, fields: Partial<TicketState> = {}): TicketState {
  return { ...INITIAL_STATE, coDepartmentIds: [], rejectedDepartmentIds: [], ...fields, status };
}

/**
 * A ticket dispatched to `dep` on `env.now`, with the help-request deadlines, in `status`
 * (DISPATCHED unless `fields.status` says otherwise).
 */
function dispatchedTo(dep: string, fields: Partial<TicketState> = {}): TicketState {
  return at(fields.status ?? TicketStatus.DISPATCHED, {
    leadDepartmentId: dep,
    firstDepartmentId: dep,
    dispatchedAt: NOW,
    acceptDeadline: ACCEPT_2H,
    resolveDeadline: FIVE_DAYS,
    ...fields,
  });
}

function accepted(dep: string, fields: Partial<TicketState> = {}): TicketState {
  return dispatchedTo(dep, { acceptedAt: NOW, ...fields, status: TicketStatus.ACCEPTED });
}

function inProgress(dep: string, fields: Partial<TicketState> = {}): TicketState {
  return dispatchedTo(dep, { acceptedAt: NOW, ...fields, status: TicketStatus.IN_PROGRESS });
}

/** decide, then evolve: the next state. */
function step(state: TicketState, cmd: Command, e: DecideEnv = env): TicketState {
  const d = decide(state, cmd, e);
  return evolve(state, d.to, d.changes);
}

/** Calls fn, expects a DomainError and returns it. */
function domainError(fn: () => unknown): DomainError {
  let thrown: unknown = undefined;
  try {
    fn();
  } catch (e) {
    thrown = e;
  }
  expect(thrown).toBeInstanceOf(DomainError);
  return thrown as DomainError;
}

function expectCode(fn: () => unknown, code: ErrorCode): DomainError {
  const err = domainError(fn);
  expect(err.code).toBe(code);
  expect(err.extensions.code).toBe(code);
  return err;
}

function deepFreeze<T>(o: T): T {
  if (o && typeof o === 'object') {
    for (const v of Object.values(o as object)) deepFreeze(v);
    Object.freeze(o);
  }
  return o;
}

// ---------------------------------------------------------------------------------------------

describe('resolveWorkingDays', () => {
  test('a consultation gets 1 working day', () => {
    expect(resolveWorkingDays(TicketCategory.CONSULTATION, false)).toBe(1);
  });

  test.each([TicketCategory.HELP_REQUEST, TicketCategory.COMPLAINT, TicketCategory.REPORT, TicketCategory.SUGGESTION])(
    '%s gets 5 working days',
    (category) => {
      expect(resolveWorkingDays(category, false)).toBe(5);
    },
  );

  test.each(Object.values(TicketCategory) as TicketCategory[])('a re-opened %s gets 3 working days', (category) => {
    expect(resolveWorkingDays(category, true)).toBe(3);
  });

  test('the extension ceiling is 15 working days', () => {
    expect(MAX_RESOLVE_WORKING_DAYS).toBe(15);
  });
});

describe('INITIAL_STATE and STATE_KEYS', () => {
  test('a new ticket is RECEIVED with no department, no deadlines and zero counters', () => {
    expect(INITIAL_STATE).toEqual({
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
    });
  });

  test('STATE_KEYS lists every field of the state', () => {
    expect([...STATE_KEYS].sort()).toEqual(Object.keys(INITIAL_STATE).sort());
    expect(STATE_KEYS).toHaveLength(24);
  });
});

// ---------------------------------------------------------------------------------------------

describe('legal transitions', () => {
  describe('dispatch', () => {
    test('from RECEIVED: goes to DISPATCHED, sets lead, first department and deadlines', () => {
      const d = decide(INITIAL_STATE, { kind: 'dispatch', departmentId: A }, env);
      expect(d).toEqual({
        type: TicketEventType.DISPATCHED,
        to: TicketStatus.DISPATCHED,
        changes: {
          leadDepartmentId: A,
          firstDepartmentId: A,
          dispatchedAt: NOW,
          acceptDeadline: ACCEPT_2H,
          resolveDeadline: FIVE_DAYS,
          acceptedAt: null,
        },
      });
    });

    test('an urgent ticket must be accepted within 30 minutes (wall clock)', () => {
      const d = decide(INITIAL_STATE, { kind: 'dispatch', departmentId: A }, { ...env, urgency: Urgency.URGENT });
      expect(d.changes.acceptDeadline).toBe(ACCEPT_URGENT);
      expect(d.changes.resolveDeadline).toBe(FIVE_DAYS);
    });

    test('an urgent ticket dispatched on a Sunday still gets 30 real minutes', () => {
      const sunday = new Date('2026-03-01T04:00:00Z'); // Sunday 12:00 local
      const d = decide(INITIAL_STATE, { kind: 'dispatch', departmentId: A }, { ...env, now: sunday, urgency: Urgency.URGENT });
      expect(d.changes.acceptDeadline).toBe('2026-03-01T04:30:00.000Z');
      // resolve: 5 working days from Monday 09:00 → Friday 18:00
      expect(d.changes.resolveDeadline).toBe(FIVE_DAYS);
    });

    test('a normal ticket dispatched on Friday 17:00 local must be accepted by Monday 10:00 local', () => {
      const friday = new Date('2026-03-06T09:00:00Z'); // Friday 17:00 local
      const d = decide(INITIAL_STATE, { kind: 'dispatch', departmentId: A }, { ...env, now: friday });
      expect(d.changes.acceptDeadline).toBe('2026-03-09T02:00:00.000Z');
      // 5 working days = 45 working hours: 1 h Friday, then Mon..Thu (36 h) and 8 h of Friday 03-13 → 17:00 local
      expect(d.changes.resolveDeadline).toBe('2026-03-13T09:00:00.000Z');
    });

    test('a consultation is due within 1 working day', () => {
      const d = decide(INITIAL_STATE, { kind: 'dispatch', departmentId: A }, { ...env, category: TicketCategory.CONSULTATION });
      expect(d.changes.resolveDeadline).toBe(ONE_DAY);
    });

    test('after a first reject, dispatch to another department keeps the first department', () => {
      const s = at(TicketStatus.RECEIVED, {
        firstDepartmentId: A,
        rejectedDepartmentIds: [A],
        rejectCount: 1,
        dispatchedAt: NOW,
      });
      const d = decide(s, { kind: 'dispatch', departmentId: B }, env);
      expect(d.to).toBe(TicketStatus.DISPATCHED);
      expect(d.changes.leadDepartmentId).toBe(B);
      expect(d.changes.firstDepartmentId).toBe(A);
    });

    test('from REOPENED: back to its lead, with a 3-working-day resolve deadline', () => {
      const s = at(TicketStatus.REOPENED, {
        leadDepartmentId: A,
        firstDepartmentId: A,
        reopenCount: 1,
        acceptedAt: '2026-02-20T01:00:00.000Z',
        dispatchedAt: '2026-02-20T01:00:00.000Z',
      });
      const d = decide(s, { kind: 'dispatch', departmentId: A }, env);
      expect(d).toEqual({
        type: TicketEventType.DISPATCHED,
        to: TicketStatus.DISPATCHED,
        changes: {
          leadDepartmentId: A,
          firstDepartmentId: A,
          dispatchedAt: NOW,
          acceptDeadline: ACCEPT_2H,
          resolveDeadline: THREE_DAYS,
          acceptedAt: null,
        },
      });
    });

    test('from REOPENED with no lead (it was resolved on the call): any department', () => {
      const s = at(TicketStatus.REOPENED, { reopenCount: 1 });
      const d = decide(s, { kind: 'dispatch', departmentId: B }, env);
      expect(d.changes.leadDepartmentId).toBe(B);
      expect(d.changes.firstDepartmentId).toBe(B);
      expect(d.changes.resolveDeadline).toBe(THREE_DAYS);
    });
  });

  describe('redispatch', () => {
    test('the centre re-routes a DISPATCHED ticket: new lead, reroute counted, fresh deadlines', () => {
      const s = dispatchedTo(A, {
        dispatchedAt: '2026-02-27T01:00:00.000Z',
        acceptDeadline: '2026-02-27T03:00:00.000Z',
        resolveDeadline: '2026-03-05T10:00:00.000Z',
      });
      const d = decide(s, { kind: 'redispatch', departmentId: B }, env);
      expect(d).toEqual({
        type: TicketEventType.REDISPATCHED,
        to: TicketStatus.DISPATCHED,
        changes: {
          leadDepartmentId: B,
          rerouteCount: 1,
          dispatchedAt: NOW,
          acceptDeadline: ACCEPT_2H,
          resolveDeadline: FIVE_DAYS,
          acceptedAt: null,
        },
      });
      const next = evolve(s, d.to, d.changes);
      expect(next.firstDepartmentId).toBe(A);
      expect(next.leadDepartmentId).toBe(B);
    });

    test('the reroute count accumulates', () => {
      const s = dispatchedTo(B, { firstDepartmentId: A, rerouteCount: 2 });
      expect(decide(s, { kind: 'redispatch', departmentId: C }, env).changes.rerouteCount).toBe(3);
    });
  });

  describe('accept and start', () => {
    test('the lead accepts: ACCEPTED with acceptedAt = now', () => {
      expect(decide(dispatchedTo(A), { kind: 'accept', actorDepartmentId: A }, env)).toEqual({
        type: TicketEventType.ACCEPTED,
        to: TicketStatus.ACCEPTED,
        changes: { acceptedAt: NOW },
      });
    });

    test('the lead starts: IN_PROGRESS, nothing else changes', () => {
      expect(decide(accepted(A), { kind: 'start', actorDepartmentId: A }, env)).toEqual({
        type: TicketEventType.STARTED,
        to: TicketStatus.IN_PROGRESS,
        changes: {},
      });
    });
  });

  describe('reject', () => {
    test('a first reject sends the ticket back to RECEIVED without a lead or deadlines', () => {
      const d = decide(dispatchedTo(A), { kind: 'reject', actorDepartmentId: A }, env);
      expect(d).toEqual({
        type: TicketEventType.REJECTED,
        to: TicketStatus.RECEIVED,
        changes: {
          rejectCount: 1,
          rejectedDepartmentIds: [A],
          leadDepartmentId: null,
          acceptDeadline: null,
          resolveDeadline: null,
        },
      });
      const next = evolve(dispatchedTo(A), d.to, d.changes);
      expect(next.firstDepartmentId).toBe(A);
      expect(currentDeadline(next)).toBeNull();
    });

    test('a second reject (by the next department) goes to ARBITRATION and keeps that department as lead', () => {
      const s = dispatchedTo(B, { firstDepartmentId: A, rejectCount: 1, rejectedDepartmentIds: [A] });
      const d = decide(s, { kind: 'reject', actorDepartmentId: B }, env);
      expect(d).toEqual({
        type: TicketEventType.REJECTED,
        to: TicketStatus.ARBITRATION,
        changes: {
          rejectCount: 2,
          rejectedDepartmentIds: [A, B],
          leadDepartmentId: B,
          acceptDeadline: null,
          resolveDeadline: null,
        },
      });
    });
  });

  describe('disputeReject and arbitrate', () => {
    test('the centre disputes a first reject: RECEIVED → ARBITRATION', () => {
      const s = at(TicketStatus.RECEIVED, { firstDepartmentId: A, rejectCount: 1, rejectedDepartmentIds: [A] });
      expect(decide(s, { kind: 'disputeReject' }, env)).toEqual({
        type: TicketEventType.REJECT_DISPUTED,
        to: TicketStatus.ARBITRATION,
        changes: {},
      });
    });

    test('arbitration dispatches to the decided department, binds it and forgives its reject', () => {
      const s = at(TicketStatus.ARBITRATION, {
        leadDepartmentId: B,
        firstDepartmentId: A,
        rejectCount: 2,
        rejectedDepartmentIds: [A, B],
        dispatchedAt: '2026-02-27T01:00:00.000Z',
      });
      const d = decide(s, { kind: 'arbitrate', departmentId: A }, env);
      expect(d).toEqual({
        type: TicketEventType.ARBITRATED,
        to: TicketStatus.DISPATCHED,
        changes: {
          leadDepartmentId: A,
          bindingDepartmentId: A,
          rejectedDepartmentIds: [B],
          dispatchedAt: NOW,
          acceptDeadline: ACCEPT_2H,
          resolveDeadline: FIVE_DAYS,
          acceptedAt: null,
        },
      });
    });

    test('arbitration may bind a department that never rejected', () => {
      const s = at(TicketStatus.ARBITRATION, { leadDepartmentId: B, rejectCount: 2, rejectedDepartmentIds: [A, B] });
      const d = decide(s, { kind: 'arbitrate', departmentId: C }, env);
      expect(d.changes.leadDepartmentId).toBe(C);
      expect(d.changes.bindingDepartmentId).toBe(C);
      expect(d.changes.rejectedDepartmentIds).toEqual([A, B]);
    });

    test('binding: the bound department can no longer reject', () => {
      const s = step(
        at(TicketStatus.ARBITRATION, { leadDepartmentId: B, rejectCount: 2, rejectedDepartmentIds: [A, B] }),
        { kind: 'arbitrate', departmentId: A },
      );
      expect(s.status).toBe(TicketStatus.DISPATCHED);
      expect(s.bindingDepartmentId).toBe(A);
      const err = expectCode(() => decide(s, { kind: 'reject', actorDepartmentId: A }, env), ErrorCode.ILLEGAL_TRANSITION);
      expect(err.message).toMatch(/binding/);
    });

    test('binding: the centre can no longer redispatch', () => {
      const s = step(at(TicketStatus.ARBITRATION, { leadDepartmentId: B, rejectCount: 2, rejectedDepartmentIds: [A, B] }), {
        kind: 'arbitrate',
        departmentId: A,
      });
      expectCode(() => decide(s, { kind: 'redispatch', departmentId: C }, env), ErrorCode.ILLEGAL_TRANSITION);
    });

    test('binding: the bound department still accepts, starts and resolves normally', () => {
      let s = step(at(TicketStatus.ARBITRATION, { leadDepartmentId: B, rejectCount: 2, rejectedDepartmentIds: [A, B] }), {
        kind: 'arbitrate',
        departmentId: A,
      });
      s = step(s, { kind: 'accept', actorDepartmentId: A });
      s = step(s, { kind: 'start', actorDepartmentId: A });
      s = step(s, { kind: 'resolve', actorDepartmentId: A, reply: '已处理' });
      expect(s.status).toBe(TicketStatus.RESOLVED);
      expect(s.leadDepartmentId).toBe(A);
    });
  });

  describe('addCoDepartments', () => {
    test.each([TicketStatus.ACCEPTED, TicketStatus.IN_PROGRESS])('in %s the lead adds co-handlers; the status stays', (status) => {
      const s = dispatchedTo(A, { status, coDepartmentIds: [B] });
      expect(decide(s, { kind: 'addCoDepartments', actorDepartmentId: A, departmentIds: [C, D] }, env)).toEqual({
        type: TicketEventType.CO_DEPARTMENTS_ADDED,
        to: status,
        changes: { coDepartmentIds: [B, C, D] },
      });
    });

    test('the lead itself and existing co-handlers are skipped', () => {
      const s = accepted(A, { coDepartmentIds: [B] });
      const d = decide(s, { kind: 'addCoDepartments', actorDepartmentId: A, departmentIds: [A, B, C] }, env);
      expect(d.changes.coDepartmentIds).toEqual([B, C]);
    });

    test('nothing new to add is BAD_USER_INPUT', () => {
      const s = accepted(A, { coDepartmentIds: [B] });
      const err = expectCode(
        () => decide(s, { kind: 'addCoDepartments', actorDepartmentId: A, departmentIds: [A, B] }, env),
        ErrorCode.BAD_USER_INPUT,
      );
      expect(err.extensions.field).toBe('departmentCodes');
      expectCode(
        () => decide(s, { kind: 'addCoDepartments', actorDepartmentId: A, departmentIds: [] }, env),
        ErrorCode.BAD_USER_INPUT,
      );
    });

      // appears twice in coDepartmentIds. The service passes departmentCodes through as given.
    test('the same new department named twice in one command is added once', () => {
      const s = accepted(A);
      const d = decide(s, { kind: 'addCoDepartments', actorDepartmentId: A, departmentIds: [C, C] }, env);
      expect(d.changes.coDepartmentIds).toEqual([C]);
    });
  });

  describe('requestExtension and decideExtension', () => {
    test.each([TicketStatus.ACCEPTED, TicketStatus.IN_PROGRESS])('in %s the lead requests an extension: pending, nothing moves', (status) => {
      const s = dispatchedTo(A, { status, acceptedAt: NOW });
      expect(decide(s, { kind: 'requestExtension', actorDepartmentId: A, days: 3 }, env)).toEqual({
        type: TicketEventType.EXTENSION_REQUESTED,
        to: status,
        changes: { extensionPending: true },
      });
    });

    test('a second request while one is pending is refused', () => {
      const s = inProgress(A, { extensionPending: true });
      const err = expectCode(
        () => decide(s, { kind: 'requestExtension', actorDepartmentId: A, days: 1 }, env),
        ErrorCode.ILLEGAL_TRANSITION,
      );
      expect(err.message).toMatch(/already pending/);
    });

    test('approve moves the resolve deadline by the working days (from Friday 18:00 + 3 → Wednesday 18:00)', () => {
      const s = inProgress(A, { extensionPending: true });
      const d = decide(s, { kind: 'decideExtension', approve: true, days: 3 }, env);
      expect(d).toEqual({
        type: TicketEventType.EXTENSION_DECIDED,
        to: TicketStatus.IN_PROGRESS,
        changes: { extensionPending: false, resolveDeadline: '2026-03-11T10:00:00.000Z' },
      });
      const next = evolve(s, d.to, d.changes);
      expect(currentDeadline(next)).toBe('2026-03-11T10:00:00.000Z');
      expect(next.extensionPending).toBe(false);
    });

    test('approve in ACCEPTED works too', () => {
      const s = accepted(A, { extensionPending: true });
      const d = decide(s, { kind: 'decideExtension', approve: true, days: 1 }, env);
      expect(d.to).toBe(TicketStatus.ACCEPTED);
      expect(d.changes.resolveDeadline).toBe('2026-03-09T10:00:00.000Z'); // Monday 18:00 local
    });

    test('deny clears the pending flag and leaves the deadline alone', () => {
      const s = inProgress(A, { extensionPending: true });
      const d = decide(s, { kind: 'decideExtension', approve: false, days: 3 }, env);
      expect(d).toEqual({
        type: TicketEventType.EXTENSION_DECIDED,
        to: TicketStatus.IN_PROGRESS,
        changes: { extensionPending: false },
      });
      const next = evolve(s, d.to, d.changes);
      expect(next.resolveDeadline).toBe(FIVE_DAYS);
    });

    test('deny does not check the days (the service passes the request days, or 0)', () => {
      const s = inProgress(A, { extensionPending: true });
      expect(decide(s, { kind: 'decideExtension', approve: false, days: 0 }, env).changes).toEqual({ extensionPending: false });
    });

    test('the ceiling: 5 + 10 = 15 working days from dispatch is allowed, exactly at the ceiling', () => {
      const s = inProgress(A);
      expect(() => decide(s, { kind: 'requestExtension', actorDepartmentId: A, days: 10 }, env)).not.toThrow();
      const d = decide({ ...s, extensionPending: true }, { kind: 'decideExtension', approve: true, days: 10 }, env);
      expect(d.changes.resolveDeadline).toBe(FIFTEEN_DAYS);
    });

    test('the ceiling: 11 more days would pass 15 working days, so the request is refused', () => {
      const s = inProgress(A);
      const err = expectCode(
        () => decide(s, { kind: 'requestExtension', actorDepartmentId: A, days: 11 }, env),
        ErrorCode.BAD_USER_INPUT,
      );
      expect(err.extensions.field).toBe('days');
      expect(err.message).toMatch(/15 working days/);
    });

    test('the ceiling is checked again on approval', () => {
      const s = inProgress(A, { extensionPending: true });
      expectCode(() => decide(s, { kind: 'decideExtension', approve: true, days: 11 }, env), ErrorCode.BAD_USER_INPUT);
    });

    test('the ceiling counts from dispatch, after earlier extensions too', () => {
      // already extended to Wednesday 03-18 18:00 local (13 working days): 2 more reach the ceiling, 3 do not
      const s = inProgress(A, { resolveDeadline: '2026-03-18T10:00:00.000Z', extensionPending: true });
      expect(decide(s, { kind: 'decideExtension', approve: true, days: 2 }, env).changes.resolveDeadline).toBe(FIFTEEN_DAYS);
      expectCode(() => decide(s, { kind: 'decideExtension', approve: true, days: 3 }, env), ErrorCode.BAD_USER_INPUT);
    });

    test.each([0, -1, 1.5, Number.NaN])('days = %p is BAD_USER_INPUT', (days) => {
      const s = inProgress(A);
      expectCode(() => decide(s, { kind: 'requestExtension', actorDepartmentId: A, days }, env), ErrorCode.BAD_USER_INPUT);
      expectCode(
        () => decide({ ...s, extensionPending: true }, { kind: 'decideExtension', approve: true, days }, env),
        ErrorCode.BAD_USER_INPUT,
      );
    });
  });

  describe('resolve, resolveOnCall, parentResolved', () => {
    test('the lead resolves IN_PROGRESS: reply, resolvedAt, return visit within 1 working day', () => {
      expect(decide(inProgress(A), { kind: 'resolve', actorDepartmentId: A, reply: '路灯已修复' }, env)).toEqual({
        type: TicketEventType.RESOLVED,
        to: TicketStatus.RESOLVED,
        changes: { reply: '路灯已修复', resolvedAt: NOW, returnVisitDeadline: ONE_DAY },
      });
    });

    test('resolved on Friday 17:00 local: the return visit is due Monday 17:00 local', () => {
      const friday = { ...env, now: new Date('2026-03-06T09:00:00Z') };
      const d = decide(inProgress(A), { kind: 'resolve', actorDepartmentId: A, reply: 'ok' }, friday);
      expect(d.changes.resolvedAt).toBe('2026-03-06T09:00:00.000Z');
      expect(d.changes.returnVisitDeadline).toBe('2026-03-09T09:00:00.000Z');
    });

    test('即接即办: the operator resolves a RECEIVED ticket on the call', () => {
      expect(decide(INITIAL_STATE, { kind: 'resolveOnCall', reply: '已答复政策' }, env)).toEqual({
        type: TicketEventType.RESOLVED_ON_CALL,
        to: TicketStatus.RESOLVED,
        changes: { reply: '已答复政策', resolvedAt: NOW, returnVisitDeadline: ONE_DAY },
      });
    });

    test('a merged duplicate is resolved with its parent', () => {
      const s = at(TicketStatus.MERGED, { parentId: 'parent-1' });
      expect(decide(s, { kind: 'parentResolved', reply: '同主单答复' }, env)).toEqual({
        type: TicketEventType.PARENT_RESOLVED,
        to: TicketStatus.RESOLVED,
        changes: { reply: '同主单答复', resolvedAt: NOW, returnVisitDeadline: ONE_DAY },
      });
    });
  });

  describe('returnVisit and close', () => {
    const resolvedState = () =>
      dispatchedTo(A, {
        status: TicketStatus.RESOLVED,
        acceptedAt: NOW,
        reply: '已修复',
        resolvedAt: NOW,
        returnVisitDeadline: ONE_DAY,
      });

    test.each([Satisfaction.SATISFIED, Satisfaction.BASICALLY_SATISFIED])('%s closes the ticket', (satisfaction) => {
      const d = decide(resolvedState(), { kind: 'returnVisit', satisfaction, resolution: Resolution.RESOLVED }, env);
      expect(d).toEqual({
        type: TicketEventType.RETURN_VISITED,
        to: TicketStatus.CLOSED,
        changes: { satisfaction, resolution: Resolution.RESOLVED, returnVisitDeadline: null, closedAt: NOW },
      });
    });

    test('dissatisfied re-opens: reopenCount + 1, resolvedAt cleared, accepted again within 2 working hours, lead kept', () => {
      const s = resolvedState();
      const d = decide(
        s,
        { kind: 'returnVisit', satisfaction: Satisfaction.DISSATISFIED, resolution: Resolution.NOT_RESOLVED },
        env,
      );
      expect(d).toEqual({
        type: TicketEventType.RETURN_VISITED,
        to: TicketStatus.REOPENED,
        changes: {
          satisfaction: Satisfaction.DISSATISFIED,
          resolution: Resolution.NOT_RESOLVED,
          returnVisitDeadline: null,
          reopenCount: 1,
          returnsToDepartmentId: A,
          resolvedAt: null,
          acceptDeadline: ACCEPT_2H,
          resolveDeadline: null,
        },
      });
      const next = evolve(s, d.to, d.changes);
      expect(next.leadDepartmentId).toBe(A);
      expect(next.closedAt).toBeNull();
      expect(currentDeadline(next)).toBe(ACCEPT_2H);
    });

    test('dissatisfied a second time: reopenCount 2', () => {
      const s = { ...resolvedState(), reopenCount: 1 };
      const d = decide(s, { kind: 'returnVisit', satisfaction: Satisfaction.DISSATISFIED, resolution: Resolution.PARTLY_RESOLVED }, env);
      expect(d.changes.reopenCount).toBe(2);
    });

    test('re-opened, re-dispatched to the lead: 3 working days, then the whole second round', () => {
      let s = step(resolvedState(), {
        kind: 'returnVisit',
        satisfaction: Satisfaction.DISSATISFIED,
        resolution: Resolution.NOT_RESOLVED,
      });
      expect(s.status).toBe(TicketStatus.REOPENED);
      s = step(s, { kind: 'dispatch', departmentId: A });
      expect(s.status).toBe(TicketStatus.DISPATCHED);
      expect(s.acceptDeadline).toBe(ACCEPT_2H);
      expect(s.resolveDeadline).toBe(THREE_DAYS);
      expect(s.acceptedAt).toBeNull();
      s = step(s, { kind: 'accept', actorDepartmentId: A });
      expect(currentDeadline(s)).toBe(THREE_DAYS);
    });

    test('a ticket whose return visit could not be made is closed', () => {
      expect(decide(resolvedState(), { kind: 'close' }, env)).toEqual({
        type: TicketEventType.CLOSED,
        to: TicketStatus.CLOSED,
        changes: { closedAt: NOW, returnVisitDeadline: null },
      });
    });
  });

  describe('merge', () => {
    test('a RECEIVED duplicate is merged under its parent', () => {
      expect(decide(INITIAL_STATE, { kind: 'merge', parentId: 'p-1' }, env)).toEqual({
        type: TicketEventType.MERGED,
        to: TicketStatus.MERGED,
        changes: { parentId: 'p-1', leadDepartmentId: null, acceptDeadline: null, resolveDeadline: null },
      });
    });

    test('a DISPATCHED duplicate is merged: lead and deadlines cleared, no deadline runs', () => {
      const s = dispatchedTo(A);
      const next = step(s, { kind: 'merge', parentId: 'p-1' });
      expect(next.status).toBe(TicketStatus.MERGED);
      expect(next.parentId).toBe('p-1');
      expect(next.leadDepartmentId).toBeNull();
      expect(next.firstDepartmentId).toBe(A);
      expect(next.acceptDeadline).toBeNull();
      expect(next.resolveDeadline).toBeNull();
      expect(currentDeadline(next)).toBeNull();
    });
  });
});

// ---------------------------------------------------------------------------------------------

interface CommandSpec {
  name: string;
  cmd: Command;
  allowed: TicketStatus[];
  /** fields that make the command otherwise valid (lead, counters, pending flag) */
  fields: Partial<TicketState>;
}

/**
 * Every command, with the statuses it is allowed from. Each spec's base state makes the command
 * legal apart from the status (checked by the positive controls below), so a refusal in the
 * table is due to the status alone.
 */
const BASE: Partial<TicketState> = {
  leadDepartmentId: A,
  firstDepartmentId: A,
  dispatchedAt: NOW,
  acceptDeadline: ACCEPT_2H,
  resolveDeadline: FIVE_DAYS,
};

const SPECS: CommandSpec[] = [
  { name: 'dispatch', cmd: { kind: 'dispatch', departmentId: A }, allowed: [TicketStatus.RECEIVED, TicketStatus.REOPENED], fields: BASE },
  { name: 'redispatch', cmd: { kind: 'redispatch', departmentId: B }, allowed: [TicketStatus.DISPATCHED], fields: BASE },
  { name: 'accept', cmd: { kind: 'accept', actorDepartmentId: A }, allowed: [TicketStatus.DISPATCHED], fields: BASE },
  { name: 'start', cmd: { kind: 'start', actorDepartmentId: A }, allowed: [TicketStatus.ACCEPTED], fields: BASE },
  { name: 'reject', cmd: { kind: 'reject', actorDepartmentId: A }, allowed: [TicketStatus.DISPATCHED], fields: BASE },
  {
    name: 'disputeReject',
    cmd: { kind: 'disputeReject' },
    allowed: [TicketStatus.RECEIVED],
    fields: { ...BASE, rejectCount: 1, rejectedDepartmentIds: [B] },
  },
  { name: 'arbitrate', cmd: { kind: 'arbitrate', departmentId: A }, allowed: [TicketStatus.ARBITRATION], fields: BASE },
  {
    name: 'addCoDepartments',
    cmd: { kind: 'addCoDepartments', actorDepartmentId: A, departmentIds: [C] },
    allowed: [TicketStatus.ACCEPTED, TicketStatus.IN_PROGRESS],
    fields: BASE,
  },
  {
    name: 'requestExtension',
    cmd: { kind: 'requestExtension', actorDepartmentId: A, days: 2 },
    allowed: [TicketStatus.ACCEPTED, TicketStatus.IN_PROGRESS],
    fields: BASE,
  },
  {
    name: 'decideExtension (approve, request pending)',
    cmd: { kind: 'decideExtension', approve: true, days: 2 },
    allowed: [TicketStatus.ACCEPTED, TicketStatus.IN_PROGRESS],
    fields: { ...BASE, extensionPending: true },
  },
  {
    name: 'decideExtension (approve, nothing pending)',
    cmd: { kind: 'decideExtension', approve: true, days: 2 },
    allowed: [],
    fields: BASE,
  },
  {
    name: 'decideExtension (deny, nothing pending)',
    cmd: { kind: 'decideExtension', approve: false, days: 2 },
    allowed: [],
    fields: BASE,
  },
  { name: 'resolve', cmd: { kind: 'resolve', actorDepartmentId: A, reply: 'r' }, allowed: [TicketStatus.IN_PROGRESS], fields: BASE },
  { name: 'resolveOnCall', cmd: { kind: 'resolveOnCall', reply: 'r' }, allowed: [TicketStatus.RECEIVED], fields: BASE },
  { name: 'parentResolved', cmd: { kind: 'parentResolved', reply: 'r' }, allowed: [TicketStatus.MERGED], fields: BASE },
  {
    name: 'returnVisit',
    cmd: { kind: 'returnVisit', satisfaction: Satisfaction.SATISFIED, resolution: Resolution.RESOLVED },
    allowed: [TicketStatus.RESOLVED],
    fields: BASE,
  },
  { name: 'close', cmd: { kind: 'close' }, allowed: [TicketStatus.RESOLVED], fields: BASE },
  { name: 'merge', cmd: { kind: 'merge', parentId: 'p-1' }, allowed: [TicketStatus.RECEIVED, TicketStatus.DISPATCHED], fields: BASE },
];

const ILLEGAL_ROWS: [string, TicketStatus, CommandSpec][] = SPECS.flatMap((spec) =>
  ALL_STATUSES.filter((s) => !spec.allowed.includes(s)).map((s): [string, TicketStatus, CommandSpec] => [spec.name, s, spec]),
);
const LEGAL_ROWS: [string, TicketStatus, CommandSpec][] = SPECS.flatMap((spec) =>
  spec.allowed.map((s): [string, TicketStatus, CommandSpec] => [spec.name, s, spec]),
);

describe('illegal transitions (every command × every status it is not allowed from)', () => {
  test('every command kind is covered by the table', () => {
    const kinds = new Set(SPECS.map((s) => s.cmd.kind));
    expect([...kinds].sort()).toEqual(
      [
        'accept',
        'addCoDepartments',
        'arbitrate',
        'close',
        'decideExtension',
        'dispatch',
        'disputeReject',
        'merge',
        'parentResolved',
        'redispatch',
        'reject',
        'requestExtension',
        'resolve',
        'resolveOnCall',
        'returnVisit',
        'start',
      ].sort(),
    );
    expect(ALL_STATUSES).toHaveLength(9);
    // 18 specs × 9 statuses = 162 rows, of which 21 are legal
    expect(ILLEGAL_ROWS.length + LEGAL_ROWS.length).toBe(SPECS.length * ALL_STATUSES.length);
    expect(LEGAL_ROWS).toHaveLength(21);
    expect(ILLEGAL_ROWS).toHaveLength(141);
  });

  test.each(ILLEGAL_ROWS)('%s from %s → ILLEGAL_TRANSITION', (_name, status, spec) => {
    const state = at(status, spec.fields);
    const err = expectCode(() => decide(state, spec.cmd, env), ErrorCode.ILLEGAL_TRANSITION);
    expect(err.extensions.from).toBe(status);
    expect(err.message).toContain(`status ${status}`);
  });

  // Positive controls: the same base state in an allowed status is accepted.
  test.each(LEGAL_ROWS)('control: %s from %s is allowed', (_name, status, spec) => {
    const d: Decision = decide(at(status, spec.fields), spec.cmd, env);
    expect(ALL_STATUSES).toContain(d.to);
  });
});

describe('decide never mutates its input', () => {
  const ROWS = [...ILLEGAL_ROWS, ...LEGAL_ROWS];
  test.each(ROWS)('%s from %s', (_name, status, spec) => {
    const state = at(status, { ...spec.fields, coDepartmentIds: [D], rejectedDepartmentIds: [...(spec.fields.rejectedDepartmentIds ?? [])] });
    const snapshot = structuredClone(state);
    deepFreeze(state);
    try {
      decide(state, spec.cmd, env);
    } catch (e) {
      // frozen input: a mutation attempt would throw a TypeError, not a DomainError
      expect(e).toBeInstanceOf(DomainError);
    }
    expect(state).toEqual(snapshot);
  });

  test('arrays in the decision are new arrays, not the input arrays', () => {
    const s = dispatchedTo(B, { rejectCount: 1, rejectedDepartmentIds: [A] });
    const d = decide(s, { kind: 'reject', actorDepartmentId: B }, env);
    expect(d.changes.rejectedDepartmentIds).not.toBe(s.rejectedDepartmentIds);
    expect(s.rejectedDepartmentIds).toEqual([A]);

    const s2 = accepted(A, { coDepartmentIds: [B] });
    const d2 = decide(s2, { kind: 'addCoDepartments', actorDepartmentId: A, departmentIds: [C] }, env);
    expect(d2.changes.coDepartmentIds).not.toBe(s2.coDepartmentIds);
    expect(s2.coDepartmentIds).toEqual([B]);
  });

  test('decide does not mutate the environment date', () => {
    const now = new Date('2026-03-02T01:00:00Z');
    decide(INITIAL_STATE, { kind: 'dispatch', departmentId: A }, { ...env, now });
    expect(now.toISOString()).toBe(NOW);
  });
});

// ---------------------------------------------------------------------------------------------

describe('other refusals', () => {
  describe('FORBIDDEN: only the lead department may act', () => {
    test.each<[string, TicketState, Command]>([
      ['accept', dispatchedTo(A), { kind: 'accept', actorDepartmentId: B }],
      ['start', accepted(A), { kind: 'start', actorDepartmentId: B }],
      ['reject', dispatchedTo(A), { kind: 'reject', actorDepartmentId: B }],
      ['resolve', inProgress(A), { kind: 'resolve', actorDepartmentId: B, reply: 'r' }],
      ['addCoDepartments', inProgress(A), { kind: 'addCoDepartments', actorDepartmentId: B, departmentIds: [C] }],
      ['requestExtension', inProgress(A), { kind: 'requestExtension', actorDepartmentId: B, days: 1 }],
    ])('%s by a non-lead department', (_name, state, cmd) => {
      expectCode(() => decide(state, cmd, env), ErrorCode.FORBIDDEN);
    });

    test('a co-handling department is not the lead either', () => {
      const s = inProgress(A, { coDepartmentIds: [B] });
      expectCode(() => decide(s, { kind: 'resolve', actorDepartmentId: B, reply: 'r' }, env), ErrorCode.FORBIDDEN);
    });

    test('the department a ticket was re-routed away from cannot accept it', () => {
      const s = step(dispatchedTo(A), { kind: 'redispatch', departmentId: B });
      expectCode(() => decide(s, { kind: 'accept', actorDepartmentId: A }, env), ErrorCode.FORBIDDEN);
      expect(decide(s, { kind: 'accept', actorDepartmentId: B }, env).to).toBe(TicketStatus.ACCEPTED);
    });
  });

  describe('dispatch refusals', () => {
    test('a department that rejected cannot be dispatched to again (BAD_USER_INPUT)', () => {
      const s = step(dispatchedTo(A), { kind: 'reject', actorDepartmentId: A });
      expect(s.status).toBe(TicketStatus.RECEIVED);
      const err = expectCode(() => decide(s, { kind: 'dispatch', departmentId: A }, env), ErrorCode.BAD_USER_INPUT);
      expect(err.extensions.field).toBe('departmentCode');
      // another department is fine
      expect(decide(s, { kind: 'dispatch', departmentId: B }, env).to).toBe(TicketStatus.DISPATCHED);
    });

    test('a re-opened ticket cannot be dispatched to another department than its lead', () => {
      const s = at(TicketStatus.REOPENED, { leadDepartmentId: A, firstDepartmentId: A, reopenCount: 1 });
      const err = expectCode(() => decide(s, { kind: 'dispatch', departmentId: B }, env), ErrorCode.ILLEGAL_TRANSITION);
      expect(err.message).toMatch(/lead department/);
    });

    test('redispatch to the department the ticket is already at is BAD_USER_INPUT', () => {
      const err = expectCode(() => decide(dispatchedTo(A), { kind: 'redispatch', departmentId: A }, env), ErrorCode.BAD_USER_INPUT);
      expect(err.extensions.field).toBe('departmentCode');
    });

      // ticket straight back to a department that already rejected it (dispatch refuses exactly this).
    test('redispatch to a department that rejected the ticket is refused like dispatch', () => {
      const s = dispatchedTo(B, { firstDepartmentId: A, rejectCount: 1, rejectedDepartmentIds: [A] });
      expectCode(() => decide(s, { kind: 'redispatch', departmentId: A }, env), ErrorCode.BAD_USER_INPUT);
    });
  });

  describe('reject / dispute refusals', () => {
    test('a ticket that was never rejected cannot have its reject disputed', () => {
      const err = expectCode(() => decide(INITIAL_STATE, { kind: 'disputeReject' }, env), ErrorCode.ILLEGAL_TRANSITION);
      expect(err.message).toMatch(/not been rejected/);
    });

    test('a department cannot reject after accepting', () => {
      expectCode(() => decide(accepted(A), { kind: 'reject', actorDepartmentId: A }, env), ErrorCode.ILLEGAL_TRANSITION);
    });
  });

  describe('resolveOnCall refusals', () => {
    test('a rejected ticket cannot be resolved on the call', () => {
      const s = step(dispatchedTo(A), { kind: 'reject', actorDepartmentId: A });
      expect(s.status).toBe(TicketStatus.RECEIVED);
      const err = expectCode(() => decide(s, { kind: 'resolveOnCall', reply: 'r' }, env), ErrorCode.ILLEGAL_TRANSITION);
      expect(err.message).toMatch(/rejected/);
    });
  });

  describe('extension refusals', () => {
    test('deciding with nothing pending is ILLEGAL_TRANSITION, even in IN_PROGRESS', () => {
      const err = expectCode(
        () => decide(inProgress(A), { kind: 'decideExtension', approve: true, days: 1 }, env),
        ErrorCode.ILLEGAL_TRANSITION,
      );
      expect(err.message).toMatch(/no extension request is pending/);
    });
  });
});

// ---------------------------------------------------------------------------------------------

describe('currentDeadline', () => {
  const full = (status: TicketStatus) =>
    at(status, {
      acceptDeadline: 'accept',
      resolveDeadline: 'resolve',
      returnVisitDeadline: 'visit',
    });

  test.each<[TicketStatus, string | null]>([
    [TicketStatus.RECEIVED, null],
    [TicketStatus.DISPATCHED, 'accept'],
    [TicketStatus.ACCEPTED, 'resolve'],
    [TicketStatus.IN_PROGRESS, 'resolve'],
    [TicketStatus.ARBITRATION, null],
    [TicketStatus.RESOLVED, 'visit'],
    [TicketStatus.REOPENED, 'accept'], // back at the department and accepted by then
    [TicketStatus.CLOSED, null],
    [TicketStatus.MERGED, null],
  ])('in %s the running deadline is %p', (status, expected) => {
    expect(currentDeadline(full(status))).toBe(expected);
  });

  test('the table above covers every status', () => {
    expect(ALL_STATUSES).toEqual([
      TicketStatus.RECEIVED,
      TicketStatus.DISPATCHED,
      TicketStatus.ACCEPTED,
      TicketStatus.IN_PROGRESS,
      TicketStatus.ARBITRATION,
      TicketStatus.RESOLVED,
      TicketStatus.REOPENED,
      TicketStatus.CLOSED,
      TicketStatus.MERGED,
    ]);
  });

  test('a DISPATCHED ticket with no accept deadline has none', () => {
    expect(currentDeadline(at(TicketStatus.DISPATCHED))).toBeNull();
  });
});

describe('evolve', () => {
  test('applies the changes and the status, keeps every other field', () => {
    const s = dispatchedTo(A, { coDepartmentIds: [B], rerouteCount: 2 });
    const next = evolve(s, TicketStatus.ACCEPTED, { acceptedAt: NOW });
    expect(next).toEqual({ ...s, status: TicketStatus.ACCEPTED, acceptedAt: NOW });
    expect(next).not.toBe(s);
    expect(s.status).toBe(TicketStatus.DISPATCHED);
    expect(s.acceptedAt).toBeNull();
  });

  test('the status argument wins over a status inside changes', () => {
    const next = evolve(INITIAL_STATE, TicketStatus.DISPATCHED, { status: TicketStatus.CLOSED });
    expect(next.status).toBe(TicketStatus.DISPATCHED);
  });

  test('explicit nulls in changes clear fields', () => {
    const next = evolve(dispatchedTo(A), TicketStatus.RECEIVED, { leadDepartmentId: null, acceptDeadline: null });
    expect(next.leadDepartmentId).toBeNull();
    expect(next.acceptDeadline).toBeNull();
    expect(next.resolveDeadline).toBe(FIVE_DAYS);
  });
});

// ---------------------------------------------------------------------------------------------

describe('replay', () => {
  test('no events: the initial state', () => {
    expect(replay([])).toEqual(INITIAL_STATE);
  });

  test('a whole life (reject, second reject, arbitration, extension, dissatisfied, re-handled, closed): fold of decisions = replay of the log', () => {
    const envAt = (iso: string): DecideEnv => ({ ...env, now: new Date(iso) });
    const script: [Command, DecideEnv][] = [
      [{ kind: 'dispatch', departmentId: A }, env],
      [{ kind: 'reject', actorDepartmentId: A }, envAt('2026-03-02T02:00:00Z')],
      [{ kind: 'dispatch', departmentId: B }, envAt('2026-03-02T03:00:00Z')],
      [{ kind: 'reject', actorDepartmentId: B }, envAt('2026-03-02T04:00:00Z')],
      [{ kind: 'arbitrate', departmentId: A }, envAt('2026-03-03T01:00:00Z')], // Tuesday 09:00 local
      [{ kind: 'accept', actorDepartmentId: A }, envAt('2026-03-03T02:00:00Z')],
      [{ kind: 'start', actorDepartmentId: A }, envAt('2026-03-03T02:30:00Z')],
      [{ kind: 'addCoDepartments', actorDepartmentId: A, departmentIds: [C] }, envAt('2026-03-03T03:00:00Z')],
      [{ kind: 'requestExtension', actorDepartmentId: A, days: 2 }, envAt('2026-03-04T01:00:00Z')],
      [{ kind: 'decideExtension', approve: true, days: 2 }, envAt('2026-03-04T02:00:00Z')],
      [{ kind: 'resolve', actorDepartmentId: A, reply: '已清理' }, envAt('2026-03-05T06:00:00Z')], // Thursday 14:00 local
      [{ kind: 'returnVisit', satisfaction: Satisfaction.DISSATISFIED, resolution: Resolution.PARTLY_RESOLVED }, envAt('2026-03-06T01:00:00Z')],
      [{ kind: 'dispatch', departmentId: A }, envAt('2026-03-06T02:00:00Z')], // Friday 10:00 local
      [{ kind: 'accept', actorDepartmentId: A }, envAt('2026-03-06T03:00:00Z')],
      [{ kind: 'start', actorDepartmentId: A }, envAt('2026-03-06T03:00:00Z')],
      [{ kind: 'resolve', actorDepartmentId: A, reply: '已彻底清理' }, envAt('2026-03-09T03:00:00Z')],
      [{ kind: 'returnVisit', satisfaction: Satisfaction.SATISFIED, resolution: Resolution.RESOLVED }, envAt('2026-03-09T07:00:00Z')],
    ];

    let folded = INITIAL_STATE;
    const log: RecordedEvent[] = [];
    const statuses: TicketStatus[] = [];
    for (const [cmd, e] of script) {
      const d = decide(folded, cmd, e);
      folded = evolve(folded, d.to, d.changes);
      log.push({ toStatus: d.to, changes: d.changes });
      statuses.push(folded.status);
      // replay of the prefix equals the fold so far
      expect(replay(log)).toEqual(folded);
    }

    expect(statuses).toEqual([
      TicketStatus.DISPATCHED,
      TicketStatus.RECEIVED,
      TicketStatus.DISPATCHED,
      TicketStatus.ARBITRATION,
      TicketStatus.DISPATCHED,
      TicketStatus.ACCEPTED,
      TicketStatus.IN_PROGRESS,
      TicketStatus.IN_PROGRESS,
      TicketStatus.IN_PROGRESS,
      TicketStatus.IN_PROGRESS,
      TicketStatus.RESOLVED,
      TicketStatus.REOPENED,
      TicketStatus.DISPATCHED,
      TicketStatus.ACCEPTED,
      TicketStatus.IN_PROGRESS,
      TicketStatus.RESOLVED,
      TicketStatus.CLOSED,
    ]);

    // events are plain JSON: a round trip through the audit log's jsonb gives the same state
    const fromJson = replay(JSON.parse(JSON.stringify(log)) as RecordedEvent[]);
    expect(fromJson).toEqual(folded);
    expect(replay(log)).toEqual(folded);

    expect(folded).toEqual({
      status: TicketStatus.CLOSED,
      leadDepartmentId: A,
      firstDepartmentId: A,
      coDepartmentIds: [C],
      rejectedDepartmentIds: [B],
      rejectCount: 2,
      rerouteCount: 0,
      bindingDepartmentId: A,
      parentId: null,
      dispatchedAt: '2026-03-06T02:00:00.000Z',
      acceptDeadline: '2026-03-06T04:00:00.000Z', // Friday 10:00 + 2 h = 12:00 local
      // re-opened: 3 working days from Friday 10:00 local = 27 h: 8 h Fri, 9 h Mon, 9 h Tue, 1 h Wed → Wed 10:00 local
      resolveDeadline: '2026-03-11T02:00:00.000Z',
      returnVisitDeadline: null,
      acceptedAt: '2026-03-06T03:00:00.000Z',
      resolvedAt: '2026-03-09T03:00:00.000Z',
      closedAt: '2026-03-09T07:00:00.000Z',
      reply: '已彻底清理',
      satisfaction: Satisfaction.SATISFIED,
      resolution: Resolution.RESOLVED,
      reopenCount: 1,
      returnsToDepartmentId: A,
      extensionPending: false,
      matterId: null,
      dutyListVersionId: null,
    });
  });

  test('the extension in the first round moved the deadline as expected (intermediate state)', () => {
    // arbitrated Tuesday 09:00 local → resolve due Monday 03-09 18:00 local (5 working days);
    // approving 2 more days → Wednesday 03-11 18:00 local
    const tuesday = { ...env, now: new Date('2026-03-03T01:00:00Z') };
    let s = at(TicketStatus.ARBITRATION, { leadDepartmentId: B, rejectCount: 2, rejectedDepartmentIds: [A, B] });
    s = step(s, { kind: 'arbitrate', departmentId: A }, tuesday);
    expect(s.resolveDeadline).toBe('2026-03-09T10:00:00.000Z');
    s = step(s, { kind: 'accept', actorDepartmentId: A }, tuesday);
    s = step(s, { kind: 'requestExtension', actorDepartmentId: A, days: 2 }, tuesday);
    expect(s.extensionPending).toBe(true);
    s = step(s, { kind: 'decideExtension', approve: true, days: 2 }, tuesday);
    expect(s.resolveDeadline).toBe('2026-03-11T10:00:00.000Z');
    expect(s.extensionPending).toBe(false);
  });

  test('replay does not mutate INITIAL_STATE nor the events', () => {
    const before = structuredClone(INITIAL_STATE);
    const log: RecordedEvent[] = [
      { toStatus: TicketStatus.DISPATCHED, changes: { leadDepartmentId: A, coDepartmentIds: [B] } },
      { toStatus: TicketStatus.MERGED, changes: { parentId: 'p' } },
    ];
    const logBefore = structuredClone(log);
    const s = replay(log);
    expect(s.status).toBe(TicketStatus.MERGED);
    expect(s.leadDepartmentId).toBe(A);
    expect(s.parentId).toBe('p');
    expect(INITIAL_STATE).toEqual(before);
    expect(log).toEqual(logBefore);
  });

  test('a duplicate merged, then resolved with its parent and closed, replays the same', () => {
    const log: RecordedEvent[] = [];
    let s = INITIAL_STATE;
    for (const cmd of [
      { kind: 'merge', parentId: 'parent' },
      { kind: 'parentResolved', reply: '同主单' },
      { kind: 'close' },
    ] as Command[]) {
      const d = decide(s, cmd, env);
      s = evolve(s, d.to, d.changes);
      log.push({ toStatus: d.to, changes: d.changes });
    }
    expect(s.status).toBe(TicketStatus.CLOSED);
    expect(s.parentId).toBe('parent');
    expect(s.reply).toBe('同主单');
    expect(s.closedAt).toBe(NOW);
    expect(replay(log)).toEqual(s);
  });
});

// ---------------------------------------------------------------------------------------------

describe('re-opened tickets and lapsed extensions', () => {
  test('resolving clears a pending extension request', () => {
    const s = inProgress(A, { extensionPending: true });
    const next = step(s, { kind: 'resolve', actorDepartmentId: A, reply: 'done' });
    expect(next.extensionPending).toBe(false);
  });

  test('a re-opened ticket, back at its lead, cannot be rejected or re-routed', () => {
    const s = dispatchedTo(A, { reopenCount: 1, returnsToDepartmentId: A });
    expectCode(() => decide(s, { kind: 'reject', actorDepartmentId: A }, env), ErrorCode.ILLEGAL_TRANSITION);
    expectCode(() => decide(s, { kind: 'redispatch', departmentId: B }, env), ErrorCode.ILLEGAL_TRANSITION);
  });

  test('a re-opened ticket no department had handled (answered on the call) may be rejected and re-routed like a new one', () => {
    const s = dispatchedTo(A, { reopenCount: 1, returnsToDepartmentId: null });
    expect(decide(s, { kind: 'reject', actorDepartmentId: A }, env).to).toBe(TicketStatus.RECEIVED);
    expect(decide(s, { kind: 'redispatch', departmentId: B }, env).changes.leadDepartmentId).toBe(B);
  });
});

describe('routing under a duty-list matter', () => {
  const matter = { matterId: 'matter-1', dutyListVersionId: 'version-1' };

  test('dispatch, redispatch and arbitrate file the ticket under the matter they name', () => {
    const d = decide(INITIAL_STATE, { kind: 'dispatch', departmentId: 'dep-a', matter }, env);
    expect(d.changes).toMatchObject(matter);
    const s = evolve(INITIAL_STATE, d.to, d.changes);
    const r = decide(s, { kind: 'redispatch', departmentId: 'dep-b', matter: { matterId: 'matter-2', dutyListVersionId: 'version-1' } }, env);
    expect(r.changes.matterId).toBe('matter-2');
    expect(decide(s, { kind: 'redispatch', departmentId: 'dep-b' }, env).changes).not.toHaveProperty('matterId');
  });

  test("the matter's own deadline overrides the category's", () => {
    const five = decide(INITIAL_STATE, { kind: 'dispatch', departmentId: 'dep-a' }, env);
    const fifteen = decide(INITIAL_STATE, { kind: 'dispatch', departmentId: 'dep-a', matter }, { ...env, resolveDays: 15 });
    expect(five.changes.resolveDeadline).toBe('2026-03-06T10:00:00.000Z');
    expect(fifteen.changes.resolveDeadline).toBe('2026-03-20T10:00:00.000Z');
  });
});

describe('co-handlers from the duty list (协办)', () => {
  const matter = { matterId: 'matter-1', dutyListVersionId: 'version-1' };
  const other = { matterId: 'matter-2', dutyListVersionId: 'version-1' };

  test('a dispatch on a matter brings its co-handlers, never the lead among them', () => {
    const d = decide(INITIAL_STATE, { kind: 'dispatch', departmentId: A, matter, coDepartmentIds: [C, A, D, C] }, env);
    expect(d.changes.coDepartmentIds).toEqual([C, D]);
    expect(d.changes.leadDepartmentId).toBe(A);
  });

  test('no co-handlers, none before: nothing recorded about them', () => {
    expect(decide(INITIAL_STATE, { kind: 'dispatch', departmentId: A, matter, coDepartmentIds: [] }, env).changes).not.toHaveProperty('coDepartmentIds');
    expect(decide(INITIAL_STATE, { kind: 'dispatch', departmentId: A }, env).changes).not.toHaveProperty('coDepartmentIds');
  });

  test('a redispatch on another matter replaces the co-handlers that came with the old routing', () => {
    const s = dispatchedTo(A, { coDepartmentIds: [C], matterId: matter.matterId });
    const d = decide(s, { kind: 'redispatch', departmentId: B, matter: other, coDepartmentIds: [D] }, env);
    expect(d.changes.coDepartmentIds).toEqual([D]);
    expect(decide(s, { kind: 'redispatch', departmentId: B, matter: other, coDepartmentIds: [] }, env).changes.coDepartmentIds).toEqual([]);
  });

  test('a step naming only a department: the co-handlers leave when the lead changes, stay when it does not', () => {
    const s = dispatchedTo(A, { coDepartmentIds: [B, C] });
    expect(decide(s, { kind: 'redispatch', departmentId: D }, env).changes.coDepartmentIds).toEqual([]);
    expect(decide(s, { kind: 'redispatch', departmentId: B }, env).changes.coDepartmentIds).toEqual([]);
    const reopened = at(TicketStatus.REOPENED, { leadDepartmentId: A, firstDepartmentId: A, returnsToDepartmentId: A, reopenCount: 1, coDepartmentIds: [B] });
    expect(decide(reopened, { kind: 'dispatch', departmentId: A }, env).changes).not.toHaveProperty('coDepartmentIds');
  });

  test('a first reject sends the co-handlers away with their lead; a merge takes the ticket from both', () => {
    const s = dispatchedTo(A, { coDepartmentIds: [B, C] });
    const rejected = decide(s, { kind: 'reject', actorDepartmentId: A }, env);
    expect(rejected.changes).toMatchObject({ leadDepartmentId: null, coDepartmentIds: [] });
    const merged = decide(s, { kind: 'merge', parentId: 'parent-ticket' }, env);
    expect(merged.changes).toMatchObject({ leadDepartmentId: null, coDepartmentIds: [] });
  });

  test('a re-opened ticket back at its lead keeps the co-handlers the lead added, and gains the matter’s', () => {
    const s = at(TicketStatus.REOPENED, { leadDepartmentId: A, firstDepartmentId: A, returnsToDepartmentId: A, reopenCount: 1, coDepartmentIds: [B] });
    const d = decide(s, { kind: 'dispatch', departmentId: A, matter, coDepartmentIds: [C] }, env);
    expect(d.changes.coDepartmentIds).toEqual([B, C]);
    expect(decide(s, { kind: 'dispatch', departmentId: A, matter, coDepartmentIds: [B] }, env).changes).not.toHaveProperty('coDepartmentIds');
  });

  test('arbitration on a matter sets the co-handlers of the matter; replaying the log gives them', () => {
    const s = dispatchedTo(B, { status: TicketStatus.ARBITRATION, rejectCount: 2, rejectedDepartmentIds: [A, B], coDepartmentIds: [D] });
    const d = decide(s, { kind: 'arbitrate', departmentId: C, matter: other, coDepartmentIds: [A, C] }, env);
    expect(d.changes.coDepartmentIds).toEqual([A]);
    const events: RecordedEvent[] = [
      { toStatus: TicketStatus.DISPATCHED, changes: decide(INITIAL_STATE, { kind: 'dispatch', departmentId: A, matter, coDepartmentIds: [D] }, env).changes },
    ];
    expect(replay(events).coDepartmentIds).toEqual([D]);
  });
});
