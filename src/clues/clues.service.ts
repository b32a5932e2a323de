import { randomUUID } from 'node:crypto';
import type { FilterQuery } from '@mikro-orm/postgresql';
import type { RequestContext } from '../app/context';
import { districtIdsFor } from '../auth/scope';
import { actorOf, CENTRE_ROLES, requireRole, Role } from '../auth/viewer';
import type { Viewer } from '../auth/viewer';
import type { DepartmentsService } from '../departments/departments.service';
import { compareShingles, normalizeForMatching, shingleHashes } from '../hotissues/similarity';
import type { Clock } from '../shared/clock';
import { badInput, conflict, DomainError, illegalTransition, notFound } from '../shared/errors';
import { paginate } from '../shared/paginate';
import { pgArray } from '../shared/insert';
import { localId } from '../shared/relay';
import type { PageArgs } from '../shared/relay';
import { Ticket } from '../tickets/ticket.entity';
import { Channel, TicketCategory, Urgency } from '../tickets/ticket.enums';
import type { TicketsService } from '../tickets/tickets.service';
import { Clue, ClueStatus } from './clue.entity';

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
/** who files tickets for clues: one actor, so a retried filing finds its idempotency key */
const FILER: Viewer = { role: Role.OPERATOR, subject: 'clues', districtCodes: [] };

/** 未诉先办: clues in, verified by a supervisor, filed as tickets and followed to closure. */
export class CluesService {
  constructor(
    private readonly clock: Clock,
    private readonly tickets: TicketsService,
    private readonly departments: DepartmentsService,
  ) {}

  /** Checks one clue; a BAD_USER_INPUT names the field. */
  private async validate(rc: RequestContext, input: ClueInputArgs) {
    const text = (input.text ?? '').trim();
    if (!text) throw badInput('text', 'a clue needs its text');
    if ([...text].length > MAX_TEXT) throw badInput('text', `the text is at most ${MAX_TEXT} characters`);
    const platform = (input.sourcePlatform ?? '').trim();
    if (!platform || platform.length > 64) throw badInput('sourcePlatform', 'name the platform (1–64 characters)');
    const url = input.sourceUrl?.trim() || null;
    if (url && (url.length > 1000 || !/^https?:\/\/\S+$/i.test(url))) throw badInput('sourceUrl', 'an http(s) URL of at most 1,000 characters');
    const likes = input.likes ?? 0;
    if (!Number.isInteger(likes) || likes < 0) throw badInput('likes', 'likes is a whole number, 0 or more');
    const handle = input.authorHandle?.trim() || null;
    if (handle && handle.length > 100) throw badInput('authorHandle', 'at most 100 characters');
    const postedAt = input.postedAt ? new Date(input.postedAt) : null;
    if (postedAt && Number.isNaN(postedAt.getTime())) throw badInput('postedAt', 'not a date');
    let districtId: string | null = null;
    if (input.districtCode || (input.lat != null && input.lng != null)) {
      districtId = (await this.departments.districtFor(rc, { districtCode: input.districtCode, lat: input.lat, lng: input.lng })).id;
    } else if ((input.lat == null) !== (input.lng == null)) {
      throw badInput(input.lat == null ? 'lat' : 'lng', 'give both lat and lng, or neither');
    }
    return { text, platform, url, likes, handle, postedAt, districtId, lat: input.lat ?? null, lng: input.lng ?? null };
  }

  /** 线索登记: one clue; the same platform and URL again updates its likes instead of adding another. */
  async submit(rc: RequestContext, input: ClueInputArgs): Promise<Clue> {
    requireRole(rc.viewer, ...CENTRE_ROLES);
    const v = await this.validate(rc, input);
    const now = this.clock.now();
    const rows = (await rc.em.getConnection().execute(
      `insert into clues (id, source_platform, source_url, text, author_handle, likes, lat, lng, district_id, status, submitted_by, posted_at, received_at, version)
       values (?, ?, ?, ?, ?, ?, ?, ?, ?, 'RECEIVED', ?, ?, ?, 1)
       on conflict (source_platform, source_url) do update set likes = greatest(clues.likes, excluded.likes)
       returning id`,
      [randomUUID(), v.platform, v.url, v.text, v.handle, v.likes, v.lat, v.lng, v.districtId, actorOf(rc.viewer), v.postedAt, now],
    )) as { id: string }[];
    return rc.em.fork().findOneOrFail(Clue, { id: rows[0].id });
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
        if (!(e instanceof DomainError)) throw e;
        results.push({ index, error: { code: e.code, message: e.message, field: e.extensions.field } });
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
    return { districtId: { $in: await districtIdsFor(rc, rc.viewer.districtCodes, 'districtCodes') } };
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
      throw illegalTransition(clue.status, `${input.decision.toLowerCase()} a clue`, 'it has been verified already');
    }
    let status: ClueStatus;
    let ticketId: string | null = null;
    switch (input.decision) {
      case ClueDecision.DISMISS:
        if (!note) throw badInput('note', 'say why the clue is dismissed');
        status = ClueStatus.DISMISSED;
        break;
      case ClueDecision.DUPLICATE: {
        if (!input.duplicateOfTicketId) throw badInput('duplicateOfTicketId', 'name the ticket it duplicates');
        const t = await this.tickets.byId(rc, localId(input.duplicateOfTicketId, 'Ticket', 'duplicateOfTicketId'));
        if (!t) throw notFound('ticket', input.duplicateOfTicketId);
        status = ClueStatus.DUPLICATE;
        ticketId = t.id;
        break;
      }
      case ClueDecision.FILE: {
        const districtCode = input.districtCode ?? (clue.districtId ? (await rc.loaders.districtById.load(clue.districtId))?.code : null);
        if (!districtCode) throw badInput('districtCode', 'say which district the clue is in');
        const title = (input.title?.trim() || [...clue.text.replace(/\s+/g, ' ')].slice(0, 30).join('')).slice(0, 200);
        const source = `【网络线索】${clue.sourcePlatform}${clue.sourceUrl ? ` ${clue.sourceUrl}` : ''}`;
        const content = [...`${clue.text}\n${source}`].slice(0, MAX_TEXT).join('');
        // a system operator files it, keyed by the clue: a retry after a failure returns the same ticket
        const filer = { ...rc, viewer: FILER };
        const ticket = await this.tickets.create(filer, {
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
        });
        status = ClueStatus.FILED;
        ticketId = ticket.id;
        break;
      }
    }
    const rows = (await rc.em.getConnection().execute(
      `update clues set status = ?, ticket_id = ?, note = ?, verified_by = ?, verified_at = ?, version = version + 1
       where id = ? and version = ? returning id`,
      [status, ticketId, note, actorOf(rc.viewer), this.clock.now(), clue.id, clue.version],
    )) as { id: string }[];
    if (!rows.length) throw conflict('someone verified this clue at the same time; reload');
    return rc.em.fork().findOneOrFail(Clue, { id });
  }

  /** The loop's own figures over a period (by when clues were received). */
  async figures(rc: RequestContext, from: Date, to: Date): Promise<ClueFigures> {
    this.requireReader(rc);
    const scope = rc.viewer.role === Role.DISTRICT_OFFICE ? await districtIdsFor(rc, rc.viewer.districtCodes, 'districtCodes') : null;
    const rows = (await rc.em.getConnection().execute(
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
    )) as (Omit<ClueFigures, 'medianMinutesToTicket'> & { median: number | null })[];
    const r = rows[0];
    return { ...r, medianMinutesToTicket: r.median == null ? null : Math.round(Number(r.median) * 10) / 10 };
  }
}
