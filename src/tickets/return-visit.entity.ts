import { randomUUID } from 'node:crypto';
import { Entity, Enum, ManyToOne, OptionalProps, PrimaryKey, Property } from '@mikro-orm/core';
import { Field, ObjectType, UseMiddleware } from 'type-graphql';
import { Ticket } from './ticket.entity';
import { Resolution, Satisfaction } from './ticket.enums';
import { RedactPersonalData } from '../auth/redact';

/** 回访: the call back to the citizen after the ticket is resolved. */
@Entity({ tableName: 'return_visits' })
@ObjectType({ description: '回访: the call back to the citizen after resolution.' })
export class ReturnVisit {
  [OptionalProps]?: 'note';

  @PrimaryKey({ type: 'uuid' })
  id: string = randomUUID();

  @ManyToOne(() => Ticket, { mapToPk: true, fieldName: 'ticket_id', index: true })
  ticketId!: string;

  @Field(() => Satisfaction)
  @Enum({ items: () => Satisfaction })
  satisfaction!: Satisfaction;

  @Field(() => Resolution)
  @Enum({ items: () => Resolution })
  resolution!: Resolution;

  @Field(() => String, { nullable: true })
  @UseMiddleware(RedactPersonalData)
  @Property({ type: 'text', nullable: true })
  note: string | null = null;

  @Field(() => String)
  @Property({ type: 'text' })
  visitedBy!: string;

  @Field(() => Date)
  @Property({ type: 'datetime' })
  visitedAt!: Date;
}
