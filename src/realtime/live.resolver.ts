import { Arg, Ctx, Field, FieldResolver, ID, InputType, Int, ObjectType, Resolver, Root, Subscription } from 'type-graphql';
import type { RequestContext } from '../app/context';
import { Department } from '../departments/department.entity';
import { District } from '../departments/district.entity';
import { Matter } from '../dutylist/matter.entity';
import { Ticket } from '../tickets/ticket.entity';
import { TicketEventType, TicketStatus } from '../tickets/ticket.enums';
import type { TicketEventPayload } from '../tickets/ticket.events';
import type { TicketsService } from '../tickets/tickets.service';
import type { DepartmentsService } from '../departments/departments.service';
import type { DutyListService } from '../dutylist/dutylist.service';
import { toGlobalId } from '../shared/relay';
import type { StreamEvent } from './events';
import type { LiveContext, LiveService } from './live.service';

@InputType({ description: 'Which ticket events to follow; within your scope, all of them when empty.' })
export class TicketEventFilter {
  @Field(() => [String], { nullable: true, description: 'District codes, e.g. 440106.' })
  districtCodes?: string[] | null;

  @Field(() => [String], { nullable: true, description: 'Departments leading or co-handling the ticket.' })
  departmentCodes?: string[] | null;

  @Field(() => [String], { nullable: true, description: 'Duty-list matter codes; a category code includes its matters.' })
  matterCodes?: string[] | null;

  @Field(() => [TicketStatus], { nullable: true, description: 'The status after the event.' })
  statuses?: TicketStatus[] | null;
}

@ObjectType({ description: 'A ticket’s change as it happens (or replayed after `after`). Carries no personal data.' })
export class TicketStreamEvent {
  @Field(() => ID, { description: 'The event id, increasing: reconnect with `after` set to the last one you received.' })
  id!: string;

  @Field(() => TicketEventType)
  type!: TicketEventType;

  @Field(() => ID, { description: 'The ticket’s global id.' })
  ticketId!: string;

  @Field(() => String)
  number!: string;

  @Field(() => Int, { description: 'The ticket’s version after the event.' })
  seq!: number;

  @Field(() => TicketStatus, { nullable: true })
  fromStatus!: TicketStatus | null;

  @Field(() => TicketStatus)
  status!: TicketStatus;

  @Field(() => Date)
  occurredAt!: Date;

  /** ids for the field resolvers */
  districtId!: string;
  leadDepartmentId!: string | null;
  matterId!: string | null;
  localTicketId!: string;
}

function toTicketStreamEvent(e: StreamEvent): TicketStreamEvent {
  const p = e.payload as unknown as TicketEventPayload;
  return Object.assign(new TicketStreamEvent(), {
    id: e.position,
    type: e.type as TicketEventType,
    ticketId: toGlobalId('Ticket', p.ticketId),
    localTicketId: p.ticketId,
    number: p.number,
    seq: p.seq,
    fromStatus: p.fromStatus,
    status: p.status,
    occurredAt: new Date(e.occurredAt),
    districtId: p.districtId,
    leadDepartmentId: p.leadDepartmentId,
    matterId: p.matterId,
  });
}

export function liveResolvers(live: LiveService, tickets: TicketsService, departments: DepartmentsService, dutyLists: DutyListService) {
  @Resolver(() => TicketStreamEvent)
  class TicketStreamResolver {
    @Subscription(() => TicketStreamEvent, {
      description:
        'Ticket events as they commit, within your scope (a department: the tickets it holds or co-handles, and the event that takes one away from it — a redispatch, a merge), filtered. With `after`, first every event you missed (kept for OUTBOX_RETENTION_HOURS), then live ones.',
      subscribe: ({ args, context, info }) =>
        live.ticketEvents(context as LiveContext, args.filter as TicketEventFilter | undefined, args.after as string | undefined, info),
    })
    ticketEvents(
      @Root() e: StreamEvent,
      @Arg('filter', () => TicketEventFilter, { nullable: true }) _filter?: TicketEventFilter,
      @Arg('after', () => ID, { nullable: true }) _after?: string,
    ): TicketStreamEvent {
      return toTicketStreamEvent(e);
    }

    // the directory and published matters come from process caches: one event is rendered
    // once per group, but many events a second

    @FieldResolver(() => District)
    district(@Root() e: TicketStreamEvent, @Ctx() rc: RequestContext) {
      return departments.cachedDistrict(rc, e.districtId);
    }

    @FieldResolver(() => Department, { nullable: true })
    leadDepartment(@Root() e: TicketStreamEvent, @Ctx() rc: RequestContext) {
      return e.leadDepartmentId ? departments.cachedDepartment(rc, e.leadDepartmentId) : null;
    }

    @FieldResolver(() => Matter, { nullable: true })
    matter(@Root() e: TicketStreamEvent, @Ctx() rc: RequestContext) {
      return e.matterId ? dutyLists.cachedMatter(rc, e.matterId) : null;
    }

    @FieldResolver(() => Ticket, { nullable: true, description: 'The ticket now, as you may see it (personal data masked by role).' })
    ticket(@Root() e: TicketStreamEvent, @Ctx() rc: RequestContext) {
      // each update is rendered with a context of its own (SharedSelection.render): read now
      return tickets.byId(rc, e.localTicketId);
    }
  }
  return [TicketStreamResolver];
}
