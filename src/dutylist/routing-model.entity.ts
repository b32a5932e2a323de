import { randomUUID } from 'node:crypto';
import { Entity, ManyToOne, PrimaryKey, Property } from '@mikro-orm/core';
import { DutyListVersion } from './duty-list-version.entity';

/** A trained router, persisted so that a restart needs no retraining. */
@Entity({ tableName: 'routing_models' })
export class RoutingModel {
  @PrimaryKey({ type: 'uuid' })
  id: string = randomUUID();

  @ManyToOne(() => DutyListVersion, { mapToPk: true, fieldName: 'version_id', index: true, deleteRule: 'cascade' })
  versionId!: string;

  @Property({ type: 'datetime' })
  trainedAt!: Date;

  /** duty-list examples and confirmed tickets it learned from */
  @Property({ type: 'integer' })
  listExamples!: number;

  @Property({ type: 'integer' })
  historyExamples!: number;

  @Property({ type: 'json', lazy: true })
  model!: unknown;
}
