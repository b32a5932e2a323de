import { randomUUID } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { RequestContext } from '../app/context';
import { requireRole, requireSignedIn, Role } from '../auth/viewer';
import { DepartmentLevel } from '../departments/department.entity';
import type { Department } from '../departments/department.entity';
import type { DepartmentsService, PlaceInput } from '../departments/departments.service';
import { TextClassifier } from '../routing';
import { featureSurface, normalizeText } from '../routing/tokenize';
import type { SerializedClassifier, TrainingExample } from '../routing';
import { JobWorker, workerScript } from '../shared/job-worker';
import type { Clock } from '../shared/clock';
import { badInput } from '../shared/errors';
import { TicketStatus } from '../tickets/ticket.enums';
import type { DutyListVersion } from './duty-list-version.entity';
import { RoutingMethod } from './dutylist.enums';
import type { DutyListService } from './dutylist.service';
import { JurisdictionDirectory, resolveJurisdiction } from './jurisdiction';
import type { Place } from './jurisdiction';
import type { Matter } from './matter.entity';
import { RoutingModel } from './routing-model.entity';
import type { CandidateRecord } from './routing.types';

/**
 * Words that say a call is a request, not what it is about. A text whose only evidence for its
 * best matter is these words (你好，我想咨询一下相关政策; 我要投诉) is not dispatched by the
 * router, however sure the model sounds — it waits for an operator, with the suggestions.
 */
const NOT_EVIDENCE = new Set([
  '你好', '您好', '喂', '请问', '咨询', '一下', '问一下', '想问', '我想', '我要', '投诉', '举报', '反映', '问题', '情况', '事情',
  '怎么', '怎么办', '如何', '为什么', '什么', '哪里', '帮忙', '帮助', '处理', '解决', '谢谢', '麻烦', '这个', '那个', '现在',
  '今天', '已经', '一直', '还是', '可以', '能不能', '是否', '有人', '我们', '你们', '他们', '政策', '相关', '办理', '流程',
  '了解', '希望', '部门', '家里', '市民', '热线', '12345', '电话', '一个', '有个', '来电',
]);

/** the call-words as the model reads text (NFKC, lower case, digits as 0), longest first */
const CALL_WORDS = [...new Set([...NOT_EVIDENCE].map(normalizeText))].sort((a, b) => b.length - a.length);

/**
 * The text as the model reads it with the call-words taken out: what a feature must be found in
 * to speak of the matter itself (没水, 网约车 — the model knows some matters by their characters,
 * not always as words; an n-gram across 咨询|一下 is no evidence).
 */
function matterWords(text: string): string {
  let rest = normalizeText(text);
  for (const w of CALL_WORDS) rest = rest.split(w).join(' ');
  return rest;
}

/** Why a candidate has no department yet, when the text came without a place. */
const NO_PLACE_NOTE = 'no place yet: the department depends on the district (give districtCode, or lat and lng)';

/** What the router learned from, and when. */
export interface RouterStatus {
  versionNumber: number | null;
  trainedAt: Date | null;
  listExamples: number;
  historyExamples: number;
  matters: number;
}

export interface Suggestion extends CandidateRecord {
  matter: Matter;
  /** 主办 with jurisdiction at the place (null: none, or the place does not say which street office) */
  department: Department | null;
  /** 协办: the departments of the matter's co-handling kinds there */
  coDepartments: Department[];
}

interface Loaded {
  version: DutyListVersion;
  classifier: TextClassifier;
  matters: Map<string, Matter>;
  status: RouterStatus;
  /**
   * district → the departments that can have jurisdiction there (city bureaus, the district's
   * branches and street offices with their seats and areas): leads and co-handlers, street
   * offices by the ticket's point, are resolved from it in memory. One query per district, once
   * per model (the directory rarely changes).
   */
  directories: Map<string, Promise<JurisdictionDirectory>>;
}

/** How long the hub trusts that the version in force has not changed (ms). */
const IN_FORCE_TTL = 1000;

/** The most recent confirmed tickets learned from (training time grows with examples × matters). */
const MAX_HISTORY = 5000;

/** How much a confirmed ticket counts against one duty-list example sentence. */
const HISTORY_WEIGHT = 1;

