import { Entity, Enum, Index, ManyToOne, PrimaryKey, Property } from '@mikro-orm/core';
import { Field, ID, ObjectType, registerEnumType } from 'type-graphql';
import { Role } from '../auth/viewer';
import { Ticket } from './ticket.entity';

/** Why someone needs a citizen's name, phone or address (PIPL: a stated purpose). */
export enum ContactPurpose {
  /** 回访: the return call asking whether the citizen is satisfied */
  RETURN_VISIT = 'RETURN_VISIT',
  /** 办理联系: the handling department contacts the citizen about the matter */
  HANDLING = 'HANDLING',
  /** 核实: checking facts with the caller (intake, arbitration) */
  VERIFICATION = 'VERIFICATION',
  /** 督办: supervision of a late or disputed ticket */
  SUPERVISION = 'SUPERVISION',
  /** 依法调取: a lawful request (court, police), named in the reason */
  LEGAL_REQUEST = 'LEGAL_REQUEST',
}
registerEnumType(ContactPurpose, { name: 'ContactPurpose', description: 'Why the caller’s personal data is needed.' });

/**
 * 个人信息查阅记录: one unmasking of a ticket's personal data — who, when, which ticket, why.
 * Written in the same transaction that reads the data; never updated or deleted by the hub.
 */
@ObjectType({ description: 'An audited unmasking of a caller’s personal data.' })
@Entity({ tableName: 'personal_data_accesses' })
@Index({ properties: ['ticketId', 'at'] })
@Index({ properties: ['subject', 'at'] })
export class PersonalDataAccess {
  @Field(() => ID)
  @PrimaryKey({ type: 'bigint', autoincrement: true })
  id!: string;

  @ManyToOne(() => Ticket, { mapToPk: true, fieldName: 'ticket_id' })
  ticketId!: string;

  @Field(() => String, { description: 'The ticket’s number, e.g. GZ-20260131-000123.' })
  @Property({ type: 'string', length: 32 })
  ticketNumber!: string;

  @Field(() => String, { description: 'Who: role, scope and subject.' })
  @Property({ type: 'text' })
  actor!: string;

  @Field(() => Role)
  @Enum({ items: () => Role })
  role!: Role;

  @Field(() => String, { description: 'The token’s or API key’s subject.' })
  @Property({ type: 'text' })
  subject!: string;

  @Field(() => ContactPurpose)
  @Enum({ items: () => ContactPurpose })
  purpose!: ContactPurpose;

  @Field(() => String)
  @Property({ type: 'text' })
  reason!: string;

  @Field(() => Date)
  @Property({ type: 'datetime' })
  at!: Date;
}
