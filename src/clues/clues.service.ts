import { randomUUID } from 'node:crypto';
import type { FilterQuery } from '@mikro-orm/postgresql';
import type { RequestContext } from '../app/context';
import { onReplica } from '../app/replicas';
import { viewerDistrictIds } from '../auth/scope';
import { actorOf, CENTRE_ROLES, requireRole, Role } from '../auth/viewer';
import type { Viewer } from '../auth/viewer';
import type { DepartmentsService } from '../departments/departments.service';
import { compareShingles, normalizeForMatching, shingleHashes } from '../hotissues/similarity';
import type { Clock } from '../shared/clock';
import { badInput, conflict, DomainError, illegalTransition, notFound, requirePeriod } from '../shared/errors';
import { textFault } from '../shared/text-fault';
import { paginate } from '../shared/paginate';
import { pgArray } from '../shared/insert';
import { localId } from '../shared/relay';
import type { PageArgs } from '../shared/relay';
import { Ticket } from '../tickets/ticket.entity';
import { Channel, TicketCategory, Urgency } from '../tickets/ticket.enums';
import type { TicketsService } from '../tickets/tickets.service';
import { Clue, ClueAction, ClueStatus } from './clue.entity';

export interface ClueInputArgs {
  sourcePlatform: string;
  sourceUrl?: string | null;
  text: string;
  authorHandle?: string | null;
  likes?: number | null;
  lat?: number | null;
  lng?: number | null;
  districtCode?: string | null;
  postedAt?: Date | string | null;
}

export enum ClueDecision {
  /** 立案: file it as a ticket */
  FILE = 'FILE',
  /** an existing ticket already covers it */
  DUPLICATE = 'DUPLICATE',
  /** 不予立案 */
  DISMISS = 'DISMISS',
}

export interface VerifyClueArgs {
  id: string;
  decision: ClueDecision;
  expectedVersion?: number | null;
  note?: string | null;
  /** DUPLICATE: the ticket it duplicates */
  duplicateOfTicketId?: string | null;
  /** FILE: the ticket's title (default: the start of the text), matter, district, category */
  title?: string | null;
  matterCode?: string | null;
  districtCode?: string | null;
  category?: TicketCategory | null;
}

export interface SimilarTicket {
  ticket: Ticket;
  similarity: number;
}

export interface ClueFigures {
  received: number;
  pending: number;
  filed: number;
  duplicates: number;
  dismissed: number;
  /** filed clues whose ticket is closed: the loop closed */
  closed: number;
  /** median minutes from receiving a clue to its ticket */
  medianMinutesToTicket: number | null;
}

const MAX_TEXT = 4000;
/** how long a clue being filed is reserved for its verifier */
const CLAIM_MS = 60_000;
/** who files tickets for clues: one actor, so a retried filing finds its idempotency key */
const FILER: Viewer = { role: Role.OPERATOR, subject: 'clues', districtCodes: [] };

/** 未诉先办: clues in, verified by a supervisor, filed as tickets and followed to closure. */
export class CluesService {
  constructor(
    private readonly clock: Clock,
    private readonly tickets: TicketsService,
    private readonly departments: DepartmentsService,
  ) {}

