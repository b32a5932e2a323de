import { CENTRE_ROLES, requireSignedIn, Role } from '../auth/viewer';
import type { RequestContext } from '../app/context';
import { Matter } from '../dutylist/matter.entity';
import type { TicketStatus } from '../tickets/ticket.enums';
import { badInput, forbidden } from '../shared/errors';
import type { StreamEvent } from './events';
import type { GraphQLResolveInfo, GraphQLSchema } from 'graphql';
import { StreamGroups } from './groups';
import type { EventStream, Sql } from './stream';

export interface TicketEventFilterArgs {
  districtCodes?: string[] | null;
  departmentCodes?: string[] | null;
  matterCodes?: string[] | null;
  statuses?: TicketStatus[] | null;
}

/** A subscription's context: the request context, plus the socket so a lagging subscriber can be cut off. */
export interface LiveContext extends RequestContext {
  socket?: { close(code: number, reason: string): void };
  /** the graphql-ws operation id of this subscription */
  operationId?: string;
  /** the client's address (rate limits for anonymous callers) */
  address?: string;
}

/** What makes two viewers see the same events the same way: role and scope. */
function scopeKey(rc: RequestContext): string {
  const v = rc.viewer;
  return [v.role, v.departmentCode ?? '', [...v.districtCodes].sort().join(',')].join('|');
}

/**
 * The live streams, authorised: a subscription's events come from the viewer's scope
 * (district office: its districts; department: tickets it leads or co-handles) and then from
 * its filter, never from the filter alone.
 */
export class LiveService {
  private stream: EventStream | null = null;
  readonly groups: StreamGroups;

  constructor(log?: (m: string, e?: unknown) => void) {
    this.groups = new StreamGroups(log);
  }

  attach(schema: GraphQLSchema, stream: EventStream, sql: Sql): void {
    this.stream = stream;
    this.groups.attach(schema, stream, sql);
  }

  private get events(): EventStream {
    if (!this.stream) throw new Error('the event stream is not running');
    return this.stream;
  }

  /** The position of the newest event this process has delivered. */
  get position(): string {
    return this.events.position;
  }

  async ticketEvents(rc: LiveContext, filter: TicketEventFilterArgs | null | undefined, after: string | null | undefined, info: GraphQLResolveInfo) {
    const accept = await this.ticketPredicate(rc, filter ?? {});
    if (after != null) await this.events.checkAfter(after);
    return this.groups.join(rc, info, scopeKey(rc), accept, after ?? null);
  }

  /** Scope ∧ filter, resolved to ids once, so each event is checked without lookups. */
  async ticketPredicate(rc: RequestContext, f: TicketEventFilterArgs): Promise<(e: StreamEvent) => boolean> {
    const role = requireSignedIn(rc.viewer);
    const tests: ((e: StreamEvent) => boolean)[] = [(e) => e.topic === 'ticket'];

    if (role === Role.DISTRICT_OFFICE) {
      const own = new Set(rc.viewer.districtCodes);
      const outside = (f.districtCodes ?? []).filter((c) => !own.has(c));
      if (outside.length) throw forbidden(`your token covers districts ${[...own].join(', ')}, not ${outside.join(', ')}`);
      const ids = await this.districtIds(rc, [...own], 'filter.districtCodes');
      tests.push((e) => !!e.districtId && ids.has(e.districtId));
    } else if (role === Role.DEPARTMENT) {
      const code = rc.viewer.departmentCode;
      const dep = code ? await rc.loaders.departmentByCode.load(code) : null;
      if (!dep) throw forbidden(`your token names department ${code ?? '(none)'}, which does not exist`);
      tests.push((e) => e.departmentIds.includes(dep.id));
    } else if (!CENTRE_ROLES.includes(role) && role !== Role.ANALYST) {
      throw forbidden(`role ${role} cannot follow tickets`);
    }

    if (f.districtCodes?.length) {
      const ids = await this.districtIds(rc, f.districtCodes, 'filter.districtCodes');
      tests.push((e) => !!e.districtId && ids.has(e.districtId));
    }
    if (f.departmentCodes?.length) {
      const ids = new Set<string>();
      for (const c of f.departmentCodes) {
        const d = await rc.loaders.departmentByCode.load(c);
        if (!d) throw badInput('filter.departmentCodes', `department ${c} not found`);
        ids.add(d.id);
      }
      tests.push((e) => e.departmentIds.some((d) => ids.has(d)));
    }
    if (f.matterCodes?.length) {
      // a code names a matter in every duty list version; a category code includes its matters
      const matters = await rc.em.find(Matter, { $or: [{ code: { $in: f.matterCodes } }, { parentCode: { $in: f.matterCodes } }] }, { fields: ['id', 'code', 'parentCode'] });
      const known = new Set(matters.flatMap((m) => [m.code, m.parentCode]));
      const unknown = f.matterCodes.filter((c) => !known.has(c));
      if (unknown.length) throw badInput('filter.matterCodes', `matter ${unknown.join(', ')} is in no duty list`);
      const ids = new Set(matters.map((m) => m.id));
      tests.push((e) => !!e.matterId && ids.has(e.matterId));
    }
    if (f.statuses?.length) {
      const st = new Set<string>(f.statuses);
      tests.push((e) => st.has(e.payload.status as string));
    }
    return (e) => tests.every((t) => t(e));
  }

  private async districtIds(rc: RequestContext, codes: string[], field: string): Promise<Set<string>> {
    const ids = new Set<string>();
    for (const c of codes) {
      const d = await rc.loaders.districtByCode.load(c);
      if (!d) throw badInput(field, `district ${c} not found`);
      ids.add(d.id);
    }
    return ids;
  }
}
