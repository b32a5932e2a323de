/**
 * Every refusal of the ticket API, end to end over HTTP: the right `errors[0].extensions.code`
 * (and `field` for bad input), AND nothing changed: the ticket is re-read and has the same
 * status, version and number of events; for bad intake, `tickets{totalCount}` is unchanged.
 */
import { print } from 'graphql';
import type { ExecutionResult } from 'graphql';
import {
  AcceptTicketDocument,
  AddCoDepartmentsDocument,
  ArbitrateTicketDocument,
  CloseTicketDocument,
  CreateTicketDocument,
  DecideExtensionDocument,
  DispatchTicketDocument,
  DisputeRejectDocument,
  MergeTicketDocument,
  RedispatchTicketDocument,
  RejectTicketDocument,
  RequestExtensionDocument,
  ResolveOnCallDocument,
  ResolveTicketDocument,
  ReturnVisitDocument,
  StartTicketDocument,
  TicketAuditDocument,
  TicketCountDocument,
  TicketListDocument,
} from './generated/graphql';
import type { CreateTicketInput } from './generated/graphql';
import { signToken } from '../src/auth/viewer';
import { ManualClock } from '../src/shared/clock';
import { Role, startTestHub, TEST_SECRET } from './support/hub';
import type { TestHub } from './support/hub';

const clock = new ManualClock(new Date('2026-03-02T01:00:00Z')); // Monday 09:00 in Guangzhou

let t: TestHub;
let operator: string;
let supervisor: string;
let analyst: string;
let districtOffice: string;
const deps: Record<string, string> = {};

beforeAll(async () => {
  t = await startTestHub({ clock });
  operator = await t.token({ role: Role.OPERATOR, subject: 'op-wang' });
  supervisor = await t.token({ role: Role.SUPERVISOR, subject: 'sup-chen' });
  analyst = await t.token({ role: Role.ANALYST, subject: 'bi' });
  districtOffice = await t.token({ role: Role.DISTRICT_OFFICE, districtCodes: ['440106'], subject: 'th-office' });
  for (const code of ['440106-UM', '440106-HUD', '440106-EEB', 'GZ-HRSS']) {
    deps[code] = await t.token({ role: Role.DEPARTMENT_STAFF, departmentCode: code, subject: `dep-${code}` });
  }
});
afterAll(() => t.stop());
afterEach(() => {
  // nothing unexpected (an internal error) may have been logged by the hub during the test
  expect(t.errors.splice(0)).toEqual([]);
});

interface Ref {
  id: string;
  number: string;
  version: number;
}

interface Snapshot {
  status: string;
  version: number;
  events: number;
  lead: string | null;
}

async function snapshot(number: string): Promise<Snapshot> {
  const { ticket } = await t.ok(TicketAuditDocument, { number }, supervisor);
  expect(ticket).not.toBeNull();
  return { status: ticket!.status, version: ticket!.version, events: ticket!.events.length, lead: ticket!.leadDepartment?.code ?? null };
}

async function totalCount(): Promise<number> {
  return (await t.ok(TicketCountDocument, {}, supervisor)).tickets.totalCount;
}

type Refusal = ExecutionResult<unknown> & { errors?: readonly { extensions?: Record<string, unknown>; message: string }[] };

/** The response is one refusal with this code (and field); no data leaked for the mutation. */
function expectRefused(res: Refusal, code: string, field?: string): Record<string, unknown> {
  expect(res.errors).toHaveLength(1);
  const ext = res.errors![0].extensions ?? {};
  expect(ext.code).toBe(code);
  if (field !== undefined) expect(ext.field).toBe(field);
  // nothing answered: no data at all, or null for a nullable root field
  for (const value of Object.values((res.data ?? {}) as Record<string, unknown>)) expect(value).toBeNull();
  return ext;
}

/** Runs `attempt`, expects the refusal, and checks the ticket did not move. */
async function refusedAndUnchanged(
  r: Ref,
  attempt: () => Promise<Refusal>,
  code: string,
  field?: string,
): Promise<Record<string, unknown>> {
  const before = await snapshot(r.number);
  expect(before.version).toBe(r.version);
  const ext = expectRefused(await attempt(), code, field);
  expect(await snapshot(r.number)).toEqual(before);
  return ext;
}

/** Runs a bad createTicket and checks no ticket was added. */
async function intakeRefused(input: Partial<CreateTicketInput>, code: string, field?: string, token: string | null = operator) {
  const before = await totalCount();
  const res = await t.gql(
    CreateTicketDocument,
    { input: { channel: 'PHONE', title: '噪声扰民', content: '夜间施工噪声', districtCode: '440106', ...input } },
    token ?? undefined,
  );
  const ext = expectRefused(res, code, field);
  expect(await totalCount()).toBe(before);
  return ext;
}

let serial = 0;
async function create(input: Partial<CreateTicketInput> = {}): Promise<Ref> {
  serial += 1;
  const { createTicket } = await t.ok(
    CreateTicketDocument,
    {
      input: {
        channel: 'PHONE',
        title: `小区噪声扰民 #${serial}`,
        content: `凌晨施工噪声扰民 (${serial})`,
        citizenPhone: '13800138000',
        districtCode: '440106',
        ...input,
      },
    },
    operator,
  );
  return { id: createTicket.id, number: createTicket.number, version: createTicket.version };
}

