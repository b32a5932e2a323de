import { randomUUID } from 'node:crypto';
import { ArrayType, Entity, Enum, Index, ManyToOne, OptionalProps, PrimaryKey, Property } from '@mikro-orm/core';
import { Field, Float, Int, ObjectType, UseMiddleware } from 'type-graphql';
import { Department } from '../departments/department.entity';
import { District } from '../departments/district.entity';
import { DutyListVersion } from '../dutylist/duty-list-version.entity';
import { Matter } from '../dutylist/matter.entity';
import type { RoutingRecord } from '../dutylist/routing.types';
import { Node } from '../shared/relay';
import { RedactPersonalData } from '../auth/redact';
import {
  AccessNeed,
  Channel,
  Resolution,
  Satisfaction,
  TicketCategory,
  TicketStatus,
  Urgency,
} from './ticket.enums';

@ObjectType({ description: 'A point on the map (WGS-84).' })
export class Location {
  @Field(() => Float)
  lat!: number;

  @Field(() => Float)
  lng!: number;
}

/**
 * 工单: one citizen request and its whole life. Columns that the lifecycle changes mirror
 * `TicketState` (ticket.lifecycle.ts) and only ever change through a `TicketEvent`.
 * The citizen's name, phone and address are personal data: no `@Field` here; the resolver
 * exposes them masked by role.
 */
@Entity({ tableName: 'tickets' })
@Index({ properties: ['status', 'dueAt'] })
@Index({ properties: ['createdAt', 'id'] })
@Index({ properties: ['districtId', 'matterId', 'createdAt'] })
// a place's history (recurring problems) and a caller's (repeat callers), each within a district
@Index({ properties: ['matterId', 'cell', 'districtId', 'createdAt'] })
@Index({ properties: ['citizenKey', 'districtId', 'createdAt'] })
// heatmap edges (the part-hours of a window) read located tickets by time, index-only
@Index({
  name: 'tickets_located_created_at',
  expression: 'create index "tickets_located_created_at" on "tickets" ("created_at") include ("cell", "district_id", "matter_id") where "cell" is not null',
})
// the retention job's queue: closed tickets not yet pseudonymised, oldest first
@Index({
  name: 'tickets_awaiting_retention',
  expression: `create index "tickets_awaiting_retention" on "tickets" ("closed_at") where "status" = 'CLOSED' and "pseudonymised_at" is null`,
})
@ObjectType({ implements: Node, description: '工单: a citizen request and its whole life.' })
export class Ticket {
  [OptionalProps]?:
    | 'urgency'
    | 'accessNeeds'
    | 'status'
    | 'leadDepartmentId'
    | 'firstDepartmentId'
    | 'coDepartmentIds'
    | 'rejectedDepartmentIds'
    | 'rejectCount'
    | 'rerouteCount'
    | 'bindingDepartmentId'
    | 'parentId'
    | 'dispatchedAt'
    | 'acceptDeadline'
    | 'resolveDeadline'
    | 'returnVisitDeadline'
    | 'dueAt'
    | 'acceptedAt'
    | 'resolvedAt'
    | 'closedAt'
    | 'reply'
    | 'satisfaction'
    | 'resolution'
    | 'reopenCount'
    | 'returnsToDepartmentId'
    | 'extensionPending'
    | 'matterId'
    | 'dutyListVersionId'
    | 'routing'
    | 'version';

  @PrimaryKey({ type: 'uuid' })
  id: string = randomUUID();

  @Field(() => String, { description: 'Human number, e.g. GZ-20260131-000123.' })
  @Property({ type: 'string', length: 32, unique: true })
  number!: string;

  @Field(() => Channel)
  @Enum({ items: () => Channel })
  channel!: Channel;

  @Field(() => TicketCategory)
  @Enum({ items: () => TicketCategory })
  category!: TicketCategory;

  @Field(() => String, { description: '1-200 characters (for analysts: with phone, ID and card numbers, e-mail addresses and names left out).' })
  @UseMiddleware(RedactPersonalData)
  @Property({ type: 'string', length: 200 })
  title!: string;

  /** 诉求: what the citizen said */
  @Field(() => String, { description: '诉求: what the citizen said (for analysts: with phone, ID and card numbers, e-mail addresses and names left out).' })
  @UseMiddleware(RedactPersonalData)
  @Property({ type: 'text' })
  content!: string;

  @Property({ type: 'string', length: 64, nullable: true })
  citizenName?: string | null;

  @Property({ type: 'string', length: 20, nullable: true })
  citizenPhone?: string | null;

  @Property({ type: 'string', length: 256, nullable: true })
  citizenAddress?: string | null;

  @Property({ type: 'double', nullable: true })
  lat?: number | null;

  @Property({ type: 'double', nullable: true })
  lng?: number | null;

  /**
   * A pseudonym of the caller (HMAC of the phone number): repeat callers can still be counted
   * after the personal data is gone.
   */
  @Property({ type: 'string', length: 64, nullable: true })
  citizenKey?: string | null;

  /** When the retention job removed the caller's personal data (个人信息去标识化). */
  @Property({ type: 'datetime', nullable: true })
  pseudonymisedAt?: Date | null;

  /** The H3 cell of the location at HEATMAP_RESOLUTION (null without a location). */
  @Property({ type: 'string', length: 16, nullable: true })
  cell?: string | null;

  // indexed by (district, matter, created_at) — a district's tickets, and its foreign key
  @ManyToOne(() => District, { mapToPk: true, fieldName: 'district_id' })
  districtId!: string;

