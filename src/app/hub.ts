import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginCacheControlDisabled } from '@apollo/server/plugin/disabled';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import {
  ApolloServerPluginLandingPageLocalDefault,
  ApolloServerPluginLandingPageProductionDefault,
} from '@apollo/server/plugin/landingPage/default';
import { expressMiddleware } from '@as-integrations/express5';
import type { EntityManager, MikroORM } from '@mikro-orm/postgresql';
import cors from 'cors';
import express from 'express';
import type { ErrorRequestHandler } from 'express';
import { execute, GraphQLError, subscribe } from 'graphql';
import type { ExecutionArgs } from 'graphql';
import type { GraphQLSchema } from 'graphql';
import { useServer } from 'graphql-ws/use/ws';
import { Pool } from 'pg';
import { WebSocketServer } from 'ws';
import { ApiKeys } from '../auth/api-keys';
import { viewerFromAuthorization } from '../auth/viewer';
import type { TokenVerifier, Viewer } from '../auth/viewer';
import { DepartmentsService } from '../departments/departments.service';
import { DutyListService } from '../dutylist/dutylist.service';
import { RouterService } from '../dutylist/router.service';
import { calendarWarnings, WorkingCalendar } from '../shared/calendar';
import { systemClock } from '../shared/clock';
import type { Clock } from '../shared/clock';
import { DomainError, ErrorCode } from '../shared/errors';
import { HeatmapLive } from '../analytics/heatmap.live';
import { applyHeatmapRollup, HEATMAP_ROLLUP_CONSUMER, HeatmapService } from '../analytics/heatmap.service';
import { createBus, databaseKey } from '../realtime/bus';
import { AlertsService } from '../alerts/alerts.service';
import { DEFAULT_DETECTOR_SETTINGS, RiskDetectors } from '../alerts/detectors';
import { SlaClock } from '../alerts/sla.clock';
import { TaskForcesService } from '../taskforces/taskforces.service';
import { CluesService } from '../clues/clues.service';
import { DepartmentFiguresService } from '../analytics/figures';
import { HubMetrics, operationOf } from './metrics';
import { TicketFiguresService } from '../analytics/ticket-figures';
import { HotIssuesService } from '../hotissues/hotissues.service';
import { DEFAULT_DUPLICATE_SETTINGS, DuplicateDetector } from '../tickets/duplicates';
import { CheckpointedConsumer, consumersBehind } from '../realtime/consumer';
import { setSocketBufferLimit } from '../realtime/fanout';
import type { EventBus } from '../realtime/bus';
import { LiveService } from '../realtime/live.service';
import type { LiveContext } from '../realtime/live.service';
import { OutboxRelay } from '../realtime/relay';
import { EventStream } from '../realtime/stream';
import type { Sql } from '../realtime/stream';
import { RetentionJob } from '../tickets/retention.job';
import { INTAKE_STATEMENTS_IN_FLIGHT } from '../tickets/intake.writer';
import { TicketsService } from '../tickets/tickets.service';
import type { Config } from './config';
import type { RequestContext } from './context';
import { documentCache } from './documents';
import { RateLimits } from './rate-limit';
import { costError, introspectionError, limitRules, invalidTextError, validationRules } from './limits';
import type { Limits } from './limits';
import { createErrorFormatter } from './errors';
import { createLoaders } from './loaders';
import type { Loaders } from './loaders';
import { initOrm, migrateUp } from './orm';
import type { QueryCounter } from './orm';
import { buildHubSchema } from './schema';
import type { Services } from './schema';

export interface Logger {
  info(message: string): void;
  error(message: string, error?: unknown): void;
}

export const consoleLogger: Logger = {
  info: (m) => console.log(`[minsheng] ${m}`),
  error: (m, e) => console.error(`[minsheng] ${m}`, e instanceof Error ? e.stack ?? e.message : (e ?? '')),
};

