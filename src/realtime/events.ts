import type { EntityManager } from '@mikro-orm/postgresql';
import { OutboxEvent } from './outbox.entity';
import type { Topic } from './outbox.entity';

/** An event as it travels on the bus and reaches consumers: an outbox row with its position. */
export interface StreamEvent {
  /** The outbox position, a decimal string (bigint): the id clients resume `after`. */
  position: string;
  topic: Topic;
  type: string;
  aggregateId: string;
  districtId: string | null;
  departmentIds: string[];
  matterId: string | null;
  occurredAt: string;
  payload: Record<string, unknown>;
}

export interface NewEvent {
  topic: Topic;
  type: string;
  aggregateId: string;
  districtId?: string | null;
  departmentIds?: string[];
  matterId?: string | null;
  payload: Record<string, unknown>;
  occurredAt: Date;
}

/** An outbox row for an event (not yet persisted). */
export function outboxEvent(e: NewEvent): OutboxEvent {
  return Object.assign(new OutboxEvent(), {
    topic: e.topic,
    type: e.type,
    aggregateId: e.aggregateId,
    districtId: e.districtId ?? null,
    departmentIds: e.departmentIds ?? [],
    matterId: e.matterId ?? null,
    payload: e.payload,
    occurredAt: e.occurredAt,
  });
}

/** Inserts an event on a raw connection, in the caller's transaction (services that write with SQL). */
export async function insertEvent(tx: { query(sql: string, params?: unknown[]): Promise<unknown> }, e: NewEvent): Promise<void> {
  await tx.query(
    `insert into outbox_events (topic, type, aggregate_id, district_id, department_ids, matter_id, payload, occurred_at)
     values ($1, $2, $3, $4, $5, $6, $7, $8)`,
    [e.topic, e.type, e.aggregateId, e.districtId ?? null, e.departmentIds ?? [], e.matterId ?? null, JSON.stringify(e.payload), e.occurredAt],
  );
}

/** Adds an event to the unit of work: it is inserted by the same flush, in the same transaction, as the change. */
export function recordEvent(em: EntityManager, e: NewEvent): void {
  em.persist(outboxEvent(e));
}

/** An outbox row (as selected with `position` set) in its stream form. */
export interface OutboxRow {
  position: string | number;
  topic: Topic;
  type: string;
  aggregate_id: string;
  district_id: string | null;
  department_ids: string[] | string | null;
  matter_id: string | null;
  occurred_at: Date | string;
  payload: Record<string, unknown> | string;
}

export function streamEventOf(r: OutboxRow): StreamEvent {
  return {
    position: String(r.position),
    topic: r.topic,
    type: r.type,
    aggregateId: r.aggregate_id,
    districtId: r.district_id,
    departmentIds: parseUuidArray(r.department_ids),
    matterId: r.matter_id,
    occurredAt: (r.occurred_at instanceof Date ? r.occurred_at : new Date(r.occurred_at)).toISOString(),
    payload: typeof r.payload === 'string' ? (JSON.parse(r.payload) as Record<string, unknown>) : r.payload,
  };
}

/** A uuid[] column as pg returns it: an array, or a `{a,b}` literal when its type is not registered. */
export function parseUuidArray(v: string[] | string | null | undefined): string[] {
  if (!v) return [];
  if (Array.isArray(v)) return v;
  const inner = v.replace(/^\{|\}$/g, '');
  return inner ? inner.split(',') : [];
}

export const OUTBOX_COLUMNS = 'position, topic, type, aggregate_id, district_id, department_ids, matter_id, occurred_at, payload';