const v = (r: Ref) => ({ id: r.id, expectedVersion: r.version });

type Stage = 'RECEIVED' | 'DISPATCHED' | 'ACCEPTED' | 'IN_PROGRESS' | 'RESOLVED' | 'CLOSED' | 'REOPENED';

async function ticketAt(to: Stage, dep = '440106-UM'): Promise<Ref> {
  const r = await create();
  if (to === 'RECEIVED') return r;
  r.version = (await t.ok(DispatchTicketDocument, { input: { ...v(r), departmentCode: dep } }, operator)).dispatchTicket.version;
  if (to === 'DISPATCHED') return r;
  r.version = (await t.ok(AcceptTicketDocument, { input: v(r) }, deps[dep])).acceptTicket.version;
  if (to === 'ACCEPTED') return r;
  r.version = (await t.ok(StartTicketDocument, { input: v(r) }, deps[dep])).startTicket.version;
  if (to === 'IN_PROGRESS') return r;
  r.version = (await t.ok(ResolveTicketDocument, { input: { ...v(r), reply: '已处理' } }, deps[dep])).resolveTicket.version;
  if (to === 'RESOLVED') return r;
  const satisfaction = to === 'CLOSED' ? 'SATISFIED' : 'DISSATISFIED';
  r.version = (
    await t.ok(ReturnVisitDocument, { input: { ...v(r), satisfaction, resolution: 'RESOLVED' } }, operator)
  ).returnVisit.version;
  return r;
}

/** A ticket the department rejected once (back at the centre, RECEIVED, rejectCount 1). */
async function rejectedOnce(dep = '440106-UM'): Promise<Ref> {
  const r = await ticketAt('DISPATCHED', dep);
  r.version = (await t.ok(RejectTicketDocument, { input: { ...v(r), reason: '不属于本单位' } }, deps[dep])).rejectTicket.version;
  return r;
}