export interface HubOptions {
  config: Config;
  databaseUrl: string;
  clock?: Clock;
  counter?: QueryCounter;
  logger?: Logger;
  /** listen on this port instead of config.PORT (tests pass 0) */
  port?: number;
  /** runs after migrations, before the hub listens (e.g. loading demo data) */
  beforeListen?: (orm: MikroORM) => Promise<void>;
}

export interface Hub {
  url: string;
  wsUrl: string;
  port: number;
  orm: MikroORM;
  services: Services;
  schema: GraphQLSchema;
  bus: EventBus;
  stream: EventStream;
  relay: OutboxRelay;
  rollups: CheckpointedConsumer;
  /** the risk detectors' consumer (tests drain it) */
  risk: CheckpointedConsumer;
  retention: RetentionJob;
  apiKeys: ApiKeys;
  stop(): Promise<void>;
}

export function createServices(config: Config, clock: Clock): Services {
  const calendar = new WorkingCalendar({
    holidays: config.CALENDAR_HOLIDAYS,
    workdays: config.CALENDAR_WORKDAYS,
    hours: config.WORKDAY_HOURS,
  });
  const departments = new DepartmentsService(config.CITY_BOUNDS);
  const dutyLists = new DutyListService(clock);
  const router = new RouterService(dutyLists, departments, clock, config.ROUTING_THRESHOLD);
  const tickets = new TicketsService({
    clock,
    calendar,
    departments,
    dutyLists,
    router,
    cityCode: config.CITY_CODE,
    heatmapResolution: config.HEATMAP_RESOLUTION,
    citizenKeySecret: config.pseudonymSecret,
  });
  const heatmaps = new HeatmapService(clock, config.HEATMAP_RESOLUTION, { retentionMs: 8 * 86_400_000, graceMs: config.HEATMAP_INDEX_GRACE_MS });
  const heatmapLive = new HeatmapLive(heatmaps);
  const alerts = new AlertsService(clock);
  const taskForces = new TaskForcesService(clock, tickets);
  const clues = new CluesService(clock, tickets, departments);
  return { departments, dutyLists, router, tickets, live: new LiveService(), heatmaps, heatmapLive, alerts, taskForces, clues, hotIssues: new HotIssuesService(clock, config.HOT_ISSUE_MAX_TICKETS), figures: new DepartmentFiguresService(clock), ticketFigures: new TicketFiguresService(clock), calendar };
}

/**
 * A request's context: the viewer, and an entity manager and loaders made on first use. They
 * are getters on the prototype, so Apollo's per-operation copy of the context (own properties
 * only) does not make them; each copy makes its own when a resolver first asks.
 */
class RequestScope implements RequestContext {
  private scopedEm: EntityManager | undefined = undefined;
  private scopedLoaders: Loaders | undefined = undefined;

  constructor(
    readonly viewer: Viewer,
    private readonly orm: MikroORM,
  ) {}

  get em(): EntityManager {
    return (this.scopedEm ??= this.orm.em.fork());
  }

  get loaders(): Loaders {
    return (this.scopedLoaders ??= createLoaders(this.em));
  }

  renew(): RequestScope {
    // everything set on this context (a socket's, say) but its entity manager and loaders
    const { scopedEm: _em, scopedLoaders: _loaders, ...rest } = this as unknown as Record<string, unknown>;
    return Object.assign(new RequestScope(this.viewer, this.orm), rest);
  }
}

/** A body that is too large or not JSON gets a coded GraphQL error with its 4xx status, never an HTML page. */
const bodyErrors: ErrorRequestHandler = (err: { status?: number; type?: string }, _req, res, next) => {
  if (!err || typeof err.status !== 'number' || err.status >= 500) return next(err);
  const tooLarge = err.type === 'entity.too.large';
  res.status(err.status).json({
    errors: [
      {
        message: tooLarge ? 'request body too large' : 'request body is not valid JSON',
        extensions: { code: tooLarge ? 'PAYLOAD_TOO_LARGE' : 'BAD_REQUEST' },
      },
    ],
  });
};

