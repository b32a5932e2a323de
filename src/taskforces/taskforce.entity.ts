import { ArrayType, Entity, Enum, Index, PrimaryKey, Property } from '@mikro-orm/core';
import { RedactPersonalData } from '../auth/redact';
import { Field, ObjectType, registerEnumType, UseMiddleware } from 'type-graphql';
import { Node } from '../shared/relay';

export enum TaskForceStatus {
  /** working: members act, tickets and alerts can be linked */
  ACTIVE = 'ACTIVE',
  /** closed once every linked ticket was resolved */
  CLOSED = 'CLOSED',
}
registerEnumType(TaskForceStatus, { name: 'TaskForceStatus' });

/**
 * 工作专班: a cross-department team for a problem no single department can solve (Dongguan's
 * 72 workers: labour, police, justice and the district office together). A lead department,
 * member departments, linked tickets and alerts, an action log; it closes only when its
 * tickets are resolved. Member departments see the linked tickets.
 */
@ObjectType({ implements: Node, description: '工作专班: a cross-department task force.' })
@Entity({ tableName: 'task_forces' })
@Index({ properties: ['districtId', 'createdAt'] })
@Index({ name: 'task_forces_departments', expression: 'create index "task_forces_departments" on "task_forces" using gin ("department_ids")' })
export class TaskForce {
  @PrimaryKey({ type: 'uuid' })
  id!: string;

  @UseMiddleware(RedactPersonalData)
  @Field(() => String)
  @Property({ type: 'string', length: 200 })
  name!: string;

  @Field(() => TaskForceStatus)
  @Enum({ items: () => TaskForceStatus })
  status!: TaskForceStatus;

  /** the district it works in (its office sees it) */
  @Property({ type: 'uuid' })
  districtId!: string;

  @Property({ type: 'uuid' })
  leadDepartmentId!: string;

  /** lead and members: whose staff see it and its tickets */
  @Property({ type: ArrayType, columnType: 'uuid[]' })
  departmentIds: string[] = [];

  @Property({ type: ArrayType, columnType: 'uuid[]' })
  ticketIds: string[] = [];

  @Property({ type: ArrayType, columnType: 'uuid[]' })
  alertIds: string[] = [];

  @Field(() => String, { description: 'Who formed it.' })
  @Property({ type: 'text' })
  formedBy!: string;

  @Field(() => Date)
  @Property({ type: 'datetime' })
  createdAt!: Date;

  @Field(() => Date, { nullable: true })
  @Property({ type: 'datetime', nullable: true })
  closedAt: Date | null = null;

  @Field(() => Number, { description: 'Increases with every change; pass it back as `expectedVersion`.' })
  @Property({ type: 'integer' })
  version!: number;
}

/** The task force's action log (台账): formed, members, links, each member's actions, closed. */
@ObjectType({ description: 'One entry of a task force’s action log.' })
@Entity({ tableName: 'task_force_actions' })
@Index({ properties: ['taskForceId', 'id'] })
export class TaskForceAction {
  @PrimaryKey({ type: 'bigint', autoincrement: true })
  id!: string;

  @Property({ type: 'uuid' })
  taskForceId!: string;

  @Field(() => String, { description: 'FORMED, MEMBERS_ADDED, TICKETS_LINKED, ACTION, CLOSED.' })
  @Property({ type: 'string', length: 32 })
  type!: string;

  @Field(() => String)
  @Property({ type: 'text' })
  actor!: string;

  @UseMiddleware(RedactPersonalData)
  @Field(() => String, { nullable: true })
  @Property({ type: 'text', nullable: true })
  note: string | null = null;

  @Field(() => Date)
  @Property({ type: 'datetime' })
  at!: Date;
}
