import { Arg, Args, Ctx, Field, FieldResolver, ID, InputType, Int, Mutation, ObjectType, Query, Resolver, Root, Subscription, UseMiddleware } from 'type-graphql';
import { RedactPersonalData } from '../auth/redact';
import type { StreamEvent } from '../realtime/events';
import type { LiveContext } from '../realtime/live.service';
import type { RequestContext } from '../app/context';
import { RiskAlert } from '../alerts/alert.entity';
import type { AlertsService } from '../alerts/alerts.service';
import { Department } from '../departments/department.entity';
import { District } from '../departments/district.entity';
import type { DepartmentsService } from '../departments/departments.service';
import { Connection, ConnectionArgs, localId, toGlobalId } from '../shared/relay';
import { Ticket } from '../tickets/ticket.entity';
import type { TicketsService } from '../tickets/tickets.service';
import { TaskForce, TaskForceAction, TaskForceStatus } from './taskforce.entity';
import { DONE } from './taskforces.service';
import type { TaskForcesService } from './taskforces.service';

export const TaskForceConnection = Connection(TaskForce, 'TaskForce');

@InputType({ description: '成立专班: from an alert (its evidence tickets come along) or by hand.' })
export class FormTaskForceInput {
  @Field(() => String)
  name!: string;

  @Field(() => String, { description: 'The lead department (牵头单位), by code.' })
  leadDepartmentCode!: string;

  @Field(() => [String], { nullable: true, description: 'Member departments (成员单位), by code.' })
  memberDepartmentCodes?: string[] | null;

  @Field(() => ID, { nullable: true, description: 'The alert it answers; the alert moves to TASK_FORCE.' })
  alertId?: string | null;

  @Field(() => [ID], { nullable: true })
  ticketIds?: string[] | null;

  @Field(() => String, { nullable: true, description: 'Where it works, when neither an alert nor a district lead says so.' })
  districtCode?: string | null;

  @Field(() => String, { nullable: true })
  note?: string | null;
}

@InputType()
export class TaskForceChangeInput {
  @Field(() => ID)
  id!: string;

  @Field(() => Int, { nullable: true, description: 'The version you saw: CONFLICT if it changed meanwhile.' })
  expectedVersion?: number | null;

  @Field(() => String, { nullable: true })
  note?: string | null;
}

@InputType()
export class AddTaskForceMembersInput extends TaskForceChangeInput {
  @Field(() => [String])
  departmentCodes!: string[];
}

@InputType()
export class LinkTaskForceTicketsInput extends TaskForceChangeInput {
  @Field(() => [ID])
  ticketIds!: string[];
}

@InputType()
export class TaskForceFilter {
  @Field(() => [TaskForceStatus], { nullable: true })
  statuses?: TaskForceStatus[] | null;

  @Field(() => [String], { nullable: true })
  districtCodes?: string[] | null;
}

@ObjectType({ description: 'A task force formed or changed, as it happens (or replayed after `after`).' })
export class TaskForceEvent {
  @Field(() => ID, { description: 'The event id: reconnect with `after` set to the last one you received.' })
  id!: string;

  @Field(() => String, { description: 'FORMED, MEMBERS_ADDED, TICKETS_LINKED, ACTION, CLOSED.' })
  type!: string;

  @Field(() => ID)
  taskForceId!: string;

  @UseMiddleware(RedactPersonalData)
  @Field(() => String)
  name!: string;

  @Field(() => TaskForceStatus)
  status!: TaskForceStatus;

  @Field(() => Int)
  version!: number;

  @Field(() => Int, { description: 'Linked tickets after the change.' })
  tickets!: number;

  @Field(() => String)
  actor!: string;

  @UseMiddleware(RedactPersonalData)
  @Field(() => String, { nullable: true })
  note!: string | null;

  @Field(() => Date)
  occurredAt!: Date;
}