describe('ILLEGAL_TRANSITION: steps the lifecycle does not allow', () => {
  test('accept a ticket that is not DISPATCHED (REOPENED, waiting at the centre for re-dispatch)', async () => {
    // the lead department keeps sight of a re-opened ticket, but may not accept it before dispatch
    const r = await ticketAt('REOPENED');
    const ext = await refusedAndUnchanged(r, () => t.gql(AcceptTicketDocument, { input: v(r) }, deps['440106-UM']), 'ILLEGAL_TRANSITION');
    expect(ext).toMatchObject({ from: 'REOPENED', action: 'accept' });
  });

  test('accept a ticket in ARBITRATION (the second rejecter still holds it)', async () => {
    const r = await rejectedOnce('440106-UM');
    r.version = (await t.ok(DispatchTicketDocument, { input: { ...v(r), departmentCode: '440106-HUD' } }, operator)).dispatchTicket.version;
    r.version = (await t.ok(RejectTicketDocument, { input: { ...v(r), reason: '也不是我们的' } }, deps['440106-HUD'])).rejectTicket.version;
    expect((await snapshot(r.number)).status).toBe('ARBITRATION');
    await refusedAndUnchanged(r, () => t.gql(AcceptTicketDocument, { input: v(r) }, deps['440106-HUD']), 'ILLEGAL_TRANSITION');
  });

  test('resolve an ACCEPTED ticket (it must be started first)', async () => {
    const r = await ticketAt('ACCEPTED');
    const ext = await refusedAndUnchanged(
      r,
      () => t.gql(ResolveTicketDocument, { input: { ...v(r), reply: '已处理' } }, deps['440106-UM']),
      'ILLEGAL_TRANSITION',
    );
    expect(ext).toMatchObject({ from: 'ACCEPTED', action: 'resolve' });
  });

  test('start a DISPATCHED ticket (it must be accepted first)', async () => {
    const r = await ticketAt('DISPATCHED');
    const ext = await refusedAndUnchanged(r, () => t.gql(StartTicketDocument, { input: v(r) }, deps['440106-UM']), 'ILLEGAL_TRANSITION');
    expect(ext).toMatchObject({ from: 'DISPATCHED', action: 'start' });
  });

  test('returnVisit before the ticket is resolved', async () => {
    const r = await ticketAt('IN_PROGRESS');
    await refusedAndUnchanged(
      r,
      () => t.gql(ReturnVisitDocument, { input: { ...v(r), satisfaction: 'SATISFIED', resolution: 'RESOLVED' } }, operator),
      'ILLEGAL_TRANSITION',
    );
  });

  test('returnVisit twice (a CLOSED ticket)', async () => {
    const r = await ticketAt('CLOSED');
    await refusedAndUnchanged(
      r,
      () => t.gql(ReturnVisitDocument, { input: { ...v(r), satisfaction: 'DISSATISFIED', resolution: 'NOT_RESOLVED' } }, operator),
      'ILLEGAL_TRANSITION',
    );
  });

  test('merge a CLOSED ticket', async () => {
    const closed = await ticketAt('CLOSED');
    const parent = await ticketAt('DISPATCHED');
    await refusedAndUnchanged(
      closed,
      () => t.gql(MergeTicketDocument, { input: { ...v(closed), parentId: parent.id } }, operator),
      'ILLEGAL_TRANSITION',
    );
    expect((await snapshot(parent.number)).version).toBe(parent.version);
  });

  test('merge an ACCEPTED ticket (the department is already handling it)', async () => {
    const accepted = await ticketAt('ACCEPTED');
    const parent = await ticketAt('DISPATCHED', '440106-HUD');
    await refusedAndUnchanged(
      accepted,
      () => t.gql(MergeTicketDocument, { input: { ...v(accepted), parentId: parent.id } }, operator),
      'ILLEGAL_TRANSITION',
    );
  });

  test('dispatch a ticket that is already DISPATCHED', async () => {
    const r = await ticketAt('DISPATCHED');
    await refusedAndUnchanged(
      r,
      () => t.gql(DispatchTicketDocument, { input: { ...v(r), departmentCode: '440106-HUD' } }, operator),
      'ILLEGAL_TRANSITION',
    );
  });

  test('dispatch a re-opened ticket to a department other than its lead', async () => {
    const r = await ticketAt('REOPENED');
    await refusedAndUnchanged(
      r,
      () => t.gql(DispatchTicketDocument, { input: { ...v(r), departmentCode: '440106-HUD' } }, operator),
      'ILLEGAL_TRANSITION',
    );
  });

  test('a re-opened ticket, dispatched back to its lead, cannot be rejected nor re-routed (首办负责)', async () => {
    const r = await ticketAt('REOPENED');
    r.version = (await t.ok(DispatchTicketDocument, { input: { ...v(r), departmentCode: '440106-UM' } }, operator)).dispatchTicket.version;
    await refusedAndUnchanged(
      r,
      () => t.gql(RejectTicketDocument, { input: { ...v(r), reason: '不是我们的' } }, deps['440106-UM']),
      'ILLEGAL_TRANSITION',
    );
    await refusedAndUnchanged(
      r,
      () => t.gql(RedispatchTicketDocument, { input: { ...v(r), departmentCode: '440106-HUD', reason: '改派' } }, operator),
      'ILLEGAL_TRANSITION',
    );
  });

  test('a re-opened ticket no department had handled (answered on the call) is routed like a new one: rejected, re-routed', async () => {
    const r = await create();
    r.version = (await t.ok(ResolveOnCallDocument, { input: { ...v(r), reply: '已电话答复' } }, operator)).resolveOnCall.version;
    r.version = (await t.ok(ReturnVisitDocument, { input: { ...v(r), satisfaction: 'DISSATISFIED', resolution: 'NOT_RESOLVED' } }, operator)).returnVisit.version;
    r.version = (await t.ok(DispatchTicketDocument, { input: { ...v(r), departmentCode: '440106-EEB' } }, operator)).dispatchTicket.version;
    const moved = (await t.ok(RedispatchTicketDocument, { input: { ...v(r), departmentCode: '440106-UM', reason: '应为城管' } }, operator)).redispatchTicket;
    expect([moved.status, moved.leadDepartment?.code]).toEqual(['DISPATCHED', '440106-UM']);
    r.version = moved.version;
    const rejected = (await t.ok(RejectTicketDocument, { input: { ...v(r), reason: '不属于城管职责' } }, deps['440106-UM'])).rejectTicket;
    expect([rejected.status, rejected.leadDepartment]).toEqual(['RECEIVED', null]);
  });

  test('redispatch an ACCEPTED ticket', async () => {
    const r = await ticketAt('ACCEPTED');
    await refusedAndUnchanged(
      r,
      () => t.gql(RedispatchTicketDocument, { input: { ...v(r), departmentCode: '440106-HUD', reason: '改派' } }, operator),
      'ILLEGAL_TRANSITION',
    );
  });

  test('reject after accepting (首办负责: no dropping an accepted ticket)', async () => {
    const r = await ticketAt('IN_PROGRESS');
    await refusedAndUnchanged(
      r,
      () => t.gql(RejectTicketDocument, { input: { ...v(r), reason: '不是我们的' } }, deps['440106-UM']),
      'ILLEGAL_TRANSITION',
    );
  });

  test('resolveOnCall a DISPATCHED ticket, and a ticket a department has rejected', async () => {
    const d = await ticketAt('DISPATCHED');
    await refusedAndUnchanged(d, () => t.gql(ResolveOnCallDocument, { input: { ...v(d), reply: '已答复' } }, operator), 'ILLEGAL_TRANSITION');
    const rej = await rejectedOnce();
    await refusedAndUnchanged(
      rej,
      () => t.gql(ResolveOnCallDocument, { input: { ...v(rej), reply: '已答复' } }, operator),
      'ILLEGAL_TRANSITION',
    );
  });

  test('close a ticket that is not RESOLVED', async () => {
    const r = await ticketAt('IN_PROGRESS');
    await refusedAndUnchanged(r, () => t.gql(CloseTicketDocument, { input: { ...v(r), note: '无法联系' } }, supervisor), 'ILLEGAL_TRANSITION');
  });

  test('disputeReject a ticket nobody rejected', async () => {
    const r = await ticketAt('RECEIVED');
    await refusedAndUnchanged(
      r,
      () => t.gql(DisputeRejectDocument, { input: { ...v(r), reason: '有异议' } }, supervisor),
      'ILLEGAL_TRANSITION',
    );
  });

  test('arbitrate a ticket that is not in ARBITRATION', async () => {
    const r = await ticketAt('DISPATCHED');
    await refusedAndUnchanged(
      r,
      () => t.gql(ArbitrateTicketDocument, { input: { ...v(r), departmentCode: '440106-HUD', decision: '改由住建' } }, supervisor),
      'ILLEGAL_TRANSITION',
    );
  });

  test('decideExtension with no request pending; requestExtension while one is pending', async () => {
    const r = await ticketAt('IN_PROGRESS');
    await refusedAndUnchanged(
      r,
      () => t.gql(DecideExtensionDocument, { input: { ...v(r), approve: true } }, supervisor),
      'ILLEGAL_TRANSITION',
    );
    r.version = (
      await t.ok(RequestExtensionDocument, { input: { ...v(r), days: 2, reason: '需协调' } }, deps['440106-UM'])
    ).requestExtension.version;
    await refusedAndUnchanged(
      r,
      () => t.gql(RequestExtensionDocument, { input: { ...v(r), days: 1, reason: '再延一天' } }, deps['440106-UM']),
      'ILLEGAL_TRANSITION',
    );
  });

  test('requestExtension after the deadline has passed; approving one whose new deadline has passed too', async () => {
    const start = clock.now();
    try {
      const late = await ticketAt('IN_PROGRESS');
      clock.advance(10 * 24 * 3_600_000); // past its 5 working days
      await refusedAndUnchanged(
        late,
        () => t.gql(RequestExtensionDocument, { input: { ...v(late), days: 2, reason: '需协调' } }, deps['440106-UM']),
        'ILLEGAL_TRANSITION',
      );
      clock.set(start);
      const slow = await ticketAt('IN_PROGRESS');
      slow.version = (await t.ok(RequestExtensionDocument, { input: { ...v(slow), days: 1, reason: '需协调' } }, deps['440106-UM'])).requestExtension.version;
      clock.advance(12 * 24 * 3_600_000); // the supervisor answers long after
      await refusedAndUnchanged(slow, () => t.gql(DecideExtensionDocument, { input: { ...v(slow), approve: true } }, supervisor), 'ILLEGAL_TRANSITION');
      expect((await t.gql(DecideExtensionDocument, { input: { ...v(slow), approve: false } }, supervisor)).errors).toBeUndefined();
    } finally {
      clock.set(start);
    }
  });

  test('addCoDepartments before the ticket is accepted', async () => {
    const r = await ticketAt('DISPATCHED');
    await refusedAndUnchanged(
      r,
      () => t.gql(AddCoDepartmentsDocument, { input: { ...v(r), departmentCodes: ['440106-EEB'] } }, deps['440106-UM']),
      'ILLEGAL_TRANSITION',
    );
  });
});

