import { ArrayType, Entity, Enum, Index, PrimaryKey, Property } from '@mikro-orm/core';
import { RedactPersonalData } from '../auth/redact';
import { Field, ObjectType, registerEnumType, UseMiddleware } from 'type-graphql';
import { GraphQLJSONObject } from 'graphql-scalars';
import { Node } from '../shared/relay';

/** What a detector saw. */
export enum AlertKind {
  /** 劳资纠纷: wage arrears or compensation, many workers of one employer */
  LABOUR_DISPUTE = 'LABOUR_DISPUTE',
  /** 激增: one matter in one area well above its baseline */
  SURGE = 'SURGE',
  /** 反复投诉: the same matter at the same place in many distinct weeks */
  RECURRING = 'RECURRING',
  /** 超期: a key ticket past its deadline, escalated */
  OVERDUE = 'OVERDUE',
  /** 重复来电: one caller, many tickets */
  REPEAT_CALLER = 'REPEAT_CALLER',
  /** 不满意: a return visit said dissatisfied (预警工单) */
  DISSATISFIED = 'DISSATISFIED',
}
registerEnumType(AlertKind, { name: 'AlertKind', description: 'What a risk detector saw.' });

export enum AlertSeverity {
  LOW = 'LOW',
  MEDIUM = 'MEDIUM',
  HIGH = 'HIGH',
  CRITICAL = 'CRITICAL',
}
registerEnumType(AlertSeverity, { name: 'AlertSeverity' });

/** OPEN → ACKNOWLEDGED → TASK_FORCE → RESOLVED, or DISMISSED (a false alarm). */
export enum AlertStatus {
  OPEN = 'OPEN',
  ACKNOWLEDGED = 'ACKNOWLEDGED',
  TASK_FORCE = 'TASK_FORCE',
  RESOLVED = 'RESOLVED',
  DISMISSED = 'DISMISSED',
}
registerEnumType(AlertStatus, { name: 'AlertStatus' });

export const ACTIVE_ALERT_STATUSES: readonly AlertStatus[] = [AlertStatus.OPEN, AlertStatus.ACKNOWLEDGED, AlertStatus.TASK_FORCE];

export const SEVERITY_RANK: Record<AlertSeverity, number> = { LOW: 0, MEDIUM: 1, HIGH: 2, CRITICAL: 3 };

/**
 * 风险预警: a situation a detector found in the ticket stream, scoped to a district, with its
 * evidence tickets and the figures that triggered it. One active alert per dedupe key: the same
 * situation updates it instead of raising another.
 */
@ObjectType({ implements: Node, description: '风险预警: a risk found in the ticket stream, with its evidence.' })
@Entity({ tableName: 'risk_alerts' })
@Index({ properties: ['districtId', 'lastSeenAt'] })
@Index({ properties: ['lastSeenAt'] })
@Index({
  name: 'risk_alerts_active_key',
  expression: `create unique index "risk_alerts_active_key" on "risk_alerts" ("dedupe_key") where "status" in ('OPEN', 'ACKNOWLEDGED', 'TASK_FORCE')`,
})
export class RiskAlert {
  @PrimaryKey({ type: 'uuid' })
  id!: string;

  @Field(() => AlertKind)
  @Enum({ items: () => AlertKind })
  kind!: AlertKind;

  @Field(() => AlertSeverity)
  @Enum({ items: () => AlertSeverity })
  severity!: AlertSeverity;

  @Field(() => AlertStatus)
  @Enum({ items: () => AlertStatus })
  status!: AlertStatus;

  /** the district it is scoped to: that district's office receives it */
  @Property({ type: 'uuid' })
  districtId!: string;

  /** what makes two findings the same situation, e.g. LABOUR_DISPUTE:<district>:<employer> (internal: it may hold a caller's pseudonym) */
  @Property({ type: 'string', length: 200 })
  dedupeKey!: string;

  @Field(() => String)
  @Property({ type: 'text' })
  title!: string;

  @Field(() => GraphQLJSONObject, { description: 'The figures that triggered it (people, tickets, expected and observed counts…).' })
  @Property({ type: 'json' })
  figures!: Record<string, unknown>;

  /** evidence tickets, newest last (at most the latest 200; `ticketCount` counts them all) */
  @Property({ type: ArrayType, columnType: 'uuid[]' })
  evidenceTicketIds: string[] = [];

  @Field(() => Number, { description: 'Evidence tickets in all.' })
  @Property({ type: 'integer' })
  ticketCount!: number;