  /**
   * Checks one clue, field by field and type by type (feeds send any JSON); a BAD_USER_INPUT
   * names the field, and nothing is written.
   */
  private async validate(rc: RequestContext, input: ClueInputArgs) {
    const str = (field: keyof ClueInputArgs, max: number, required = false): string | null => {
      const v = input[field];
      if (v == null || v === '') {
        if (required) throw badInput(field, `${field} is required`);
        return null;
      }
      if (typeof v !== 'string') throw badInput(field, `${field} must be a string`);
      const fault = textFault(v);
      if (fault) throw badInput(field, `${field} ${fault}`);
      const t = v.trim();
      if (required && !t) throw badInput(field, field === 'text' ? 'a clue needs its text' : `${field} is required`);
      if ([...t].length > max) throw badInput(field, `${field} is at most ${max} characters`);
      return t || null;
    };
    const num = (field: 'lat' | 'lng' | 'likes'): number | null => {
      const v = input[field];
      if (v == null) return null;
      if (typeof v !== 'number' || !Number.isFinite(v)) throw badInput(field, `${field} must be a number`);
      return v;
    };
    const text = str('text', MAX_TEXT, true)!;
    const platform = str('sourcePlatform', 64, true)!;
    const url = str('sourceUrl', 1000);
    if (url && !/^https?:\/\/\S+$/i.test(url)) throw badInput('sourceUrl', 'an http(s) URL of at most 1,000 characters');
    const handle = str('authorHandle', 100);
    const likes = num('likes') ?? 0;
    if (!Number.isInteger(likes) || likes < 0 || likes > 2_147_483_647) throw badInput('likes', 'likes is a whole number from 0 to 2,147,483,647');
    const lat = num('lat');
    const lng = num('lng');
    let postedAt: Date | null = null;
    if (input.postedAt != null) {
      postedAt = typeof input.postedAt === 'string' || input.postedAt instanceof Date ? new Date(input.postedAt) : null;
      if (!postedAt || Number.isNaN(postedAt.getTime())) throw badInput('postedAt', 'postedAt must be a date (ISO 8601)');
      // (when it was posted: not later than now, give or take a platform's clock)
      if (postedAt.getTime() > this.clock.now().getTime() + 24 * 3_600_000) throw badInput('postedAt', 'postedAt is in the future: when was it posted?');
      if (postedAt.getUTCFullYear() < 1990) throw badInput('postedAt', 'postedAt is before 1990: when was it posted?');
    }
    const districtCode = str('districtCode', 16);
    let districtId: string | null = null;
    if (districtCode || lat != null || lng != null) {
      if ((lat == null) !== (lng == null)) throw badInput(lat == null ? 'lat' : 'lng', 'give both lat and lng, or neither');
      districtId = (await this.departments.districtFor(rc, { districtCode, lat, lng })).id;
    }
    return { text, platform, url, likes, handle, postedAt, districtId, lat, lng };
  }

  /**
   * 线索登记: one clue. The same platform and URL again (a feed re-crawls the post, or someone
   * submits it again) is the same clue: its likes rise to the new count — never fall — as a
   * change like any other: a new version (a verifier holding the old one is told it changed) and
   * an entry in the clue's history, in one transaction. A re-submission that brings nothing new
   * changes nothing. Concurrent submissions of one post queue on its row: none is lost.
   */
  async submit(rc: RequestContext, input: ClueInputArgs): Promise<Clue> {
    requireRole(rc.viewer, ...CENTRE_ROLES);
    const v = await this.validate(rc, input);
    const now = this.clock.now();
    const actor = actorOf(rc.viewer);
    const id = await rc.em.transactional(async (em) => {
      const inserted = await em.execute<{ id: string }[]>(
        `insert into clues (id, source_platform, source_url, text, author_handle, likes, lat, lng, district_id, status, submitted_by, posted_at, received_at, version)
         values (?, ?, ?, ?, ?, ?, ?, ?, ?, 'RECEIVED', ?, ?, ?, 1)
         on conflict (source_platform, source_url) do nothing
         returning id`,
        [randomUUID(), v.platform, v.url, v.text, v.handle, v.likes, v.lat, v.lng, v.districtId, actor, v.postedAt, now],
      );
      if (inserted.length) {
        await em.execute(`insert into clue_actions (clue_id, type, actor, version, likes, at) values (?, 'RECEIVED', ?, 1, ?, ?)`, [inserted[0].id, actor, v.likes, now]);
        return inserted[0].id;
      }
      // 再次提交: the clue that has this post, locked until this change commits
      const [clue] = await em.execute<{ id: string; likes: number; version: number }[]>(
        'select id, likes, version from clues where source_platform = ? and source_url = ? for update',
        [v.platform, v.url],
      );
      if (!clue) throw conflict('the clue with this platform and URL changed while it was submitted; retry');
      if (v.likes > clue.likes) {
        const [{ version }] = await em.execute<{ version: number }[]>('update clues set likes = ?, version = version + 1 where id = ? returning version', [v.likes, clue.id]);
        await em.execute(
          `insert into clue_actions (clue_id, type, actor, version, likes, previous_likes, at) values (?, 'RESUBMITTED', ?, ?, ?, ?, ?)`,
          [clue.id, actor, version, v.likes, clue.likes, now],
        );
      }
      return clue.id;
    });
    return rc.em.fork().findOneOrFail(Clue, { id });
  }

