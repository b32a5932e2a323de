import { cellToParent } from 'h3-js';

const HOUR = 3_600_000;

/** A stored cell at a coarser resolution (itself at the stored one). */
export function atResolution(cell: string, resolution: number, stored: number): string {
  return resolution === stored ? cell : cellToParent(cell, resolution);
}

/** One hour of located tickets: counts per cell, and each ticket's time and cell for part-hours. */
interface Bucket {
  /** position of a cell id in `ids`/`counts` */
  slot: Map<number, number>;
  ids: number[];
  counts: number[];
  /** every ticket in the hour: its time (ms) and cell id; sorted by time on demand */
  times: number[];
  cells: number[];
  sorted: boolean;
}

/**
 * The city's recent located tickets, in memory: per hour, counts per H3 cell plus each
 * ticket's time and cell (about 16 bytes a ticket). A whole-city heatmap over any window in
 * the last `retentionMs` is then exact and takes milliseconds: whole hours add their counts,
 * the part-hours at the edges count their tickets.
 *
 * It is fed by the event stream (tickets created at or after `since`) and, once, by the
 * tickets table (those created before `since`): every ticket is counted by exactly one of
 * the two. It answers only for windows it covers; the rest goes to the SQL rollups.
 */
export class HeatIndex {
  private readonly cellIds = new Map<string, number>();
  private readonly cellNames: string[] = [];
  private readonly hours = new Map<number, Bucket>();
  private coveredFrom: number | null = null;

  constructor(
    /** tickets created from this moment on come from the stream */
    readonly since: number,
    private readonly retentionMs: number,
  ) {}

  /** The oldest moment a window may start at to be answered here (null until loaded). */
  get covers(): number | null {
    return this.coveredFrom;
  }

  /** Adds one located ticket. */
  add(createdAt: number, cell: string): void {
    let id = this.cellIds.get(cell);
    if (id === undefined) {
      id = this.cellNames.length;
      this.cellIds.set(cell, id);
      this.cellNames.push(cell);
    }
    const h = Math.floor(createdAt / HOUR) * HOUR;
    let b = this.hours.get(h);
    if (!b) {
      b = { slot: new Map(), ids: [], counts: [], times: [], cells: [], sorted: true };
      this.hours.set(h, b);
    }
    const s = b.slot.get(id);
    if (s === undefined) {
      b.slot.set(id, b.ids.length);
      b.ids.push(id);
      b.counts.push(1);
    } else b.counts[s]++;
    if (b.sorted && b.times.length && createdAt < b.times[b.times.length - 1]) b.sorted = false;
    b.times.push(createdAt);
    b.cells.push(id);
  }

  /** Marks the load from the tickets table done: windows from `from` on are answered. */
  loaded(from: number): void {
    this.coveredFrom = from;
  }

  /** Drops hours older than the retention (and what it covers with them). */
  prune(now: number): void {
    const keepFrom = Math.floor((now - this.retentionMs) / HOUR) * HOUR;
    for (const h of this.hours.keys()) if (h < keepFrom) this.hours.delete(h);
    if (this.coveredFrom !== null && this.coveredFrom < keepFrom) this.coveredFrom = keepFrom;
  }

  /** Counts per cell (at `resolution`, ≤ the stored one) for [from, to); null when not covered. */
  counts(from: number, to: number, resolution: number, stored: number): Map<string, number> | null {
    if (this.coveredFrom === null || from < this.coveredFrom) return null;
    const acc = new Float64Array(this.cellNames.length);
    for (const [h, b] of this.hours) {
      if (h + HOUR <= from || h >= to) continue;
      if (h >= from && h + HOUR <= to) {
        for (let i = 0; i < b.ids.length; i++) acc[b.ids[i]] += b.counts[i];
        continue;
      }
      if (!b.sorted) this.sort(b);
      let i = lowerBound(b.times, from);
      for (; i < b.times.length && b.times[i] < to; i++) acc[b.cells[i]]++;
    }
    const out = new Map<string, number>();
    for (let id = 0; id < acc.length; id++) {
      if (!acc[id]) continue;
      const cell = atResolution(this.cellNames[id], resolution, stored);
      out.set(cell, (out.get(cell) ?? 0) + acc[id]);
    }
    return out;
  }

  private sort(b: Bucket): void {
    const order = b.times.map((_, i) => i).sort((x, y) => b.times[x] - b.times[y]);
    b.times = order.map((i) => b.times[i]);
    b.cells = order.map((i) => b.cells[i]);
    b.sorted = true;
  }

  /** Tickets held (for health and benchmarks). */
  size(): number {
    let n = 0;
    for (const b of this.hours.values()) n += b.times.length;
    return n;
  }
}

function lowerBound(xs: number[], v: number): number {
  let lo = 0;
  let hi = xs.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (xs[mid] < v) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
