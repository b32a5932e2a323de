import { Kind } from 'graphql';
import { printedOperation } from '../app/documents';
import type { DocumentNode, GraphQLResolveInfo, GraphQLSchema } from 'graphql';
import type WebSocket from 'ws';
import { badInput } from '../shared/errors';
import { OUTBOX_COLUMNS, streamEventOf } from './events';
import type { OutboxRow, StreamEvent } from './events';
import { heldOpen, member, SharedSelection } from './fanout';
import type { ErrorFormat, Member } from './fanout';
import type { LiveContext } from './live.service';
import type { EventStream, Sql } from './stream';

interface StreamMember extends Member {
  /** the last position this member has been sent (or skipped past) */
  cursor: bigint;
  live: boolean;
}

interface Group {
  key: string;
  accept: (e: StreamEvent) => boolean;
  selection: SharedSelection;
  members: Set<StreamMember>;
  /** every stream event passes through here in order */
  chain: Promise<void>;
  /** the position of the last stream event this group has processed */
  position: bigint;
}

const PAGE = 200;

/**
 * Event subscriptions in groups: subscriptions with the same selection, arguments and scope
 * share one execution and one serialisation per event, written to every member's socket. A
 * member that resumes (`after`) is first sent what it missed from the outbox, rendered with the
 * group's selection, and then joins the live stream at exactly the next position.
 */
export class StreamGroups {
  private readonly groups = new Map<string, Group>();
  private batch: StreamEvent[] = [];
  private schema: GraphQLSchema | null = null;
  private stream: EventStream | null = null;
  private sql: Sql | null = null;
  private formatError: ErrorFormat | undefined = undefined;
  private readonly log: (m: string, e?: unknown) => void;

  constructor(log?: (m: string, e?: unknown) => void) {
    this.log = log ?? (() => undefined);
  }

  attach(schema: GraphQLSchema, stream: EventStream, sql: Sql, formatError?: ErrorFormat): void {
    this.schema = schema;
    this.formatError = formatError;
    this.stream = stream;
    this.sql = sql;
    stream.onEvent((e) => this.onEvent(e));
  }

  stats(): { groups: number; subscribers: number } {
    let subscribers = 0;
    for (const g of this.groups.values()) subscribers += g.members.size;
    return { groups: this.groups.size, subscribers };
  }

  /** Events delivered in one turn of the event loop are handled as one batch. */
  private onEvent(e: StreamEvent): void {
    this.batch.push(e);
    if (this.batch.length === 1) setImmediate(() => this.flushBatch());
  }

  private flushBatch(): void {
    const events = this.batch;
    this.batch = [];
    // a failed delivery is logged and the chain goes on: one bad step never stops the group
    for (const g of this.groups.values()) {
      g.chain = g.chain.then(() => this.deliver(g, events)).catch((e: unknown) => this.log('delivery failed', e));
    }
  }

  /**
   * Renders each accepted event once, then writes each member the events it has not had, in
   * one corked write per socket (an intake's CREATED and DISPATCHED leave together).
   */
  private async deliver(g: Group, events: StreamEvent[]): Promise<void> {
    const frames: { p: bigint; bytes: Buffer }[] = [];
    let live = false;
    for (const m of g.members) if (m.live) live = true;
    for (const e of events) {
      const p = BigInt(e.position);
      if (live && g.accept(e)) {
        try {
          frames.push({ p, bytes: await g.selection.render(e) });
        } catch (err) {
          this.log('event rendering failed', err);
        }
      }
      g.position = p;
    }
    if (!frames.length) return;
    for (const m of g.members) {
      if (!m.live) continue;
      const due = frames.filter((f) => f.p > m.cursor);
      if (!due.length) continue;
      m.cursor = due[due.length - 1].p;
      SharedSelection.sendMany(
        due.map((f) => f.bytes),
        m,
      );
    }
  }

  /**
   * Joins (or opens) the group of this subscription. `accept` is the subscription's scope and
   * filter, already checked; `after`, when given, was validated against the outbox.
   */
  async join(rc: LiveContext, info: GraphQLResolveInfo, scopeKey: string, accept: (e: StreamEvent) => boolean, after: string | null): Promise<AsyncIterableIterator<never>> {
    if (!rc.socket || !rc.operationId || !this.schema || !this.stream) throw badInput('subscription', 'event streams run over WebSocket (graphql-ws)');
    const document: DocumentNode = { kind: Kind.DOCUMENT, definitions: [info.operation, ...Object.values(info.fragments)] };
    const variables = { ...info.variableValues };
    delete variables.after;
    const key = JSON.stringify([printedOperation(info.operation, info.fragments), variables, scopeKey, info.fieldName]);
    let g = this.groups.get(key);
    if (!g) {
      const selection = new SharedSelection(this.schema, document, info.variableValues, rc, info.operation.name?.value, this.formatError);
      g = { key, accept, selection, members: new Set(), chain: Promise.resolve(), position: BigInt(this.stream.position) };
      this.groups.set(key, g);
    }
    const group = g;
    const m: StreamMember = Object.assign(
      member(rc.socket as unknown as WebSocket, rc.operationId, () => this.leave(group, m)),
      { cursor: group.position, live: after == null },
    );
    group.members.add(m);
    if (after != null) {
      m.cursor = BigInt(after);
      void this.replay(group, m);
    }
    return heldOpen(() => this.leave(group, m));
  }

  /** Sends a resuming member what it missed, then lets it go live at the next position. */
  private async replay(g: Group, m: StreamMember): Promise<void> {
    try {
      // most of the backlog outside the group's chain, so others are not held up
      while (!m.closed && m.cursor < g.position) {
        if (!(await this.page(g, m, g.position))) break;
      }
      // the rest, and the switch to live, in order with the group's deliveries; a failure here
      // is this member's alone: the group's chain goes on for the others
      let failure: unknown = null;
      g.chain = g.chain.then(async () => {
        try {
          while (!m.closed && m.cursor < g.position) {
            if (!(await this.page(g, m, g.position))) break;
          }
          m.cursor = g.position > m.cursor ? g.position : m.cursor;
          m.live = true;
        } catch (e) {
          failure = e ?? new Error('replay failed');
        }
      });
      await g.chain;
      if (failure) throw failure;
    } catch (e) {
      this.log('replay failed', e);
      m.socket.close(4500, 'replay failed: subscribe again with after');
      this.leave(g, m);
    }
  }

  /** One page of missed events (position > cursor, ≤ to), filtered and rendered; false when none. */
  private async page(g: Group, m: StreamMember, to: bigint): Promise<boolean> {
    const rows = await this.sql!<OutboxRow>(
      `select ${OUTBOX_COLUMNS} from outbox_events where position > $1 and position <= $2 order by position limit ${PAGE}`,
      [m.cursor.toString(), to.toString()],
    );
    if (!rows.length) return false;
    for (const r of rows) {
      const e = streamEventOf(r);
      if (g.accept(e)) SharedSelection.sendOne(await g.selection.render(e), m);
      m.cursor = BigInt(e.position);
      if (m.closed) return false;
    }
    return true;
  }

  private leave(g: Group, m: StreamMember): void {
    m.closed = true;
    g.members.delete(m);
    if (!g.members.size && this.groups.get(g.key) === g) this.groups.delete(g.key);
  }
}
