import { randomUUID } from 'node:crypto';
import type { Tx } from '../realtime/consumer';
import { linkEvidence } from '../taskforces/taskforce.log';
import { insertEvent, parseUuidArray } from '../realtime/events';
import { ACTIVE_ALERT_STATUSES, AlertSeverity, AlertStatus, SEVERITY_RANK } from './alert.entity';
import type { AlertKind } from './alert.entity';

/** At most this many evidence ticket ids are kept on an alert (the newest); `ticketCount` counts all. */
export const MAX_EVIDENCE = 200;

/** A dismissed situation stays quiet for this long: the same key does not raise a new alert. */
export const DISMISSAL_QUIET_DAYS = 7;

/** What a detector found: one situation, with the evidence it adds. */
export interface Finding {
  kind: AlertKind;
  key: string;
  districtId: string;
  severity: AlertSeverity;
  title: string;
  figures: Record<string, unknown>;
  /** evidence tickets this finding adds */
  ticketIds: string[];
  /** evidence tickets in all, when the detector counted them */
  ticketCount?: number;
  people?: number | null;
  at: Date;
  actor: string;
}

/** The row as the database returns it. */
export interface AlertRow {
  id: string;
  kind: AlertKind;
  severity: AlertSeverity;
  status: AlertStatus;
  district_id: string;
  dedupe_key: string;
  title: string;
  figures: Record<string, unknown>;
  evidence_ticket_ids: string[] | string;
  ticket_count: number;
  people_affected: number | null;
  task_force_id: string | null;
  first_seen_at: Date;
  last_seen_at: Date;
  version: number;
  updated_at: Date;
}

/** What an alert event carries on the stream: the alert as it is now, without personal data. */
export interface AlertEventPayload {
  alertId: string;
  kind: AlertKind;
  severity: AlertSeverity;
  status: AlertStatus;
  title: string;
  figures: Record<string, unknown>;
  ticketCount: number;
  peopleAffected: number | null;
  districtId: string;
  taskForceId: string | null;
  firstSeenAt: string;
  lastSeenAt: string;
  version: number;
  actor: string;
  note: string | null;
}


export function maxSeverity(a: AlertSeverity, b: AlertSeverity): AlertSeverity {
  return SEVERITY_RANK[a] >= SEVERITY_RANK[b] ? a : b;
}

const ACTIVE = ACTIVE_ALERT_STATUSES.map((s) => `'${s}'`).join(', ');

/** Writes the alert's audit entry and its outbox event, in the caller's transaction. */
export async function recordAlertChange(tx: Tx, row: AlertRow, type: string, actor: string, note: string | null, at: Date): Promise<void> {
  await tx.query(
    `insert into risk_alert_actions (alert_id, type, actor, note, status, severity, at) values ($1, $2, $3, $4, $5, $6, $7)`,
    [row.id, type, actor, note, row.status, row.severity, at],
  );
  const payload: AlertEventPayload = {
    alertId: row.id,
    kind: row.kind,
    severity: row.severity,
    status: row.status,
    title: row.title,
    figures: row.figures,
    ticketCount: row.ticket_count,
    peopleAffected: row.people_affected,
    districtId: row.district_id,
    taskForceId: row.task_force_id,
    firstSeenAt: new Date(row.first_seen_at).toISOString(),
    lastSeenAt: new Date(row.last_seen_at).toISOString(),
    version: row.version,
    actor,
    note,
  };
  await insertEvent(tx, { topic: 'alert', type, aggregateId: row.id, districtId: row.district_id, payload: { ...payload }, occurredAt: at });
}

/**
 * Raises a new alert for a finding, or updates the active one with its key (new evidence,
 * figures, the higher severity). A key dismissed within DISMISSAL_QUIET_DAYS stays quiet.
 * Returns what happened.
 */
export async function raiseOrUpdate(tx: Tx, f: Finding): Promise<'RAISED' | 'UPDATED' | 'UNCHANGED' | 'QUIET'> {
  const { rows } = await tx.query<AlertRow>(`select * from risk_alerts where dedupe_key = $1 and status in (${ACTIVE}) for update`, [f.key]);
  const current = rows[0];
  if (!current) {
    const { rows: quiet } = await tx.query(
      `select 1 from risk_alerts where dedupe_key = $1 and status = 'DISMISSED' and updated_at > $2 limit 1`,
      [f.key, new Date(f.at.getTime() - DISMISSAL_QUIET_DAYS * 86_400_000)],
    );
    if (quiet.length) return 'QUIET';
    const evidence = [...new Set(f.ticketIds)].slice(-MAX_EVIDENCE);
    const { rows: created } = await tx.query<AlertRow>(
      `insert into risk_alerts (id, kind, severity, status, district_id, dedupe_key, title, figures, evidence_ticket_ids, ticket_count,
                                people_affected, first_seen_at, last_seen_at, version, updated_at)
       values ($1, $2, $3, 'OPEN', $4, $5, $6, $7, $8, $9, $10, $11, $11, 1, $11) returning *`,
      [randomUUID(), f.kind, f.severity, f.districtId, f.key, f.title, JSON.stringify(f.figures), evidence, f.ticketCount ?? evidence.length, f.people ?? null, f.at],
    );
    await recordAlertChange(tx, created[0], 'RAISED', f.actor, null, f.at);
    return 'RAISED';
  }
  const old = parseUuidArray(current.evidence_ticket_ids);
  const known = new Set(old);
  const added = f.ticketIds.filter((id) => !known.has(id));
  const severity = maxSeverity(current.severity, f.severity);
  const people = Math.max(current.people_affected ?? 0, f.people ?? 0) || null;
  const count = f.ticketCount ?? current.ticket_count + added.length;
  const sameFigures = JSON.stringify(current.figures) === JSON.stringify(f.figures);
  if (!added.length && severity === current.severity && count === current.ticket_count && people === current.people_affected && sameFigures) {
    return 'UNCHANGED';
  }
  const evidence = [...old, ...added].slice(-MAX_EVIDENCE);
  const lastSeen = new Date(Math.max(new Date(current.last_seen_at).getTime(), f.at.getTime()));
  const { rows: updated } = await tx.query<AlertRow>(
    `update risk_alerts set severity = $2, title = $3, figures = $4, evidence_ticket_ids = $5, ticket_count = $6, people_affected = $7,
            last_seen_at = $8, version = version + 1, updated_at = $8
     where id = $1 returning *`,
    [current.id, severity, f.title, JSON.stringify(f.figures), evidence, count, people, lastSeen],
  );
  const note = severity !== current.severity ? `severity ${current.severity} → ${severity}` : null;
  await recordAlertChange(tx, updated[0], 'UPDATED', f.actor, note, f.at);
  // a task force working on it gets the new evidence too
  if (current.status === AlertStatus.TASK_FORCE && current.task_force_id && added.length) await linkEvidence(tx, current.task_force_id, added, f.actor, f.at);
  return 'UPDATED';
}

export { AlertSeverity, AlertStatus };
