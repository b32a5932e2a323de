import type { RequestContext } from '../app/context';
import { Role } from '../auth/viewer';
import type { Viewer } from '../auth/viewer';
import { compareShingles, normalizeForMatching, shingleHashes } from '../hotissues/similarity';
import { underSavepoint } from '../realtime/consumer';
import type { Tx } from '../realtime/consumer';
import type { StreamEvent } from '../realtime/events';
import { DomainError } from '../shared/errors';
import { toGlobalId } from '../shared/relay';
import { TicketStatus } from './ticket.enums';
import { DuplicateSuggestion } from './duplicate-suggestion.entity';
import type { TicketsService } from './tickets.service';

/** When a new ticket is another report of an open one (重复件). */
export interface DuplicateSettings {
  /** look this far back for the earlier report */
  windowDays: number;
  /** suggest a parent from this similarity (Jaccard of character shingles, or containment) */
  suggestFrom: number;
  /** merge at once from this similarity … */
  mergeFrom: number;
  /** … when both are located within this many metres (or neither is located and the caller is the same) */
  mergeWithinMeters: number;
  /** … and the earlier report is at most this old */
  mergeWithinHours: number;
  /** located tickets further apart than this are never duplicates */
  maxMeters: number;
}

export const DEFAULT_DUPLICATE_SETTINGS: DuplicateSettings = {
  windowDays: 7,
  suggestFrom: 0.5,
  mergeFrom: 0.85,
  mergeWithinMeters: 300,
  mergeWithinHours: 48,
  maxMeters: 1500,
};

const CANDIDATES = 300;
const YIELD_AFTER_MS = 4;
const SHINGLE_CACHE = 50_000;
const SYSTEM: Viewer = { role: Role.OPERATOR, subject: 'system/duplicates', districtCodes: [] };

interface Row {
  id: string;
  number: string;
  /** only on the new ticket: candidates' texts come from the shingle cache */
  title?: string;
  content?: string;
  matter_id: string | null;
  district_id: string;
  lat: number | null;
  lng: number | null;
  citizen_key: string | null;
  created_at: Date;
  status: string;
  version: number;
  parent_id: string | null;
}

/** Metres between two points (haversine). */
export function metresBetween(aLat: number, aLng: number, bLat: number, bLng: number): number {
  const rad = Math.PI / 180;
  const dLat = (bLat - aLat) * rad;
  const dLng = (bLng - aLng) * rad;
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(aLat * rad) * Math.cos(bLat * rad) * Math.sin(dLng / 2) ** 2;
  return 2 * 6_371_000 * Math.asin(Math.min(1, Math.sqrt(h)));
}

/**
 * Duplicate detection at intake, off the hot path: a checkpointed consumer of the ticket stream.
 * For each new ticket it looks for an earlier open report in the same district (and matter, when
 * both have one), nearby, recent and saying the same thing (character-shingle similarity). It
 * records the best as a suggested parent; when it is sure — very similar, same matter, close in
 * place and time — it merges the new ticket under it through the ordinary lifecycle (audited,
 * as `system/duplicates`).
 */
export class DuplicateDetector {
  /** shingles of recent tickets, so each text is cut once, not once per newer ticket (LRU) */
  private readonly shingles = new Map<string, Uint32Array>();

  constructor(
    private readonly tickets: TicketsService,
    private readonly contextFor: (viewer: Viewer) => RequestContext,
    private readonly settings: DuplicateSettings = DEFAULT_DUPLICATE_SETTINGS,
    private readonly log: (m: string, e?: unknown) => void = () => undefined,
  ) {}

  /**
   * Before the consumer's transaction: finds each new ticket's best earlier report, merges where
   * sure (each merge its own transaction) and returns the suggestions to record. The batch at
   * once; only if that fails, ticket by ticket, skipping a bad one.
   */
  async prepare(events: StreamEvent[], sql: Tx): Promise<Suggestion[]> {
    const ids = events.filter((e) => e.topic === 'ticket' && e.type === 'CREATED').map((e) => e.aggregateId);
    if (!ids.length) return [];
    const { rows } = await sql.query<Row>(`select ${COLUMNS} from tickets where id = any($1) order by created_at, id`, [ids]);
    if (!rows.length) return [];
    try {
      return await this.examine(sql, rows);
    } catch (whole) {
      this.log('duplicates: a batch failed; examining its tickets one by one', whole);
      const out: Suggestion[] = [];
      for (const t of rows) {
        try {
          out.push(...(await this.examine(sql, [t])));
        } catch (e) {
          this.log(`duplicates: skipped ${t.number}`, e);
        }
      }
      return out;
    }
  }