/**
 * The router (智能分拨): citizen's words → ranked duty-list matters → the department with
 * jurisdiction. The model lives in memory, is persisted in PostgreSQL (so a restart needs no
 * retraining), and is retrained when a duty list is published or on demand.
 */
export class RouterService {
  private loaded: Loaded | null = null;
  /** models trained in a publication's transaction, by version, for when it has committed */
  private readonly prepared = new Map<string, Loaded>();
  /** training runs on a worker thread: seconds of CPU that would hold up every request in flight */
  private readonly trainer = new JobWorker<TrainingExample[], SerializedClassifier>('router training', workerScript('routing/train.worker.js'), (examples) =>
    TextClassifier.train(examples).toJSON(),
  );
  private loading: Promise<Loaded | null> | null = null;
  private checkedAt = 0;
  private checking = false;

  constructor(
    private readonly dutyLists: DutyListService,
    private readonly departments: DepartmentsService,
    private readonly clock: Clock,
    readonly threshold: number,
  ) {
    // the model of a version is trained (on a worker thread) and stored in its publication's
    // transaction: the moment the version is in force its model is there — no intake trains one
    // itself, none waits for one. (Should training fail, the publication stands: the model is
    // then built when first needed.)
    dutyLists.beforePublish(async (em, version) => {
      const trained = await this.train(em, version, false).catch(() => null);
      if (trained) this.prepared.set(version.id, trained);
    });
    dutyLists.onPublish(async (em, version) => {
      const prepared = this.prepared.get(version.id);
      this.prepared.delete(version.id);
      // in force now: used at once (a version for later is loaded when it comes in)
      if (version.effectiveAt && version.effectiveAt > this.clock.now()) return;
      this.loaded = prepared ?? (await this.load(em.fork(), version));
      this.checkedAt = Date.now();
    });
  }

  /** The model for the version in force, loading or training it when needed. */
  private async current(rc: Pick<RequestContext, 'em'>): Promise<Loaded | null> {
    // the intake hot path: no query while the version in force was confirmed a moment ago
    // (and while one request checks, the others keep the model they have: one query, not fifty)
    if (this.loaded && (Date.now() - this.checkedAt < IN_FORCE_TTL || this.checking)) return this.loaded;
    this.checking = true;
    let version: DutyListVersion | null;
    try {
      version = await this.dutyLists.inForce(rc.em);
    } finally {
      this.checking = false;
    }
    this.checkedAt = Date.now();
    if (!version) return null;
    // the same version, and no newer model of it trained elsewhere (`minsheng routing train`,
    // another hub process's retrainRouter): keep it
    if (this.loaded?.version.id === version.id && !(await this.retrainedElsewhere(rc.em, this.loaded))) return this.loaded;
    this.loading ??= this.load(rc.em.fork(), version).finally(() => (this.loading = null));
    return this.loading;
  }

  /** Whether the stored model of the loaded version is newer than the one in memory. */
  private async retrainedElsewhere(em: EntityManager, loaded: Loaded): Promise<boolean> {
    const [row] = await em.getConnection().execute<{ trained_at: Date }[]>(
      'select max(trained_at) as trained_at from routing_models where version_id = ?',
      [loaded.version.id],
    );
    const stored = row?.trained_at ? new Date(row.trained_at).getTime() : null;
    // (not "newer than": another process's clock may run behind this one's)
    return stored != null && stored !== loaded.status.trainedAt?.getTime();
  }

  private async load(em: EntityManager, version: DutyListVersion): Promise<Loaded> {
    const saved = await em.findOne(
      RoutingModel,
      { versionId: version.id },
      { orderBy: { trainedAt: 'desc' }, populate: ['model'] },
    );
    if (!saved) return this.train(em, version);
    const matters = await this.leafMatters(em, version);
    this.loaded = {
      version,
      classifier: TextClassifier.fromJSON(saved.model as never),
      matters,
      status: {
        versionNumber: version.number,
        trainedAt: saved.trainedAt,
        listExamples: saved.listExamples,
        historyExamples: saved.historyExamples,
        matters: matters.size,
      },
      directories: new Map(),
    };
    return this.loaded;
  }

  private async leafMatters(em: EntityManager, version: DutyListVersion, all?: Matter[]): Promise<Map<string, Matter>> {
    all ??= await this.dutyLists.matters(em, version.id);
    const parents = new Set(all.map((m) => m.parentCode));
    return new Map(all.filter((m) => m.active && !parents.has(m.code) && m.departmentKind).map((m) => [m.code, m]));
  }

