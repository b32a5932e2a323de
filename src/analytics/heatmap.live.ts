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
  changed: Set<string>;
  members: Set<Member>;
  selection: SharedSelection;
  snapshot: Promise<Buffer> | null;
  flushing: boolean;
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
  private schema: GraphQLSchema | null = null;
  private readonly log: (m: string, e?: unknown) => void;

  constructor(
    private readonly heatmaps: HeatmapService,
    private readonly o: HeatmapLiveOptions = {},
  ) {
    this.log = o.log ?? (() => undefined);
  }

  private formatError: ErrorFormat | undefined = undefined;

  attach(schema: GraphQLSchema, formatError?: ErrorFormat): void {
    this.schema = schema;
    this.formatError = formatError;
  }

  /** Subscribers and groups right now (benchmarks, health). */
  stats(): { groups: number; subscribers: number } {
    let subscribers = 0;
    for (const g of this.groups.values()) subscribers += g.members.size;
    return { groups: this.groups.size, subscribers };
  }

  /** Feeds one stream event to every group. */
  onEvent(e: StreamEvent): void {
    for (const g of this.groups.values()) {
      for (const [cell, d] of this.heatmaps.deltaOf(g.spec, e)) {
        g.counts.set(cell, (g.counts.get(cell) ?? 0) + d);
        g.total += d;
        g.changed.add(cell);
      }
    }
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
    g.members.add(m);
    g.snapshot ??= g.selection.render(this.update(g, HeatmapUpdateKind.SNAPSHOT, [...g.counts].map(([cell, count]) => ({ cell, count }))));
    const bytes = await g.snapshot;
    // after graphql-ws has registered the operation
    setImmediate(() => SharedSelection.sendOne(bytes, m));
    return heldOpen(() => this.leave(g, m));
  }

  private async group(key: string, spec: HeatmapSpec, selection: SharedSelection): Promise<Group> {
    const existing = this.groups.get(key);
    if (existing) return existing;
    let p = this.pending.get(key);
    if (!p) {
      p = (async () => {
        const counts = await this.heatmaps.counts(spec);
        let total = 0;
        for (const n of counts.values()) total += n;
        const g: Group = { key, spec, counts, total, changed: new Set(), members: new Set(), selection, snapshot: null, flushing: false, timers: [] };
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

  private leave(g: Group, m: Member): void {
    m.closed = true;
    g.members.delete(m);
    if (g.members.size === 0 && this.groups.get(g.key) === g) {
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
      const bytes = await g.selection.render(this.update(g, HeatmapUpdateKind.DELTA, cells));
      SharedSelection.send(bytes, g.members);
    } catch (e) {
      this.log('heatmap update failed', e);
    } finally {
      g.flushing = false;
    }
  }

  /** Moves a relative window to now: recounts from the rollups and marks what changed. */
  private async refresh(g: Group): Promise<void> {
    try {
      const spec = this.heatmaps.rewind(g.spec);
      const counts = await this.heatmaps.counts(spec);
      g.spec = spec;
      for (const cell of new Set([...counts.keys(), ...g.counts.keys()])) {
        if ((counts.get(cell) ?? 0) !== (g.counts.get(cell) ?? 0)) g.changed.add(cell);
      }
      g.counts = counts;
      g.total = [...counts.values()].reduce((a, b) => a + b, 0);
    } catch (e) {
      this.log('heatmap refresh failed', e);
    }
  }

  stop(): void {
    for (const g of this.groups.values()) for (const t of g.timers) clearInterval(t);
    this.groups.clear();
  }
}