  /** A feed's batch: each clue on its own; the bad ones are reported by index, the good ones kept. */
  async submitMany(rc: RequestContext, inputs: unknown[]): Promise<({ index: number; id: string; status: ClueStatus } | { index: number; error: { code: string; message: string; field?: unknown } })[]> {
    requireRole(rc.viewer, ...CENTRE_ROLES);
    if (inputs.length > 1000) throw badInput('clues', 'at most 1,000 clues a request');
    const results = [];
    for (const [index, raw] of inputs.entries()) {
      try {
        if (!raw || typeof raw !== 'object' || Array.isArray(raw)) throw badInput('clue', 'each clue is an object');
        const c = await this.submit(rc, raw as ClueInputArgs);
        results.push({ index, id: c.id, status: c.status });
      } catch (e) {
        // a value PostgreSQL refuses (22xxx: out of range, bad encoding…) is this item's bad input
        const dataError = (e as { code?: string }).code?.startsWith('22');
        if (!(e instanceof DomainError) && !dataError) throw e;
        // (the database's own message would carry the statement: only its SQLSTATE is said)
        const err = e instanceof DomainError ? e : badInput('clue', `a value was refused as out of range or badly encoded (SQLSTATE ${(e as { code: string }).code})`);
        results.push({ index, error: { code: err.code, message: err.message, field: err.extensions.field } });
      }
    }
    return results;
  }

  async list(rc: RequestContext, filter: { statuses?: ClueStatus[] | null } | null | undefined, page: PageArgs) {
    this.requireReader(rc);
    const where: FilterQuery<Clue>[] = [await this.scope(rc)];
    if (filter?.statuses?.length) where.push({ status: { $in: filter.statuses } });
    return paginate(rc.em, Clue, { $and: where }, page, { receivedAt: 'desc', id: 'desc' });
  }

  async byId(rc: RequestContext, id: string): Promise<Clue | null> {
    this.requireReader(rc);
    return rc.em.findOne(Clue, { $and: [{ id }, await this.scope(rc)] });
  }

  private requireReader(rc: RequestContext): void {
    requireRole(rc.viewer, ...CENTRE_ROLES, Role.DISTRICT_OFFICE);
  }

  private async scope(rc: RequestContext): Promise<FilterQuery<Clue>> {
    if (rc.viewer.role !== Role.DISTRICT_OFFICE) return {};
    return { districtId: { $in: await viewerDistrictIds(rc) } };
  }

  /** The clue's history, oldest first: one entry per version. */
  history(rc: RequestContext, clue: Clue): Promise<ClueAction[]> {
    return rc.em.find(ClueAction, { clueId: clue.id }, { orderBy: { version: 'asc' } });
  }

  /** Tickets like the clue: same district (when known), last 30 days, by text similarity. */
  async similarTickets(rc: RequestContext, clue: Clue, first = 5): Promise<SimilarTicket[]> {
    const since = new Date(this.clock.now().getTime() - 30 * 86_400_000);
    const where: FilterQuery<Ticket> = clue.districtId ? { districtId: clue.districtId, createdAt: { $gte: since } } : { createdAt: { $gte: since } };
    const candidates = await rc.em.find(Ticket, where, { orderBy: { createdAt: 'desc' }, limit: 2000, fields: ['id', 'title', 'content'] });
    const mine = shingleHashes(normalizeForMatching(clue.text));
    const scored = candidates
      .map((t) => {
        // Jaccard, or containment when one text holds the other (a ticket quoting the post)
        const m = compareShingles(mine, shingleHashes(normalizeForMatching(`${t.title} ${t.content}`)), 0.3);
        return { id: t.id, similarity: m ? Math.max(m.similarity, m.containment) : 0 };
      })
      .filter((s) => s.similarity >= 0.3)
      .sort((a, b) => b.similarity - a.similarity)
      .slice(0, first);
    const out: SimilarTicket[] = [];
    for (const s of scored) {
      const t = await this.tickets.byId(rc, s.id);
      if (t) out.push({ ticket: t, similarity: Math.round(s.similarity * 1000) / 1000 });
    }
    return out;
  }

