import { Kind } from 'graphql';
import { printedOperation } from '../app/documents';
import type { DocumentNode, GraphQLResolveInfo, GraphQLSchema } from 'graphql';
import type WebSocket from 'ws';
import { badInput } from '../shared/errors';
import type { StreamEvent } from '../realtime/events';
import { heldOpen, member, SharedSelection } from '../realtime/fanout';
import type { ErrorFormat, Member } from '../realtime/fanout';
import type { LiveContext } from '../realtime/live.service';
import type { HeatmapArgs, HeatmapCellCount, HeatmapService, HeatmapSpec } from './heatmap.service';

/** Where the live stream is: the position of the last event delivered (to `onEvent` too). */
export interface StreamPosition {
  readonly position: string;
}

export enum HeatmapUpdateKind {
  SNAPSHOT = 'SNAPSHOT',
  DELTA = 'DELTA',
}

export interface HeatmapUpdateValue {
  kind: HeatmapUpdateKind;
  at: Date;
  from: Date;
  to: Date;
  resolution: number;
  total: number;
  cells: HeatmapCellCount[];
}

interface Group {
  key: string;
  spec: HeatmapSpec;
  counts: Map<string, number>;
  total: number;
  /** the stream position the counts are as of: events after it are added, the others are in */
  position: bigint;
  /** while the counts are read (a new group) or recounted (a moving window): the events meanwhile */
  held: StreamEvent[] | null;
  changed: Set<string>;
  members: Set<Member>;
  selection: SharedSelection;
  snapshot: Promise<Buffer> | null;
  flushing: boolean;
  /** updates sent so far: a newcomer's snapshot must not be older than the last one */
  flushes: number;
  /** newcomers between their snapshot and their first update (the group stays while they wait) */
  joining: number;
  timers: NodeJS.Timeout[];
}

export interface HeatmapLiveOptions {
  /** at most one update per this many ms per group (default 500: ≤ 2 a second) */
  flushMs?: number;
  /** relative windows are recounted from the rollups this often, so old tickets leave the map */
  refreshMs?: number;
  log?: (m: string, e?: unknown) => void;
}

/**
 * Live heatmaps: identical subscriptions (same selection, arguments and scope) form a group
 * that keeps one set of counts current from the event stream. Each group sends a snapshot to
 * a newcomer, then deltas (the cells that changed, with their new counts; 0 = gone) at most
 * twice a second, executed and serialised once and written as the same bytes to every socket.
 */
export class HeatmapLive {
  private readonly groups = new Map<string, Group>();
  private readonly pending = new Map<string, Promise<Group>>();
  /** groups whose counts are being read: they hold the events that arrive meanwhile */
  private readonly starting = new Set<Group>();
  private schema: GraphQLSchema | null = null;
  private stream: StreamPosition | null = null;
  private readonly log: (m: string, e?: unknown) => void;

  constructor(
    private readonly heatmaps: HeatmapService,
    private readonly o: HeatmapLiveOptions = {},
  ) {
    this.log = o.log ?? (() => undefined);
  }

  private formatError: ErrorFormat | undefined = undefined;

  /** `stream`: the stream whose events reach `onEvent`. */
  attach(schema: GraphQLSchema, stream: StreamPosition, formatError?: ErrorFormat): void {
    this.schema = schema;
    this.stream = stream;
    this.formatError = formatError;
  }

  /** Subscribers and groups right now (benchmarks, health). */
  stats(): { groups: number; subscribers: number } {
    let subscribers = 0;
    for (const g of this.groups.values()) subscribers += g.members.size;
    return { groups: this.groups.size, subscribers };
  }

  /**
   * Feeds one stream event (every event, in stream order) to every group: counted once, by the
   * groups whose counts are as of an earlier position; held by those reading theirs.
   */
  onEvent(e: StreamEvent): void {
    for (const g of this.starting) g.held!.push(e);
    if (!this.groups.size) return;
    const p = BigInt(e.position);
    for (const g of this.groups.values()) {
      g.held?.push(e);
      if (p <= g.position) continue;
      g.position = p;
      for (const [cell, d] of this.heatmaps.deltaOf(g.spec, e)) {
        g.counts.set(cell, (g.counts.get(cell) ?? 0) + d);
        g.total += d;
        g.changed.add(cell);
      }
    }
  }

  /** Adds the held events after `position` to counts as of it (for `spec`); returns the new position. */
  private addHeld(spec: HeatmapSpec, counts: Map<string, number>, position: bigint, held: StreamEvent[]): bigint {
    for (const e of held) {
      const p = BigInt(e.position);
      if (p <= position) continue;
      position = p;
      for (const [cell, d] of this.heatmaps.deltaOf(spec, e)) counts.set(cell, (counts.get(cell) ?? 0) + d);
    }
    return position;
  }