  /** In the consumer's transaction: records the suggestions (one insert; one by one only if that fails). */
  async apply(suggestions: Suggestion[], tx: Tx): Promise<void> {
    if (!suggestions.length) return;
    const whole = await underSavepoint(tx, () => insertSuggestions(tx, suggestions));
    if (!whole) return;
    this.log('duplicates: recording a batch of suggestions failed; one by one', whole);
    for (const one of suggestions) {
      const e = await underSavepoint(tx, () => insertSuggestions(tx, [one]));
      if (e) this.log(`duplicates: skipped the suggestion for ${one[0]}`, e);
    }
  }

  private remember(id: string, text: string): Uint32Array {
    const sh = shingleHashes(normalizeForMatching(text));
    if (this.shingles.size >= SHINGLE_CACHE) this.shingles.delete(this.shingles.keys().next().value!);
    this.shingles.set(id, sh);
    return sh;
  }

  /** A ticket's shingles, from the cache (refreshed as recently used) or cut from its text. */
  private shinglesOf(t: { id: string; title?: string; content?: string }): Uint32Array {
    const sh = this.shingles.get(t.id);
    if (!sh) return this.remember(t.id, `${t.title ?? ''} ${t.content ?? ''}`);
    this.shingles.delete(t.id);
    this.shingles.set(t.id, sh);
    return sh;
  }

  /**
   * Examines new tickets, oldest first: the candidates of all of them in one statement, their
   * texts in one more; a merge is its own transaction. Returns the suggestions to record.
   */
  private async examine(tx: Tx, batch: Row[]): Promise<Suggestion[]> {
    const s = this.settings;
    const { rows: found } = await tx.query<Row & { of: string }>(
      `select k.of, c.* from unnest($1::uuid[], $2::uuid[], $3::timestamptz[], $4::uuid[], $5::float8[], $6::float8[]) as k(of, district_id, created_at, matter_id, lat, lng)
       cross join lateral (
         -- three index ranges (district, matter, time): the same matter, no matter yet, and —
         -- for a ticket without a matter — any other; an OR over them would scan the district
         (${candidates('t.matter_id = k.matter_id')})
         union all (${candidates('t.matter_id is null')})
         union all (${candidates('k.matter_id is null and t.matter_id is not null')})) c`,
      [
        batch.map((t) => t.id),
        batch.map((t) => t.district_id),
        batch.map((t) => t.created_at),
        batch.map((t) => t.matter_id),
        batch.map((t) => t.lat),
        batch.map((t) => t.lng),
        s.windowDays,
        s.maxMeters,
      ],
    );
    const candidatesOf = new Map<string, Row[]>();
    for (const c of found) {
      const list = candidatesOf.get(c.of);
      if (list) list.push(c);
      else candidatesOf.set(c.of, [c]);
    }
    // texts only for the candidates not cut into shingles yet (the batch's own are at hand)
    for (const t of batch) if (!this.shingles.has(t.id)) this.remember(t.id, `${t.title ?? ''} ${t.content ?? ''}`);
    const missing = [...new Set(found.filter((c) => !this.shingles.has(c.id)).map((c) => c.id))];
    if (missing.length) {
      const { rows: texts } = await tx.query<{ id: string; title: string; content: string }>('select id, title, content from tickets where id = any($1)', [missing]);
      for (const x of texts) this.remember(x.id, `${x.title} ${x.content}`);
    }
    /** merged by this pass: no longer a parent for the batch's later tickets */
    const mergedNow = new Set<string>();
    const suggestions: Suggestion[] = [];
    let since = performance.now();
    for (const t of batch) {
      // a big batch is compared in slices of a few ms: intake requests wait on the same event loop
      if (performance.now() - since > YIELD_AFTER_MS) {
        await new Promise((ok) => setImmediate(ok));
        since = performance.now();
      }
      const candidates = (candidatesOf.get(t.id) ?? []).filter((c) => !mergedNow.has(c.id));
      if (!candidates.length) continue;
      const mine = this.shinglesOf(t);
      let best: { row: Row; score: number; metres: number | null } | null = null;
      for (const c of candidates) {
        const metres = t.lat != null && t.lng != null && c.lat != null && c.lng != null ? metresBetween(t.lat, t.lng, c.lat, c.lng) : null;
        if (metres != null && metres > s.maxMeters) continue;
        const m = compareShingles(mine, this.shinglesOf(c), s.suggestFrom);
        if (!m) continue;
        const score = Math.max(m.similarity, m.containment);
        if (!best || score > best.score) best = { row: c, score, metres };
      }
      if (!best || best.score < s.suggestFrom) continue;
      const sure =
        // only into a parent still being worked: a resolved one's reply is not this report's answer
        OPEN_PARENT.has(best.row.status as TicketStatus) &&
        best.score >= s.mergeFrom &&
        t.matter_id != null &&
        best.row.matter_id === t.matter_id &&
        (best.metres != null ? best.metres <= s.mergeWithinMeters : t.citizen_key != null && t.citizen_key === best.row.citizen_key) &&
        t.created_at.getTime() - best.row.created_at.getTime() <= s.mergeWithinHours * 3_600_000 &&
        (t.status === 'RECEIVED' || t.status === 'DISPATCHED');
      const suggestion = {
        ticketId: t.id,
        parentId: best.row.id,
        similarity: Math.round(best.score * 1000) / 1000,
        distanceMeters: best.metres == null ? null : Math.round(best.metres),
        at: t.created_at,
      };
      if (sure && (await this.merge(t, best, suggestion))) {
        mergedNow.add(t.id);
        continue;
      }
      // `merged` from the ticket itself: a replay after a crash finds it merged already
      suggestions.push([suggestion.ticketId, suggestion.parentId, suggestion.similarity, suggestion.distanceMeters, t.parent_id === best.row.id, suggestion.at]);
    }
    return suggestions;
  }

