import { Entity, Index, PrimaryKey, Property } from '@mikro-orm/core';

/**
 * 重复件: the earlier open report a new ticket most resembles, found after intake by the
 * duplicate detector; `merged` when it was sure enough to merge the ticket under it.
 */
@Entity({ tableName: 'duplicate_suggestions' })
@Index({ properties: ['parentId'] })
export class DuplicateSuggestion {
  @PrimaryKey({ type: 'uuid' })
  ticketId!: string;

  @Property({ type: 'uuid' })
  parentId!: string;

  /** Jaccard of character shingles, or containment when one text holds the other */
  @Property({ type: 'double' })
  similarity!: number;

  @Property({ type: 'integer', nullable: true })
  distanceMeters: number | null = null;

  @Property({ type: 'boolean' })
  merged!: boolean;

  @Property({ type: 'datetime' })
  at!: Date;
}
