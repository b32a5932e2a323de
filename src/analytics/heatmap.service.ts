import { cellToBoundary, cellToLatLng } from 'h3-js';
import { districtIdsFor, matterIdsFor, requireOwnDistricts, viewerDepartment, viewerDistrictIds } from '../auth/scope';
import { CENTRE_ROLES, requireSignedIn, Role } from '../auth/viewer';
import type { RequestContext } from '../app/context';
import { OUTBOX_COLUMNS, streamEventOf } from '../realtime/events';
import type { OutboxRow, StreamEvent } from '../realtime/events';
import type { Tx } from '../realtime/consumer';
import type { Sql } from '../realtime/stream';
import type { Clock } from '../shared/clock';
import { badInput, forbidden } from '../shared/errors';
import type { TicketEventPayload } from '../tickets/ticket.events';
import { atResolution, HeatIndex } from './heat-index';
import { NO_MATTER } from './heatmap.entity';

/** Relative windows: they end now and move with time. */
export enum HeatmapWindow {
  LAST_HOUR = 'LAST_HOUR',
  LAST_24H = 'LAST_24H',
  LAST_7D = 'LAST_7D',
}

const WINDOW_MS: Record<HeatmapWindow, number> = {
  [HeatmapWindow.LAST_HOUR]: 3_600_000,
  [HeatmapWindow.LAST_24H]: 86_400_000,
  [HeatmapWindow.LAST_7D]: 7 * 86_400_000,
};

const HOUR = 3_600_000;
const DAY = 86_400_000;
const MAX_SPAN = 366 * DAY;

export interface HeatmapArgs {
  window?: HeatmapWindow | null;
  from?: Date | null;
  to?: Date | null;
  resolution?: number | null;
  districtCodes?: string[] | null;
  matterCodes?: string[] | null;
}

/** A heatmap request, checked and resolved to ids: what a query runs and a live group keeps current. */
export interface HeatmapSpec {
  window: HeatmapWindow | null;
  from: Date;
  to: Date;
  resolution: number;
  /** null: the whole city */
  districtIds: string[] | null;
  /** null: every matter */
  matterIds: string[] | null;
}

/** The name (and checkpoint) of the consumer that keeps heatmap_hourly and heatmap_daily. */
export const HEATMAP_ROLLUP_CONSUMER = 'heatmap';

/** Counts as of a stream position: every event up to `position` is in them, none after it. */
export interface PositionedCounts {
  counts: Map<string, number>;
  position: bigint;
}

export interface HeatmapCellCount {
  cell: string;
  count: number;
}

/** Ticket counts per H3 cell over a time window. */
export interface HeatmapResult {
  from: Date;
  to: Date;
  resolution: number;
  total: number;
  /** cell → count (cells with tickets only) */
  counts: Map<string, number>;
  /** the same, busiest first */
  readonly cells: HeatmapCellCount[];
}

/** GeoJSON for map libraries: one hexagon per cell, `count` in its properties. */
export function toGeoJson(cells: HeatmapCellCount[]): Record<string, unknown> {
  return {
    type: 'FeatureCollection',
    features: cells.map((c) => ({
      type: 'Feature',
      id: c.cell,
      geometry: { type: 'Polygon', coordinates: [cellToBoundary(c.cell, true)] },
      properties: { cell: c.cell, count: c.count },
    })),
  };
}

export function cellCenter(cell: string): { lat: number; lng: number } {
  const [lat, lng] = cellToLatLng(cell);
  return { lat, lng };
}

const floorTo = (t: number, unit: number) => Math.floor(t / unit) * unit;
const ceilTo = (t: number, unit: number) => Math.ceil(t / unit) * unit;
/** The outbox columns of `outbox_events o`, the position as text (exact in JSON). */
const OUTBOX_COLUMNS_AS_JSON = OUTBOX_COLUMNS.split(', ')
  .map((c) => (c === 'position' ? 'o.position::text as position' : `o.${c}`))
  .join(', ');

/**
 * 热力图: located tickets per H3 cell over a window, from rollups kept current by the event
 * stream — whole UTC days from the daily rollup (no matter filter), whole hours from the
 * hourly one, and the part-hours at the window's edges from the tickets themselves (an
 * index-only scan), so the answer is exact and costs the same at a thousand or a million tickets.
 */
