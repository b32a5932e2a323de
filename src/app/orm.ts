import path from 'node:path';
import { defineConfig, MikroORM } from '@mikro-orm/postgresql';
import type { Options } from '@mikro-orm/postgresql';
import { Migrator } from '@mikro-orm/migrations';
import { migrationsList } from '../../migrations';
import { RiskAlert, RiskAlertAction, RiskSignal, Supervision } from '../alerts/alert.entity';
import { TaskForce, TaskForceAction } from '../taskforces/taskforce.entity';
import { Clue, ClueAction } from '../clues/clue.entity';
import { DuplicateSuggestion } from '../tickets/duplicate-suggestion.entity';
import { PersonalDataAccess } from '../tickets/personal-data-access.entity';
import { RateLimitCounter } from './rate-limit.entity';
import { ApiKey } from '../auth/api-key.entity';
import { Department } from '../departments/department.entity';
import { District } from '../departments/district.entity';
import { MatterDispute } from '../dutylist/dispute.entity';
import { DutyListVersion } from '../dutylist/duty-list-version.entity';
import { Matter } from '../dutylist/matter.entity';
import { RoutingModel } from '../dutylist/routing-model.entity';
import { ConsumerCheckpoint, OutboxEvent, OutboxRelayCheckpoint } from '../realtime/outbox.entity';
import { HeatmapDaily, HeatmapHourly } from '../analytics/heatmap.entity';
import { ExtensionRequest } from '../tickets/extension-request.entity';
import { IntakeKey } from '../tickets/intake-key.entity';
import { ReturnVisit } from '../tickets/return-visit.entity';
import { TicketEvent } from '../tickets/ticket-event.entity';
import { Ticket } from '../tickets/ticket.entity';
import { PROJECT_ROOT } from './config';
import { REPLICA_CONNECT_TIMEOUT_MS } from './replicas';

/** Every entity, listed explicitly (no folder scanning). */
export const ENTITIES = [
  District,
  Department,
  DutyListVersion,
  Matter,
  RoutingModel,
  MatterDispute,
  Ticket,
  TicketEvent,
  ReturnVisit,
  ExtensionRequest,
  OutboxEvent,
  OutboxRelayCheckpoint,
  ConsumerCheckpoint,
  HeatmapHourly,
  HeatmapDaily,
  IntakeKey,
  ApiKey,
  PersonalDataAccess,
  RateLimitCounter,
  RiskAlert,
  RiskAlertAction,
  RiskSignal,
  Supervision,
  TaskForce,
  TaskForceAction,
  Clue,
  ClueAction,
  DuplicateSuggestion,
];

/** Counts SQL statements; tests use it to prove that nested queries batch. */
export class QueryCounter {
  count = 0;
  private listeners: ((sql: string) => void)[] = [];
  record(sql: string): void {
    this.count++;
    for (const l of this.listeners) l(sql);
  }
  onQuery(l: (sql: string) => void): () => void {
    this.listeners.push(l);
    return () => (this.listeners = this.listeners.filter((x) => x !== l));
  }
}

export interface OrmOptions {
  url: string;
  /** read replicas of `url`, for {@link onReplica} reads */
  replicas?: string[];
  logSql?: boolean;
  counter?: QueryCounter;
  poolMax?: number;
}

export function ormConfig(options: OrmOptions): Options {
  const counter = options.counter;
  return defineConfig({
    clientUrl: options.url,
    entities: ENTITIES,
    extensions: [Migrator],
    migrations: {
      path: path.join(PROJECT_ROOT, 'migrations'),
      snapshotName: '.snapshot-minsheng',
      migrationsList,
      transactional: true,
      allOrNothing: true,
      emit: 'ts',
      fileName: (timestamp, name) => `Migration${timestamp}${name ? `_${name}` : ''}`,
    },
    pool: { min: 0, max: options.poolMax ?? 10 },
    // replicas serve only the reads that ask for them (onReplica): an operator reads what they just wrote
    replicas: (options.replicas ?? []).map((clientUrl, i) => ({
      name: `replica-${i + 1}`,
      clientUrl,
      driverOptions: { acquireConnectionTimeout: REPLICA_CONNECT_TIMEOUT_MS, connection: { connectionTimeoutMillis: REPLICA_CONNECT_TIMEOUT_MS } },
    })),
    preferReadReplicas: false,
    forceUtcTimezone: true,
    // query logging feeds the counter; it prints only when LOG_SQL is on
    debug: counter || options.logSql ? ['query'] : false,
    logger: (message: string) => {
      if (message.startsWith('[query]')) counter?.record(message);
      if (options.logSql) process.stdout.write(`${message}\n`);
    },
    colors: false,
    allowGlobalContext: false,
  });
}

export async function initOrm(options: OrmOptions): Promise<MikroORM> {
  return MikroORM.init(ormConfig(options));
}

/** Applies pending migrations (no snapshot writes at run time). */
export async function migrateUp(orm: MikroORM): Promise<string[]> {
  const migrator = orm.getMigrator();
  const done = await migrator.up();
  return done.map((m) => m.name);
}
