import { randomUUID } from 'node:crypto';
import { Entity, ManyToOne, PrimaryKey, Property } from '@mikro-orm/core';
import { Department } from '../departments/department.entity';
import { Ticket } from '../tickets/ticket.entity';

/**
 * Evidence for the next duty list: one arbitration decision (疑难调处) — the matter, the
 * department(s) that rejected, the department decided on, and both sides' reasons.
 */
@Entity({ tableName: 'matter_disputes' })
export class MatterDispute {
  @PrimaryKey({ type: 'uuid' })
  id: string = randomUUID();

  @ManyToOne(() => Ticket, { mapToPk: true, fieldName: 'ticket_id', index: true })
  ticketId!: string;

  /** matter code the ticket was routed under (null when it had none) */
  @Property({ type: 'string', length: 64, nullable: true, index: true })
  matterCode!: string | null;

  @ManyToOne(() => Department, { mapToPk: true, fieldName: 'rejected_by_id' })
  rejectedById!: string;

  @ManyToOne(() => Department, { mapToPk: true, fieldName: 'decided_id' })
  decidedId!: string;

  @Property({ type: 'text', nullable: true })
  rejectReason!: string | null;

  @Property({ type: 'text' })
  decision!: string;

  @Property({ type: 'datetime' })
  decidedAt!: Date;
}
