import type { FilterQuery } from '@mikro-orm/postgresql';
import type { Pool } from 'pg';
import type { RequestContext } from '../app/context';
import { districtIdsFor, requireOwnDistricts, viewerDistrictIds } from '../auth/scope';
import { actorOf, CENTRE_ROLES, requireRole, requireSignedIn, Role } from '../auth/viewer';
import type { Clock } from '../shared/clock';
import { inTransaction } from '../shared/transaction';
import { badInput, conflict, illegalTransition, notFound } from '../shared/errors';
import { paginate } from '../shared/paginate';
import { localId } from '../shared/relay';
import type { PageArgs } from '../shared/relay';
import type { StreamEvent } from '../realtime/events';
import type { LiveContext, LiveService } from '../realtime/live.service';
import type { GraphQLResolveInfo } from 'graphql';
import { AlertStatus, RiskAlert, RiskAlertAction, SEVERITY_RANK } from './alert.entity';
import type { AlertKind, AlertSeverity } from './alert.entity';
import { recordAlertChange } from './alert.store';
import type { AlertEventPayload, AlertRow } from './alert.store';

export interface AlertFilterArgs {
  districtCodes?: string[] | null;
  kinds?: AlertKind[] | null;
  statuses?: AlertStatus[] | null;
  minSeverity?: AlertSeverity | null;
}

export interface AlertChangeArgs {
  id: string;
  expectedVersion?: number | null;
  note?: string | null;
}

/** Who may read alerts: the centre, analysts (alerts carry no personal data), district offices (theirs). */
const READERS = [...CENTRE_ROLES, Role.ANALYST, Role.DISTRICT_OFFICE];
/** Who may act on them: supervisors, admins, and a district office on its own districts' alerts. */
const ACTORS = [Role.SUPERVISOR, Role.ADMIN, Role.DISTRICT_OFFICE];

/** From → to, for each human decision on an alert. */
const MOVES: Record<'acknowledge' | 'dismiss' | 'resolve', { from: AlertStatus[]; to: AlertStatus; type: string }> = {
  acknowledge: { from: [AlertStatus.OPEN], to: AlertStatus.ACKNOWLEDGED, type: 'ACKNOWLEDGED' },
  dismiss: { from: [AlertStatus.OPEN, AlertStatus.ACKNOWLEDGED], to: AlertStatus.DISMISSED, type: 'DISMISSED' },
  // an alert in a task force's hands is resolved when the task force closes, not before
  resolve: { from: [AlertStatus.OPEN, AlertStatus.ACKNOWLEDGED], to: AlertStatus.RESOLVED, type: 'RESOLVED' },
};

/** Risk alerts: reading them in scope, the human decisions on them, and their live stream. */
export class AlertsService {
  private pool: Pool | null = null;
  private live: LiveService | null = null;

  constructor(private readonly clock: Clock) {}

  attach(pool: Pool, live: LiveService): void {
    this.pool = pool;
    this.live = live;
  }

  /** The districts a viewer may see alerts of (null: all). */
  private async scope(rc: RequestContext): Promise<string[] | null> {
    const role = requireRole(rc.viewer, ...READERS);
    if (role !== Role.DISTRICT_OFFICE) return null;
    return viewerDistrictIds(rc);
  }

  async list(rc: RequestContext, f: AlertFilterArgs | null | undefined, page: PageArgs) {
    const filter = f ?? {};
    const where: FilterQuery<RiskAlert>[] = [];
    const scope = await this.scope(rc);
    if (scope) where.push({ districtId: { $in: scope } });
    if (filter.districtCodes?.length) {
      if (rc.viewer.role === Role.DISTRICT_OFFICE) requireOwnDistricts(rc, filter.districtCodes);
      where.push({ districtId: { $in: await districtIdsFor(rc, filter.districtCodes, 'filter.districtCodes') } });
    }
    if (filter.kinds?.length) where.push({ kind: { $in: filter.kinds } });
    if (filter.statuses?.length) where.push({ status: { $in: filter.statuses } });
    if (filter.minSeverity) where.push({ severity: { $in: severitiesFrom(filter.minSeverity) } });
    return paginate(rc.em, RiskAlert, where.length ? { $and: where } : {}, page, { lastSeenAt: 'desc', id: 'desc' });
  }

  async byId(rc: RequestContext, id: string): Promise<RiskAlert | null> {
    const scope = await this.scope(rc);
    const a = await rc.em.findOne(RiskAlert, { id });
    return a && (!scope || scope.includes(a.districtId)) ? a : null;
  }

  actions(rc: RequestContext, a: RiskAlert): Promise<RiskAlertAction[]> {
    return rc.em.find(RiskAlertAction, { alertId: a.id }, { orderBy: { id: 'asc' } });
  }

