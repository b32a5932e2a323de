import type { EntityManager } from '@mikro-orm/postgresql';
import { LockMode } from '@mikro-orm/postgresql';
import type { RequestContext } from '../app/context';
import { recordEvent } from '../realtime/events';
import { actorOf, requireRole, requireSignedIn, Role } from '../auth/viewer';
import { Department, DepartmentLevel } from '../departments/department.entity';
import { District } from '../departments/district.entity';
import type { Clock } from '../shared/clock';
import { badInput, conflict, DomainError, ErrorCode, illegalTransition, notFound } from '../shared/errors';
import { DutyListVersion } from './duty-list-version.entity';
import { DutyListFormat, DutyListStatus } from './dutylist.enums';
import {
  checkMatters,
  cleanItems,
  DutyListFileError,
  parseDutyListCsv,
  parseDutyListJson,
  toCsv,
  toJson,
} from './dutylist.io';
import type { DutyListFile, MatterData, RowProblem } from './dutylist.io';
import { MatterDispute } from './dispute.entity';
import { JurisdictionDirectory, resolveJurisdiction } from './jurisdiction';
import type { Jurisdiction, Place } from './jurisdiction';
import { Matter } from './matter.entity';

const EDITORS = [Role.SUPERVISOR, Role.ADMIN];
/** how far in the past a publish's effectiveAt may be and still mean "now" (clock skew) */
const EFFECTIVE_AT_SKEW_MS = 5 * 60_000;

export interface MatterChange {
  code: string;
  fields: string[];
  before: Matter;
  after: Matter;
}

export interface DutyListDiff {
  from: DutyListVersion;
  to: DutyListVersion;
  added: Matter[];
  removed: Matter[];
  changed: MatterChange[];
}

const COMPARED: (keyof MatterData)[] = [
  'parentCode',
  'name',
  'description',
  'keywords',
  'examples',
  'departmentKind',
  'level',
  'coHandlingKinds',
  'resolveDays',
  'active',
];

export function matterData(m: Matter): MatterData {
  return {
    code: m.code,
    parentCode: m.parentCode,
    name: m.name,
    description: m.description,
    keywords: [...m.keywords],
    examples: [...m.examples],
    departmentKind: m.departmentKind,
    level: m.level,
    coHandlingKinds: [...m.coHandlingKinds],
    resolveDays: m.resolveDays,
    active: m.active,
  };
}

/** A file with problems, as a coded GraphQL error listing every bad row. */
/** A publish refusal of an imported file, its problems placed at the file's lines (not list positions). */
function inFile(e: unknown, file: DutyListFile): unknown {
  const problems = e instanceof DomainError ? (e.extensions.problems as RowProblem[] | undefined) : undefined;
  if (!problems || !file.lines) return e;
  const placed = problems.map((p) => ({ ...p, line: p.line >= 1 ? (file.lines![p.line - 1] ?? p.line) : p.line, ...(file.unit ? { unit: file.unit } : {}) }));
  return fileError(new DutyListFileError(placed));
}

function fileError(e: DutyListFileError): DomainError {
  return new DomainError(ErrorCode.BAD_USER_INPUT, e.message, { field: 'content', problems: e.problems });
}

/**
 * Called as a version is published: `before` in the publication's transaction, once the version
 * is validated (the router trains and stores its model, so the model is there the moment the
 * version is in force); `after` once it is committed (the router starts using it).
 */
export type PublishListener = (em: EntityManager, version: DutyListVersion) => Promise<void>;

/**
 * 民生诉求事项清单: versions, the matter tree, publishing with validation, comparison,
 * import/export, and the department a matter resolves to in a district.
 */
/** A version's notes (what changed and why), in characters. */
const MAX_NOTES = 2000;

export class DutyListService {
  private readonly publishListeners: PublishListener[] = [];
  private readonly beforePublishListeners: PublishListener[] = [];
  private readonly matterCache = new Map<string, Matter>();
  /** the version in force when versions it replaced were last retired */
  private retiredBefore: string | null = null;

  constructor(private readonly clock: Clock) {}

  onPublish(listener: PublishListener): void {
    this.publishListeners.push(listener);
  }

  /** Runs `listener` inside each publication's transaction, after validation (see PublishListener). */
  beforePublish(listener: PublishListener): void {
    this.beforePublishListeners.push(listener);
  }

