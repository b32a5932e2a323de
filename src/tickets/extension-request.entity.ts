import { randomUUID } from 'node:crypto';
import { Entity, Enum, ManyToOne, OptionalProps, PrimaryKey, Property } from '@mikro-orm/core';
import { Field, Int, ObjectType, UseMiddleware } from 'type-graphql';
import { Department } from '../departments/department.entity';
import { Ticket } from './ticket.entity';
import { ExtensionStatus } from './ticket.enums';
import { RedactPersonalData } from '../auth/redact';

/** 延期申请: a department asks for more time; a supervisor approves or denies. */
@Entity({ tableName: 'extension_requests' })
@ObjectType({ description: '延期申请: a request for more time, approved or denied by a supervisor.' })
export class ExtensionRequest {
  [OptionalProps]?: 'status' | 'decidedBy' | 'decisionNote' | 'decidedAt';

  @PrimaryKey({ type: 'uuid' })
  id: string = randomUUID();

  @ManyToOne(() => Ticket, { mapToPk: true, fieldName: 'ticket_id', index: true })
  ticketId!: string;

  @ManyToOne(() => Department, { mapToPk: true, fieldName: 'department_id' })
  departmentId!: string;

  @Field(() => Int, { description: 'Extra working days asked for.' })
  @Property({ type: 'integer' })
  days!: number;

  @Field(() => String)
  @UseMiddleware(RedactPersonalData)
  @Property({ type: 'text' })
  reason!: string;

  @Field(() => ExtensionStatus)
  @Enum({ items: () => ExtensionStatus })
  status: ExtensionStatus = ExtensionStatus.PENDING;

  @Field(() => String)
  @Property({ type: 'text' })
  requestedBy!: string;

  @Field(() => Date)
  @Property({ type: 'datetime' })
  requestedAt!: Date;

  @Field(() => String, { nullable: true })
  @Property({ type: 'text', nullable: true })
  decidedBy: string | null = null;

  @Field(() => String, { nullable: true })
  @UseMiddleware(RedactPersonalData)
  @Property({ type: 'text', nullable: true })
  decisionNote: string | null = null;

  @Field(() => Date, { nullable: true })
  @Property({ type: 'datetime', nullable: true })
  decidedAt: Date | null = null;
}