export class HeatmapService {
  private sql: Sql | null = null;
  private index: HeatIndex | null = null;
  private indexLoad: Promise<void> | null = null;
  /** how far the index's load got (the index it was for: a new index starts again) */
  private indexLoadedFor: HeatIndex | null = null;
  private indexLoadedTo = 0;
  private indexStartedAt = 0;
  /** the position of the last stream event fed here: the index holds every event up to it */
  private fed: string | null = null;

  constructor(
    private readonly clock: Clock,
    /** the resolution cells are stored at (HEATMAP_RESOLUTION) */
    readonly storedResolution: number,
    private readonly indexOptions: { retentionMs: number; graceMs: number } = { retentionMs: 8 * DAY, graceMs: 5000 },
  ) {}

  attach(sql: Sql): void {
    this.sql = sql;
  }

  /**
   * Starts the in-memory index of recent located tickets: from now on, tickets arrive from the
   * stream (call after the stream has started: every ticket created from here on has its event
   * delivered); older ones are read from the tickets table on first use, after a grace period
   * in which intakes begun on other processes before this moment have committed. `position`:
   * the stream's position now (what the index holds is as of that position until events come).
   */
  startIndex(position?: string): void {
    this.index = new HeatIndex(this.clock.now().getTime(), this.indexOptions.retentionMs);
    this.indexStartedAt = Date.now();
    if (position && (this.fed === null || BigInt(position) > BigInt(this.fed))) this.fed = position;
  }

  private lastPrune = 0;

  /** Feeds a stream event to the index (every event, in stream order). */
  onEvent(e: StreamEvent): void {
    if (e.position) this.fed = e.position;
    if (!this.index || e.topic !== 'ticket' || e.type !== 'CREATED') return;
    const p = e.payload as unknown as TicketEventPayload;
    const t = Date.parse(p.createdAt);
    if (p.cell && t >= this.index.since) this.index.add(t, p.cell);
    // hours past the retention leave as new ones come, whether or not anyone reads the city
    // (at most once a minute)
    if (t - this.lastPrune >= 60_000) {
      this.lastPrune = t;
      this.index.prune(this.clock.now().getTime());
    }
  }

  /** Resolves when the index answers whole-city windows (loads it if needed). */
  async indexReady(): Promise<void> {
    if (!this.index || this.index.covers !== null) return;
    const wait = this.indexOptions.graceMs - (Date.now() - this.indexStartedAt);
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    await this.loadIndex();
  }

  private loadIndex(): Promise<void> {
    this.indexLoad ??= (async () => {
      const index = this.index!;
      const from = index.since - this.indexOptions.retentionMs;
      // a day at a time, so memory stays flat whatever the volume; a load that failed goes on
      // from the first day it had not added (adding a day again would count it twice)
      if (this.indexLoadedFor !== index) [this.indexLoadedFor, this.indexLoadedTo] = [index, from];
      for (let a = this.indexLoadedTo; a < index.since; a = this.indexLoadedTo) {
        const b = Math.min(a + DAY, index.since);
        const rows = await this.db<{ t: number; cell: string }>(
          `select (extract(epoch from created_at) * 1000)::float8 as t, cell from tickets
            where cell is not null and created_at >= $1 and created_at < $2`,
          [new Date(a), new Date(b)],
        );
        for (const r of rows) index.add(Number(r.t), r.cell);
        this.indexLoadedTo = b;
      }
      index.loaded(from);
    })().catch((e) => {
      this.indexLoad = null;
      throw e;
    });
    return this.indexLoad;
  }

  /**
   * Whole-city counts from memory when the index covers the window (up to `to`, by default the
   * spec's); else null (and it starts loading).
   */
  private fromIndex(spec: HeatmapSpec, to = spec.to.getTime()): Map<string, number> | null {
    const index = this.index;
    if (!index || spec.districtIds || spec.matterIds) return null;
    index.prune(this.clock.now().getTime());
    const counts = index.counts(spec.from.getTime(), to, spec.resolution, this.storedResolution);
    if (!counts && index.covers === null && Date.now() - this.indexStartedAt >= this.indexOptions.graceMs) void this.loadIndex().catch(() => undefined);
    return counts;
  }