  // ---------------------------------------------------------------- reading

  /**
   * A matter by id, cached for the process: live streams name the matter of many events a
   * second. Only matters of published versions are cached (a draft's may still change).
   */
  async cachedMatter(rc: RequestContext, id: string): Promise<Matter | null> {
    const hit = this.matterCache.get(id);
    if (hit) return hit;
    const m = await rc.loaders.matterById.load(id);
    if (m) {
      const v = await rc.loaders.dutyListVersionById.load(m.versionId);
      if (v && v.status !== DutyListStatus.DRAFT) {
        if (this.matterCache.size >= 10_000) this.matterCache.clear();
        this.matterCache.set(id, m);
      }
    }
    return m;
  }

  /**
   * The version in force: the latest published one whose effective time has come. When a version
   * published for later comes into force, the versions it replaces are retired then.
   */
  async inForce(em: EntityManager): Promise<DutyListVersion | null> {
    const v = await em.findOne(
      DutyListVersion,
      { status: DutyListStatus.PUBLISHED, effectiveAt: { $lte: this.clock.now() } },
      { orderBy: { effectiveAt: 'desc', number: 'desc' } },
    );
    if (v && v.id !== this.retiredBefore) {
      await em.execute(
        `update duty_list_versions set status = 'RETIRED', version = version + 1 where status = 'PUBLISHED' and id <> ? and (effective_at < ? or (effective_at = ? and number < ?))`,
        [v.id, v.effectiveAt, v.effectiveAt, v.number],
      );
      this.retiredBefore = v.id;
    }
    return v;
  }

  async versions(rc: RequestContext, status?: DutyListStatus | null): Promise<DutyListVersion[]> {
    requireSignedIn(rc.viewer);
    return rc.em.find(DutyListVersion, status ? { status } : {}, { orderBy: { number: 'desc' } });
  }

  async version(rc: RequestContext, number?: number | null): Promise<DutyListVersion> {
    requireSignedIn(rc.viewer);
    const v = number == null ? await this.inForce(rc.em) : await rc.em.findOne(DutyListVersion, { number });
    if (!v) throw notFound('duty list version', number == null ? '(in force)' : String(number));
    return v;
  }

  matters(em: EntityManager, versionId: string): Promise<Matter[]> {
    return em.find(Matter, { versionId }, { orderBy: { position: 'asc', code: 'asc' } });
  }

  /**
   * The departments with jurisdiction for a matter at a place — the lead and the co-handlers
   * (jurisdiction.ts says how) — read fresh from the directory in one query. Intake uses the
   * router's cached copy instead (RouterService.suggest).
   */
  async jurisdiction(em: EntityManager, matter: Pick<Matter, 'departmentKind' | 'level' | 'coHandlingKinds'>, place: Place): Promise<Jurisdiction> {
    if (!matter.departmentKind || !matter.level) return { lead: null, coHandlers: [], note: null };
    return resolveJurisdiction(matter, place, await JurisdictionDirectory.load(em, place.districtId));
  }

  /** Per matter: which departments rejected, which one arbitration chose, how often. */
  async disputes(em: EntityManager, matterCode: string) {
    const rows = await em.getConnection().execute<{ rejected_by_id: string; decided_id: string; n: string }[]>(
      `select rejected_by_id, decided_id, count(*) as n from matter_disputes where matter_code = ?
       group by rejected_by_id, decided_id order by n desc`,
      [matterCode],
    );
    return rows.map((r) => ({ rejectedById: r.rejected_by_id, decidedId: r.decided_id, count: Number(r.n) }));
  }

  async recordDispute(em: EntityManager, d: Omit<MatterDispute, 'id'>): Promise<void> {
    em.persist(em.create(MatterDispute, d));
  }

