import { GraphQLJSONObject } from 'graphql-scalars';
import { RedactPersonalData } from '../auth/redact';
import { Arg, Args, Ctx, Field, FieldResolver, ID, InputType, Int, Mutation, ObjectType, Query, Resolver, Root, Subscription, UseMiddleware } from 'type-graphql';
import type { RequestContext } from '../app/context';
import { District } from '../departments/district.entity';
import type { DepartmentsService } from '../departments/departments.service';
import type { StreamEvent } from '../realtime/events';
import type { LiveContext } from '../realtime/live.service';
import { Connection, ConnectionArgs, localId, toGlobalId } from '../shared/relay';
import { Ticket } from '../tickets/ticket.entity';
import type { TicketsService } from '../tickets/tickets.service';
import { AlertKind, AlertSeverity, AlertStatus, RiskAlert, RiskAlertAction, Supervision } from './alert.entity';
import type { AlertEventPayload } from './alert.store';
import type { AlertsService } from './alerts.service';

export const RiskAlertConnection = Connection(RiskAlert, 'RiskAlert');

@InputType({ description: 'Which alerts; within your scope, all of them when empty.' })
export class RiskAlertFilter {
  @Field(() => [String], { nullable: true, description: 'District codes, e.g. 440106.' })
  districtCodes?: string[] | null;

  @Field(() => [AlertKind], { nullable: true })
  kinds?: AlertKind[] | null;

  @Field(() => [AlertStatus], { nullable: true })
  statuses?: AlertStatus[] | null;

  @Field(() => AlertSeverity, { nullable: true, description: 'This severity and above.' })
  minSeverity?: AlertSeverity | null;
}

@InputType({ description: 'A decision on an alert.' })
export class AlertChangeInput {
  @Field(() => ID)
  id!: string;

  @Field(() => Int, { nullable: true, description: 'The version you saw: CONFLICT if it changed meanwhile.' })
  expectedVersion?: number | null;

  @Field(() => String, { nullable: true, description: 'Why (required to dismiss).' })
  note?: string | null;
}

@ObjectType({ description: 'An alert raised or changed, as it happens (or replayed after `after`).' })
export class RiskAlertEvent {
  @Field(() => ID, { description: 'The event id, increasing: reconnect with `after` set to the last one you received.' })
  id!: string;

  @Field(() => String, { description: 'RAISED, UPDATED, ACKNOWLEDGED, DISMISSED, RESOLVED, TASK_FORCE.' })
  type!: string;

  @Field(() => ID, { description: 'The alert’s global id.' })
  alertId!: string;

  @Field(() => AlertKind)
  kind!: AlertKind;

  @Field(() => AlertSeverity)
  severity!: AlertSeverity;

  @Field(() => AlertStatus)
  status!: AlertStatus;

  @Field(() => String)
  title!: string;

  @Field(() => GraphQLJSONObject)
  figures!: Record<string, unknown>;

  @Field(() => Int)
  ticketCount!: number;

  @Field(() => Int, { nullable: true })
  peopleAffected!: number | null;

  @Field(() => Int)
  version!: number;

  @Field(() => String)
  actor!: string;

  @UseMiddleware(RedactPersonalData)
  @Field(() => String, { nullable: true })
  note!: string | null;

  @Field(() => Date)
  occurredAt!: Date;

  districtId!: string;
}

function toAlertEvent(e: StreamEvent): RiskAlertEvent {
  const p = e.payload as unknown as AlertEventPayload;
  return Object.assign(new RiskAlertEvent(), {
    id: e.position,
    type: e.type,
    alertId: toGlobalId('RiskAlert', p.alertId),
    kind: p.kind,
    severity: p.severity,
    status: p.status,
    title: p.title,
    figures: p.figures,
    ticketCount: p.ticketCount,
    peopleAffected: p.peopleAffected,
    version: p.version,
    actor: p.actor,
    note: p.note,
    occurredAt: new Date(e.occurredAt),
    districtId: p.districtId,
  });
}