  private get db(): Sql {
    if (!this.sql) throw new Error('the heatmap has no database');
    return this.sql;
  }

  /** Checks the arguments against the viewer's scope and resolves codes to ids. */
  async spec(rc: RequestContext, a: HeatmapArgs): Promise<HeatmapSpec> {
    const role = requireSignedIn(rc.viewer);
    const now = this.clock.now().getTime();
    let window: HeatmapWindow | null = null;
    let from: number;
    let to: number;
    if (a.from || a.to) {
      if (a.window) throw badInput('window', 'give a window or from/to, not both');
      if (!a.from || !a.to) throw badInput(a.from ? 'to' : 'from', 'from and to go together');
      from = a.from.getTime();
      to = a.to.getTime();
      if (!(from < to)) throw badInput('to', 'to must be after from');
      if (to - from > MAX_SPAN) throw badInput('from', 'a heatmap spans at most 366 days');
    } else {
      window = a.window ?? HeatmapWindow.LAST_24H;
      to = now;
      from = now - WINDOW_MS[window];
    }
    const resolution = a.resolution ?? this.storedResolution;
    if (!Number.isInteger(resolution) || resolution < 0 || resolution > this.storedResolution) {
      throw badInput('resolution', `resolution must be 0-${this.storedResolution} (cells are kept at ${this.storedResolution})`);
    }

    // scope first, then the filter within it
    let districtIds: string[] | null = null;
    const asked = a.districtCodes?.length ? await districtIdsFor(rc, a.districtCodes, 'districtCodes') : null;
    if (role === Role.DISTRICT_OFFICE) {
      requireOwnDistricts(rc, a.districtCodes);
      districtIds = asked ?? (await viewerDistrictIds(rc));
    } else if (role === Role.DEPARTMENT_STAFF) {
      const dep = await viewerDepartment(rc);
      if (dep.districtId) {
        if (asked && asked.some((d) => d !== dep.districtId)) throw forbidden('your department sees its own district only');
        districtIds = [dep.districtId];
      } else districtIds = asked;
    } else if (CENTRE_ROLES.includes(role) || role === Role.ANALYST) {
      districtIds = asked;
    } else throw forbidden(`role ${role} cannot read heatmaps`);

    let matterIds = a.matterCodes?.length ? await matterIdsFor(rc, a.matterCodes, 'matterCodes') : null;
    if (role === Role.DEPARTMENT_STAFF) {
      // a department maps the matters it answers for (as lead or co-handler), not other
      // departments' cases: a narrow window would otherwise place them one by one
      const own = await this.matterIdsOfKind(rc, (await viewerDepartment(rc)).kind);
      const within = matterIds ? matterIds.filter((id) => own.has(id)) : [...own];
      if (matterIds && within.length === 0) throw forbidden('your department sees the matters of its own kind only');
      matterIds = within;
    }
    return { window, from: new Date(from), to: new Date(to), resolution, districtIds, matterIds };
  }


  /** Matters, in every duty list version, whose lead or co-handling kind is this one. */
  private async matterIdsOfKind(rc: RequestContext, kind: string): Promise<Set<string>> {
    const rows = await rc.em
      .getConnection()
      .execute<{ id: string }[]>('select id from matters where department_kind = ? or ? = any(co_handling_kinds)', [kind, kind]);
    return new Set(rows.map((r) => r.id));
  }

  /** The spec's window moved to now (relative windows). */
  rewind(spec: HeatmapSpec): HeatmapSpec {
    if (!spec.window) return spec;
    const to = this.clock.now().getTime();
    return { ...spec, from: new Date(to - WINDOW_MS[spec.window]), to: new Date(to) };
  }

  async query(rc: RequestContext, a: HeatmapArgs): Promise<HeatmapResult> {
    return this.run(await this.spec(rc, a));
  }