  async compare(rc: RequestContext, fromNumber: number, toNumber: number): Promise<DutyListDiff> {
    const [from, to] = await Promise.all([this.version(rc, fromNumber), this.version(rc, toNumber)]);
    const [a, b] = await Promise.all([this.matters(rc.em, from.id), this.matters(rc.em, to.id)]);
    const before = new Map(a.map((m) => [m.code, m]));
    const after = new Map(b.map((m) => [m.code, m]));
    const changed: MatterChange[] = [];
    for (const [code, m] of after) {
      const old = before.get(code);
      if (!old) continue;
      const x = matterData(old);
      const y = matterData(m);
      const fields = COMPARED.filter((f) => JSON.stringify(x[f]) !== JSON.stringify(y[f]));
      if (fields.length) changed.push({ code, fields, before: old, after: m });
    }
    return {
      from,
      to,
      added: b.filter((m) => !before.has(m.code)),
      removed: a.filter((m) => !after.has(m.code)),
      changed,
    };
  }

  // ---------------------------------------------------------------- editing

  /** A new draft: a copy of `fromNumber` (default: the version in force), or empty. */
  async createDraft(rc: RequestContext, input: { fromNumber?: number | null; notes?: string | null }) {
    requireRole(rc.viewer, ...EDITORS);
    const source = input.fromNumber != null ? await this.version(rc, input.fromNumber) : await this.inForce(rc.em);
    const data = source ? (await this.matters(rc.em, source.id)).map(matterData) : [];
    return this.createVersion(rc, { notes: input.notes ?? (source ? `draft from version ${source.number}` : null), matters: data });
  }

  private async createVersion(rc: RequestContext, file: DutyListFile): Promise<DutyListVersion> {
    if (file.notes && [...file.notes].length > MAX_NOTES) throw badInput('notes', `notes are at most ${MAX_NOTES} characters`);
    return rc.em.transactional(async (em) => {
      // version numbers are handed out one at a time
      await em.execute('select pg_advisory_xact_lock(7219001)');
      const [{ n }] = await em.execute<{ n: number }[]>('select coalesce(max(number), 0) + 1 as n from duty_list_versions');
      const version = em.create(DutyListVersion, {
        number: Number(n),
        author: actorOf(rc.viewer),
        notes: file.notes ?? null,
        createdAt: this.clock.now(),
      });
      file.matters.forEach((m, position) => em.persist(em.create(Matter, { ...m, versionId: version.id, position })));
      await em.flush();
      return version;
    });
  }

  private async draft(em: EntityManager, number: number): Promise<DutyListVersion> {
    // (locked until the edit commits: edits of one draft, and its publication, go one at a time —
    // two supervisors adding the same code at once: the second replaces what the first added)
    const v = await em.findOne(DutyListVersion, { number }, { lockMode: LockMode.PESSIMISTIC_WRITE });
    if (!v) throw notFound('duty list version', String(number));
    if (v.status !== DutyListStatus.DRAFT) {
      throw illegalTransition(v.status, 'edit', 'only a DRAFT can be edited; create a new draft from it', 'a duty list version');
    }
    return v;
  }

  /** Adds or replaces a matter of a draft (by code). */
  async upsertMatter(rc: RequestContext, number: number, input: MatterData): Promise<Matter> {
    requireRole(rc.viewer, ...EDITORS);
    // as a file's rows are read (dutylist.io): what is stored is what an export and re-import give
    const data: MatterData = {
      ...input,
      code: input.code.trim(),
      name: input.name.trim(),
      parentCode: input.parentCode?.trim() || null,
      description: input.description?.trim() || null,
      keywords: cleanItems(input.keywords ?? []),
      examples: cleanItems(input.examples ?? []),
    };
    return rc.em.transactional(async (em) => {
      const v = await this.draft(em, number);
      const all = await this.matters(em, v.id);
      const existing = all.find((m) => m.code === data.code);
      const rows = [...all.filter((m) => m !== existing).map((m, i) => ({ m: matterData(m), line: i + 1 })), { m: data, line: all.length + 1 }];
      // the whole tree must stay sound (parents exist, no cycle); leaves without a department are
      // allowed while drafting and refused at publish
      const problems = checkMatters(rows).filter((p) => p.code === data.code && !/leaf matter needs/.test(p.reason));
      if (problems.length) throw badInput(fieldOf(problems[0]), problems.map((p) => p.reason).join('; '));
      await this.touch(em, v);
      if (existing) {
        em.assign(existing, data);
        return existing;
      }
      const m = em.create(Matter, { ...data, versionId: v.id, position: all.length });
      em.persist(m);
      return m;
    });
  }

