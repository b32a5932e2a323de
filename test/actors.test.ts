/**
 * Whoever a token names is written into audit logs as the actor: an identity provider's long
 * subject (a URL), a district office covering many districts — all kept in full, every write
 * goes through. A subject past 255 characters, or with control characters, is not signed in.
 */
import { SignJWT } from 'jose';
import { Role, startTestHub, TEST_SECRET } from './support/hub';
import type { TestHub } from './support/hub';

jest.setTimeout(60_000);
let t: TestHub;
beforeAll(async () => {
  t = await startTestHub();
});
afterAll(() => t.stop());

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
/** a token as the hub signs them, whatever its subject */
const raw = (subject: string) =>
  new SignJWT({ role: 'OPERATOR' }).setProtectedHeader({ alg: 'HS256' }).setIssuer('minsheng').setSubject(subject).setIssuedAt().setExpirationTime('1h').sign(new TextEncoder().encode(TEST_SECRET));

test('a 200-character subject works every write, and the audit log names it in full', async () => {
  const subject = `https://sso.gz.gov.cn/realms/12345-hotline/users/${'operator-zhang-wei-'.repeat(8)}`.slice(0, 200);
  const operator = await t.token({ role: Role.OPERATOR, subject });
  const staffSubject = `https://sso.gz.gov.cn/realms/departments/${'staff-li-na-'.repeat(14)}`.slice(0, 200);
  const staff = await t.token({ role: Role.DEPARTMENT_STAFF, departmentCode: '440106-UM', subject: staffSubject });
  const created = await t.raw(
    {
      query: 'mutation($i: CreateTicketInput!) { createTicket(input: $i) { id version } }',
      variables: { i: { channel: 'PHONE', title: '路灯不亮', content: '天河路路灯不亮一周了', districtCode: '440106', dispatchTo: '440106-UM', idempotencyKey: 'long-subject-1' } },
    },
    bearer(operator),
  );
  expect(created.body.errors).toBeUndefined();
  const { id, version } = created.body.data!.createTicket as { id: string; version: number };
  const accepted = await t.raw({ query: 'mutation($i: TicketChangeInput!) { acceptTicket(input: $i) { version events { actor } } }', variables: { i: { id, expectedVersion: version } } }, bearer(staff));
  expect(accepted.body.errors).toBeUndefined();
  const actors = (accepted.body.data!.acceptTicket as { events: { actor: string }[] }).events.map((e) => e.actor);
  expect(actors).toEqual([`OPERATOR/${subject}`, `OPERATOR/${subject}`, `DEPARTMENT_STAFF:440106-UM/${staffSubject}`]);
});

test('a district office over all eleven districts with a long subject is recorded in full too', async () => {
  const codes = ['440103', '440104', '440105', '440106', '440111', '440112', '440113', '440114', '440115', '440117', '440118'];
  const subject = 'x'.repeat(200);
  const office = await t.token({ role: Role.DISTRICT_OFFICE, districtCodes: codes, subject });
  const alerts = await t.raw({ query: '{ riskAlerts(first: 1) { totalCount } }' }, bearer(office));
  expect(alerts.body.errors).toBeUndefined();
  // the office forms a task force: its log names the office, every district, the whole subject
  const formed = await t.raw(
    {
      query: 'mutation($i: FormTaskForceInput!) { formTaskForce(input: $i) { formedBy actions { type actor } } }',
      variables: { i: { name: '全市专班', districtCode: '440106', leadDepartmentCode: '440106-UM', memberDepartmentCodes: ['440106-HUD'] } },
    },
    bearer(office),
  );
  expect(formed.body.errors).toBeUndefined();
  const actor = `DISTRICT_OFFICE:${codes.join('+')}/${subject}`;
  expect(formed.body.data!.formTaskForce).toEqual({ formedBy: actor, actions: [{ type: 'FORMED', actor }] });
});

test('a subject past 255 characters, or with a control character, is not signed in', async () => {
  for (const subject of ['y'.repeat(256), 'alice\nOPERATOR/bob']) {
    const res = await t.raw({ query: '{ viewer { subject } }' }, bearer(await raw(subject)));
    expect(res.body.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  }
  const ok = await t.raw({ query: '{ viewer { subject } }' }, bearer(await raw('y'.repeat(255))));
  expect((ok.body.data!.viewer as { subject: string }).subject).toBe('y'.repeat(255));
});