  async join(rc: LiveContext, args: HeatmapArgs, info: GraphQLResolveInfo): Promise<AsyncIterableIterator<never>> {
    const spec = await this.heatmaps.spec(rc, args);
    if (!rc.socket || !rc.operationId || !this.schema) throw badInput('heatmap', 'the heatmap subscription runs over WebSocket (graphql-ws)');
    const document: DocumentNode = { kind: Kind.DOCUMENT, definitions: [info.operation, ...Object.values(info.fragments)] };
    const key = JSON.stringify([
      printedOperation(info.operation, info.fragments),
      info.variableValues,
      spec.window ?? [spec.from.toISOString(), spec.to.toISOString()],
      spec.resolution,
      spec.districtIds && [...spec.districtIds].sort(),
      spec.matterIds && [...spec.matterIds].sort(),
    ]);
    const g = await this.group(key, spec, new SharedSelection(this.schema, document, info.variableValues, rc, info.operation.name?.value, this.formatError));
    const socket = rc.socket as unknown as WebSocket;
    const m = member(socket, rc.operationId, () => this.leave(g, m));
    g.joining++;
    let flushes = g.flushes;
    let bytes: Buffer;
    try {
      bytes = await this.snapshot(g);
    } catch (e) {
      g.joining--;
      this.leave(g, m);
      throw e;
    }
    // after graphql-ws has registered the operation: the snapshot, then — in the same tick — the
    // newcomer joins the group's updates, so no update reaches it before its snapshot, and a
    // snapshot older than an update sent meanwhile is rendered again
    setImmediate(() => {
      void (async () => {
        try {
          while (flushes !== g.flushes && !m.closed) {
            flushes = g.flushes;
            bytes = await this.snapshot(g);
          }
          if (SharedSelection.sendOne(bytes, m)) g.members.add(m);
        } catch (e) {
          this.log('heatmap snapshot failed', e);
        } finally {
          g.joining--;
          this.leave(g, m, !g.members.has(m));
        }
      })();
    });
    return heldOpen(() => this.leave(g, m));
  }

  private snapshot(g: Group): Promise<Buffer> {
    g.snapshot ??= g.selection.render(this.update(g, HeatmapUpdateKind.SNAPSHOT, [...g.counts].map(([cell, count]) => ({ cell, count }))));
    return g.snapshot;
  }

  private async group(key: string, spec: HeatmapSpec, selection: SharedSelection): Promise<Group> {
    const existing = this.groups.get(key);
    if (existing) return existing;
    let p = this.pending.get(key);
    if (!p) {
      p = (async () => {
        const g: Group = {
          key,
          spec,
          counts: new Map(),
          total: 0,
          position: 0n,
          held: [],
          changed: new Set(),
          members: new Set(),
          selection,
          snapshot: null,
          flushing: false,
          flushes: 0,
          joining: 0,
          timers: [],
        };
        // from here on every event is held: the counts are read as of this position or later
        this.starting.add(g);
        try {
          const read = await this.heatmaps.countsAsOf(spec, BigInt(this.stream!.position));
          g.counts = read.counts;
          g.position = this.addHeld(spec, g.counts, read.position, g.held!);
        } finally {
          this.starting.delete(g);
          g.held = null;
        }
        for (const n of g.counts.values()) g.total += n;
        g.timers.push(setInterval(() => void this.flush(g), this.o.flushMs ?? 500));
        if (spec.window) g.timers.push(setInterval(() => void this.refresh(g), this.o.refreshMs ?? 30_000));
        for (const t of g.timers) t.unref();
        this.groups.set(key, g);
        return g;
      })().finally(() => this.pending.delete(key));
      this.pending.set(key, p);
    }
    return p;
  }

  /** A member leaves (or, `gone` false, a group is checked for members after a join). */
  private leave(g: Group, m: Member, gone = true): void {
    if (gone) {
      m.closed = true;
      g.members.delete(m);
    }
    if (g.members.size === 0 && g.joining === 0 && this.groups.get(g.key) === g) {
      for (const t of g.timers) clearInterval(t);
      this.groups.delete(g.key);
    }
  }

  private update(g: Group, kind: HeatmapUpdateKind, cells: HeatmapCellCount[]): HeatmapUpdateValue {
    return {
      kind,
      at: new Date(),
      from: g.spec.from,
      to: g.spec.window ? new Date() : g.spec.to,
      resolution: g.spec.resolution,
      total: g.total,
      cells: cells.filter((c) => kind === HeatmapUpdateKind.DELTA || c.count > 0),
    };
  }

  private async flush(g: Group): Promise<void> {
    if (!g.changed.size || g.flushing) return;
    g.flushing = true;
    try {
      const cells = [...g.changed].map((cell) => ({ cell, count: Math.max(0, g.counts.get(cell) ?? 0) }));
      g.changed.clear();
      for (const c of cells) if (c.count === 0) g.counts.delete(c.cell);
      g.snapshot = null;
      g.flushes++;
      const bytes = await g.selection.render(this.update(g, HeatmapUpdateKind.DELTA, cells));
      SharedSelection.send(bytes, g.members);
    } catch (e) {
      this.log('heatmap update failed', e);
    } finally {
      g.flushing = false;
    }
  }

  /** Moves every relative window to now at once, as each group's timer does (tests). */
  async refreshWindows(): Promise<void> {
    await Promise.all([...this.groups.values()].filter((g) => g.spec.window).map((g) => this.refresh(g)));
  }

  /**
   * Moves a relative window to now: recounts it (as of a stream position, plus the events that
   * arrive meanwhile — the group keeps counting them on the old window until then) and marks
   * what changed.
   */
  private async refresh(g: Group): Promise<void> {
    if (g.held) return; // the last recount is still running
    const held: StreamEvent[] = (g.held = []);
    try {
      const spec = this.heatmaps.rewind(g.spec);
      const read = await this.heatmaps.countsAsOf(spec, g.position);
      const counts = read.counts;
      const position = this.addHeld(spec, counts, read.position, held);
      for (const cell of new Set([...counts.keys(), ...g.counts.keys()])) {
        if ((counts.get(cell) ?? 0) !== (g.counts.get(cell) ?? 0)) g.changed.add(cell);
      }
      g.spec = spec;
      g.counts = counts;
      g.total = [...counts.values()].reduce((a, b) => a + b, 0);
      if (position > g.position) g.position = position;
    } catch (e) {
      this.log('heatmap refresh failed', e);
    } finally {
      g.held = null;
    }
  }

  stop(): void {
    for (const g of this.groups.values()) for (const t of g.timers) clearInterval(t);
    this.groups.clear();
    this.starting.clear();
  }
}