export function taskForceResolvers(forces: TaskForcesService, tickets: TicketsService, alerts: AlertsService, departments: DepartmentsService) {
  @Resolver(() => TaskForce)
  class TaskForceResolver {
    @Query(() => TaskForceConnection, { description: '工作专班 you may see (a department: those it leads or joined), newest first.' })
    async taskForces(
      @Ctx() rc: RequestContext,
      @Args(() => ConnectionArgs) page: ConnectionArgs,
      @Arg('filter', () => TaskForceFilter, { nullable: true }) filter?: TaskForceFilter,
    ) {
      return TaskForceConnection.from(await forces.list(rc, filter, page));
    }

    @Query(() => TaskForce, { nullable: true })
    taskForce(@Ctx() rc: RequestContext, @Arg('id', () => ID) id: string) {
      return forces.byId(rc, localId(id, 'TaskForce'));
    }

    @Mutation(() => TaskForce, { description: '成立专班: supervisors, admins, or the district’s office.' })
    formTaskForce(@Ctx() rc: RequestContext, @Arg('input', () => FormTaskForceInput) input: FormTaskForceInput) {
      return forces.form(rc, input);
    }

    @Mutation(() => TaskForce, { description: 'Member departments join (organisers or the lead).' })
    addTaskForceMembers(@Ctx() rc: RequestContext, @Arg('input', () => AddTaskForceMembersInput) input: AddTaskForceMembersInput) {
      return forces.addMembers(rc, input);
    }

    @Mutation(() => TaskForce, { description: 'Link tickets you may see (organisers or the lead).' })
    linkTaskForceTickets(@Ctx() rc: RequestContext, @Arg('input', () => LinkTaskForceTicketsInput) input: LinkTaskForceTicketsInput) {
      return forces.linkTickets(rc, input);
    }

    @Mutation(() => TaskForce, { description: 'An entry in the action log (any member, organisers); `note` says what was done.' })
    logTaskForceAction(@Ctx() rc: RequestContext, @Arg('input', () => TaskForceChangeInput) input: TaskForceChangeInput) {
      return forces.logAction(rc, input);
    }

    @Mutation(() => TaskForce, { description: '专班结案: only when every linked ticket is resolved (else ILLEGAL_TRANSITION naming them); its alerts resolve with it.' })
    closeTaskForce(@Ctx() rc: RequestContext, @Arg('input', () => TaskForceChangeInput) input: TaskForceChangeInput) {
      return forces.close(rc, input);
    }

    @FieldResolver(() => ID)
    id(@Root() f: TaskForce): string {
      return toGlobalId('TaskForce', f.id);
    }

    @FieldResolver(() => District)
    district(@Root() f: TaskForce, @Ctx() rc: RequestContext) {
      return departments.cachedDistrict(rc, f.districtId);
    }

    @FieldResolver(() => Department)
    leadDepartment(@Root() f: TaskForce, @Ctx() rc: RequestContext) {
      return rc.loaders.departmentById.load(f.leadDepartmentId);
    }

    @FieldResolver(() => [Department], { description: 'Lead and members.' })
    async departments(@Root() f: TaskForce, @Ctx() rc: RequestContext) {
      const found = await Promise.all(f.departmentIds.map((id) => rc.loaders.departmentById.load(id)));
      return found.filter((d): d is Department => !!d);
    }

    @FieldResolver(() => [Ticket], { description: 'Linked tickets you may see.' })
    async tickets(@Root() f: TaskForce, @Ctx() rc: RequestContext) {
      const found = await Promise.all(f.ticketIds.map((id) => tickets.byId(rc, id)));
      return found.filter((t): t is Ticket => !!t);
    }

    @FieldResolver(() => Int, { description: 'Linked tickets you may see that are not yet resolved.' })
    async openTickets(@Root() f: TaskForce, @Ctx() rc: RequestContext) {
      const found = await Promise.all(f.ticketIds.map((id) => tickets.byId(rc, id)));
      // a merged ticket is open while the ticket it was merged into is
      const statuses = await Promise.all(
        found.map(async (t) => (t?.status === 'MERGED' && t.parentId ? ((await rc.loaders.ticketById.load(t.parentId))?.status ?? t.status) : t?.status)),
      );
      return statuses.filter((s) => s && !DONE.has(s)).length;
    }

    @FieldResolver(() => [RiskAlert], { description: 'Linked alerts you may see.' })
    async alerts(@Root() f: TaskForce, @Ctx() rc: RequestContext) {
      if (rc.viewer.role === 'DEPARTMENT_STAFF') return [];
      const found = await Promise.all(f.alertIds.map((id) => alerts.byId(rc, id)));
      return found.filter((a): a is RiskAlert => !!a);
    }

    @FieldResolver(() => [TaskForceAction], { description: 'The action log (台账).' })
    actions(@Root() f: TaskForce, @Ctx() rc: RequestContext) {
      return forces.actions(rc, f);
    }
  }
  @Resolver(() => TaskForceEvent)
  class TaskForceStreamResolver {
    @Subscription(() => TaskForceEvent, {
      description: 'Task-force changes as they happen: a department’s own task forces, a district office’s districts’, all for the centre. Resumable with `after`.',
      subscribe: ({ args, context, info }) => forces.subscribe(context as LiveContext, args.after as string | undefined, info),
    })
    taskForceEvents(@Root() e: StreamEvent, @Arg('after', () => ID, { nullable: true }) _after?: string): TaskForceEvent {
      const p = e.payload as { taskForceId: string; name: string; status: TaskForceStatus; version: number; tickets: number; actor: string; note: string | null };
      return Object.assign(new TaskForceEvent(), {
        id: e.position,
        type: e.type,
        taskForceId: toGlobalId('TaskForce', p.taskForceId),
        name: p.name,
        status: p.status,
        version: p.version,
        tickets: p.tickets,
        actor: p.actor,
        note: p.note,
        occurredAt: new Date(e.occurredAt),
      });
    }
  }

  @Resolver(() => RiskAlert)
  class AlertTaskForceResolver {
    @FieldResolver(() => TaskForce, { nullable: true, description: 'The task force working on it (if you may see it).' })
    taskForce(@Root() a: RiskAlert, @Ctx() rc: RequestContext) {
      return a.taskForceId ? forces.byId(rc, a.taskForceId) : null;
    }
  }
  return [TaskForceResolver, TaskForceStreamResolver, AlertTaskForceResolver];
}