  /** 核实: file it as a ticket, mark it a duplicate of one, or dismiss it (supervisors, admins). */
  async verify(rc: RequestContext, input: VerifyClueArgs): Promise<Clue> {
    requireRole(rc.viewer, Role.SUPERVISOR, Role.ADMIN);
    const id = localId(input.id, 'Clue');
    const note = input.note?.trim() || null;
    if (note && [...note].length > 2000) throw badInput('note', 'the note is at most 2,000 characters');
    const clue = await rc.em.fork().findOne(Clue, { id });
    if (!clue) throw notFound('clue', input.id);
    if (input.expectedVersion != null && clue.version !== input.expectedVersion) {
      throw conflict(`clue changed: you saw version ${input.expectedVersion}, it is now ${clue.version}; reload and retry`, { currentVersion: clue.version });
    }
    if (clue.status !== ClueStatus.RECEIVED) {
      throw illegalTransition(clue.status, input.decision.toLowerCase(), 'it has been verified already', 'a clue');
    }
    const now = this.clock.now();
    const verifier = actorOf(rc.viewer);
    const refused = async (): Promise<never> => {
      const fresh = await rc.em.fork().findOneOrFail(Clue, { id });
      if (fresh.status !== ClueStatus.RECEIVED) throw illegalTransition(fresh.status, input.decision.toLowerCase(), 'it has been verified already', 'a clue');
      // claimed by a FILE under way (another supervisor's, or the same one's twice): say so — a
      // reload and retry would meet the same claim until the filing ends
      if (fresh.verifiedAt && fresh.verifiedAt.getTime() >= now.getTime() - CLAIM_MS) {
        throw illegalTransition(fresh.status, input.decision.toLowerCase(), `${fresh.verifiedBy} is filing it`, 'a clue');
      }
      throw conflict(`clue changed: you saw version ${clue.version}, it is now ${fresh.version}; reload and retry`, { currentVersion: fresh.version });
    };
    if (input.decision !== ClueDecision.FILE) {
      let status: ClueStatus;
      let ticketId: string | null = null;
      if (input.decision === ClueDecision.DISMISS) {
        if (!note) throw badInput('note', 'say why the clue is dismissed');
        status = ClueStatus.DISMISSED;
      } else {
        if (!input.duplicateOfTicketId) throw badInput('duplicateOfTicketId', 'name the ticket it duplicates');
        const t = await this.tickets.byId(rc, localId(input.duplicateOfTicketId, 'Ticket', 'duplicateOfTicketId'));
        if (!t) throw notFound('ticket', input.duplicateOfTicketId);
        status = ClueStatus.DUPLICATE;
        ticketId = t.id;
      }
      // one statement: only a clue still waiting, unclaimed and unchanged since it was read; its history entry with it
      const rows = (await rc.em.getConnection().execute(
        `with decided as (
           update clues set status = ?, ticket_id = ?, note = ?, verified_by = ?, verified_at = ?, version = version + 1
           where id = ? and version = ? and status = 'RECEIVED' and (verified_at is null or verified_at < ?) returning id, status, version
         ), logged as (
           insert into clue_actions (clue_id, type, actor, version, note, at) select id, status, ?, version, ?, ? from decided
         )
         select id from decided`,
        [status, ticketId, note, verifier, now, clue.id, clue.version, new Date(now.getTime() - CLAIM_MS), verifier, note, now],
      )) as { id: string }[];
      if (!rows.length) await refused();
      return rc.em.fork().findOneOrFail(Clue, { id });
    }

    // FILE: claim the clue first (no other decision may land while it is being filed), file the
    // ticket, then mark it filed. A refused ticket (bad matter…) releases the claim; a crash
    // leaves it for CLAIM_MS, after which filing again returns the same ticket (keyed by the clue).
    // (a ticket's title is at most 200 characters: a longer one is refused, not cut)
    if (input.title && [...input.title.trim()].length > 200) throw badInput('title', 'a ticket title is at most 200 characters');
    const districtCode = input.districtCode ?? (clue.districtId ? (await rc.loaders.districtById.load(clue.districtId))?.code : null);
    if (!districtCode) throw badInput('districtCode', 'say which district the clue is in');
    const district = await this.departments.districtFor(rc, { districtCode });
    const claimed = (await rc.em.getConnection().execute(
      `update clues set verified_by = ?, verified_at = ?
       where id = ? and version = ? and status = 'RECEIVED' and (verified_at is null or verified_at < ?) returning id`,
      [verifier, now, clue.id, clue.version, new Date(now.getTime() - CLAIM_MS)],
    )) as { id: string }[];
    if (!claimed.length) await refused();
    const release = () =>
      rc.em.getConnection().execute(`update clues set verified_by = null, verified_at = null where id = ? and status = 'RECEIVED' and verified_by = ?`, [clue.id, verifier]);
    const title = input.title?.trim() || [...clue.text.replace(/\s+/g, ' ')].slice(0, 30).join('');
    const source = `【网络线索】${clue.sourcePlatform}${clue.sourceUrl ? ` ${clue.sourceUrl}` : ''}（核实：${verifier}）`;
    const content = [...`${clue.text}\n${source}`].slice(0, MAX_TEXT).join('');
    // a system operator files it, keyed by the clue: a retry after a failure returns the same ticket
    const ticket = await this.tickets.create(
      { viewer: FILER, em: rc.em, loaders: rc.loaders },
      {
        channel: Channel.ONLINE_CLUE,
        category: input.category ?? TicketCategory.COMPLAINT,
        title,
        content,
        lat: clue.lat,
        lng: clue.lng,
        districtCode,
        urgency: Urgency.NORMAL,
        accessNeeds: [],
        matterCode: input.matterCode ?? null,
        idempotencyKey: `clue:${clue.id}`,
      },
    ).catch(async (e: unknown) => {
      if (e instanceof DomainError) await release();
      throw e;
    });
    await rc.em.getConnection().execute(
      // the clue is the district's it was filed in (it may have come in without a place); its history entry with it
      `with filed as (
         update clues set status = 'FILED', ticket_id = ?, note = ?, district_id = ?, version = version + 1 where id = ? and status = 'RECEIVED' returning id, version
       )
       insert into clue_actions (clue_id, type, actor, version, note, at) select id, 'FILED', ?, version, ?, ? from filed`,
      [ticket.id, note, district.id, clue.id, verifier, note, now],
    );
    return rc.em.fork().findOneOrFail(Clue, { id });
  }