  async run(spec: HeatmapSpec): Promise<HeatmapResult> {
    const counts = await this.counts(spec);
    let total = 0;
    for (const [cell, n] of counts) {
      if (n > 0) total += n;
      else counts.delete(cell);
    }
    let sorted: HeatmapCellCount[] | null = null;
    return {
      from: spec.from,
      to: spec.to,
      resolution: spec.resolution,
      total,
      counts,
      // sorted only when a client asks for the list
      get cells() {
        return (sorted ??= [...counts].map(([cell, count]) => ({ cell, count })).sort((x, y) => y.count - x.count || (x.cell < y.cell ? -1 : 1)));
      },
    };
  }

  /** Counts per cell at the spec's resolution: from memory for whole-city windows it covers, else in one SQL statement. */
  async counts(spec: HeatmapSpec): Promise<Map<string, number>> {
    return this.fromIndex(spec) ?? this.countsFromRollups(spec);
  }

  /** Counts from the rollups (and the tickets at the window's edges), in one SQL statement. */
  async countsFromRollups(spec: HeatmapSpec): Promise<Map<string, number>> {
    const q = this.rollupQuery(spec, spec.to.getTime());
    const rows = q.sql ? await this.db<{ cell: string; n: string }>(q.sql, q.params) : [];
    return this.sumByCell(spec, rows);
  }

  /**
   * Counts as of a stream position at or after `after`, for a live group that adds the events
   * after it (`deltaOf`): a relative window's counts are open-ended like its deltas (a ticket
   * stamped after `to` but already in the stream is in). From memory for whole-city windows the
   * index covers (as of the last event fed to it); else from the database in one statement — one
   * snapshot — that reads the rollups, the heatmap consumer's checkpoint C (the rollups hold
   * exactly the events up to C), the tickets at the window's edges, and the ticket events the
   * rollups do not hold yet. The edges read from the tickets count every ticket committed in that
   * snapshot, so the events past C among them are taken out again; the events from C to `after`
   * (delivered here already, so committed and positioned in that snapshot) are added. The
   * result holds every event up to max(C, after), and none after.
   */
  async countsAsOf(spec: HeatmapSpec, after: bigint): Promise<PositionedCounts> {
    const end = spec.window ? null : spec.to.getTime();
    // (synchronously: the index and `fed` move together, event by event)
    const fed = this.fed;
    if (fed !== null && BigInt(fed) >= after) {
      const counts = this.fromIndex(spec, end ?? Infinity);
      if (counts) return { counts, position: BigInt(fed) };
    }
    const q = this.rollupQuery(spec, end);
    const params = [...q.params];
    const p = (v: unknown) => `$${params.push(v)}`;
    const created = `(o.payload->>'createdAt')::timestamptz`;
    const atEdges = q.edges.length ? q.edges.map(([a, b]) => `(${created} >= ${p(new Date(a))} and ${created} < ${p(new Date(b))})`).join(' or ') : 'false';
    const located = `o.topic = 'ticket' and o.payload->>'cell' is not null`;
    const [row] = await this.db<{ checkpoint: string; cells: [string, number][] | null; events: (Omit<OutboxRow, 'position'> & { position: string | null })[] | null }>(
      `with checkpoint as (select coalesce(max(position), 0) as position from consumer_checkpoints where name = ${p(HEATMAP_ROLLUP_CONSUMER)}),
       late as (
         select ${OUTBOX_COLUMNS_AS_JSON} from outbox_events o, checkpoint k
          where o.position > k.position and ${located} and (o.position <= ${p(after.toString())} or ${atEdges})
         union all
         select ${OUTBOX_COLUMNS_AS_JSON} from outbox_events o where o.position is null and ${located} and (${atEdges})
       )
       select (select position::text from checkpoint) as checkpoint,
              ${q.sql ? `(select json_agg(json_build_array(c.cell, c.n)) from (${q.sql}) c)` : 'null::json'} as cells,
              (select json_agg(late) from late) as events`,
      params,
    );
    const counts = this.sumByCell(spec, (row.cells ?? []).map(([cell, n]) => ({ cell, n: String(n) })));
    const add = (deltas: [string, number][], sign: number) => {
      for (const [cell, d] of deltas) {
        const n = (counts.get(cell) ?? 0) + sign * d;
        if (n) counts.set(cell, n);
        else counts.delete(cell);
      }
    };
    for (const r of row.events ?? []) {
      const e = streamEventOf({ ...r, position: r.position ?? '' });
      const t = Date.parse((e.payload as unknown as TicketEventPayload).createdAt);
      // counted from the tickets, but past C: out again (it is added when its turn comes)
      if (q.edges.some(([a, b]) => t >= a && t < b)) add(this.deltaOf(spec, e), -1);
      // delivered here already: in
      if (r.position !== null && BigInt(r.position) <= after) add(this.deltaOf(spec, e), 1);
    }
    const checkpoint = BigInt(row.checkpoint);
    return { counts, position: checkpoint > after ? checkpoint : after };
  }