export function alertResolvers(alerts: AlertsService, tickets: TicketsService, departments: DepartmentsService) {
  @Resolver(() => RiskAlert)
  class RiskAlertResolver {
    @Query(() => RiskAlertConnection, { description: '风险预警: alerts you may see, most recently active first.' })
    async riskAlerts(
      @Ctx() rc: RequestContext,
      @Args(() => ConnectionArgs) page: ConnectionArgs,
      @Arg('filter', () => RiskAlertFilter, { nullable: true }) filter?: RiskAlertFilter,
    ) {
      return RiskAlertConnection.from(await alerts.list(rc, filter, page));
    }

    @Query(() => RiskAlert, { nullable: true })
    riskAlert(@Ctx() rc: RequestContext, @Arg('id', () => ID) id: string) {
      return alerts.byId(rc, localId(id, 'RiskAlert'));
    }

    @Mutation(() => RiskAlert, { description: 'OPEN → ACKNOWLEDGED: someone is on it. Twice is ILLEGAL_TRANSITION.' })
    acknowledgeAlert(@Ctx() rc: RequestContext, @Arg('input', () => AlertChangeInput) input: AlertChangeInput) {
      return alerts.acknowledge(rc, input);
    }

    @Mutation(() => RiskAlert, { description: 'A false alarm (with a note): the same situation stays quiet for 7 days.' })
    dismissAlert(@Ctx() rc: RequestContext, @Arg('input', () => AlertChangeInput) input: AlertChangeInput) {
      return alerts.dismiss(rc, input);
    }

    @Mutation(() => RiskAlert, { description: 'The situation is over; new tickets about it raise a new alert.' })
    resolveAlert(@Ctx() rc: RequestContext, @Arg('input', () => AlertChangeInput) input: AlertChangeInput) {
      return alerts.resolve(rc, input);
    }

    @FieldResolver(() => ID)
    id(@Root() a: RiskAlert): string {
      return toGlobalId('RiskAlert', a.id);
    }

    @FieldResolver(() => District)
    district(@Root() a: RiskAlert, @Ctx() rc: RequestContext) {
      return departments.cachedDistrict(rc, a.districtId);
    }

    @FieldResolver(() => [Ticket], { description: 'Evidence tickets you may see, newest first.' })
    async evidence(@Root() a: RiskAlert, @Ctx() rc: RequestContext, @Arg('first', () => Int, { defaultValue: 20 }) first: number) {
      const n = Math.max(0, Math.min(first, 200));
      const ids = n ? a.evidenceTicketIds.slice(-n).reverse() : [];
      const found = await Promise.all(ids.map((id) => tickets.byId(rc, id)));
      return found.filter((t): t is Ticket => !!t);
    }

    @FieldResolver(() => [RiskAlertAction], { description: 'The audit log: raised, updates, decisions.' })
    actions(@Root() a: RiskAlert, @Ctx() rc: RequestContext) {
      return alerts.actions(rc, a);
    }
  }

  @Resolver(() => Ticket)
  class TicketSupervisionResolver {
    @FieldResolver(() => [Supervision], { description: '催办 / 督办 / 通报: the SLA clock’s escalations of this ticket, oldest first.' })
    async supervisions(@Root() t: Ticket, @Ctx() rc: RequestContext) {
      const rank = { REMINDER: 0, SUPERVISION: 1, NOTICE: 2 };
      const rows = await rc.em.find(Supervision, { ticketId: t.id });
      return rows.sort((a, b) => a.at.getTime() - b.at.getTime() || rank[a.level] - rank[b.level]);
    }
  }

  @Resolver(() => RiskAlertEvent)
  class RiskAlertStreamResolver {
    @Subscription(() => RiskAlertEvent, {
      description:
        'Alerts as they are raised and change, within your scope (a district office: its districts). With `after`, first every event you missed, then live ones.',
      subscribe: ({ args, context, info }) =>
        alerts.subscribe(
          context as LiveContext,
          { districtCodes: args.districtCodes as string[] | undefined, kinds: args.kinds as AlertKind[] | undefined, minSeverity: args.minSeverity as AlertSeverity | undefined },
          args.after as string | undefined,
          info,
        ),
    })
    riskAlerts(
      @Root() e: StreamEvent,
      @Arg('districtCodes', () => [String], { nullable: true }) _districtCodes?: string[],
      @Arg('kinds', () => [AlertKind], { nullable: true }) _kinds?: AlertKind[],
      @Arg('minSeverity', () => AlertSeverity, { nullable: true }) _minSeverity?: AlertSeverity,
      @Arg('after', () => ID, { nullable: true }) _after?: string,
    ): RiskAlertEvent {
      return toAlertEvent(e);
    }

    @FieldResolver(() => District)
    district(@Root() e: RiskAlertEvent, @Ctx() rc: RequestContext) {
      return departments.cachedDistrict(rc, e.districtId);
    }
  }
  return [RiskAlertResolver, RiskAlertStreamResolver, TicketSupervisionResolver];
}
