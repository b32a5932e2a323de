import {
  AcceptTicketDocument,
  CreateTicketDocument,
  DispatchTicketDocument,
  ResolveTicketDocument,
  ReturnVisitDocument,
  StartTicketDocument,
  TicketByNumberDocument,
} from './generated/graphql';
import { ManualClock } from '../src/shared/clock';
import { Role, startTestHub } from './support/hub';
import type { TestHub } from './support/hub';

let t: TestHub;
const clock = new ManualClock(new Date('2026-03-02T01:00:00Z')); // Monday 09:00 in Guangzhou
let operator: string;
let department: string;

beforeAll(async () => {
  t = await startTestHub({ clock });
  operator = await t.token({ role: Role.OPERATOR });
  department = await t.token({ role: Role.DEPARTMENT_STAFF, departmentCode: '440106-UM' });
});
afterAll(() => t.stop());

test('a ticket walks its whole life: intake → dispatch → accept → start → resolve → return visit', async () => {
  const { createTicket: created } = await t.ok(
    CreateTicketDocument,
    {
      input: {
        channel: 'PHONE',
        title: '路灯不亮',
        content: '天河路口的路灯坏了一周',
        citizenName: '张伟',
        citizenPhone: '13800138000',
        districtCode: '440106',
      },
    },
    operator,
  );
  expect(created.status).toBe('RECEIVED');
  expect(created.number).toMatch(/^GZ-20260302-\d{6}$/);
  expect(created.version).toBe(1);

  const step = (v: number) => ({ id: created.id, expectedVersion: v });
  const d = (await t.ok(DispatchTicketDocument, { input: { ...step(1), departmentCode: '440106-UM' } }, operator)).dispatchTicket;
  expect(d.status).toBe('DISPATCHED');
  expect(d.leadDepartment?.code).toBe('440106-UM');
  expect(d.firstDepartment?.code).toBe('440106-UM');
  // accept within 2 working hours of 09:00 Monday → 11:00 local = 03:00Z
  expect(d.acceptDeadline).toBe('2026-03-02T03:00:00.000Z');
  // a help request: 5 working days
  expect(d.resolveDeadline).toBe('2026-03-06T10:00:00.000Z'); // 5 working days: end of Friday

  clock.advance(3600_000);
  const a = (await t.ok(AcceptTicketDocument, { input: step(2) }, department)).acceptTicket;
  expect(a.status).toBe('ACCEPTED');
  const s = (await t.ok(StartTicketDocument, { input: step(3) }, department)).startTicket;
  expect(s.status).toBe('IN_PROGRESS');
  const r = (await t.ok(ResolveTicketDocument, { input: { ...step(4), reply: '已修复' } }, department)).resolveTicket;
  expect(r.status).toBe('RESOLVED');
  expect(r.reply).toBe('已修复');
  const v = (
    await t.ok(ReturnVisitDocument, { input: { ...step(5), satisfaction: 'SATISFIED', resolution: 'RESOLVED' } }, operator)
  ).returnVisit;
  expect(v.status).toBe('CLOSED');
  expect(v.returnVisits).toHaveLength(1);

  const { ticket } = await t.ok(TicketByNumberDocument, { number: created.number }, operator);
  expect(ticket!.events.map((e) => e.type)).toEqual([
    'CREATED',
    'DISPATCHED',
    'ACCEPTED',
    'STARTED',
    'RESOLVED',
    'RETURN_VISITED',
  ]);
  expect(ticket!.events.map((e) => e.seq)).toEqual([1, 2, 3, 4, 5, 6]);
  expect(ticket!.citizen).toEqual({ name: '张*', phone: '138****8000', address: null, masked: true });
  expect(t.errors).toEqual([]);
});
