import { Entity, Enum, Index, ManyToOne, PrimaryKey, Property, Unique } from '@mikro-orm/core';
import { Field, ID, Int, ObjectType, UseMiddleware } from 'type-graphql';
import { GraphQLJSONObject } from 'graphql-scalars';
import { Ticket } from './ticket.entity';
import { TicketEventType, TicketStatus } from './ticket.enums';
import type { TicketState } from './ticket.lifecycle';
import { RedactPersonalData } from '../auth/redact';

/**
 * The append-only audit log (操作日志) of a ticket: one row per state change, written in the
 * same transaction as the change. `seq` is the ticket's version after the event.
 */
@Entity({ tableName: 'ticket_events' })
@Unique({ properties: ['ticketId', 'seq'] })
@Index({ properties: ['occurredAt'] })
@ObjectType({ description: 'One state change of a ticket, in its append-only audit log.' })
export class TicketEvent {
  @Field(() => ID, { description: 'Monotonically increasing across the hub.' })
  @PrimaryKey({ type: 'bigint', autoincrement: true })
  id!: string;

  @ManyToOne(() => Ticket, { mapToPk: true, fieldName: 'ticket_id' })
  ticketId!: string;

  @Field(() => Int)
  @Property({ type: 'integer' })
  seq!: number;

  @Field(() => TicketEventType)
  @Enum({ items: () => TicketEventType })
  type!: TicketEventType;

  @Field(() => TicketStatus, { nullable: true })
  @Enum({ items: () => TicketStatus, nullable: true })
  fromStatus!: TicketStatus | null;

  @Field(() => TicketStatus)
  @Enum({ items: () => TicketStatus })
  toStatus!: TicketStatus;

  @Field(() => String, { description: 'Who did it: role, scope and subject.' })
  @Property({ type: 'text' })
  actor!: string;

  @Field(() => String, { nullable: true })
  @UseMiddleware(RedactPersonalData)
  @Property({ type: 'text', nullable: true })
  note!: string | null;

  /** The lifecycle fields the event changed; replaying these gives the ticket's state. */
  @Field(() => GraphQLJSONObject, { description: 'The lifecycle fields this event changed.' })
  @UseMiddleware(RedactPersonalData)
  @Property({ type: 'json' })
  changes!: Partial<TicketState>;

  @Field(() => Date)
  @Property({ type: 'datetime' })
  occurredAt!: Date;
}
