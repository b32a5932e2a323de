import { Entity, Index, PrimaryKey, Property } from '@mikro-orm/core';

/** Stands for "no matter yet" in the rollup key (a ticket waiting for manual dispatch). */
export const NO_MATTER = '00000000-0000-0000-0000-000000000000';

/**
 * Hourly heatmap rollup: located tickets received per H3 cell × district × matter × hour,
 * kept current from the event stream (a re-route moves a ticket between matters).
 */
@Entity({ tableName: 'heatmap_hourly' })
@Index({ properties: ['matterId', 'hour'] })
export class HeatmapHourly {
  @PrimaryKey({ type: 'datetime' })
  hour!: Date;

  @PrimaryKey({ type: 'string', length: 16 })
  cell!: string;

  @PrimaryKey({ type: 'uuid' })
  districtId!: string;

  @PrimaryKey({ type: 'uuid' })
  matterId!: string;

  @Property({ type: 'integer' })
  count!: number;
}

/** Daily rollup over all matters (cell × district × UTC day): whole-city windows of days read this. */
@Entity({ tableName: 'heatmap_daily' })
export class HeatmapDaily {
  @PrimaryKey({ type: 'datetime' })
  day!: Date;

  @PrimaryKey({ type: 'string', length: 16 })
  cell!: string;

  @PrimaryKey({ type: 'uuid' })
  districtId!: string;

  @Property({ type: 'integer' })
  count!: number;
}