describe('CONFLICT: optimistic lock', () => {
  test('a stale expectedVersion is refused with extensions.currentVersion', async () => {
    const r = await ticketAt('DISPATCHED');
    expect(r.version).toBe(2);
    const ext = await refusedAndUnchanged(
      r,
      () => t.gql(AcceptTicketDocument, { input: { id: r.id, expectedVersion: 1 } }, deps['440106-UM']),
      'CONFLICT',
    );
    expect(ext.currentVersion).toBe(2);
  });

  test('a version from the future is a conflict too', async () => {
    const r = await ticketAt('RECEIVED');
    const ext = await refusedAndUnchanged(
      r,
      () => t.gql(DispatchTicketDocument, { input: { id: r.id, expectedVersion: 7, departmentCode: '440106-UM' } }, operator),
      'CONFLICT',
    );
    expect(ext.currentVersion).toBe(1);
  });

  test('two operators dispatching the same version at once: exactly one wins', async () => {
    const r = await ticketAt('RECEIVED');
    const [a, b] = await Promise.all([
      t.gql(DispatchTicketDocument, { input: { ...v(r), departmentCode: '440106-UM' } }, operator),
      t.gql(DispatchTicketDocument, { input: { ...v(r), departmentCode: '440106-HUD' } }, operator),
    ]);
    const results = [a, b];
    const winners = results.filter((x) => !x.errors);
    const losers = results.filter((x) => x.errors);
    expect(winners).toHaveLength(1);
    expect(losers).toHaveLength(1);
    expect(losers[0].errors![0].extensions).toMatchObject({ code: 'CONFLICT', currentVersion: 2 });
    const after = await snapshot(r.number);
    expect(after).toEqual({ status: 'DISPATCHED', version: 2, events: 2, lead: winners[0].data!.dispatchTicket.leadDepartment!.code });
  });
});