  /**
   * Merges through the ordinary lifecycle, in its own transaction (audited, on the stream,
   * version-checked), with the suggestion committed in it: a reader never sees MERGED without
   * its reason. False when someone acted on the ticket first (CONFLICT, ILLEGAL_TRANSITION).
   */
  private async merge(
    t: Row,
    best: { row: Row; score: number; metres: number | null },
    suggestion: Omit<DuplicateSuggestion, 'merged'>,
  ): Promise<boolean> {
    try {
      await this.tickets.merge(
        this.contextFor(SYSTEM),
        {
          id: toGlobalId('Ticket', t.id),
          expectedVersion: t.version,
          parentId: toGlobalId('Ticket', best.row.id),
          note: `重复件：与 ${best.row.number} 相似度 ${best.score.toFixed(2)}${best.metres != null ? `，相距 ${Math.round(best.metres)} 米` : ''}`,
        },
        (em) => em.upsert(DuplicateSuggestion, { ...suggestion, merged: true }).then(() => undefined),
        // the parent was open when compared; it must still be when merged (a resolved one's reply is not this report's answer)
        OPEN_PARENT,
      );
      return true;
    } catch (e) {
      if (!(e instanceof DomainError)) throw e;
      return false;
    }
  }
}

/** A suggestion as recorded: ticket, parent, similarity, metres, merged, at. */
type Suggestion = [string, string, number, number | null, boolean, Date];

const SUGGESTION_COLUMNS = ['uuid', 'uuid', 'float8', 'int4', 'bool', 'timestamptz'];

async function insertSuggestions(tx: Tx, suggestions: Suggestion[]): Promise<void> {
  await tx.query(
    `insert into duplicate_suggestions (ticket_id, parent_id, similarity, distance_meters, merged, at)
     select * from unnest(${SUGGESTION_COLUMNS.map((c, i) => `$${i + 1}::${c}[]`).join(', ')})
     on conflict (ticket_id) do update set parent_id = excluded.parent_id, similarity = excluded.similarity,
       distance_meters = excluded.distance_meters, merged = duplicate_suggestions.merged or excluded.merged`,
    SUGGESTION_COLUMNS.map((_, i) => suggestions.map((r) => r[i])),
  );
}

/** One index range of a ticket's candidates (k: the new ticket), newest first. */
function candidates(matter: string): string {
  return `select ${META.split(', ').map((c) => `t.${c}`).join(', ')} from tickets t
    where t.district_id = k.district_id and ${matter}
      and t.created_at <= k.created_at and t.created_at > k.created_at - make_interval(days => $7) and t.id <> k.of
      and t.status not in ('MERGED', 'CLOSED') and t.parent_id is null
      -- located both: only within maxMeters' box (the exact distance is measured below)
      and (k.lat is null or t.lat is null or (
        t.lat between k.lat - $8 / 111320.0 and k.lat + $8 / 111320.0
        and t.lng between k.lng - $8 / (111320.0 * cos(radians(k.lat))) and k.lng + $8 / (111320.0 * cos(radians(k.lat)))))
    order by t.created_at desc limit ${CANDIDATES}`;
}

const META = 'id, number, matter_id, district_id, lat, lng, citizen_key, created_at, status, version, parent_id';
/** parents a report may be merged into: still being worked */
const OPEN_PARENT: ReadonlySet<TicketStatus> = new Set([TicketStatus.RECEIVED, TicketStatus.DISPATCHED, TicketStatus.ACCEPTED, TicketStatus.IN_PROGRESS, TicketStatus.ARBITRATION]);
const COLUMNS = `${META}, title, content`;