  async removeMatter(rc: RequestContext, number: number, code: string): Promise<DutyListVersion> {
    requireRole(rc.viewer, ...EDITORS);
    return rc.em.transactional(async (em) => {
      const v = await this.draft(em, number);
      const m = await em.findOne(Matter, { versionId: v.id, code });
      if (!m) throw badInput('code', `matter ${code} is not in version ${number}`);
      const children = await em.count(Matter, { versionId: v.id, parentCode: code });
      if (children) throw badInput('code', `matter ${code} has ${children} sub-matters: remove or move them first`);
      em.remove(m);
      await this.touch(em, v);
      return v;
    });
  }

  /**
   * An edit changes the draft: its version goes up (so a publish by someone who saw it before the
   * edit is refused with CONFLICT), and its row is locked until the edit commits.
   */
  private async touch(em: EntityManager, v: DutyListVersion): Promise<void> {
    const rows = await em.execute<{ version: number }[]>('update duty_list_versions set version = version + 1 where id = ? and status = ? returning version', [
      v.id,
      DutyListStatus.DRAFT,
    ]);
    if (!rows.length) throw illegalTransition(v.status, 'edit', 'only a DRAFT can be edited; create a new draft from it', 'a duty list version');
    await em.refresh(v);
  }

  /** Everything that stops a version from being published (empty when it may be). */
  async problems(em: EntityManager, version: DutyListVersion): Promise<RowProblem[]> {
    const matters = await this.matters(em, version.id);
    const problems = checkMatters(matters.map((m, i) => ({ m: matterData(m), line: i + 1 })));
    if (!matters.some((m) => m.active)) problems.push({ line: 0, reason: 'the list has no active matter' });
    const districts = await em.find(District, {});
    const departments = await em.find(Department, {});
    const parents = new Set(matters.map((m) => m.parentCode));
    matters.forEach((m, i) => {
      if (parents.has(m.code) || !m.active || !m.departmentKind || !m.level) return;
      // a co-handler resolves at the nearest level that has its kind (jurisdiction.ts): a kind
      // the directory has nowhere would never be asked
      const absent = m.coHandlingKinds.filter((k) => !departments.some((d) => d.kind === k));
      if (absent.length) {
        problems.push({ line: i + 1, code: m.code, reason: `no department of co-handling kind ${absent.join(', ')} exists` });
      }
      const of = (d: Department) => d.kind === m.departmentKind && d.level === m.level;
      if (m.level === DepartmentLevel.CITY) {
        if (!departments.some(of)) {
          problems.push({ line: i + 1, code: m.code, reason: `no city-level ${m.departmentKind} department exists` });
        }
        return;
      }
      const missing = districts.filter((dis) => !departments.some((d) => of(d) && d.districtId === dis.id));
      if (missing.length) {
        problems.push({
          line: i + 1,
          code: m.code,
          reason: `no ${m.level.toLowerCase()}-level ${m.departmentKind} department in ${missing.map((d) => `${d.name} ${d.code}`).join(', ')}`,
        });
      }
    });
    return problems;
  }

  /** Publishes a draft: validated, in force from `effectiveAt` (default now). */
  async publish(rc: RequestContext, input: { number: number; expectedVersion: number; effectiveAt?: Date | null }) {
    const version = await this.publishDraft(rc, input);
    for (const l of this.publishListeners) await l(rc.em, version);
    return version;
  }

