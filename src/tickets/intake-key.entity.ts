import { Entity, PrimaryKey, Property } from '@mikro-orm/core';

/**
 * An intake's idempotency key (per caller): a retry with the same key and the same input gets
 * the ticket it created; written in the same statement as the ticket.
 */
@Entity({ tableName: 'intake_keys' })
export class IntakeKey {
  /** who sent it (the token's subject and role) */
  @PrimaryKey({ type: 'text' })
  actor!: string;

  @PrimaryKey({ type: 'string', length: 100 })
  key!: string;

  /** SHA-256 of the input without the key */
  @Property({ type: 'string', length: 64 })
  requestHash!: string;

  @Property({ type: 'uuid' })
  ticketId!: string;

  @Property({ type: 'datetime' })
  createdAt!: Date;
}
