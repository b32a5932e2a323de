/**
 * Hot issues over a window holding more tickets than are clustered (HOT_ISSUE_MAX_TICKETS):
 * a steady topic must not look like it is growing; likes of every post linked to a ticket add up.
 */
import { ManualClock } from '../src/shared/clock';
import { Role, startTestHub } from './support/hub';
import type { TestHub } from './support/hub';

jest.setTimeout(120_000);

const DAY = 86_400_000;
const clock = new ManualClock(new Date('2026-03-02T01:00:00Z'));
let t: TestHub;
let operator: string;
let supervisor: string;

async function gql<R>(token: string, query: string, variables: Record<string, unknown> = {}): Promise<R> {
  const res = await t.raw({ query, variables }, { authorization: `Bearer ${token}` });
  if (res.body.errors) throw new Error(JSON.stringify(res.body.errors));
  return res.body.data as R;
}

const WORDS = ['凌晨', '夜里', '半夜', '深夜'];
beforeAll(async () => {
  t = await startTestHub({ clock, env: { HOT_ISSUE_MAX_TICKETS: '20' } });
  operator = await t.token({ role: Role.OPERATOR, subject: 'op-1' });
  supervisor = await t.token({ role: Role.SUPERVISOR, subject: 'sup-1' });
  // the same complaint twice a day for thirty days: steady, neither growing nor fading
  for (let day = 0; day < 30; day++) {
    for (let k = 0; k < 2; k++) {
      clock.advance(DAY / 2);
      const text = `丽发新城旁边搅拌站${WORDS[(day + k) % 4]}还在施工，噪音很大，居民无法休息（第${day * 2 + k + 1}次反映）`;
      await gql(operator, 'mutation($i: CreateTicketInput!) { createTicket(input: $i) { id } }', {
        i: { channel: 'WEB', title: '搅拌站噪音扰民', content: text, districtCode: '440106', citizenPhone: `139${String(10_000_000 + day * 2 + k)}` },
      });
    }
  }
});
afterAll(() => t.stop());

interface Issue {
  count: number;
  growth: number;
  likes: number;
  evidence: { id: string }[];
}
const QUERY = '{ hotIssues(window: LAST_30D, first: 5) { count growth likes evidence { id } } }';

test('a steady topic in a window of more tickets than are clustered is steady, not growing', async () => {
  const { hotIssues } = await gql<{ hotIssues: Issue[] }>(supervisor, QUERY);
  expect(hotIssues.length).toBeGreaterThan(0);
  const top = hotIssues[0];
  expect(top.count).toBeLessThanOrEqual(20);
  expect(top.count).toBeGreaterThan(10);
  // measured against the whole window's midpoint this was (20 + 1) / (0 + 1) = 21
  expect(top.growth).toBeGreaterThan(0.6);
  expect(top.growth).toBeLessThan(1.6);
});

test('likes of several posts linked to one ticket add up', async () => {
  const { hotIssues } = await gql<{ hotIssues: Issue[] }>(supervisor, QUERY);
  const ticketId = hotIssues[0].evidence[0].id;
  for (const [i, likes] of [100, 200, 500].entries()) {
    const { submitClue } = await gql<{ submitClue: { id: string; version: number } }>(
      operator,
      'mutation($i: SubmitClueInput!) { submitClue(input: $i) { id version } }',
      { i: { sourcePlatform: '微博', sourceUrl: `https://weibo.example/post/${i}`, text: '丽发新城搅拌站半夜施工太吵了，有没有人管管', likes, districtCode: '440106' } },
    );
    await gql(supervisor, 'mutation($i: VerifyClueInput!) { verifyClue(input: $i) { status } }', {
      i: { id: submitClue.id, decision: 'DUPLICATE', duplicateOfTicketId: ticketId, expectedVersion: submitClue.version },
    });
  }
  // answers are cached for 30 s per window
  clock.advance(31_000);
  const after = (await gql<{ hotIssues: Issue[] }>(supervisor, QUERY)).hotIssues;
  expect(after[0].likes).toBe(800);
});
