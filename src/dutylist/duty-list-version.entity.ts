import { randomUUID } from 'node:crypto';
import { Entity, Enum, OptionalProps, PrimaryKey, Property } from '@mikro-orm/core';
import { Field, Int, ObjectType } from 'type-graphql';
import { Node } from '../shared/relay';
import { DutyListStatus } from './dutylist.enums';

/** 民生诉求事项清单, one version of it: a tree of matters with the department responsible. */
@Entity({ tableName: 'duty_list_versions' })
@ObjectType({ implements: Node, description: '民生诉求事项清单: one version of the duty list.' })
export class DutyListVersion {
  [OptionalProps]?: 'status' | 'effectiveAt' | 'publishedAt' | 'notes' | 'version';

  @PrimaryKey({ type: 'uuid' })
  id: string = randomUUID();

  /** 1, 2, 3… in order of creation */
  @Field(() => Int, { description: 'Version number: 1, 2, 3… in order of creation.' })
  @Property({ type: 'integer', unique: true })
  number!: number;

  @Field(() => DutyListStatus)
  @Enum({ items: () => DutyListStatus })
  status: DutyListStatus = DutyListStatus.DRAFT;

  @Field(() => Date, { nullable: true, description: 'When a published version is in force from.' })
  @Property({ type: 'datetime', nullable: true })
  effectiveAt: Date | null = null;

  @Field(() => Date, { nullable: true })
  @Property({ type: 'datetime', nullable: true })
  publishedAt: Date | null = null;

  @Field(() => String)
  @Property({ type: 'text' })
  author!: string;

  @Field(() => String, { nullable: true })
  @Property({ type: 'text', nullable: true })
  notes: string | null = null;

  @Field(() => Date)
  @Property({ type: 'datetime' })
  createdAt!: Date;

  @Field(() => Int)
  @Property({ type: 'integer', version: true })
  version!: number;
}
