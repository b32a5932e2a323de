import { Arg, Ctx, ID, Query, Resolver } from 'type-graphql';
import type { RequestContext } from './context';
import type { TicketsService } from '../tickets/tickets.service';
import type { AlertsService } from '../alerts/alerts.service';
import type { TaskForcesService } from '../taskforces/taskforces.service';
import type { CluesService } from '../clues/clues.service';
import { fromGlobalId, isUuid, Node } from '../shared/relay';
import { ViewerType } from '../auth/viewer';

/** `node(id:)` for clients that cache by global id, and `viewer`. */
export function nodeResolver(tickets: TicketsService, alerts: AlertsService, taskForces: TaskForcesService, clues: CluesService) {
  @Resolver()
  class NodeResolver {
    @Query(() => Node, { nullable: true, description: 'Any object by its global id (null if you may not see it).' })
    async node(@Ctx() rc: RequestContext, @Arg('id', () => ID) id: string): Promise<Node | null> {
      const { type, id: local } = fromGlobalId(id);
      if (!isUuid(local)) return null;
      switch (type) {
        case 'Ticket':
          return (await tickets.byId(rc, local)) as unknown as Node | null;
        case 'Department':
          return (await rc.loaders.departmentById.load(local)) as unknown as Node | null;
        case 'RiskAlert':
          return (await alerts.byId(rc, local)) as unknown as Node | null;
        case 'TaskForce':
          return (await taskForces.byId(rc, local)) as unknown as Node | null;
        case 'Clue':
          return (await clues.byId(rc, local).catch(() => null)) as unknown as Node | null;
        case 'District':
          return (await rc.loaders.districtById.load(local)) as unknown as Node | null;
        default:
          return null;
      }
    }

    @Query(() => ViewerType, { description: 'Who the hub thinks you are.' })
    viewer(@Ctx() rc: RequestContext): ViewerType {
      return { ...rc.viewer, districtCodes: [...rc.viewer.districtCodes] };
    }
  }
  return NodeResolver;
}