  /** The loop's own figures over a period (by when clues were received). */
  async figures(rc: RequestContext, from: Date, to: Date): Promise<ClueFigures> {
    this.requireReader(rc);
    requirePeriod(from, to, 'clue figures');
    const scope = rc.viewer.role === Role.DISTRICT_OFFICE ? await viewerDistrictIds(rc) : null;
    const rows = (await onReplica(rc.em, (db, tx) =>
      db.execute(
        `select count(*)::int as received,
                count(*) filter (where c.status = 'RECEIVED')::int as pending,
                count(*) filter (where c.status = 'FILED')::int as filed,
                count(*) filter (where c.status = 'DUPLICATE')::int as duplicates,
                count(*) filter (where c.status = 'DISMISSED')::int as dismissed,
                count(*) filter (where c.status = 'FILED' and t.status = 'CLOSED')::int as closed,
                percentile_cont(0.5) within group (order by extract(epoch from (t.created_at - c.received_at)) / 60)
                  filter (where c.status = 'FILED') as median
         from clues c left join tickets t on t.id = c.ticket_id
         where c.received_at >= ? and c.received_at < ? ${scope ? 'and c.district_id = any(?::uuid[])' : ''}`,
        scope ? [from, to, pgArray(scope)] : [from, to],
        'all',
        tx,
      ),
    )) as (Omit<ClueFigures, 'medianMinutesToTicket'> & { median: number | null })[];
    const r = rows[0];
    return { ...r, medianMinutesToTicket: r.median == null ? null : Math.round(Number(r.median) * 10) / 10 };
  }
}