  @Field(() => Urgency)
  @Enum({ items: () => Urgency })
  urgency: Urgency = Urgency.NORMAL;

  @Field(() => [AccessNeed])
  @Enum({ items: () => AccessNeed, array: true })
  accessNeeds: AccessNeed[] = [];

  @Field(() => TicketStatus)
  @Enum({ items: () => TicketStatus })
  status: TicketStatus = TicketStatus.RECEIVED;

  /** 主办: the department handling it now */
  @ManyToOne(() => Department, { mapToPk: true, fieldName: 'lead_department_id', nullable: true, index: true })
  leadDepartmentId: string | null = null;

  /** 首办负责: the first department it was dispatched to */
  @ManyToOne(() => Department, { mapToPk: true, fieldName: 'first_department_id', nullable: true })
  firstDepartmentId: string | null = null;

  /** 协办 */
  @Property({ type: ArrayType, columnType: 'uuid[]' })
  coDepartmentIds: string[] = [];

  @Property({ type: ArrayType, columnType: 'uuid[]' })
  rejectedDepartmentIds: string[] = [];

  @Field(() => Int, { description: '退单: how many times departments rejected it.' })
  @Property({ type: 'integer' })
  rejectCount: number = 0;

  @Field(() => Int, { description: 'How many times the centre re-routed it before acceptance.' })
  @Property({ type: 'integer' })
  rerouteCount: number = 0;

  @ManyToOne(() => Department, { mapToPk: true, fieldName: 'binding_department_id', nullable: true })
  bindingDepartmentId: string | null = null;

  @ManyToOne(() => Ticket, { mapToPk: true, fieldName: 'parent_id', nullable: true, index: true })
  parentId: string | null = null;

  @Field(() => Date, { nullable: true })
  @Property({ type: 'datetime', nullable: true })
  dispatchedAt: Date | null = null;

  @Field(() => Date, { nullable: true, description: '签收时限: accept by.' })
  @Property({ type: 'datetime', nullable: true })
  acceptDeadline: Date | null = null;

  @Field(() => Date, { nullable: true, description: '办结时限: resolve by.' })
  @Property({ type: 'datetime', nullable: true })
  resolveDeadline: Date | null = null;

  @Field(() => Date, { nullable: true, description: '回访时限: return visit by.' })
  @Property({ type: 'datetime', nullable: true })
  returnVisitDeadline: Date | null = null;

  /** The deadline running in the current status; `overdue` when it has passed. */
  @Field(() => Date, { nullable: true, description: 'The deadline running in the current status.' })
  @Property({ type: 'datetime', nullable: true })
  dueAt: Date | null = null;

  @Field(() => Date, { nullable: true })
  @Property({ type: 'datetime', nullable: true })
  acceptedAt: Date | null = null;

  @Field(() => Date, { nullable: true })
  @Property({ type: 'datetime', nullable: true })
  resolvedAt: Date | null = null;

  @Field(() => Date, { nullable: true })
  @Property({ type: 'datetime', nullable: true })
  closedAt: Date | null = null;

  @Field(() => String, { nullable: true, description: "The department's reply to the citizen." })
  @UseMiddleware(RedactPersonalData)
  @Property({ type: 'text', nullable: true })
  reply: string | null = null;

  @Field(() => Satisfaction, { nullable: true })
  @Enum({ items: () => Satisfaction, nullable: true })
  satisfaction: Satisfaction | null = null;

  @Field(() => Resolution, { nullable: true })
  @Enum({ items: () => Resolution, nullable: true })
  resolution: Resolution | null = null;

  @Field(() => Int)
  @Property({ type: 'integer' })
  reopenCount: number = 0;

  /** 首办负责: the department a re-opened ticket returns to (see TicketState) */
  @ManyToOne(() => Department, { mapToPk: true, fieldName: 'returns_to_department_id', nullable: true })
  returnsToDepartmentId: string | null = null;

  @Field(() => Boolean)
  @Property({ type: 'boolean' })
  extensionPending: boolean = false;

  /** 事项: the duty-list matter it is routed under (see `routing` for why) */
  // indexed by (matter, cell, district, created_at) — a matter's tickets, and its foreign key
  @ManyToOne(() => Matter, { mapToPk: true, fieldName: 'matter_id', nullable: true })
  matterId: string | null = null;

  @ManyToOne(() => DutyListVersion, { mapToPk: true, fieldName: 'duty_list_version_id', nullable: true })
  dutyListVersionId: string | null = null;

  /**
   * The router's suggestions and explanation at intake (not lifecycle state). Not read with the
   * ticket (lists do not show it, and it is the row's biggest column): `routingByTicket` loads it
   * for the tickets whose `routing` is asked for, a change of the ticket with it.
   */
  @Property({ type: 'json', nullable: true, lazy: true })
  routing?: RoutingRecord | null = null;

  @Field(() => Date)
  @Property({ type: 'datetime' })
  createdAt!: Date;

  @Field(() => Date)
  @Property({ type: 'datetime' })
  updatedAt!: Date;

  /**
   * Optimistic lock: every change takes the version the caller saw (checked under the row
   * lock). It counts the ticket's events: each one adds 1, in the same flush.
   */
  @Field(() => Int, { description: 'Pass it back as expectedVersion when you change the ticket.' })
  @Property({ type: 'integer', default: 1 })
  version!: number;
}
