import { randomUUID } from 'node:crypto';
import { Entity, PrimaryKey, Property } from '@mikro-orm/core';
import { Field, Float, ObjectType } from 'type-graphql';
import { Node } from '../shared/relay';

/** 区: an administrative district, by its national code (e.g. 440106 天河区). */
@Entity({ tableName: 'districts' })
@ObjectType({ implements: Node, description: '区: an administrative district.' })
export class District {
  @PrimaryKey({ type: 'uuid' })
  id: string = randomUUID();

  /** GB/T 2260 administrative code, e.g. 440106 */
  @Field(() => String, { description: 'Administrative code (GB/T 2260), e.g. 440106.' })
  @Property({ type: 'string', length: 12, unique: true })
  code!: string;

  @Field(() => String)
  @Property({ type: 'string', length: 64 })
  name!: string;

  @Field(() => String, { description: 'Code of the city the district belongs to, e.g. 4401.' })
  @Property({ type: 'string', length: 12 })
  cityCode!: string;

  @Field(() => String)
  @Property({ type: 'string', length: 64 })
  cityName!: string;

  @Field(() => Float)
  @Property({ type: 'double' })
  centroidLat!: number;

  @Field(() => Float)
  @Property({ type: 'double' })
  centroidLng!: number;

  /** GeoJSON geometry (Polygon or MultiPolygon), when known. */
  @Property({ type: 'json', nullable: true })
  boundary?: Record<string, unknown> | null;
}
