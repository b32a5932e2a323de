import type { Tx } from '../realtime/consumer';
import { insertEvent, parseUuidArray } from '../realtime/events';

/** A task force links at most this many tickets. */
export const MAX_LINKED = 500;

interface LoggedRow {
  id: string;
  name: string;
  status: string;
  version: number;
  district_id: string | null;
  department_ids: string[] | string;
  ticket_ids: string[] | string;
  alert_ids: string[] | string;
}

/**
 * A task force's change, in the change's transaction: its action-log entry and its event on the
 * stream (to its district and member departments).
 */
export async function recordTaskForceChange(c: Tx, id: string, type: string, actor: string, note: string | null, at: Date): Promise<void> {
  await c.query('insert into task_force_actions (task_force_id, type, actor, note, at) values ($1, $2, $3, $4, $5)', [id, type, actor, note, at]);
  const { rows } = await c.query<LoggedRow>('select id, name, status, version, district_id, department_ids, ticket_ids, alert_ids from task_forces where id = $1', [id]);
  const f = rows[0];
  await insertEvent(c, {
    topic: 'taskforce',
    type,
    aggregateId: id,
    districtId: f.district_id,
    departmentIds: parseUuidArray(f.department_ids),
    payload: { taskForceId: id, name: f.name, status: f.status, version: f.version, tickets: parseUuidArray(f.ticket_ids).length, alerts: parseUuidArray(f.alert_ids).length, actor, note },
    occurredAt: at,
  });
}

/**
 * New evidence of an alert a task force works on joins the task force (工作专班 sees every
 * ticket of its situation): linked in the same transaction, logged, on the stream. Returns how
 * many tickets were linked (none once the task force is closed or full).
 */
export async function linkEvidence(c: Tx, taskForceId: string, ticketIds: string[], actor: string, at: Date): Promise<number> {
  const { rows } = await c.query<{ added: number }>(
    `with f as (select id, ticket_ids from task_forces where id = $1 and status = 'ACTIVE' for update),
          n as (select array(select x from unnest($2::uuid[]) x, f where not x = any(f.ticket_ids)) as ids from f)
     update task_forces t set ticket_ids = t.ticket_ids || n.ids, version = t.version + 1
     from n where t.id = $1 and cardinality(n.ids) > 0 and cardinality(t.ticket_ids) + cardinality(n.ids) <= ${MAX_LINKED}
     returning cardinality(n.ids) as added`,
    [taskForceId, ticketIds],
  );
  const added = rows[0]?.added ?? 0;
  if (added) await recordTaskForceChange(c, taskForceId, 'TICKETS_LINKED', actor, `告警新证据：关联工单 ${added} 件`, at);
  return added;
}
