import fs from 'node:fs';
import path from 'node:path';
import { Role, startTestHub } from './support/hub';
import type { TestHub } from './support/hub';

/** The README's tour, parsed: each `<!-- tour: ROLE -->` block, its operation and variables. */
function tourSteps() {
  const readme = fs.readFileSync(path.join(__dirname, '..', 'README.md'), 'utf8');
  const re = /<!-- tour: (\w+) -->\s*```graphql\n([\s\S]*?)```(?:\s*```json\n([\s\S]*?)```)?/g;
  return [...readme.matchAll(re)].map((m) => ({ role: m[1] as Role, query: m[2], variables: m[3] ?? '{}' }));
}

let t: TestHub;
beforeAll(async () => {
  t = await startTestHub({ dutyList: true }); // as `npm start` has it
});
afterAll(() => t.stop());

test('the README tour works as written', async () => {
  const steps = tourSteps();
  expect(steps.length).toBeGreaterThanOrEqual(9);
  const tokens: Record<string, string> = {
    OPERATOR: await t.token({ role: Role.OPERATOR }),
    DEPARTMENT_STAFF: await t.token({ role: Role.DEPARTMENT_STAFF, departmentCode: '440106-UM' }),
    SUPERVISOR: await t.token({ role: Role.SUPERVISOR }),
  };
  let id = '';
  let last: Record<string, unknown> = {};
  type TicketNode = { status: string; citizen: { phone: string; masked: boolean }; events: { type: string }[] };
  let node: TicketNode | undefined;
  for (const step of steps) {
    const variables = JSON.parse(step.variables.replaceAll('<id>', id));
    const { status, body } = await t.raw({ query: step.query, variables }, { authorization: `Bearer ${tokens[step.role]}` });
    expect({ step: step.query.split('\n')[0], errors: body.errors }).toEqual({ step: step.query.split('\n')[0], errors: undefined });
    expect(status).toBe(200);
    last = body.data as Record<string, unknown>;
    if (last.routingPreview) {
      const [best] = last.routingPreview as { matterCode: string; departmentName: string }[];
      expect(best.departmentName).toBe('广州市天河区城市管理和综合执法局');
    }
    if (last.createTicket) {
      const created = last.createTicket as { id: string; status: string; routing: { method: string } };
      expect([created.status, created.routing.method]).toEqual(['DISPATCHED', 'AUTO']);
      id = created.id;
    }
    if (last.node) node = last.node as TicketNode;
  }
  expect(node?.status).toBe('CLOSED');
  expect(node?.citizen).toMatchObject({ phone: '138****8000', masked: true });
  expect(last.revealCitizen).toEqual({ name: '张伟', phone: '13800138000', masked: false });
  expect(node!.events.map((e) => e.type)).toEqual([
    'CREATED',
    'DISPATCHED',
    'ACCEPTED',
    'STARTED',
    'EXTENSION_REQUESTED',
    'EXTENSION_DECIDED',
    'RESOLVED',
    'RETURN_VISITED',
  ]);
});
