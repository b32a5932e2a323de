/**
 * A ticket the router was unsure of is taken in without a matter; the operator gives it one when
 * dispatching it. The risk detectors examine it again then: a surge of one matter, a LABOUR.*
 * matter, the same matter at one place week after week must not depend on who chose the matter,
 * nor on whether the detectors had already read the ticket.
 */
import { ManualClock } from '../src/shared/clock';
import { localId } from '../src/shared/relay';
import { Role, startTestHub } from './support/hub';
import type { TestHub } from './support/hub';
import { until } from './support/wait';

jest.setTimeout(90_000);
const DAY = 86_400_000;
const clock = new ManualClock(new Date('2026-03-02T01:00:00Z'));
let t: TestHub;
let operator: string;
let supervisor: string;

beforeAll(async () => {
  // a routing threshold above 1: the router dispatches nothing, every intake waits for an operator
  t = await startTestHub({ clock, dutyList: true, env: { ROUTING_THRESHOLD: '1.01' } });
  operator = await t.token({ role: Role.OPERATOR, subject: 'op' });
  supervisor = await t.token({ role: Role.SUPERVISOR, subject: 'sup' });
});
afterAll(async () => t.stop());

async function gql<T>(token: string, query: string, variables: Record<string, unknown> = {}): Promise<T> {
  const { body } = await t.raw({ query, variables }, { authorization: `Bearer ${token}` });
  if (body.errors) throw new Error(JSON.stringify(body.errors));
  return body.data as T;
}
const intake = (input: Record<string, unknown>) =>
  gql<{ createTicket: { id: string; version: number; status: string } }>(operator, 'mutation($i: CreateTicketInput!) { createTicket(input: $i) { id version status } }', {
    i: { channel: 'PHONE', ...input },
  }).then((d) => d.createTicket);
const dispatch = (id: string, version: number, matterCode: string) =>
  gql(operator, 'mutation($i: DispatchTicketInput!) { dispatchTicket(input: $i) { version } }', { i: { id, expectedVersion: version, matterCode } });
interface Alert {
  kind: string;
  ticketCount: number;
  title: string;
  district: { code: string };
}
const alerts = (kinds: string[]) =>
  gql<{ riskAlerts: { edges: { node: Alert }[] } }>(supervisor, 'query($f: RiskAlertFilter) { riskAlerts(first: 50, filter: $f) { edges { node { kind ticketCount title district { code } } } } }', {
    f: { kinds },
  }).then((d) => d.riskAlerts.edges.map((e) => e.node));

/** Until the risk detectors have read the ticket's intake (so they saw it without its matter). */
async function detectorsRead(ticketId: string): Promise<void> {
  await until('the risk detectors to read the intake', async () => {
    const [row] = await t.hub.orm.em
      .fork()
      .getConnection()
      .execute<{ read: boolean }[]>(
        `select exists (select 1 from outbox_events o, consumer_checkpoints c
                         where o.aggregate_id = ? and o.type = 'CREATED' and o.position is not null
                           and c.name = 'risk' and c.position >= o.position) as read`,
        [localId(ticketId, 'Ticket')],
      );
    return row?.read;
  });
}

/** Until every event so far has a stream position and the risk detectors have read it. */
async function allRead(): Promise<void> {
  await until('the risk detectors to read every event', async () => {
    const [row] = await t.hub.orm.em
      .fork()
      .getConnection()
      .execute<{ done: boolean }[]>(
        `select not exists (select 1 from outbox_events where position is null)
                and (select position from consumer_checkpoints where name = 'risk') >= (select max(position) from outbox_events) as done`,
      );
    return row?.done;
  });
}

/** Taken in without a matter, read by the detectors so, then dispatched with one. */
async function dispatchedLater(input: Record<string, unknown>, matterCode: string): Promise<void> {
  const tk = await intake(input);
  expect(tk.status).toBe('RECEIVED');
  await detectorsRead(tk.id);
  await dispatch(tk.id, tk.version, matterCode);
}

test('SURGE: eight reports given their matter at dispatch raise the alert, as when given it at intake', async () => {
  // a week of history in both districts
  for (const d of ['440111', '440112']) await dispatchedLater({ title: '装修噪音', content: '楼上装修电钻声太吵', districtCode: d }, 'NOISE.SOCIAL');
  clock.advance(8 * DAY);
  for (let i = 0; i < 8; i++) {
    clock.advance(60_000);
    await intake({ title: `广场音响扰民${i}`, content: '晚上十一点还有人在广场用音响唱歌', matterCode: 'NOISE.SOCIAL', districtCode: '440112' });
    await dispatchedLater({ title: `广场音响扰民${i}`, content: '晚上十一点还有人在广场用音响唱歌', districtCode: '440111' }, 'NOISE.SOCIAL');
  }
  const both = await until('a surge in each district', async () => {
    const found = (await alerts(['SURGE'])).filter((a) => a.ticketCount === 8);
    return found.length === 2 && found;
  });
  expect(both.map((a) => a.district.code).sort()).toEqual(['440111', '440112']);
});

test('LABOUR_DISPUTE: one employer’s tickets filed under LABOUR.WAGE by the operator, each counted once', async () => {
  // no wage words: only the matter makes these labour disputes
  for (let i = 0; i < 3; i++) {
    clock.advance(60_000);
    await dispatchedLater({ title: '反映宏达制衣厂问题', content: `宏达制衣厂三个月没发钱了，我们去问老板也不理${i}`, districtCode: '440113' }, 'LABOUR.WAGE');
  }
  const alert = await until('the labour alert', async () =>
    (await alerts(['LABOUR_DISPUTE'])).find((a) => a.district.code === '440113' && a.ticketCount === 3),
  );
  expect(alert.title).toContain('宏达制衣厂');
  // wage words: a labour dispute at intake already; its matter at dispatch adds nothing
  for (let i = 0; i < 2; i++) {
    clock.advance(60_000);
    await dispatchedLater({ title: '讨薪', content: `永兴五金厂拖欠我们工资两个月了，请帮忙讨薪${i}`, districtCode: '440115' }, 'LABOUR.WAGE');
  }
  await allRead();
  expect((await alerts(['LABOUR_DISPUTE'])).filter((a) => a.district.code === '440115').map((a) => a.ticketCount)).toEqual([2]);
  // one signal per ticket, though each was examined twice (at intake and at its dispatch)
  const [row] = await t.hub.orm.em
    .fork()
    .getConnection()
    .execute<{ n: number }[]>(`select count(*)::int as n from risk_signals s join tickets tk on tk.id = s.ticket_id join districts d on d.id = tk.district_id where d.code in ('440113', '440115')`);
  expect(row.n).toBe(5);
});
