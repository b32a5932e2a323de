import { CENTRE_ROLES, requireSignedIn, Role } from '../auth/viewer';
import type { RequestContext } from '../app/context';
import type { TicketStatus } from '../tickets/ticket.enums';
import { forbidden } from '../shared/errors';
import { departmentIdsFor, districtIdsFor, matterIdsFor, requireOwnDistricts, viewerDepartment, viewerDistrictIds } from '../auth/scope';
import type { StreamEvent } from './events';
import type { GraphQLResolveInfo, GraphQLSchema } from 'graphql';
import type { ErrorFormat } from './fanout';
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

  attach(schema: GraphQLSchema, stream: EventStream, sql: Sql, formatError?: ErrorFormat): void {
    this.stream = stream;
    this.groups.attach(schema, stream, sql, formatError);
  }

  private get events(): EventStream {
    if (!this.stream) throw new Error('the event stream is not running');
    return this.stream;
  }

  /** BAD_USER_INPUT for an unknown `after`, EVENT_EXPIRED for one older than the outbox keeps. */
  async checkAfter(after: string): Promise<void> {
    await this.events.checkAfter(after);
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
      requireOwnDistricts(rc, f.districtCodes);
      const ids = new Set(await viewerDistrictIds(rc));
      tests.push((e) => !!e.districtId && ids.has(e.districtId));
    } else if (role === Role.DEPARTMENT_STAFF) {
      const dep = await viewerDepartment(rc);
      tests.push((e) => e.departmentIds.includes(dep.id));
    } else if (!CENTRE_ROLES.includes(role) && role !== Role.ANALYST) {
      throw forbidden(`role ${role} cannot follow tickets`);
    }

    if (f.districtCodes?.length) {
      const ids = new Set(await districtIdsFor(rc, f.districtCodes, 'filter.districtCodes'));
      tests.push((e) => !!e.districtId && ids.has(e.districtId));
    }
    if (f.departmentCodes?.length) {
      const ids = new Set(await departmentIdsFor(rc, f.departmentCodes, 'filter.departmentCodes'));
      tests.push((e) => e.departmentIds.some((d) => ids.has(d)));
    }
    if (f.matterCodes?.length) {
      const ids = new Set(await matterIdsFor(rc, f.matterCodes, 'filter.matterCodes'));
      // a ticket re-routed away from a followed matter is told too (its last event there)
      tests.push((e) => (!!e.matterId && ids.has(e.matterId)) || (typeof e.payload.fromMatterId === 'string' && ids.has(e.payload.fromMatterId)));
    }
    if (f.statuses?.length) {
      const st = new Set<string>(f.statuses);
      tests.push((e) => st.has(e.payload.status as string));
    }
    return (e) => tests.every((t) => t(e));
  }

}
