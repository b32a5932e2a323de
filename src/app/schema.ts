import 'reflect-metadata';
import fs from 'node:fs';
import path from 'node:path';
import { GraphQLError, GraphQLScalarType, lexicographicSortSchema, printSchema } from 'graphql';
import type { GraphQLSchema } from 'graphql';
import { validateOrReject } from 'class-validator';
import type { ValidatorOptions } from 'class-validator';
import { ArgumentValidationError, buildSchema, GraphQLISODateTime } from 'type-graphql';
import { alertResolvers } from '../alerts/alerts.resolver';
import type { AlertsService } from '../alerts/alerts.service';
import { figuresResolvers } from '../analytics/figures';
import type { DepartmentFiguresService } from '../analytics/figures';
import { ticketFiguresResolvers } from '../analytics/ticket-figures';
import type { TicketFiguresService } from '../analytics/ticket-figures';
import { heatmapResolvers } from '../analytics/heatmap.resolver';
import { clueResolvers } from '../clues/clues.resolver';
import { hotIssueResolvers } from '../hotissues/hotissues.resolver';
import type { HotIssuesService } from '../hotissues/hotissues.service';
import type { CluesService } from '../clues/clues.service';
import type { HeatmapLive } from '../analytics/heatmap.live';
import type { HeatmapService } from '../analytics/heatmap.service';
import { departmentsResolvers } from '../departments/departments.resolver';
import type { DepartmentsService } from '../departments/departments.service';
import { dutyListResolvers } from '../dutylist/dutylist.resolver';
import type { DutyListService } from '../dutylist/dutylist.service';
import type { RouterService } from '../dutylist/router.service';
import { liveResolvers } from '../realtime/live.resolver';
import type { LiveService } from '../realtime/live.service';
import type { WorkingCalendar } from '../shared/calendar';
import { taskForceResolvers } from '../taskforces/taskforces.resolver';
import type { TaskForcesService } from '../taskforces/taskforces.service';
import { ticketsResolver } from '../tickets/tickets.resolver';
import type { TicketsService } from '../tickets/tickets.service';
import { PROJECT_ROOT } from './config';
import { nodeResolver } from './node.resolver';

export interface Services {
  departments: DepartmentsService;
  dutyLists: DutyListService;
  router: RouterService;
  tickets: TicketsService;
  live: LiveService;
  heatmaps: HeatmapService;
  heatmapLive: HeatmapLive;
  alerts: AlertsService;
  taskForces: TaskForcesService;
  clues: CluesService;
  hotIssues: HotIssuesService;
  figures: DepartmentFiguresService;
  ticketFigures: TicketFiguresService;
  calendar: WorkingCalendar;
}

const VALIDATION: ValidatorOptions = { skipMissingProperties: true, forbidUnknownValues: false };

/**
 * Validates an input object's class-validator rules, as type-graphql's built-in validation
 * does, with class-validator imported once (type-graphql's own path re-imports the module on
 * every argument, which showed in intake profiles).
 */
async function validateInput(value: unknown): Promise<void> {
  if (value === null || typeof value !== 'object') return;
  try {
    if (Array.isArray(value)) {
      await Promise.all(value.filter((v) => v !== null && typeof v === 'object').map((v) => validateOrReject(v as object, VALIDATION)));
    } else {
      await validateOrReject(value, VALIDATION);
    }
  } catch (e) {
    throw new ArgumentValidationError(e as ConstructorParameters<typeof ArgumentValidationError>[0]);
  }
}

export const SCHEMA_FILE = path.join(PROJECT_ROOT, 'schema', 'schema.graphql');

/** Builds the one GraphQL schema from every module's resolvers. */
export async function buildHubSchema(services: Services): Promise<GraphQLSchema> {
  return buildSchema({
    resolvers: [
      nodeResolver(services.tickets, services.alerts, services.taskForces, services.clues),
      ...departmentsResolvers(services.departments),
      ...dutyListResolvers(services.dutyLists, services.router),
      ticketsResolver(services.tickets),
      ...liveResolvers(services.live, services.tickets, services.departments, services.dutyLists),
      ...heatmapResolvers(services.heatmaps, services.heatmapLive),
      ...alertResolvers(services.alerts, services.tickets, services.departments),
      ...taskForceResolvers(services.taskForces, services.tickets, services.alerts, services.departments),
      ...clueResolvers(services.clues, services.tickets, services.departments),
      ...hotIssueResolvers(services.hotIssues, services.tickets),
      ...figuresResolvers(services.figures),
      ...ticketFiguresResolvers(services.ticketFigures),
    ],
    validateFn: validateInput,
    scalarsMap: [{ type: Date, scalar: DateTimeISO }],
    // subscriptions bring their own `subscribe` (the event stream); topic-based pub/sub is unused
    pubSub: {
      publish: () => undefined,
      subscribe: () => {
        throw new Error('topic subscriptions are not used: give @Subscription a subscribe function');
      },
    },
  });
}

/**
 * type-graphql's DateTimeISO (graphql-scalars'), held to the years PostgreSQL and people use,
 * 1–9999: year 0 or 10000 is a typing error, refused with a code (PostgreSQL has no year 0 —
 * such a date reached it as an internal error). Same name and description: the SDL is unchanged.
 */
const base = GraphQLISODateTime.toConfig();
// (a day inside each end: the database driver may write the instant in a time zone of up to ±14 h.
// Parsed, not Date.UTC: that reads years 0–99 as 1900–1999)
const FIRST = Date.parse('0001-01-02T00:00:00Z');
const LAST = Date.parse('9999-12-31T00:00:00Z');
function inYears(d: Date): Date {
  const t = d.getTime();
  if (!(t >= FIRST && t < LAST)) throw new GraphQLError(`DateTimeISO cannot represent a date outside the years 1–9999: ${d.toISOString()}`, { extensions: { code: 'BAD_USER_INPUT' } });
  return d;
}
export const DateTimeISO = new GraphQLScalarType({
  ...base,
  parseValue: (value) => inYears(base.parseValue!(value) as Date),
  parseLiteral: (ast, variables) => inYears(base.parseLiteral!(ast, variables) as Date),
});

/** The SDL as committed in schema/schema.graphql (sorted, so diffs stay readable). */
export function printHubSchema(schema: GraphQLSchema): string {
  return `${printSchema(lexicographicSortSchema(schema))}\n`;
}

export function writeSchemaFile(sdl: string, file = SCHEMA_FILE): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, sdl);
}
