import { randomUUID } from 'node:crypto';
import { Entity, Enum, ManyToOne, OptionalProps, PrimaryKey, Property, Unique } from '@mikro-orm/core';
import { TextArrayType } from '../shared/text-array.type';
import { Field, Int, ObjectType } from 'type-graphql';
import { DepartmentKind, DepartmentLevel } from '../departments/department.entity';
import { Node } from '../shared/relay';
import { DutyListVersion } from './duty-list-version.entity';

/**
 * 事项: an entry of the duty list. Categories have children; leaves name the responsible
 * department kind and the jurisdiction level that picks the department for a ticket's district.
 */
@Entity({ tableName: 'matters' })
@Unique({ properties: ['versionId', 'code'] })
@ObjectType({ implements: Node, description: '事项: an entry of the duty list (a category or a leaf).' })
export class Matter {
  [OptionalProps]?:
    | 'parentCode'
    | 'description'
    | 'keywords'
    | 'examples'
    | 'departmentKind'
    | 'level'
    | 'coHandlingKinds'
    | 'resolveDays'
    | 'active'
    | 'position';

  @PrimaryKey({ type: 'uuid' })
  id: string = randomUUID();

  @ManyToOne(() => DutyListVersion, { mapToPk: true, fieldName: 'version_id', deleteRule: 'cascade' })
  versionId!: string;

  @Field(() => String, { description: 'Stable code, e.g. NOISE.CONSTRUCTION; the same across versions.' })
  @Property({ type: 'string', length: 64 })
  code!: string;

  @Field(() => String, { nullable: true })
  @Property({ type: 'string', length: 64, nullable: true })
  parentCode: string | null = null;

  @Field(() => String)
  @Property({ type: 'string', length: 128 })
  name!: string;

  @Field(() => String, { nullable: true })
  @Property({ type: 'text', nullable: true })
  description: string | null = null;

  @Field(() => [String])
  @Property({ type: TextArrayType, columnType: 'text[]' })
  keywords: string[] = [];

  @Field(() => [String], { description: 'Example sentences, in callers’ words.' })
  @Property({ type: TextArrayType, columnType: 'text[]' })
  examples: string[] = [];

  /** 责任单位类别: null for categories */
  @Field(() => DepartmentKind, { nullable: true })
  @Enum({ items: () => DepartmentKind, nullable: true })
  departmentKind: DepartmentKind | null = null;

  /** Jurisdiction: a city bureau, or the branch in the ticket's district. */
  @Field(() => DepartmentLevel, { nullable: true })
  @Enum({ items: () => DepartmentLevel, nullable: true })
  level: DepartmentLevel | null = null;

  /** 协办单位类别 */
  @Field(() => [DepartmentKind])
  @Enum({ items: () => DepartmentKind, array: true })
  coHandlingKinds: DepartmentKind[] = [];

  /** Working days to resolve; null: by the ticket's category. */
  @Field(() => Int, { nullable: true })
  @Property({ type: 'integer', nullable: true })
  resolveDays: number | null = null;

  @Field(() => Boolean)
  @Property({ type: 'boolean' })
  active: boolean = true;

  /** order among siblings, as imported */
  @Property({ type: 'integer' })
  position: number = 0;
}