  /**
   * The statement that counts a spec from `from` to `to` (null: no end) from the rollups and,
   * for the part-hours at the window's edges (`edges`, [from, to) in ms), from the tickets.
   */
  private rollupQuery(spec: HeatmapSpec, to: number | null): { sql: string | null; params: unknown[]; edges: [number, number][] } {
    const from = spec.from.getTime();
    const params: unknown[] = [];
    const edges: [number, number][] = [];
    const p = (v: unknown) => {
      params.push(v);
      return `$${params.length}`;
    };
    const filters = (time: string, opts: { matter: boolean }) => {
      const f: string[] = [];
      if (spec.districtIds) f.push(`district_id = any(${p(spec.districtIds)}::uuid[])`);
      if (spec.matterIds && opts.matter) f.push(`matter_id = any(${p(spec.matterIds)}::uuid[])`);
      return [time, ...f].join(' and ');
    };
    // [a, b) of a column; b = Infinity: from a on
    const between = (column: string, a: number, b: number) =>
      `${column} >= ${p(new Date(a))}${b === Infinity ? '' : ` and ${column} < ${p(new Date(b))}`}`;
    const parts: string[] = [];
    const raw = (a: number, b: number) => {
      if (a < b) {
        edges.push([a, b]);
        parts.push(`select cell, count(*)::bigint as n from tickets where ${filters(`cell is not null and ${between('created_at', a, b)}`, { matter: true })} group by cell`);
      }
    };
    const hourly = (a: number, b: number) => {
      if (a < b) parts.push(`select cell, sum(count)::bigint as n from heatmap_hourly where ${filters(between('hour', a, b), { matter: true })} group by cell`);
    };
    const daily = (a: number, b: number) => {
      if (a < b) parts.push(`select cell, sum(count)::bigint as n from heatmap_daily where ${filters(between('day', a, b), { matter: false })} group by cell`);
    };
    const h0 = ceilTo(from, HOUR);
    // with no end, every hour from h0 on is whole
    const h1 = to === null ? Infinity : floorTo(to, HOUR);
    if (h0 >= h1) raw(from, to!);
    else {
      raw(from, h0);
      if (to !== null) raw(h1, to);
      const d0 = ceilTo(h0, DAY);
      const d1 = h1 === Infinity ? Infinity : floorTo(h1, DAY);
      if (!spec.matterIds && d0 < d1) {
        hourly(h0, d0);
        daily(d0, d1);
        hourly(d1, h1);
      } else hourly(h0, h1);
    }
    const sql = parts.length ? `select cell, sum(n)::bigint as n from (${parts.join(' union all ')}) s group by cell` : null;
    return { sql, params, edges };
  }

  /** The same counts straight from the tickets (benchmarks compare it with the rollups). */
  async countsFromTickets(spec: HeatmapSpec): Promise<Map<string, number>> {
    const params: unknown[] = [spec.from, spec.to];
    const f: string[] = ['cell is not null', 'created_at >= $1', 'created_at < $2'];
    if (spec.districtIds) f.push(`district_id = any($${params.push(spec.districtIds)}::uuid[])`);
    if (spec.matterIds) f.push(`matter_id = any($${params.push(spec.matterIds)}::uuid[])`);
    const rows = await this.db<{ cell: string; n: string }>(`select cell, count(*) as n from tickets where ${f.join(' and ')} group by cell`, params);
    return this.sumByCell(spec, rows);
  }

