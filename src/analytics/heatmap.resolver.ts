import { Args, ArgsType, Ctx, Field, Float, Int, ObjectType, Query, registerEnumType, Resolver, Root, Subscription } from 'type-graphql';
import { GraphQLJSONObject } from 'graphql-scalars';
import type { RequestContext } from '../app/context';
import type { LiveContext } from '../realtime/live.service';
import { HeatmapUpdateKind } from './heatmap.live';
import type { HeatmapLive, HeatmapUpdateValue } from './heatmap.live';
import { cellCenter, HeatmapWindow, toGeoJson } from './heatmap.service';
import type { HeatmapResult, HeatmapService } from './heatmap.service';

registerEnumType(HeatmapWindow, { name: 'HeatmapWindow', description: 'A window ending now.' });
registerEnumType(HeatmapUpdateKind, {
  name: 'HeatmapUpdateKind',
  description: 'SNAPSHOT: every cell with tickets; DELTA: only the cells that changed, with their new counts (0: gone).',
});

@ArgsType()
export class HeatmapArgsType {
  @Field(() => HeatmapWindow, { nullable: true, description: 'A window ending now (default LAST_24H); or give from and to.' })
  window?: HeatmapWindow | null;

  @Field(() => Date, { nullable: true })
  from?: Date | null;

  @Field(() => Date, { nullable: true })
  to?: Date | null;

  @Field(() => Int, { nullable: true, description: 'H3 resolution, at most HEATMAP_RESOLUTION (default: that).' })
  resolution?: number | null;

  @Field(() => [String], { nullable: true, description: 'District codes; within your scope, the whole city when empty.' })
  districtCodes?: string[] | null;

  @Field(() => [String], { nullable: true, description: 'Duty-list matter codes; a category code includes its matters.' })
  matterCodes?: string[] | null;
}

@ObjectType({ description: 'One H3 cell with its ticket count.' })
export class HeatmapCell {
  @Field(() => String, { description: 'The H3 index.' })
  cell!: string;

  @Field(() => Int)
  count!: number;

  @Field(() => Float, { description: 'The cell’s centre.' })
  lat!: number;

  @Field(() => Float)
  lng!: number;
}

/** What a heatmap and its live updates have in common. */
@ObjectType({ description: 'Not in the schema by itself: the fields Heatmap and HeatmapUpdate share.' })
abstract class HeatmapCells {
  @Field(() => Date)
  from!: Date;

  @Field(() => Date)
  to!: Date;

  @Field(() => Int)
  resolution!: number;

  @Field(() => [HeatmapCell])
  cells!: HeatmapCell[];

  @Field(() => GraphQLJSONObject, { description: 'The cells as a GeoJSON FeatureCollection of hexagons (properties: cell, count).' })
  geojson!: Record<string, unknown>;
}

@ObjectType({ description: '热力图: located tickets per H3 cell over a window; `cells` busiest first.' })
export class Heatmap extends HeatmapCells {
  @Field(() => Int, { description: 'Tickets in the cells.' })
  total!: number;

  @Field(() => GraphQLJSONObject, {
    description: 'The same counts as one object, { "<H3 index>": count } — compact for big maps and BI tools.',
  })
  counts!: Record<string, number>;
}

@ObjectType({ description: 'A live heatmap message: a snapshot first, then deltas at most twice a second.' })
export class HeatmapUpdate extends HeatmapCells {
  @Field(() => HeatmapUpdateKind)
  kind!: HeatmapUpdateKind;

  @Field(() => Date, { description: 'When the hub built this update.' })
  at!: Date;

  @Field(() => Int, { description: 'Tickets in the whole map after this update.' })
  total!: number;
}

/** A cell whose centre is computed only when asked for. */
function lazyCell(c: { cell: string; count: number }): HeatmapCell {
  let center: { lat: number; lng: number } | null = null;
  const at = () => (center ??= cellCenter(c.cell));
  return {
    cell: c.cell,
    count: c.count,
    get lat() {
      return at().lat;
    },
    get lng() {
      return at().lng;
    },
  };
}

function toHeatmap(r: HeatmapResult): Heatmap {
  return {
    from: r.from,
    to: r.to,
    resolution: r.resolution,
    total: r.total,
    get cells() {
      return r.cells.map(lazyCell);
    },
    get counts() {
      return Object.fromEntries(r.counts);
    },
    get geojson() {
      return toGeoJson(r.cells);
    },
  };
}

export function heatmapResolvers(heatmaps: HeatmapService, live: HeatmapLive) {
  @Resolver()
  class HeatmapResolver {
    @Query(() => Heatmap, { description: 'Ticket counts per H3 cell for a window, district(s) and matter(s), within your scope.' })
    async heatmap(@Args() args: HeatmapArgsType, @Ctx() rc: RequestContext): Promise<Heatmap> {
      return toHeatmap(await heatmaps.query(rc, args));
    }

    @Subscription(() => HeatmapUpdate, {
      name: 'heatmap',
      description: 'The heatmap, live: a snapshot, then deltas (at most 2 a second) as tickets arrive and the window moves.',
      subscribe: ({ args, context, info }) => live.join(context as LiveContext, args as HeatmapArgsType, info),
    })
    heatmapUpdates(@Root() u: HeatmapUpdateValue, @Args() _args: HeatmapArgsType): HeatmapUpdate {
      return {
        ...u,
        cells: u.cells.map(lazyCell),
        get geojson() {
          return toGeoJson(u.cells);
        },
      };
    }
  }
  return [HeatmapResolver];
}
