import DataLoader from 'dataloader';
import type { EntityManager } from '@mikro-orm/postgresql';
import { Department } from '../departments/department.entity';
import { District } from '../departments/district.entity';
import { DutyListVersion } from '../dutylist/duty-list-version.entity';
import { Matter } from '../dutylist/matter.entity';
import { TaskForce, TaskForceStatus } from '../taskforces/taskforce.entity';
import { ExtensionRequest } from '../tickets/extension-request.entity';
import { ReturnVisit } from '../tickets/return-visit.entity';
import { TicketEvent } from '../tickets/ticket-event.entity';
import { Ticket } from '../tickets/ticket.entity';

type EntityClass<T> = new (...args: never[]) => T;

/** One query for all ids asked for in one tick; results in the order asked. */
function byId<T extends { id: string }>(em: EntityManager, entity: EntityClass<T>) {
  return new DataLoader<string, T | null>(async (ids) => {
    const rows = (await em.find(entity as never, { id: { $in: [...ids] } } as never)) as T[];
    const map = new Map(rows.map((r) => [r.id, r]));
    return ids.map((id) => map.get(id) ?? null);
  });
}

/** One query for the children of all parents asked for, grouped by `key`. */
function manyBy<T>(
  em: EntityManager,
  entity: EntityClass<T>,
  key: keyof T & string,
  orderBy: Record<string, 'asc' | 'desc'>,
) {
  return new DataLoader<string, T[]>(async (parentIds) => {
    const rows = (await em.find(entity as never, { [key]: { $in: [...parentIds] } } as never, {
      orderBy: orderBy as never,
    })) as T[];
    const groups = new Map<string, T[]>(parentIds.map((id) => [id, []]));
    for (const r of rows) groups.get(r[key] as unknown as string)?.push(r);
    return parentIds.map((id) => groups.get(id) ?? []);
  });
}

/** The per-request DataLoader registry. */
export function createLoaders(em: EntityManager) {
  return {
    districtById: byId(em, District),
    departmentById: byId(em, Department),
    ticketById: byId(em, Ticket),
    /** tickets' routing records (a lazy column): one query for all asked for in one tick */
    routingByTicket: new DataLoader<string, Ticket['routing'] | null>(async (ids) => {
      const rows = await em.getConnection().execute<{ id: string; routing: Ticket['routing'] | null }[]>('select id, routing from tickets where id in (?)', [[...ids]]);
      const map = new Map(rows.map((r) => [r.id, r.routing]));
      return ids.map((id) => map.get(id) ?? null);
    }),
    departmentByCode: new DataLoader<string, Department | null>(async (codes) => {
      const rows = await em.find(Department, { code: { $in: [...codes] } });
      const map = new Map(rows.map((r) => [r.code, r]));
      return codes.map((c) => map.get(c) ?? null);
    }),
    districtByCode: new DataLoader<string, District | null>(async (codes) => {
      const rows = await em.find(District, { code: { $in: [...codes] } });
      const map = new Map(rows.map((r) => [r.code, r]));
      return codes.map((c) => map.get(c) ?? null);
    }),
    eventsByTicket: manyBy(em, TicketEvent, 'ticketId', { seq: 'asc' }),
    returnVisitsByTicket: manyBy(em, ReturnVisit, 'ticketId', { visitedAt: 'asc' }),
    extensionRequestsByTicket: manyBy(em, ExtensionRequest, 'ticketId', { requestedAt: 'asc' }),
    childrenByParent: manyBy(em, Ticket, 'parentId', { createdAt: 'asc' }),
    mattersByVersion: manyBy(em, Matter, 'versionId', { position: 'asc', code: 'asc' }),
    matterById: byId(em, Matter),
    dutyListVersionById: byId(em, DutyListVersion),
    /**
     * per department: the tickets linked to the active task forces it leads or joined (once a
     * request); a closed task force no longer opens its tickets to its members
     */
    taskForceTicketIds: new DataLoader<string, string[]>((deps) =>
      Promise.all(
        deps.map(async (dep) =>
          (await em.find(TaskForce, { departmentIds: { $contains: [dep] }, status: TaskForceStatus.ACTIVE }, { fields: ['ticketIds'] })).flatMap((f) => f.ticketIds),
        ),
      ),
    ),
  };
}

export type Loaders = ReturnType<typeof createLoaders>;