  /**
   * Learns from the duty list (names, keywords, example sentences) and from history: tickets
   * whose matter is confirmed — resolved or closed without a reject or re-route, or set by
   * arbitration.
   */
  /** Trains on the version and stores the model; `use`: this process routes with it from now on. */
  async train(em: EntityManager, version: DutyListVersion, use = true): Promise<Loaded> {
    const all = await this.dutyLists.matters(em, version.id);
    const matters = await this.leafMatters(em, version, all);
    const parentName = new Map(all.map((m) => [m.code, m.name]));
    const examples: TrainingExample[] = [];
    for (const m of matters.values()) {
      const context = m.parentCode ? parentName.get(m.parentCode) ?? '' : '';
      examples.push({ text: `${context} ${m.name}`, label: m.code });
      if (m.description) examples.push({ text: m.description, label: m.code, weight: 0.5 });
      for (const k of m.keywords) examples.push({ text: k, label: m.code, weight: 0.5 });
      for (const e of m.examples) examples.push({ text: e, label: m.code });
    }
    const listExamples = examples.length;
    const confirmed = await em.getConnection().execute<{ title: string; content: string; code: string }[]>(
      `select t.title, t.content, m.code from tickets t join matters m on m.id = t.matter_id
       where (t.status in (?, ?) and t.reject_count = 0 and t.reroute_count = 0)
          or (t.routing->>'method' = ?)
       order by t.created_at desc limit ?`,
      [TicketStatus.RESOLVED, TicketStatus.CLOSED, RoutingMethod.ARBITRATION, MAX_HISTORY],
    );
    for (const t of confirmed) {
      if (matters.has(t.code)) examples.push({ text: `${t.title} ${t.content}`, label: t.code, weight: HISTORY_WEIGHT });
    }
    const model = await this.trainer.run(examples);
    const classifier = TextClassifier.fromJSON(model);
    const trainedAt = this.clock.now();
    const historyExamples = examples.length - listExamples;
    // the newest model only. (The model is megabytes of JSON: sent as a bound parameter — the
    // ORM's statements carry their values inlined, escaped character by character, which held
    // the request thread for a few hundred milliseconds.)
    await em.transactional(async (tx) => {
      const knex = tx.getConnection().getKnex();
      const ctx = tx.getTransactionContext();
      const run = (sql: string, bindings: readonly unknown[]) => (ctx ? knex.raw(sql, bindings as never).transacting(ctx) : knex.raw(sql, bindings as never));
      await run('delete from routing_models where version_id = ?', [version.id]);
      await run('insert into routing_models (id, version_id, trained_at, list_examples, history_examples, model) values (?, ?, ?, ?, ?, ?::jsonb)', [
        randomUUID(),
        version.id,
        trainedAt,
        listExamples,
        historyExamples,
        JSON.stringify(model),
      ]);
    });
    const trained: Loaded = {
      version,
      classifier,
      matters,
      status: { versionNumber: version.number, trainedAt, listExamples, historyExamples, matters: matters.size },
      directories: new Map(),
    };
    if (!use) return trained;
    this.loaded = trained;
    this.checkedAt = Date.now();
    return trained;
  }

  async retrain(rc: RequestContext): Promise<RouterStatus> {
    requireRole(rc.viewer, Role.SUPERVISOR, Role.ADMIN);
    const version = await this.dutyLists.inForce(rc.em);
    if (!version) throw badInput('dutyList', 'no duty list is in force: publish one first');
    return (await this.train(rc.em.fork(), version)).status;
  }

  async status(rc: RequestContext): Promise<RouterStatus> {
    requireSignedIn(rc.viewer);
    const loaded = await this.current(rc);
    return loaded?.status ?? { versionNumber: null, trainedAt: null, listExamples: 0, historyExamples: 0, matters: 0 };
  }