  /** Row counts added up per cell at the spec's resolution. */
  private sumByCell(spec: HeatmapSpec, rows: { cell: string; n: string }[]): Map<string, number> {
    const out = new Map<string, number>();
    for (const r of rows) {
      const cell = atResolution(r.cell, spec.resolution, this.storedResolution);
      out.set(cell, (out.get(cell) ?? 0) + Number(r.n));
    }
    return out;
  }

  /**
   * How one event changes a spec's counts (cell at the spec's resolution → ±n): a located
   * ticket arriving in the window counts +1 where it matches; a re-route moves it between
   * matters, which matters only when the spec filters by matter.
   */
  deltaOf(spec: HeatmapSpec, e: StreamEvent): [string, number][] {
    if (e.topic !== 'ticket') return [];
    const p = e.payload as unknown as TicketEventPayload;
    if (!p.cell) return [];
    if (spec.districtIds && !spec.districtIds.includes(p.districtId)) return [];
    const created = Date.parse(p.createdAt);
    if (created < spec.from.getTime() || (!spec.window && created >= spec.to.getTime())) return [];
    const cell = atResolution(p.cell, spec.resolution, this.storedResolution);
    const inMatters = (m: string | null) => !spec.matterIds || (!!m && spec.matterIds.includes(m));
    if (e.type === 'CREATED') return inMatters(p.matterId) ? [[cell, 1]] : [];
    if (!spec.matterIds || p.fromMatterId === p.matterId) return [];
    const d = (inMatters(p.matterId) ? 1 : 0) - (inMatters(p.fromMatterId) ? 1 : 0);
    return d ? [[cell, d]] : [];
  }
}

/**
 * The rollup consumer's handler: one batch of events → summed deltas → one upsert per table,
 * in the consumer's transaction (with its checkpoint).
 */
export async function applyHeatmapRollup(events: StreamEvent[], tx: Tx): Promise<void> {
  const hourly = new Map<string, number>();
  const daily = new Map<string, number>();
  const add = (m: Map<string, number>, k: string, n: number) => m.set(k, (m.get(k) ?? 0) + n);
  for (const e of events) {
    if (e.topic !== 'ticket') continue;
    const p = e.payload as unknown as TicketEventPayload;
    if (!p.cell) continue;
    const t = Date.parse(p.createdAt);
    const hour = new Date(floorTo(t, HOUR)).toISOString();
    if (e.type === 'CREATED') {
      add(hourly, [hour, p.cell, p.districtId, p.matterId ?? NO_MATTER].join('|'), 1);
      add(daily, [new Date(floorTo(t, DAY)).toISOString(), p.cell, p.districtId].join('|'), 1);
    } else if (p.fromMatterId !== p.matterId) {
      add(hourly, [hour, p.cell, p.districtId, p.fromMatterId ?? NO_MATTER].join('|'), -1);
      add(hourly, [hour, p.cell, p.districtId, p.matterId ?? NO_MATTER].join('|'), 1);
    }
  }
  const columns = (m: Map<string, number>, width: number) => {
    const cols: unknown[][] = Array.from({ length: width + 1 }, () => []);
    for (const [k, n] of m) {
      if (!n) continue;
      k.split('|').forEach((v, i) => cols[i].push(v));
      cols[width].push(n);
    }
    return cols;
  };
  const h = columns(hourly, 4);
  if (h[0].length) {
    await tx.query(
      `insert into heatmap_hourly (hour, cell, district_id, matter_id, count)
       select * from unnest($1::timestamptz[], $2::text[], $3::uuid[], $4::uuid[], $5::int[])
       on conflict (hour, cell, district_id, matter_id) do update set count = heatmap_hourly.count + excluded.count`,
      h,
    );
  }
  const d = columns(daily, 3);
  if (d[0].length) {
    await tx.query(
      `insert into heatmap_daily (day, cell, district_id, count)
       select * from unnest($1::timestamptz[], $2::text[], $3::uuid[], $4::int[])
       on conflict (day, cell, district_id) do update set count = heatmap_daily.count + excluded.count`,
      d,
    );
  }
}
