import { randomUUID } from 'node:crypto';
import { Entity, Enum, ManyToOne, OptionalProps, PrimaryKey, Property } from '@mikro-orm/core';
import { Field, Float, ObjectType, registerEnumType } from 'type-graphql';
import { Node } from '../shared/relay';
import { District } from './district.entity';

/** What a department does; the duty list names kinds, jurisdiction picks the department. */
export enum DepartmentKind {
  /** 生态环境 */
  ECOLOGY_ENVIRONMENT = 'ECOLOGY_ENVIRONMENT',
  /** 城市管理和综合执法 */
  URBAN_MANAGEMENT = 'URBAN_MANAGEMENT',
  /** 公路事务 */
  HIGHWAY = 'HIGHWAY',
  /** 人力资源和社会保障 */
  HUMAN_RESOURCES = 'HUMAN_RESOURCES',
  /** 住房和城乡建设 */
  HOUSING = 'HOUSING',
  /** 市场监督管理 */
  MARKET_REGULATION = 'MARKET_REGULATION',
  /** 交通运输 */
  TRANSPORT = 'TRANSPORT',
  /** 教育 */
  EDUCATION = 'EDUCATION',
  /** 卫生健康 */
  HEALTH = 'HEALTH',
  /** 医疗保障 */
  MEDICAL_INSURANCE = 'MEDICAL_INSURANCE',
  /** 水务 */
  WATER = 'WATER',
  /** 公安 */
  PUBLIC_SECURITY = 'PUBLIC_SECURITY',
  /** 出入境管理 */
  EXIT_ENTRY = 'EXIT_ENTRY',
  /** 口岸、航空和铁路事务 */
  PORT_AVIATION_RAILWAY = 'PORT_AVIATION_RAILWAY',
  /** 民政 */
  CIVIL_AFFAIRS = 'CIVIL_AFFAIRS',
  /** 规划和自然资源 */
  PLANNING_NATURAL_RESOURCES = 'PLANNING_NATURAL_RESOURCES',
  /** 林业和园林 */
  FORESTRY_GARDENS = 'FORESTRY_GARDENS',
  /** 应急管理 */
  EMERGENCY_MANAGEMENT = 'EMERGENCY_MANAGEMENT',
  /** 司法 */
  JUSTICE = 'JUSTICE',
  /** 街道办事处 */
  STREET_OFFICE = 'STREET_OFFICE',
}
registerEnumType(DepartmentKind, { name: 'DepartmentKind' });

/** Jurisdiction level: a city bureau, a district branch, or a street office. */
export enum DepartmentLevel {
  CITY = 'CITY',
  DISTRICT = 'DISTRICT',
  STREET = 'STREET',
}
registerEnumType(DepartmentLevel, { name: 'DepartmentLevel' });

/** 责任单位 / 承办单位: a department that handles tickets. */
@Entity({ tableName: 'departments' })
@ObjectType({ implements: Node, description: '责任单位/承办单位: a department that handles tickets.' })
export class Department {
  [OptionalProps]?: 'districtId' | 'lat' | 'lng' | 'boundary';

  @PrimaryKey({ type: 'uuid' })
  id: string = randomUUID();

  @Field(() => String, { description: 'Stable code, e.g. GZ-HRSS or 440106-UM.' })
  @Property({ type: 'string', length: 32, unique: true })
  code!: string;

  @Field(() => String)
  @Property({ type: 'string', length: 128 })
  name!: string;

  @Field(() => DepartmentKind)
  @Enum({ items: () => DepartmentKind })
  kind!: DepartmentKind;

  @Field(() => DepartmentLevel)
  @Enum({ items: () => DepartmentLevel })
  level!: DepartmentLevel;

  /** The district a DISTRICT or STREET level department serves; null for city bureaus. */
  @ManyToOne(() => District, { mapToPk: true, fieldName: 'district_id', nullable: true, index: true })
  districtId: string | null = null;

  /**
   * 驻地: where the office sits (WGS-84), when known. A STREET-level matter goes to the street
   * office whose area (`boundary`) holds the ticket's place, else to the one sitting nearest it.
   */
  @Field(() => Float, { nullable: true, description: 'Latitude of the office’s seat (驻地), when known: street offices are chosen by place.' })
  @Property({ type: 'double', nullable: true })
  lat: number | null = null;

  @Field(() => Float, { nullable: true, description: 'Longitude of the office’s seat (驻地), when known.' })
  @Property({ type: 'double', nullable: true })
  lng: number | null = null;

  /**
   * 辖区: the area it serves, a GeoJSON geometry (Polygon or MultiPolygon) in WGS-84, when known.
   * Lazy: only dispatch reads it (`populate: ['boundary']`), not every directory lookup.
   */
  @Property({ type: 'json', nullable: true, lazy: true })
  boundary: Record<string, unknown> | null = null;
}
