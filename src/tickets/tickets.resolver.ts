import { Arg, Args, Ctx, Field, FieldResolver, Float, ID, Int, Mutation, ObjectType, Query, Resolver, Root } from 'type-graphql';
import type { RequestContext } from '../app/context';
import { Department } from '../departments/department.entity';
import { District } from '../departments/district.entity';
import { RoutingMethod } from '../dutylist/dutylist.enums';
import { RoutingCandidate, toCandidate } from '../dutylist/dutylist.resolver';
import { Matter } from '../dutylist/matter.entity';
import { maskAddress, maskName, maskPhone } from '../shared/mask';
import { Connection, ConnectionArgs, toGlobalId } from '../shared/relay';
import { DuplicateSuggestion } from './duplicate-suggestion.entity';
import { ExtensionRequest } from './extension-request.entity';
import { PersonalDataAccess } from './personal-data-access.entity';
import { ReturnVisit } from './return-visit.entity';
import { TicketEvent } from './ticket-event.entity';
import { Location, Ticket } from './ticket.entity';
import {
  AddCoDepartmentsInput,
  ArbitrateTicketInput,
  CreateTicketInput,
  DecideExtensionInput,
  DispatchTicketInput,
  DisputeRejectInput,
  MergeTicketInput,
  RedispatchTicketInput,
  RejectTicketInput,
  RequestExtensionInput,
  ResolveTicketInput,
  ReturnVisitInput,
  RevealCitizenInput,
  TicketChangeInput,
  TicketFilter,
} from './tickets.inputs';
import type { TicketsService } from './tickets.service';

export const TicketConnection = Connection(Ticket, 'Ticket');

/** The citizen behind a ticket: personal data, masked unless the viewer's role needs it. */
@ObjectType({ description: 'The caller. Masked (138****8000) unless your role needs to contact them.' })
export class Citizen {
  @Field(() => String, { nullable: true })
  name!: string | null;

  @Field(() => String, { nullable: true })
  phone!: string | null;

  @Field(() => String, { nullable: true })
  address!: string | null;

  @Field(() => Boolean, { description: 'True when the fields above are masked.' })
  masked!: boolean;
}

@ObjectType({ description: 'How the ticket was routed and why: the router’s suggestions at intake and who decided.' })
export class TicketRouting {
  @Field(() => RoutingMethod, { nullable: true, description: 'Null while the ticket waits in the manual-dispatch queue.' })
  method!: RoutingMethod | null;

  @Field(() => Int, { nullable: true, description: 'Duty list version it was routed under.' })
  versionNumber!: number | null;

  @Field(() => Float, { description: 'Confidence needed for automatic dispatch when it came in.' })
  threshold!: number;

  @Field(() => [RoutingCandidate], { description: 'The router’s suggestions at intake, best first.' })
  candidates!: RoutingCandidate[];

  @Field(() => Date)
  at!: Date;
}

function citizenOf(t: Ticket, masked: boolean): Citizen {
  const m = (v: string | null | undefined, f: (s: string) => string) => (v ? (masked ? f(v) : v) : null);
  return {
    name: m(t.citizenName, maskName),
    phone: m(t.citizenPhone, maskPhone),
    address: m(t.citizenAddress, maskAddress),
    masked,
  };
}

@ObjectType({ description: '重复件: the earlier open report a ticket most resembles.' })
export class DuplicateOf {
  @Field(() => Ticket)
  parent!: Ticket;

  @Field(() => Float, { description: 'Text similarity, 0–1.' })
  similarity!: number;

  @Field(() => Int, { nullable: true, description: 'Metres apart, when both are located.' })
  distanceMeters!: number | null;

  @Field(() => Boolean, { description: 'True when the detector was sure and merged the ticket under it.' })
  merged!: boolean;
}