  /**
   * Ranked matters for a text at a place, each with the departments with jurisdiction there.
   * `explain: 'intake'`: when the best candidate is one the ticket will be dispatched on
   * (confident, with a department there), its alternatives carry no explanation — explanations
   * cost more than predictions; a ticket left for manual dispatch gets every candidate explained.
   * `dispatch`: whether intake dispatches on the best candidate (see `dispatchable`).
   */
  async suggest(
    rc: Pick<RequestContext, 'em'>,
    text: string,
    place: Place | null,
    k = 3,
    explain: 'all' | 'intake' = 'all',
  ): Promise<{ version: DutyListVersion | null; candidates: Suggestion[]; dispatch: boolean }> {
    // rc.em is forked on first use: a warm router answers without one
    const loaded = await this.current(rc);
    if (!loaded) return { version: null, candidates: [], dispatch: false };
    const predictions = loaded.classifier.predict(text, k);
    // (no place yet: the city bureaus only — a district's branch or street office needs the district)
    const directory = predictions.length ? await this.directory(rc, loaded, place?.districtId ?? null) : null;
    const ranked = [];
    for (const p of predictions) {
      const matter = loaded.matters.get(p.label);
      if (!matter) continue;
      const found = resolveJurisdiction(matter, place ?? { districtId: '' }, directory!);
      const { lead, coHandlers } = found;
      const note = !place && !lead && matter.level && matter.level !== DepartmentLevel.CITY ? NO_PLACE_NOTE : found.note;
      ranked.push({ p, matter, department: lead, coDepartments: coHandlers, note, confidence: Math.round(p.confidence * 10_000) / 10_000 });
    }
    // whether intake dispatches on the best candidate (TicketsService.routeAtIntake acts on it)
    const dispatch = !!ranked[0] && this.dispatchable({ ...ranked[0], features: ranked[0].p.explanation.features }, text);
    const candidates: Suggestion[] = ranked.map(({ p, matter, department, coDepartments, note, confidence }, i) => {
      const why = explain === 'all' || !dispatch || i === 0 ? p.explanation : { keywords: [], features: [] };
      return {
        matter,
        department,
        coDepartments,
        matterCode: matter.code,
        matterName: matter.name,
        departmentCode: department?.code ?? null,
        departmentName: department?.name ?? null,
        confidence,
        keywords: why.keywords,
        features: why.features,
        // only where the place decided (street offices): most records stay as small as they were
        ...(note ? { jurisdictionNote: note } : {}),
      };
    });
    return { version: loaded.version, candidates, dispatch };
  }

  /**
   * Whether the router dispatches on its own (即接即办): a department with jurisdiction, a
   * confidence at the threshold, and a word of the text that speaks of the matter itself.
   */
  private dispatchable(c: { department: Department | null; confidence: number; features: readonly { feature: string; weight: number }[] }, text: string): boolean {
    if (!c.department || c.confidence < this.threshold) return false;
    const rest = matterWords(text);
    return c.features.some((f) => f.weight > 0 && rest.includes(featureSurface(f.feature)));
  }

  /** The district's part of the directory, read once per model (concurrent intakes share the read). */
  private directory(rc: Pick<RequestContext, 'em'>, loaded: Loaded, districtId: string | null): Promise<JurisdictionDirectory> {
    const key = districtId ?? '';
    let d = loaded.directories.get(key);
    if (!d) {
      d = districtId ? JurisdictionDirectory.load(rc.em, districtId) : JurisdictionDirectory.loadCity(rc.em);
      loaded.directories.set(key, d);
      // a failed read is not remembered: the next intake tries again
      d.catch(() => loaded.directories.delete(key));
    }
    return d;
  }

  /** routingPreview: what the router would do with this text in this place. */
  async preview(rc: RequestContext, input: PlaceInput & { text: string }): Promise<Suggestion[]> {
    requireSignedIn(rc.viewer);
    const text = input.text.trim();
    if (!text) throw badInput('text', 'text must not be blank');
    if (text.length > 4000) throw badInput('text', 'text must be at most 4,000 characters');
    // operators often type the words before the place: rank the matters anyway
    if (!input.districtCode && input.lat == null && input.lng == null) return (await this.suggest(rc, text, null, 5)).candidates;
    const district = await this.departments.districtFor(rc, input);
    return (await this.suggest(rc, text, { districtId: district.id, lat: input.lat, lng: input.lng }, 5)).candidates;
  }

  stop(): Promise<void> {
    return this.trainer.stop();
  }

  /** Drops the in-memory model (tests; another process published). */
  forget(): void {
    this.loaded = null;
    this.checkedAt = 0;
  }
}