describe('FORBIDDEN: the wrong role, or not the lead', () => {
  test('a DEPARTMENT_STAFF (and an ANALYST, and a DISTRICT_OFFICE) may not create tickets', async () => {
    await intakeRefused({}, 'FORBIDDEN', undefined, deps['440106-UM']);
    await intakeRefused({}, 'FORBIDDEN', undefined, analyst);
    await intakeRefused({}, 'FORBIDDEN', undefined, districtOffice);
  });

  test('an OPERATOR may not accept', async () => {
    const r = await ticketAt('DISPATCHED');
    await refusedAndUnchanged(r, () => t.gql(AcceptTicketDocument, { input: v(r) }, operator), 'FORBIDDEN');
  });

  test('a DISTRICT_OFFICE may not dispatch, even in its own district', async () => {
    const r = await ticketAt('RECEIVED');
    await refusedAndUnchanged(
      r,
      () => t.gql(DispatchTicketDocument, { input: { ...v(r), departmentCode: '440106-UM' } }, districtOffice),
      'FORBIDDEN',
    );
  });

  test('an ANALYST may not change anything', async () => {
    const r = await ticketAt('RECEIVED');
    await refusedAndUnchanged(
      r,
      () => t.gql(ResolveOnCallDocument, { input: { ...v(r), reply: '已答复' } }, analyst),
      'FORBIDDEN',
    );
  });

  test('an OPERATOR may not arbitrate, decide extensions or close (supervisors only)', async () => {
    const inArb = await rejectedOnce();
    inArb.version = (await t.ok(DisputeRejectDocument, { input: { ...v(inArb), reason: '有异议' } }, supervisor)).disputeReject.version;
    await refusedAndUnchanged(
      inArb,
      () => t.gql(ArbitrateTicketDocument, { input: { ...v(inArb), departmentCode: '440106-UM', decision: '由城管负责' } }, operator),
      'FORBIDDEN',
    );
    await refusedAndUnchanged(inArb, () => t.gql(DisputeRejectDocument, { input: { ...v(inArb), reason: 'x'.repeat(5) } }, operator), 'FORBIDDEN');

    const ext = await ticketAt('IN_PROGRESS');
    ext.version = (
      await t.ok(RequestExtensionDocument, { input: { ...v(ext), days: 2, reason: '需协调' } }, deps['440106-UM'])
    ).requestExtension.version;
    await refusedAndUnchanged(ext, () => t.gql(DecideExtensionDocument, { input: { ...v(ext), approve: true } }, operator), 'FORBIDDEN');
    // the department may not approve its own request either
    await refusedAndUnchanged(
      ext,
      () => t.gql(DecideExtensionDocument, { input: { ...v(ext), approve: true } }, deps['440106-UM']),
      'FORBIDDEN',
    );

    const resolved = await ticketAt('RESOLVED');
    await refusedAndUnchanged(
      resolved,
      () => t.gql(CloseTicketDocument, { input: { ...v(resolved), note: '无法联系' } }, operator),
      'FORBIDDEN',
    );
  });

  test('a co-handling department sees the ticket but may not resolve it (nor start, nor ask for an extension)', async () => {
    const r = await ticketAt('IN_PROGRESS', '440106-UM');
    r.version = (
      await t.ok(AddCoDepartmentsDocument, { input: { ...v(r), departmentCodes: ['440106-EEB'] } }, deps['440106-UM'])
    ).addCoDepartments.version;
    // it can see it…
    expect((await t.ok(TicketAuditDocument, { number: r.number }, deps['440106-EEB'])).ticket?.number).toBe(r.number);
    // …but it is not the lead
    await refusedAndUnchanged(
      r,
      () => t.gql(ResolveTicketDocument, { input: { ...v(r), reply: '已处理' } }, deps['440106-EEB']),
      'FORBIDDEN',
    );
    await refusedAndUnchanged(
      r,
      () => t.gql(RequestExtensionDocument, { input: { ...v(r), days: 1, reason: '协办需要时间' } }, deps['440106-EEB']),
      'FORBIDDEN',
    );
    await refusedAndUnchanged(
      r,
      () => t.gql(AddCoDepartmentsDocument, { input: { ...v(r), departmentCodes: ['440106-HUD'] } }, deps['440106-EEB']),
      'FORBIDDEN',
    );
  });
});

describe('NOT_FOUND: a department acting on a ticket that is not theirs', () => {
  test('another department cannot act on the ticket, and cannot tell it from a ticket that does not exist', async () => {
    const r = await ticketAt('DISPATCHED', '440106-UM');
    const ext = await refusedAndUnchanged(r, () => t.gql(AcceptTicketDocument, { input: v(r) }, deps['440106-HUD']), 'NOT_FOUND');
    // a stale version does not tell it anything either (no CONFLICT, no currentVersion)
    const stale = await refusedAndUnchanged(
      r,
      () => t.gql(AcceptTicketDocument, { input: { id: r.id, expectedVersion: 1 } }, deps['440106-HUD']),
      'NOT_FOUND',
    );
    expect(stale.currentVersion).toBeUndefined();

    // a well-formed id of a ticket that does not exist answers the same way
    const ghostId = Buffer.from('Ticket:00000000-0000-4000-8000-000000000000').toString('base64url');
    const ghost = expectRefused(
      await t.gql(AcceptTicketDocument, { input: { id: ghostId, expectedVersion: 2 } }, deps['440106-HUD']),
      'NOT_FOUND',
    );
    expect(Object.keys(ghost).sort()).toEqual(Object.keys(ext).sort());
    expect(ghost.what).toBe(ext.what);
    // and the ticket is invisible to it
    expect((await t.ok(TicketAuditDocument, { number: r.number }, deps['440106-HUD'])).ticket).toBeNull();
  });

  test('a RECEIVED ticket is nobody’s: a department trying to accept it gets NOT_FOUND', async () => {
    const r = await ticketAt('RECEIVED');
    await refusedAndUnchanged(r, () => t.gql(AcceptTicketDocument, { input: v(r) }, deps['440106-UM']), 'NOT_FOUND');
  });

  test('a department that rejected a ticket can no longer act on it', async () => {
    const r = await rejectedOnce('440106-UM');
    r.version = (await t.ok(DispatchTicketDocument, { input: { ...v(r), departmentCode: '440106-HUD' } }, operator)).dispatchTicket.version;
    await refusedAndUnchanged(r, () => t.gql(AcceptTicketDocument, { input: v(r) }, deps['440106-UM']), 'NOT_FOUND');
    await refusedAndUnchanged(
      r,
      () => t.gql(RejectTicketDocument, { input: { ...v(r), reason: '再退一次' } }, deps['440106-UM']),
      'NOT_FOUND',
    );
  });

  test('a city bureau cannot resolve a district branch’s ticket', async () => {
    const r = await ticketAt('IN_PROGRESS', '440106-UM');
    await refusedAndUnchanged(
      r,
      () => t.gql(ResolveTicketDocument, { input: { ...v(r), reply: '已处理' } }, deps['GZ-HRSS']),
      'NOT_FOUND',
    );
  });
});

