import { ArrayType, Entity, Index, PrimaryKey, Property, Unique } from '@mikro-orm/core';

/** What an event is about: its stream. */
export type Topic = 'ticket' | 'dutylist' | 'alert' | 'taskforce';

/**
 * The transactional outbox: every domain event is written here in the same transaction as the
 * change it describes. `id` orders inserts; `position` — the event id clients see and resume
 * from — is given by the relay after commit, so it grows in the order events become visible.
 */
@Entity({ tableName: 'outbox_events' })
@Index({ name: 'outbox_events_unpositioned', expression: 'create index "outbox_events_unpositioned" on "outbox_events" ("id") where "position" is null' })
// positions are unique; the index holds positioned rows only, so the relay's search for
// unpositioned events can only take the partial index above (in id order, skipping the dead
// entries it meets), never a bitmap over every dead not-yet-positioned version of a row
@Unique({ name: 'outbox_events_position_unique', expression: 'create unique index "outbox_events_position_unique" on "outbox_events" ("position") where "position" is not null' })
@Index({ properties: ['occurredAt'] })
export class OutboxEvent {
  @PrimaryKey({ type: 'bigint', autoincrement: true })
  id!: string;

  /** Assigned by the relay after commit: strictly increasing in delivery order. */
  @Property({ type: 'bigint', nullable: true })
  position: string | null = null;

  @Property({ type: 'string', length: 16 })
  topic!: Topic;

  @Property({ type: 'string', length: 48 })
  type!: string;

  @Property({ type: 'uuid' })
  aggregateId!: string;

  /** Scope columns, so filters and authorisation need no lookups. */
  @Property({ type: 'uuid', nullable: true })
  districtId: string | null = null;

  @Property({ type: ArrayType, columnType: 'uuid[]' })
  departmentIds: string[] = [];

  @Property({ type: 'uuid', nullable: true })
  matterId: string | null = null;

  /** A plain, personal-data-free description of the event. */
  @Property({ type: 'json' })
  payload!: Record<string, unknown>;

  @Property({ type: 'datetime' })
  occurredAt!: Date;
}

/** The relay's checkpoint: the last position it published (a single row). */
@Entity({ tableName: 'outbox_relay' })
export class OutboxRelayCheckpoint {
  @PrimaryKey({ type: 'smallint', autoincrement: false })
  id!: number;

  @Property({ type: 'bigint' })
  published!: string;
}

/** How far a checkpointed consumer (heatmap rollups, detectors) has applied the stream. */
@Entity({ tableName: 'consumer_checkpoints' })
export class ConsumerCheckpoint {
  @PrimaryKey({ type: 'string', length: 64 })
  name!: string;

  @Property({ type: 'bigint' })
  position!: string;
}