/** Thin: authorise in the service, call one method, map the result. */
export function ticketsResolver(tickets: TicketsService) {
  @Resolver(() => Ticket)
  class TicketsResolver {
    @Query(() => TicketConnection, { description: 'Tickets you may see, newest first.' })
    async tickets(
      @Ctx() rc: RequestContext,
      @Args(() => ConnectionArgs) page: ConnectionArgs,
      @Arg('filter', () => TicketFilter, { nullable: true }) filter?: TicketFilter,
    ) {
      return TicketConnection.from(await tickets.list(rc, filter, page));
    }

    @Query(() => Ticket, { nullable: true, description: 'A ticket by its number, e.g. GZ-20260131-000123.' })
    ticket(@Ctx() rc: RequestContext, @Arg('number', () => String) number: string) {
      return tickets.byNumber(rc, number);
    }

    @Mutation(() => Ticket, { description: '受理: take in a new ticket.' })
    createTicket(@Ctx() rc: RequestContext, @Arg('input', () => CreateTicketInput) input: CreateTicketInput) {
      return tickets.create(rc, input);
    }

    @Mutation(() => Citizen, {
      description:
        '个人信息查阅: the caller’s name, phone and address in full, for a stated purpose. Recorded (who, when, which ticket, why); for the centre and the handling department only.',
    })
    async revealCitizen(@Ctx() rc: RequestContext, @Arg('input', () => RevealCitizenInput) input: RevealCitizenInput): Promise<Citizen> {
      return citizenOf(await tickets.revealCitizen(rc, input), false);
    }

    @Query(() => [PersonalDataAccess], {
      description: 'The unmasking log, newest first: of one ticket or one person (supervisors and admins).',
    })
    personalDataAccesses(
      @Ctx() rc: RequestContext,
      @Arg('ticketId', () => ID, { nullable: true }) ticketId?: string,
      @Arg('subject', () => String, { nullable: true }) subject?: string,
      @Arg('first', () => Int, { defaultValue: 50 }) first?: number,
    ) {
      return tickets.personalDataAccesses(rc, { ticketId, subject }, first ?? 50);
    }

    @Mutation(() => Ticket, { description: '派单: send a RECEIVED or REOPENED ticket to its lead department.' })
    dispatchTicket(@Ctx() rc: RequestContext, @Arg('input', () => DispatchTicketInput) input: DispatchTicketInput) {
      return tickets.dispatch(rc, input);
    }

    @Mutation(() => Ticket, { description: 'Re-route a DISPATCHED ticket before it is accepted (the centre corrects itself).' })
    redispatchTicket(@Ctx() rc: RequestContext, @Arg('input', () => RedispatchTicketInput) input: RedispatchTicketInput) {
      return tickets.redispatch(rc, input);
    }

    @Mutation(() => Ticket, { description: '签收: the lead department accepts.' })
    acceptTicket(@Ctx() rc: RequestContext, @Arg('input', () => TicketChangeInput) input: TicketChangeInput) {
      return tickets.accept(rc, input);
    }

    @Mutation(() => Ticket, { description: '办理: the lead department starts handling.' })
    startTicket(@Ctx() rc: RequestContext, @Arg('input', () => TicketChangeInput) input: TicketChangeInput) {
      return tickets.start(rc, input);
    }

    @Mutation(() => Ticket, { description: '退单: "not ours", with a reason; a second reject goes to arbitration.' })
    rejectTicket(@Ctx() rc: RequestContext, @Arg('input', () => RejectTicketInput) input: RejectTicketInput) {
      return tickets.reject(rc, input);
    }

    @Mutation(() => Ticket, { description: "The centre disputes a department's reject: to arbitration." })
    disputeReject(@Ctx() rc: RequestContext, @Arg('input', () => DisputeRejectInput) input: DisputeRejectInput) {
      return tickets.disputeReject(rc, input);
    }

    @Mutation(() => Ticket, { description: '疑难调处: binding decision on the department.' })
    arbitrateTicket(@Ctx() rc: RequestContext, @Arg('input', () => ArbitrateTicketInput) input: ArbitrateTicketInput) {
      return tickets.arbitrate(rc, input);
    }

    @Mutation(() => Ticket, { description: '协办: the lead adds co-handling departments.' })
    addCoDepartments(@Ctx() rc: RequestContext, @Arg('input', () => AddCoDepartmentsInput) input: AddCoDepartmentsInput) {
      return tickets.addCoDepartments(rc, input);
    }

    @Mutation(() => Ticket, { description: '延期申请: ask a supervisor for more working days.' })
    requestExtension(@Ctx() rc: RequestContext, @Arg('input', () => RequestExtensionInput) input: RequestExtensionInput) {
      return tickets.requestExtension(rc, input);
    }

    @Mutation(() => Ticket, { description: '延期审批: approve or deny the pending extension.' })
    decideExtension(@Ctx() rc: RequestContext, @Arg('input', () => DecideExtensionInput) input: DecideExtensionInput) {
      return tickets.decideExtension(rc, input);
    }

    @Mutation(() => Ticket, { description: '办结: the lead department replies.' })
    resolveTicket(@Ctx() rc: RequestContext, @Arg('input', () => ResolveTicketInput) input: ResolveTicketInput) {
      return tickets.resolve(rc, input);
    }

    @Mutation(() => Ticket, { description: '即接即办: the operator resolves it on the call.' })
    resolveOnCall(@Ctx() rc: RequestContext, @Arg('input', () => ResolveTicketInput) input: ResolveTicketInput) {
      return tickets.resolveOnCall(rc, input);
    }

    @Mutation(() => Ticket, { description: '回访: record the return visit; dissatisfied re-opens the ticket.' })
    returnVisit(@Ctx() rc: RequestContext, @Arg('input', () => ReturnVisitInput) input: ReturnVisitInput) {
      return tickets.returnVisit(rc, input);
    }

    @Mutation(() => Ticket, { description: 'Close a resolved ticket without a return visit (note required).' })
    closeTicket(@Ctx() rc: RequestContext, @Arg('input', () => TicketChangeInput) input: TicketChangeInput) {
      return tickets.close(rc, input);
    }

    @Mutation(() => Ticket, { description: 'Merge a duplicate report under its parent ticket.' })
    mergeTicket(@Ctx() rc: RequestContext, @Arg('input', () => MergeTicketInput) input: MergeTicketInput) {
      return tickets.merge(rc, input);
    }

    @FieldResolver(() => ID)
    id(@Root() t: Ticket): string {
      return toGlobalId('Ticket', t.id);
    }

    @FieldResolver(() => District)
    async district(@Root() t: Ticket, @Ctx() rc: RequestContext) {
      return rc.loaders.districtById.load(t.districtId);
    }

    @FieldResolver(() => Location, { nullable: true })
    location(@Root() t: Ticket): Location | null {
      return t.lat != null && t.lng != null ? { lat: t.lat, lng: t.lng } : null;
    }

    @FieldResolver(() => Department, { nullable: true, description: '主办: the department handling it now.' })
    leadDepartment(@Root() t: Ticket, @Ctx() rc: RequestContext) {
      return t.leadDepartmentId ? rc.loaders.departmentById.load(t.leadDepartmentId) : null;
    }

    @FieldResolver(() => Department, { nullable: true, description: '首办: the first department it was dispatched to.' })
    firstDepartment(@Root() t: Ticket, @Ctx() rc: RequestContext) {
      return t.firstDepartmentId ? rc.loaders.departmentById.load(t.firstDepartmentId) : null;
    }

    @FieldResolver(() => [Department], { description: '协办: co-handling departments.' })
    async coDepartments(@Root() t: Ticket, @Ctx() rc: RequestContext) {
      const deps = await rc.loaders.departmentById.loadMany(t.coDepartmentIds);
      return deps.filter((d): d is Department => d instanceof Department);
    }

    @FieldResolver(() => Boolean, { description: 'Past the deadline running in its current status.' })
    overdue(@Root() t: Ticket): boolean {
      return tickets.isOverdue(t);
    }

    @FieldResolver(() => Ticket, { nullable: true, description: 'The ticket this duplicate is merged into.' })
    async parent(@Root() t: Ticket, @Ctx() rc: RequestContext) {
      return t.parentId ? tickets.byId(rc, t.parentId) : null;
    }

    @FieldResolver(() => [Ticket], { description: 'Duplicate reports merged into this ticket.' })
    async duplicates(@Root() t: Ticket, @Ctx() rc: RequestContext) {
      const children = await rc.loaders.childrenByParent.load(t.id);
      const visible = await Promise.all(children.map((c) => tickets.canSee(rc, c)));
      return children.filter((_, i) => visible[i]);
    }

    @FieldResolver(() => DuplicateOf, {
      nullable: true,
      description: '重复件: the earlier open report this one most resembles, found just after intake (null: none, or one you may not see).',
    })
    async suggestedParent(@Root() t: Ticket, @Ctx() rc: RequestContext): Promise<DuplicateOf | null> {
      const s = await rc.em.findOne(DuplicateSuggestion, { ticketId: t.id });
      const parent = s ? await tickets.byId(rc, s.parentId) : null;
      return s && parent ? { parent, similarity: s.similarity, distanceMeters: s.distanceMeters, merged: s.merged } : null;
    }

    @FieldResolver(() => Citizen, {
      nullable: true,
      description: 'The caller, always masked (138****8000); null for analysts. `revealCitizen` unmasks it, audited.',
    })
    citizen(@Root() t: Ticket, @Ctx() rc: RequestContext): Citizen | null {
      if (rc.viewer.role === 'ANALYST') return null;
      return citizenOf(t, true);
    }

    @FieldResolver(() => Matter, { nullable: true, description: '事项: the duty-list matter it is routed under.' })
    matter(@Root() t: Ticket, @Ctx() rc: RequestContext) {
      return t.matterId ? rc.loaders.matterById.load(t.matterId) : null;
    }

    @FieldResolver(() => TicketRouting, { nullable: true })
    async routing(@Root() t: Ticket, @Ctx() rc: RequestContext): Promise<TicketRouting | null> {
      // (set on a ticket just taken in or changed; else read for all tickets of the page at once)
      const r = t.routing !== undefined ? t.routing : await rc.loaders.routingByTicket.load(t.id);
      if (!r) return null;
      return { ...r, at: new Date(r.at), candidates: r.candidates.map(toCandidate) };
    }

    @FieldResolver(() => [TicketEvent], { description: 'The audit log, oldest first.' })
    events(@Root() t: Ticket, @Ctx() rc: RequestContext) {
      return rc.loaders.eventsByTicket.load(t.id);
    }

    @FieldResolver(() => [ReturnVisit])
    returnVisits(@Root() t: Ticket, @Ctx() rc: RequestContext) {
      return rc.loaders.returnVisitsByTicket.load(t.id);
    }

    @FieldResolver(() => [ExtensionRequest])
    extensionRequests(@Root() t: Ticket, @Ctx() rc: RequestContext) {
      return rc.loaders.extensionRequestsByTicket.load(t.id);
    }
  }
  return TicketsResolver;
}