  acknowledge(rc: RequestContext, input: AlertChangeArgs) {
    return this.move(rc, input, 'acknowledge');
  }

  dismiss(rc: RequestContext, input: AlertChangeArgs) {
    if (!input.note?.trim()) throw badInput('note', 'say why the alert is dismissed');
    return this.move(rc, input, 'dismiss');
  }

  resolve(rc: RequestContext, input: AlertChangeArgs) {
    return this.move(rc, input, 'resolve');
  }

  /** One human decision: checked, applied with its audit entry and stream event, in one transaction. */
  private async move(rc: RequestContext, input: AlertChangeArgs, what: keyof typeof MOVES): Promise<RiskAlert> {
    const role = requireRole(rc.viewer, ...ACTORS);
    const id = localId(input.id, 'RiskAlert');
    const note = input.note?.trim() || null;
    if (note && [...note].length > 2000) throw badInput('note', 'the note is at most 2,000 characters');
    const scope = role === Role.DISTRICT_OFFICE ? await viewerDistrictIds(rc) : null;
    const move = MOVES[what];
    await inTransaction(this.db, async (c) => {
      const { rows } = await c.query<AlertRow>('select * from risk_alerts where id = $1 for update', [id]);
      const row = rows[0];
      if (!row || (scope && !scope.includes(row.district_id))) throw notFound('alert', input.id);
      if (input.expectedVersion != null && row.version !== input.expectedVersion) {
        throw conflict(`alert changed: you saw version ${input.expectedVersion}, it is now ${row.version}; reload and retry`, { currentVersion: row.version });
      }
      if (row.status === AlertStatus.TASK_FORCE && !move.from.includes(row.status)) {
        throw illegalTransition(row.status, what, 'a task force is working on it: it is resolved when the task force closes', 'an alert');
      }
      if (!move.from.includes(row.status)) throw illegalTransition(row.status, what, `an alert ${row.status} cannot be ${move.to.toLowerCase()}`, 'an alert');
      const now = this.clock.now();
      const { rows: updated } = await c.query<AlertRow>(
        'update risk_alerts set status = $2, version = version + 1, updated_at = $3 where id = $1 returning *',
        [id, move.to, now],
      );
      await recordAlertChange(c, updated[0], move.type, actorOf(rc.viewer), note, now);
    });
    return (await rc.em.fork().findOne(RiskAlert, { id }))!;
  }

  private get db(): Pool {
    if (!this.pool) throw new Error('alerts: no database');
    return this.pool;
  }

  /** The riskAlerts subscription: scope ∧ filter, then replay from `after` and go live. */
  async subscribe(rc: LiveContext, f: AlertFilterArgs, after: string | null | undefined, info: GraphQLResolveInfo) {
    if (!this.live) throw new Error('alerts: the event stream is not running');
    const accept = await this.predicate(rc, f);
    if (after != null) await this.live.checkAfter(after);
    const v = rc.viewer;
    return this.live.groups.join(rc, info, `alerts|${v.role}|${[...v.districtCodes].sort().join(',')}`, accept, after ?? null);
  }

  async predicate(rc: RequestContext, f: AlertFilterArgs): Promise<(e: StreamEvent) => boolean> {
    requireSignedIn(rc.viewer);
    const scope = await this.scope(rc);
    if (rc.viewer.role === Role.DISTRICT_OFFICE) requireOwnDistricts(rc, f.districtCodes);
    const tests: ((e: StreamEvent) => boolean)[] = [(e) => e.topic === 'alert'];
    if (scope) {
      const ids = new Set(scope);
      tests.push((e) => !!e.districtId && ids.has(e.districtId));
    }
    if (f.districtCodes?.length) {
      const ids = new Set(await districtIdsFor(rc, f.districtCodes, 'districtCodes'));
      tests.push((e) => !!e.districtId && ids.has(e.districtId));
    }
    if (f.kinds?.length) {
      const kinds = new Set<string>(f.kinds);
      tests.push((e) => kinds.has((e.payload as unknown as AlertEventPayload).kind));
    }
    if (f.minSeverity) {
      const min = SEVERITY_RANK[f.minSeverity];
      tests.push((e) => SEVERITY_RANK[(e.payload as unknown as AlertEventPayload).severity] >= min);
    }
    return (e) => tests.every((t) => t(e));
  }
}

function severitiesFrom(min: AlertSeverity): AlertSeverity[] {
  return (Object.keys(SEVERITY_RANK) as AlertSeverity[]).filter((s) => SEVERITY_RANK[s] >= SEVERITY_RANK[min]);
}