  @Field(() => Number, { nullable: true, description: 'People affected, where the tickets say.' })
  @Property({ type: 'integer', nullable: true })
  peopleAffected: number | null = null;

  @Property({ type: 'uuid', nullable: true })
  taskForceId: string | null = null;

  @Field(() => Date)
  @Property({ type: 'datetime' })
  firstSeenAt!: Date;

  @Field(() => Date)
  @Property({ type: 'datetime' })
  lastSeenAt!: Date;

  @Field(() => Number, { description: 'Increases with every change; pass it back as `expectedVersion`.' })
  @Property({ type: 'integer' })
  version!: number;

  @Field(() => Date)
  @Property({ type: 'datetime' })
  updatedAt!: Date;
}

/** The alert's audit log: raised, every update, every human decision. */
@ObjectType({ description: 'One entry of an alert’s audit log.' })
@Entity({ tableName: 'risk_alert_actions' })
@Index({ properties: ['alertId', 'id'] })
export class RiskAlertAction {
  @PrimaryKey({ type: 'bigint', autoincrement: true })
  id!: string;

  @Property({ type: 'uuid' })
  alertId!: string;

  @Field(() => String, { description: 'RAISED, UPDATED, ACKNOWLEDGED, DISMISSED, RESOLVED, TASK_FORCE.' })
  @Property({ type: 'string', length: 32 })
  type!: string;

  @Field(() => String, { description: 'Who: a detector (system/…) or role, scope and subject.' })
  @Property({ type: 'text' })
  actor!: string;

  @UseMiddleware(RedactPersonalData)
  @Field(() => String, { nullable: true })
  @Property({ type: 'text', nullable: true })
  note: string | null = null;

  @Field(() => AlertStatus)
  @Enum({ items: () => AlertStatus })
  status!: AlertStatus;

  @Field(() => AlertSeverity)
  @Enum({ items: () => AlertSeverity })
  severity!: AlertSeverity;

  @Field(() => Date)
  @Property({ type: 'datetime' })
  at!: Date;
}

/**
 * One ticket's contribution to a situation (a detector's memory): the labour dispute it
 * belongs to, with the people it speaks for. Alerts are aggregates of signals with one key.
 */
@Entity({ tableName: 'risk_signals' })
@Index({ properties: ['key', 'at'] })
// a ticket's signals: whether one re-examined (given its matter later) is already counted
@Index({ properties: ['ticketId'] })
export class RiskSignal {
  @PrimaryKey({ type: 'bigint', autoincrement: true })
  id!: string;

  @Property({ type: 'string', length: 32 })
  kind!: string;

  @Property({ type: 'string', length: 200 })
  key!: string;

  @Property({ type: 'uuid' })
  ticketId!: string;

  @Property({ type: 'uuid' })
  districtId!: string;

  @Property({ type: 'integer', nullable: true })
  people: number | null = null;

  /** what the detector read, e.g. the employer's name and the phrase giving the count */
  @Property({ type: 'json' })
  facts!: Record<string, unknown>;

  @Property({ type: 'datetime' })
  at!: Date;
}

/**
 * 催办 / 督办 / 通报: an escalation of an overdue ticket by the SLA clock, one row per level
 * reached (at most one of each per ticket).
 */
export enum SupervisionLevel {
  /** 催办: the next working day after the deadline, from the opening of working hours */
  REMINDER = 'REMINDER',
  /** 督办: 5 working days past the deadline */
  SUPERVISION = 'SUPERVISION',
  /** 通报: 10 working days past the deadline, a public notice */
  NOTICE = 'NOTICE',
}
registerEnumType(SupervisionLevel, { name: 'SupervisionLevel', description: '催办 → 督办 → 通报.' });

@ObjectType({ description: '催办 / 督办 / 通报: an escalation of an overdue ticket.' })
@Entity({ tableName: 'supervisions' })
export class Supervision {
  @PrimaryKey({ type: 'uuid' })
  ticketId!: string;

  @Field(() => SupervisionLevel)
  @PrimaryKey({ type: 'string', length: 16 })
  level!: SupervisionLevel;

  /** each deadline is escalated on its own: a ticket that misses a later one is reminded again */
  @Field(() => Date, { description: 'The deadline it was measured against.' })
  @PrimaryKey({ type: 'datetime' })
  dueAt!: Date;

  @Field(() => Date)
  @Property({ type: 'datetime' })
  at!: Date;
}