describe('UNAUTHENTICATED', () => {
  test('without a token: no intake, no change, no reading', async () => {
    await intakeRefused({}, 'UNAUTHENTICATED', undefined, null);
    const r = await ticketAt('RECEIVED');
    await refusedAndUnchanged(
      r,
      () => t.gql(DispatchTicketDocument, { input: { ...v(r), departmentCode: '440106-UM' } }),
      'UNAUTHENTICATED',
    );
    expectRefused(await t.gql(TicketListDocument, { first: 5 }), 'UNAUTHENTICATED');
    expectRefused(await t.gql(TicketAuditDocument, { number: r.number }), 'UNAUTHENTICATED');
  });

  test('with a bad token: HTTP 401 and UNAUTHENTICATED, nothing changes', async () => {
    const r = await ticketAt('RECEIVED');
    const dispatch = { query: print(DispatchTicketDocument), variables: { input: { ...v(r), departmentCode: '440106-UM' } } };
    const forged = await signToken('another-secret-that-is-long-enough-to-sign', { role: Role.SUPERVISOR, subject: 'mallory' });
    const expired = await signToken(TEST_SECRET, { role: Role.SUPERVISOR, subject: 'old' }, '-1h');
    const headers = [
      { authorization: 'Bearer not-a-jwt' },
      { authorization: `Bearer ${forged}` },
      { authorization: `Bearer ${expired}` },
      { authorization: `Token ${operator}` },
    ];
    const before = await snapshot(r.number);
    for (const h of headers) {
      const res = await t.raw(dispatch, h);
      expect(res.status).toBe(401);
      expect(res.body.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
      expect(res.body.data ?? null).toBeNull();
    }
    expect(await snapshot(r.number)).toEqual(before);

    const intake = {
      query: print(CreateTicketDocument),
      variables: { input: { channel: 'PHONE', title: '噪声', content: '噪声扰民', districtCode: '440106' } },
    };
    const count = await totalCount();
    const res = await t.raw(intake, { authorization: 'Bearer not-a-jwt' });
    expect(res.status).toBe(401);
    expect(res.body.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    expect(await totalCount()).toBe(count);
  });
});

describe('BAD_USER_INPUT with extensions.field', () => {
  test('createTicket: empty title', async () => {
    await intakeRefused({ title: '' }, 'BAD_USER_INPUT', 'title');
  });

  test('createTicket: a blank title (only spaces)', async () => {
    await intakeRefused({ title: '   ' }, 'BAD_USER_INPUT', 'title');
  });

  test('createTicket: content over 4,000 characters', async () => {
    await intakeRefused({ content: '噪'.repeat(4001) }, 'BAD_USER_INPUT', 'content');
  });

  test('createTicket: a bad phone number "12345"', async () => {
    await intakeRefused({ citizenPhone: '12345' }, 'BAD_USER_INPUT', 'citizenPhone');
  });

  test('createTicket: lat/lng outside Guangzhou (Beijing)', async () => {
    await intakeRefused({ districtCode: null, lat: 39.9, lng: 116.4 }, 'BAD_USER_INPUT', 'lat');
    await intakeRefused({ lat: 23.12, lng: 116.4 }, 'BAD_USER_INPUT', 'lng');
  });

  test('createTicket: only lat without lng (and only lng without lat)', async () => {
    await intakeRefused({ districtCode: null, lat: 23.12 }, 'BAD_USER_INPUT', 'lng');
    await intakeRefused({ districtCode: null, lng: 113.36 }, 'BAD_USER_INPUT', 'lat');
  });

  test('createTicket: neither districtCode nor a location', async () => {
    await intakeRefused({ districtCode: null }, 'BAD_USER_INPUT', 'districtCode');
  });

  test('createTicket: unknown districtCode', async () => {
    await intakeRefused({ districtCode: '110101' }, 'BAD_USER_INPUT', 'districtCode');
  });

  test('createTicket: unknown dispatchTo department', async () => {
    await intakeRefused({ dispatchTo: 'GZ-NOPE' }, 'BAD_USER_INPUT', 'dispatchTo');
  });

  test('dispatch: unknown departmentCode', async () => {
    const r = await ticketAt('RECEIVED');
    await refusedAndUnchanged(
      r,
      () => t.gql(DispatchTicketDocument, { input: { ...v(r), departmentCode: '440106-NOPE' } }, operator),
      'BAD_USER_INPUT',
      'departmentCode',
    );
  });

  test('dispatch back to the department that rejected it (only arbitration may do that)', async () => {
    const r = await rejectedOnce('440106-UM');
    await refusedAndUnchanged(
      r,
      () => t.gql(DispatchTicketDocument, { input: { ...v(r), departmentCode: '440106-UM' } }, operator),
      'BAD_USER_INPUT',
      'departmentCode',
    );
  });

  // Regression: found against 3bed5d2, where case 'redispatch' (ticket.lifecycle.ts) did not check
  // `rejectedDepartmentIds`, so the centre could dispatch a rejected ticket elsewhere and then
  // redispatch it straight back to the department that rejected it, bypassing arbitration.
  // Fixed in 8f9213d.
  test('redispatch back to the department that rejected the ticket is refused like dispatch', async () => {
    const r = await rejectedOnce('440106-UM');
    r.version = (await t.ok(DispatchTicketDocument, { input: { ...v(r), departmentCode: '440106-HUD' } }, operator)).dispatchTicket.version;
    await refusedAndUnchanged(
      r,
      () => t.gql(RedispatchTicketDocument, { input: { ...v(r), departmentCode: '440106-UM', reason: '还是城管的' } }, operator),
      'BAD_USER_INPUT',
      'departmentCode',
    );
  });

  test('a reason, a decision or a reply of blanks only is no reason: refused, naming the field', async () => {
    const dispatched = await ticketAt('DISPATCHED', '440106-UM');
    await refusedAndUnchanged(dispatched, () => t.gql(RejectTicketDocument, { input: { ...v(dispatched), reason: '   ' } }, deps['440106-UM']), 'BAD_USER_INPUT', 'reason');
    await refusedAndUnchanged(
      dispatched,
      () => t.gql(RedispatchTicketDocument, { input: { ...v(dispatched), departmentCode: '440106-HUD', reason: ' \n ' } }, operator),
      'BAD_USER_INPUT',
      'reason',
    );
    const inProgress = await ticketAt('IN_PROGRESS', '440106-UM');
    await refusedAndUnchanged(inProgress, () => t.gql(ResolveTicketDocument, { input: { ...v(inProgress), reply: '  ' } }, deps['440106-UM']), 'BAD_USER_INPUT', 'reply');
  });

  test('redispatch to the department that already has it', async () => {
    const r = await ticketAt('DISPATCHED', '440106-UM');
    await refusedAndUnchanged(
      r,
      () => t.gql(RedispatchTicketDocument, { input: { ...v(r), departmentCode: '440106-UM', reason: '改派' } }, operator),
      'BAD_USER_INPUT',
      'departmentCode',
    );
  });

  test('a cursor of another list, or a forged one, is BAD_USER_INPUT on after/before, never an internal error', async () => {
    const { body } = await t.raw({ query: '{ departments(first: 2) { pageInfo { endCursor } } }' }, { authorization: `Bearer ${operator}` });
    const departmentsCursor = (body.data as { departments: { pageInfo: { endCursor: string } } }).departments.pageInfo.endCursor;
    const forged = Buffer.from(JSON.stringify(['x', 'y'])).toString('base64url');
    // (PostgreSQL has no year 0)
    const yearZero = Buffer.from(JSON.stringify(['0000-01-01T00:00:00Z', '00000000-0000-4000-8000-000000000000'])).toString('base64url');
    for (const [arg, cursor] of [['after', departmentsCursor], ['after', forged], ['before', forged], ['after', yearZero]]) {
      const res = await t.raw({ query: `query($c: String) { tickets(${arg === 'after' ? 'first: 2, after' : 'last: 2, before'}: $c) { totalCount } }`, variables: { c: cursor } }, { authorization: `Bearer ${operator}` });
      expectRefused(res.body as Refusal, 'BAD_USER_INPUT', arg);
    }
  });

  test('a date outside the years 1–9999 is BAD_USER_INPUT wherever a date is taken, never an internal error', async () => {
    const before = await totalCount();
    for (const [query, variables, code] of [
      ['query($d: DateTimeISO) { tickets(first: 1, filter: { createdFrom: $d }) { totalCount } }', { d: '0000-01-01T00:00:00Z' }, 'BAD_USER_INPUT'],
      ['query($d: DateTimeISO!) { ticketFigures(from: $d, to: "2026-03-01T00:00:00Z") { tickets } }', { d: '0000-12-31T00:00:00Z' }, 'BAD_USER_INPUT'],
      // (a literal is checked with the document)
      ['{ tickets(first: 1, filter: { createdFrom: "0000-06-01T00:00:00Z" }) { totalCount } }', {}, 'GRAPHQL_VALIDATION_FAILED'],
      ['mutation($i: SubmitClueInput!) { submitClue(input: $i) { id } }', { i: { sourcePlatform: '微博', text: '井盖丢了', postedAt: '0000-01-01T00:00:00Z' } }, 'BAD_USER_INPUT'],
      // (the last day of 9999 at UTC−14 is already year 10000 in UTC)
      ['query($d: DateTimeISO) { tickets(first: 1, filter: { createdFrom: $d }) { totalCount } }', { d: '9999-12-31T23:59:59-14:00' }, 'BAD_USER_INPUT'],
    ] as const) {
      const res = await t.raw({ query, variables }, { authorization: `Bearer ${supervisor}` });
      expect(res.status).toBeLessThan(500);
      expect(res.body.errors?.[0].extensions?.code).toBe(code);
      expect(res.body.errors?.[0].message).toMatch(/years 1–9999/);
    }
    expect(await totalCount()).toBe(before);
    // an old date is a date: 1850 is taken
    const old = await t.raw({ query: 'query($d: DateTimeISO) { tickets(first: 1, filter: { createdFrom: $d }) { totalCount } }', variables: { d: '1850-01-01T00:00:00Z' } }, { authorization: `Bearer ${supervisor}` });
    expect(old.body.errors).toBeUndefined();
  });

  test('a malformed id', async () => {
    const before = await totalCount();
    for (const id of ['not-an-id', Buffer.from('Ticket:123').toString('base64url'), Buffer.from('Department:00000000-0000-4000-8000-000000000000').toString('base64url')]) {
      expectRefused(await t.gql(AcceptTicketDocument, { input: { id, expectedVersion: 1 } }, deps['440106-UM']), 'BAD_USER_INPUT', 'id');
      expectRefused(
        await t.gql(DispatchTicketDocument, { input: { id, expectedVersion: 1, departmentCode: '440106-UM' } }, operator),
        'BAD_USER_INPUT',
        'id',
      );
    }
    expect(await totalCount()).toBe(before);
  });

  test('merge: a parentId that is not a ticket id, a ticket into itself, a closed parent', async () => {
    const r = await ticketAt('RECEIVED');
    await refusedAndUnchanged(
      r,
      () => t.gql(MergeTicketDocument, { input: { ...v(r), parentId: Buffer.from('Ticket:123').toString('base64url') } }, operator),
      'BAD_USER_INPUT',
      'parentId',
    );
    await refusedAndUnchanged(
      r,
      () => t.gql(MergeTicketDocument, { input: { ...v(r), parentId: r.id } }, operator),
      'BAD_USER_INPUT',
      'parentId',
    );
    const closedParent = await ticketAt('CLOSED');
    await refusedAndUnchanged(
      r,
      () => t.gql(MergeTicketDocument, { input: { ...v(r), parentId: closedParent.id } }, operator),
      'BAD_USER_INPUT',
      'parentId',
    );
  });

  test('a malformed parentId in mergeTicket is BAD_USER_INPUT on parentId', async () => {
    const r = await ticketAt('RECEIVED');
    await refusedAndUnchanged(
      r,
      () => t.gql(MergeTicketDocument, { input: { ...v(r), parentId: 'nope' } }, operator),
      'BAD_USER_INPUT',
      'parentId',
    );
  });

  test('requestExtension: days 0, and days beyond the 15-working-day ceiling', async () => {
    const r = await ticketAt('IN_PROGRESS');
    await refusedAndUnchanged(
      r,
      () => t.gql(RequestExtensionDocument, { input: { ...v(r), days: 0, reason: '需要时间' } }, deps['440106-UM']),
      'BAD_USER_INPUT',
      'days',
    );
    // 5 working days already; 11 more would end past 15 working days from dispatch
    await refusedAndUnchanged(
      r,
      () => t.gql(RequestExtensionDocument, { input: { ...v(r), days: 11, reason: '需要时间' } }, deps['440106-UM']),
      'BAD_USER_INPUT',
      'days',
    );
  });

  test('reject without a reason (too short)', async () => {
    const r = await ticketAt('DISPATCHED');
    await refusedAndUnchanged(
      r,
      () => t.gql(RejectTicketDocument, { input: { ...v(r), reason: '否' } }, deps['440106-UM']),
      'BAD_USER_INPUT',
      'reason',
    );
  });

  test('closeTicket without a note', async () => {
    const r = await ticketAt('RESOLVED');
    await refusedAndUnchanged(r, () => t.gql(CloseTicketDocument, { input: v(r) }, supervisor), 'BAD_USER_INPUT', 'note');
    await refusedAndUnchanged(r, () => t.gql(CloseTicketDocument, { input: { ...v(r), note: '  ' } }, supervisor), 'BAD_USER_INPUT', 'note');
  });

  test('addCoDepartments with an unknown code, or only the lead itself', async () => {
    const r = await ticketAt('ACCEPTED');
    await refusedAndUnchanged(
      r,
      () => t.gql(AddCoDepartmentsDocument, { input: { ...v(r), departmentCodes: ['GZ-NOPE'] } }, deps['440106-UM']),
      'BAD_USER_INPUT',
      'departmentCodes',
    );
    await refusedAndUnchanged(
      r,
      () => t.gql(AddCoDepartmentsDocument, { input: { ...v(r), departmentCodes: ['440106-UM'] } }, deps['440106-UM']),
      'BAD_USER_INPUT',
      'departmentCodes',
    );
  });
});