function unauthenticated(e: unknown): GraphQLError {
  return new GraphQLError(e instanceof Error ? e.message : 'not signed in', {
    extensions: { code: ErrorCode.UNAUTHENTICATED, http: { status: 401 } },
  });
}

/**
 * The composition root: ORM (migrated), services, schema, and one HTTP server carrying both
 * Apollo (POST/GET /graphql, the explorer) and graphql-ws (WebSocket /graphql).
 */
export async function startHub(options: HubOptions): Promise<Hub> {
  const { config } = options;
  const logger = options.logger ?? consoleLogger;
  const clock = options.clock ?? systemClock;
  const orm = await initOrm({ url: options.databaseUrl, replicas: config.DATABASE_REPLICA_URLS, logSql: config.LOG_SQL, counter: options.counter });
  const applied = await migrateUp(orm);
  if (applied.length) logger.info(`migrations applied: ${applied.join(', ')}`);
  await options.beforeListen?.(orm);

  const services = createServices(config, clock);
  const schema = await buildHubSchema(services);
  // deadlines of a year whose holiday notice is not configured are wrong around its holidays:
  // said at start and every 6 hours (a hub started in November meets January)
  const warned = new Set<string>();
  const checkCalendar = () => {
    for (const w of calendarWarnings(services.calendar, clock.now())) {
      if (warned.has(w)) continue;
      warned.add(w);
      logger.info(`warning: ${w}`);
    }
  };
  checkCalendar();
  const calendarTimer = setInterval(checkCalendar, 6 * 3_600_000);
  calendarTimer.unref();

  // the entity manager and loaders are made on first use: an intake with a warm router and
  // directory needs neither
  const contextFor = (viewer: Viewer): RequestContext => new RequestScope(viewer, orm);

  const production = config.NODE_ENV === 'production';
  const formatError = createErrorFormatter({
    exposeInternals: !production,
    log: (m, e) => logger.error(m, e),
  });

  // the realtime path: outbox → relay (one process at a time) → bus → every process's stream
  const log = (m: string, e?: unknown) => logger.error(m, e);
  const pool = new Pool({ connectionString: options.databaseUrl, max: 4, application_name: 'minsheng-stream' });
  pool.on('error', (e) => log('stream pool error', e));
  // (what names this database on a shared Redis: its identity, not its URL's spelling)
  const redisKey = config.EVENT_BUS === 'redis' || config.RATE_LIMIT_STORE === 'redis' ? await databaseKey(options.databaseUrl, log) : undefined;
  const bus = createBus(config.EVENT_BUS, { databaseUrl: options.databaseUrl, redisUrl: config.REDIS_URL, databaseKey: redisKey }, log);
  await bus.start();
  const sqlOn = (p: Pool): Sql => async <T>(text: string, params?: unknown[]) => (await p.query(text, params)).rows as T[];
  const sql = sqlOn(pool);
  const stream = new EventStream({ sql, bus, log });
  services.live.attach(schema, stream, sql, formatError);
  setSocketBufferLimit(config.SUBSCRIPTION_BUFFER_BYTES);
  services.heatmaps.attach(sql);
  // intake's group-commit statements on connections of their own: never queued behind the relay
  const intakePool = new Pool({ connectionString: options.databaseUrl, max: INTAKE_STATEMENTS_IN_FLIGHT, application_name: 'minsheng-intake' });
  intakePool.on('error', (e) => log('intake pool error', e));
  services.tickets.attach(orm, sqlOn(intakePool));
  services.heatmapLive.attach(schema, stream, formatError);
  // heatmap rollups: exactly once, once across processes, woken by every event
  const rollups = new CheckpointedConsumer({ databaseUrl: options.databaseUrl, name: HEATMAP_ROLLUP_CONSUMER, handle: applyHeatmapRollup, delayMs: 200, log });
  // risk detectors: the same, in their own consumer (alerts are written with the checkpoint)
  const detectors = new RiskDetectors(DEFAULT_DETECTOR_SETTINGS, log);
  const risk = new CheckpointedConsumer({ databaseUrl: options.databaseUrl, name: 'risk', handle: (events, tx) => detectors.handle(events, tx), delayMs: 100, log });
  // duplicate detection after intake (重复件): suggestions, and merges when sure
  const duplicateDetector = new DuplicateDetector(services.tickets, contextFor, DEFAULT_DUPLICATE_SETTINGS, log);
  // (its comparisons and merges run before the consumer's transaction opens: only the
  // suggestions are written in it, so a slow batch never holds a transaction open)
  const duplicates = new CheckpointedConsumer({
    databaseUrl: options.databaseUrl,
    name: 'duplicates',
    prepare: (events, sql) => duplicateDetector.prepare(events, sql),
    handle: (_events, tx, suggestions) => duplicateDetector.apply(suggestions, tx),
    delayMs: 200,
    log,
  });
  services.alerts.attach(pool, services.live);
  services.taskForces.attach(pool, services.live);
  stream.onEvent((e) => {
    // each reader on its own: one that fails must not keep the event from the others (nor
    // have the stream deliver it again to those that counted it)
    for (const [name, read] of [
      ['heatmap index', () => services.heatmaps.onEvent(e)],
      ['live heatmaps', () => services.heatmapLive.onEvent(e)],
    ] as const) {
      try {
        read();
      } catch (err) {
        log(`${name}: event ${e.position} not applied`, err);
      }
    }
    rollups.kick();
    if (e.topic === 'ticket') {
      risk.kick();
      duplicates.kick();
    }
  });
  await stream.start();
  services.heatmaps.startIndex(stream.position);
  await rollups.start();
  await risk.start();
  await duplicates.start();
  // the SLA clock: overdue tickets escalate (催办 → 督办 → 通报), once across processes
  const slaClock = new SlaClock({ databaseUrl: options.databaseUrl, clock, calendar: services.calendar, everyMs: config.SLA_CLOCK_SECONDS * 1000, log });
  await slaClock.start();
  const retention = new RetentionJob({ databaseUrl: options.databaseUrl, clock, retentionDays: config.RETENTION_DAYS, everyMs: 3_600_000, log });
  await retention.start();
  const relay = new OutboxRelay({
    databaseUrl: options.databaseUrl,
    bus,
    retentionMs: config.OUTBOX_RETENTION_HOURS * 3_600_000,
    consumers: [rollups, risk, duplicates].map((k) => k.checkpointName),
    log,
  });
  await relay.start();

  // bearer tokens (people, dashboards) and API keys (BI tools, feeds)
  const apiKeys = new ApiKeys(() => orm.em.fork());
  const verifier: TokenVerifier = {
    secret: config.authSecret,
    publicKeyPem: config.AUTH_PUBLIC_KEY?.replace(/\\n/g, '\n'),
    algorithm: config.AUTH_PUBLIC_KEY_ALG,
    jwksUrl: config.AUTH_JWKS_URL,
    issuer: config.AUTH_ISSUER,
    audience: config.AUTH_AUDIENCE,
  };
  const authenticate = (header: string | null | undefined): Promise<Viewer> => {
    const key = header ? /^ApiKey\s+(\S+)$/i.exec(header.trim()) : null;
    return key ? apiKeys.viewer(key[1]) : viewerFromAuthorization(verifier, header);
  };


  const app = express();
  app.disable('x-powered-by');
  // no ETags: every GraphQL answer is a POST's, per viewer, never revalidated — hashing each body was wasted work
  app.set('etag', false);
  const httpServer = http.createServer(app);
  const wsServer = new WebSocketServer({ server: httpServer, path: '/graphql' });
  // the same rules and limits over WebSocket as over HTTP
  const limits: Limits = {
    maxDepth: config.MAX_DEPTH,
    maxAliases: config.MAX_ALIASES,
    maxDirectives: config.MAX_DIRECTIVES,
    maxTokens: config.MAX_TOKENS,
    maxCost: config.MAX_COST,
    maxFields: config.MAX_FIELDS,
  };
  const rules = validationRules(limits);
  const documents = documentCache(1000, rules, limits.maxTokens);
  // rate limits: shared by every process when the hub runs as several (like the event bus)
  const rateStore = config.RATE_LIMIT_STORE ?? config.EVENT_BUS;
  const ratePool = rateStore === 'postgres' ? new Pool({ connectionString: options.databaseUrl, max: 4, application_name: 'minsheng-rate' }) : null;
  ratePool?.on('error', (e) => log('rate-limit pool error', e));
  const rateLimits = new RateLimits(
    config.RATE_LIMIT_PER_MINUTE,
    rateStore === 'redis' ? { kind: 'redis', url: config.REDIS_URL!, namespace: redisKey! } : ratePool ? { kind: 'postgres', pool: ratePool } : { kind: 'memory' },
  );
  await rateLimits.ready();
  const limited = (a: ExecutionArgs) => {
    const rc = a.contextValue as LiveContext;
    return rateLimits.check(RateLimits.keyOf(rc.viewer, rc.address));
  };
  const refused = (a: ExecutionArgs) =>
    introspectionError(a.document, production, (a.contextValue as RequestContext | undefined)?.viewer.role) ??
    invalidTextError(a.document, a.variableValues) ??
    costError(schema, a.document, a.variableValues ?? undefined, a.operationName ?? undefined, limits.maxCost);
  const metrics = new HubMetrics({
    sockets: () => wsServer.clients.size,
    consumerLag: () => consumersBehind(orm.em.fork()),
  });
  /** Counts a WebSocket operation: its outcome when refused or answered at once, OK when a stream opens. */
  const counted = async <R>(a: ExecutionArgs, run: () => Promise<R> | R): Promise<R> => {
    const started = process.hrtime.bigint();
    const result = await run();
    const errors = (result as { errors?: readonly GraphQLError[] } | undefined)?.errors;
    const code = errors?.length ? String(errors[0].extensions?.code ?? 'INTERNAL_SERVER_ERROR') : 'OK';
    metrics.observe('ws', operationOf(a.document, a.operationName), code, Number(process.hrtime.bigint() - started) / 1e9);
    return result;
  };
  const wsCleanup = useServer<Record<string, unknown>, { viewer?: Viewer }>(
    {
      schema,
      parse: (source) => documents.parse(source),
      validate: (s, doc) => documents.validate(s, doc),
      execute: (a) =>
        counted(a, async () => {
          const e = refused(a) ?? (await limited(a));
          return e ? { errors: [e] } : execute(a);
        }),
      subscribe: (a) =>
        counted(a, async () => {
          const e = refused(a) ?? (await limited(a));
          return e ? { errors: [e] } : subscribe(a);
        }),
      // a document that does not parse is an error on that operation, not a broken socket
      onSubscribe: (_ctx, _id, payload) => {
        try {
          documents.parse(payload.query);
          return undefined;
        } catch (e) {
          if (e instanceof GraphQLError) return [e];
          throw e;
        }
      },
      onConnect: async (ctx) => {
        const auth = ctx.connectionParams?.authorization ?? ctx.connectionParams?.Authorization;
        const header = typeof auth === 'string' ? auth : null;
        try {
          ctx.extra.viewer = await authenticate(header);
        } catch {
          // failed sign-ins count against the address as over HTTP (the same budget): past it
          // the socket closes with 4429 and a retry time, else with 4403 Forbidden
          const tooMany = await rateLimits.check(`signin:${ctx.extra.request.socket.remoteAddress ?? 'unknown'}`);
          if (tooMany) ctx.extra.socket.close(4429, `too many failed sign-ins: retry in ${String(tooMany.extensions.retryAfter)} s`);
          return false;
        }
        // the socket lives only as long as its credentials: closed (4401) when the token expires
        // or the API key is revoked (looked at again every WS_AUTH_RECHECK_SECONDS)
        const socket = ctx.extra.socket;
        const check = setInterval(() => {
          authenticate(header).catch(() => {
            clearInterval(check);
            socket.close(4401, 'credentials expired or revoked: connect again');
          });
        }, config.WS_AUTH_RECHECK_SECONDS * 1000);
        check.unref();
        socket.once('close', () => clearInterval(check));
        return true;
      },
      context: (ctx, id): LiveContext =>
        Object.assign(contextFor(ctx.extra.viewer!), {
          socket: ctx.extra.socket,
          operationId: id,
          address: ctx.extra.request.socket.remoteAddress,
        }),
      onNext: (_ctx, _id, _payload, _args, result) =>
        result.errors ? { ...result, errors: result.errors.map((e) => formatError(e.toJSON(), e)) } : result,
      // parse and validation errors (an `error` message): formatted as over HTTP
      onError: (_ctx, _id, _payload, errors) => errors.map((e) => formatError(e.toJSON(), e)),
    },
    wsServer,
  );

  const apollo = new ApolloServer<RequestContext>({
    schema,
    formatError,
    // allowed here, refused per request by role (introspectionError): ADMIN only in production
    introspection: true,
    // the hub's owner stops it (hub.stop) on a signal: Apollo is not to act on signals itself
    stopOnTerminationSignals: false,
    includeStacktraceInErrorResponses: !production,
    // (Apollo runs GraphQL's own rules itself: given twice, each error was reported twice)
    validationRules: limitRules(limits),
    parseOptions: { maxTokens: limits.maxTokens },
    plugins: [
      {
        async requestDidStart() {
          return {
            async didResolveOperation({ request, document, contextValue }) {
              const e =
                introspectionError(document, production, contextValue.viewer.role) ??
                invalidTextError(document, request.variables) ??
                costError(schema, document, request.variables, request.operationName, limits.maxCost);
              if (e) throw e;
            },
          };
        },
      },
      metrics.apolloPlugin<RequestContext>(),
      ApolloServerPluginDrainHttpServer({ httpServer }),
      // no HTTP caching of GraphQL answers (they are per viewer): skip the per-field cache hints
      ApolloServerPluginCacheControlDisabled(),
      {
        async serverWillStart() {
          return { drainServer: async () => void (await wsCleanup.dispose()) };
        },
      },
      production
        ? ApolloServerPluginLandingPageProductionDefault({ footer: false })
        : ApolloServerPluginLandingPageLocalDefault({ embed: true, includeCookies: false }),
    ],
  });
  await apollo.start();

  // Prometheus: counts and times, no personal data; behind a bearer token when METRICS_TOKEN is set
  app.get('/metrics', async (req, res) => {
    if (config.METRICS_TOKEN && req.headers.authorization !== `Bearer ${config.METRICS_TOKEN}`) {
      res.status(401).set('www-authenticate', 'Bearer').json({ errors: [{ message: 'send the metrics token', extensions: { code: ErrorCode.UNAUTHENTICATED } }] });
      return;
    }
    res.set('content-type', metrics.registry.contentType).send(await metrics.registry.metrics());
  });
  app.get('/healthz', async (_req, res) => {
    try {
      await orm.em.getConnection().execute('select 1');
      res.json({ status: 'ok' });
    } catch {
      res.status(503).json({ status: 'database unavailable' });
    }
  });
  /** The caller of an HTTP request, signed in and within its rate limit; else the coded error (401, 429). */
  const httpViewer = async (req: express.Request): Promise<Viewer> => {
    let viewer: Viewer;
    try {
      const key = req.headers['x-api-key'];
      viewer = await authenticate(typeof key === 'string' ? `ApiKey ${key}` : req.headers.authorization);
    } catch (e) {
      // failed sign-ins count against the caller's address: guessing keys or tokens is limited too
      const tooMany = await rateLimits.check(`signin:${req.socket.remoteAddress ?? 'unknown'}`);
      throw tooMany ?? unauthenticated(e);
    }
    const tooMany = await rateLimits.check(RateLimits.keyOf(viewer, req.socket.remoteAddress));
    if (tooMany) throw tooMany;
    return viewer;
  };

  // bulk clue feeds (未诉先办): POST /clues with a JSON array (or { "clues": [...] }); the same
  // authentication, rate limits and body limit as /graphql; one result per clue, by index
  app.post('/clues', express.json({ limit: config.MAX_BODY }), bodyErrors, async (req: express.Request, res: express.Response) => {
    try {
      const viewer = await httpViewer(req);
      const body: unknown = req.body;
      const items = Array.isArray(body) ? body : body && typeof body === 'object' && Array.isArray((body as { clues?: unknown }).clues) ? (body as { clues: unknown[] }).clues : null;
      if (!items) throw new DomainError(ErrorCode.BAD_USER_INPUT, 'send a JSON array of clues, or { "clues": [...] }');
      res.json({ results: await services.clues.submitMany(contextFor(viewer), items) });
    } catch (e) {
      if (!(e instanceof GraphQLError)) {
        logger.error('clue feed failed', e);
        res.status(500).json({ errors: [{ message: 'internal error', extensions: { code: ErrorCode.INTERNAL_SERVER_ERROR } }] });
        return;
      }
      const http = e.extensions.http as { status?: number; headers?: Map<string, string> } | undefined;
      const code = String(e.extensions.code);
      for (const [k, v] of http?.headers ?? []) res.set(k, v);
      const status = http?.status ?? (code === ErrorCode.FORBIDDEN ? 403 : code === ErrorCode.UNAUTHENTICATED ? 401 : 400);
      const { http: _http, ...extensions } = e.extensions;
      res.status(status).json({ errors: [{ message: e.message, extensions }] });
    }
  });

  app.use(
    '/graphql',
    cors(),
    express.json({ limit: config.MAX_BODY }),
    bodyErrors,
    expressMiddleware(apollo, { context: async ({ req }) => contextFor(await httpViewer(req)) }),
  );
  // any other path: a coded JSON answer, as everywhere else, not Express's HTML page
  app.use((req: express.Request, res: express.Response) => {
    res.status(404).json({ errors: [{ message: `nothing at ${req.method} ${req.path}: GraphQL is at /graphql`, extensions: { code: 'NOT_FOUND' } }] });
  });

  const port = options.port ?? config.PORT;
  await new Promise<void>((resolve, reject) => {
    httpServer.once('error', reject);
    // a deep accept queue: after a restart thousands of dashboards reconnect at once
    httpServer.listen({ port, host: config.HOST, backlog: 4096 }, () => resolve());
  });
  const actual = (httpServer.address() as AddressInfo).port;
  const host = config.HOST === '0.0.0.0' ? 'localhost' : config.HOST;

  let stopped = false;
  return {
    url: `http://${host}:${actual}/graphql`,
    wsUrl: `ws://${host}:${actual}/graphql`,
    port: actual,
    orm,
    services,
    schema,
    bus,
    stream,
    relay,
    rollups,
    risk,
    retention,
    apiKeys,
    async stop() {
      if (stopped) return;
      stopped = true;
      await apollo.stop(); // drains HTTP and closes the WebSocket server
      await relay.stop();
      await retention.stop();
      services.heatmapLive.stop();
      await rollups.stop();
      await risk.stop();
      await duplicates.stop();
      clearInterval(calendarTimer);
      await slaClock.stop();
      await services.hotIssues.stop();
      await services.router.stop();
      await stream.stop();
      await bus.stop();
      await rateLimits.close();
      await ratePool?.end();
      await pool.end();
      await intakePool.end();
      await orm.close(true);
    },
  };
}