  /** The publication itself, in one transaction (what the listeners do afterwards is not part of it). */
  private async publishDraft(rc: RequestContext, input: { number: number; expectedVersion: number; effectiveAt?: Date | null }) {
    requireRole(rc.viewer, ...EDITORS);
    return rc.em.transactional(async (em) => {
      // one publication at a time, across processes: each retires what the other published
      // otherwise, and two versions would stay in force
      await em.execute(`select pg_advisory_xact_lock(hashtext('minsheng.dutylist.publish'))`);
      const v = await this.draft(em, input.number);
      if (v.version !== input.expectedVersion) {
        throw conflict(`duty list ${v.number} changed: you saw version ${input.expectedVersion}, it is now ${v.version}`, { currentVersion: v.version });
      }
      const problems = await this.problems(em, v);
      if (problems.length) {
        throw new DomainError(
          ErrorCode.BAD_USER_INPUT,
          `version ${v.number} cannot be published: ${problems.map((p) => `${p.code ?? ''} ${p.reason}`.trim()).join('; ')}`,
          { field: 'number', problems },
        );
      }
      const now = this.clock.now();
      // a version comes into force now or later, never in the past (a back-dated version would
      // sit behind the one in force and never apply); a few minutes of clock skew count as now
      if (input.effectiveAt && input.effectiveAt.getTime() < now.getTime() - EFFECTIVE_AT_SKEW_MS) {
        throw badInput('effectiveAt', `effectiveAt ${input.effectiveAt.toISOString()} is in the past: give a time from now on, or none for now`);
      }
      for (const l of this.beforePublishListeners) await l(em, v);
      v.status = DutyListStatus.PUBLISHED;
      v.publishedAt = now;
      v.effectiveAt = input.effectiveAt && input.effectiveAt > now ? input.effectiveAt : now;
      if (v.effectiveAt <= now) {
        // versions it replaces retire; a future version retires them when published after it
        const older = await em.find(DutyListVersion, {
          status: DutyListStatus.PUBLISHED,
          id: { $ne: v.id },
          effectiveAt: { $lte: v.effectiveAt },
        });
        for (const o of older) o.status = DutyListStatus.RETIRED;
      }
      recordEvent(em, {
        topic: 'dutylist',
        type: 'PUBLISHED',
        aggregateId: v.id,
        occurredAt: now,
        payload: { number: v.number, effectiveAt: v.effectiveAt.toISOString(), author: v.author },
      });
      await em.flush();
      return v;
    });
  }

  // ---------------------------------------------------------------- files

  parse(format: DutyListFormat, content: string): DutyListFile {
    try {
      // a file in another encoding (GBK, say) whose bytes were read as UTF-8 on the way here: its
      // Chinese became U+FFFD. (The CLI checks the bytes themselves.)
      const bad = content.indexOf('\uFFFD');
      if (bad >= 0) {
        const line = format === DutyListFormat.CSV ? content.slice(0, bad).split(/\r\n|\r|\n/).length : 1;
        throw new DutyListFileError([{ line, reason: 'the file is not UTF-8 text (it holds characters that could not be read): save it as UTF-8, e.g. "CSV UTF-8" in a spreadsheet' }]);
      }
      return format === DutyListFormat.CSV ? parseDutyListCsv(content) : parseDutyListJson(content);
    } catch (e) {
      if (e instanceof DutyListFileError) throw fileError(e);
      throw e;
    }
  }

  /** Imports a file as a new draft (and publishes it when asked). A bad file writes nothing. */
  async import(rc: RequestContext, input: { format: DutyListFormat; content: string; notes?: string | null; publish?: boolean | null }) {
    requireRole(rc.viewer, ...EDITORS);
    const file = this.parse(input.format, input.content);
    const draft = await this.createVersion(rc, { notes: input.notes ?? file.notes ?? 'imported', matters: file.matters });
    if (!input.publish) return draft;
    let published: DutyListVersion;
    try {
      published = await this.publishDraft(rc, { number: draft.number, expectedVersion: draft.version });
    } catch (e) {
      // publishing refused: the imported draft goes too, so nothing is half-written
      await rc.em.transactional(async (em) => {
        await em.nativeDelete(Matter, { versionId: draft.id });
        await em.nativeDelete(DutyListVersion, { id: draft.id });
      });
      throw inFile(e, file);
    }
    // published and committed: what follows (the router retraining) cannot undo it
    for (const l of this.publishListeners) await l(rc.em, published);
    return published;
  }

  async export(rc: RequestContext, number: number | null | undefined, format: DutyListFormat): Promise<string> {
    const v = await this.version(rc, number);
    const data = (await this.matters(rc.em, v.id)).map(matterData);
    return format === DutyListFormat.CSV ? toCsv(data) : toJson(v.notes, data);
  }
}

function fieldOf(p: RowProblem): string {
  if (/parent_code/.test(p.reason)) return 'parentCode';
  if (/department_kind|level/.test(p.reason)) return 'departmentKind';
  if (/resolve_days/.test(p.reason)) return 'resolveDays';
  if (/name/.test(p.reason)) return 'name';
  return 'code';
}
