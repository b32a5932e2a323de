import type { RequestContext } from '../app/context';
import { onReplica } from '../app/replicas';
import { districtIdsFor, requireOwnDistricts } from '../auth/scope';
import { CENTRE_ROLES, requireRole, Role } from '../auth/viewer';
import { peopleAffected } from '../risk/extract';
import type { Clock } from '../shared/clock';
import { badInput } from '../shared/errors';
import { pgArray } from '../shared/insert';
import { redactPerson } from '../shared/mask';
import type { HotIssue } from './cluster';
import { ClusterWorker } from './cluster.pool';

export enum HotIssueWindow {
  LAST_24H = 'LAST_24H',
  LAST_7D = 'LAST_7D',
  LAST_30D = 'LAST_30D',
}

const WINDOW_MS: Record<HotIssueWindow, number> = {
  LAST_24H: 86_400_000,
  LAST_7D: 7 * 86_400_000,
  LAST_30D: 30 * 86_400_000,
};

/** By default at most this many of the newest tickets of a window are clustered (HOT_ISSUE_MAX_TICKETS). */
export const MAX_HOT_ISSUE_TICKETS = 5000;
/** Answers are kept this long per window and scope: clustering thousands of texts is not free. */
const CACHE_MS = 30_000;

/** Long digit runs (phone or ID numbers a caller typed) never become a keyword, nor do masks. */
const DIGITS = /\d{5,}/;

interface TicketText {
  id: string;
  title: string;
  content: string;
  created_at: Date;
  citizen_key: string | null;
  citizen_name: string | null;
  citizen_phone: string | null;
  citizen_address: string | null;
  district_code: string;
  likes: number | null;
}

const caller = (r: TicketText) => ({ citizenName: r.citizen_name, citizenPhone: r.citizen_phone, citizenAddress: r.citizen_address });

/** 热点: clusters of similar recent tickets with a heat index, per window and district. */
export class HotIssuesService {
  private readonly cache = new Map<string, { at: number; issues: Promise<HotIssue[]> }>();

  private readonly worker = new ClusterWorker();

  constructor(
    private readonly clock: Clock,
    private readonly maxTickets = MAX_HOT_ISSUE_TICKETS,
  ) {}

  stop(): Promise<void> {
    return this.worker.stop();
  }

  async hotIssues(rc: RequestContext, window: HotIssueWindow, districtCode: string | null | undefined, first: number): Promise<HotIssue[]> {
    const role = requireRole(rc.viewer, ...CENTRE_ROLES, Role.ANALYST, Role.DISTRICT_OFFICE);
    if (first < 1 || first > 50) throw badInput('first', 'first must be between 1 and 50');
    let codes: string[] | null = districtCode ? [districtCode] : null;
    if (role === Role.DISTRICT_OFFICE) {
      requireOwnDistricts(rc, codes);
      codes ??= [...rc.viewer.districtCodes];
    }
    const districtIds = codes ? await districtIdsFor(rc, codes, 'districtCode') : null;
    const now = this.clock.now().getTime();
    const key = `${window}|${(districtIds ?? []).sort().join(',')}`;
    let hit = this.cache.get(key);
    if (!hit || now - hit.at > CACHE_MS || hit.at > now) {
      const entry = { at: now, issues: this.compute(rc, window, districtIds, new Date(now)) };
      hit = entry;
      this.cache.set(key, entry);
      // a failed computation is forgotten (not a newer one for the same key)
      entry.issues.catch(() => this.cache.get(key) === entry && this.cache.delete(key));
      if (this.cache.size > 200) this.cache.delete(this.cache.keys().next().value!);
    }
    return (await hit.issues).slice(0, first);
  }

  private async compute(rc: RequestContext, window: HotIssueWindow, districtIds: string[] | null, now: Date): Promise<HotIssue[]> {
    const from = new Date(now.getTime() - WINDOW_MS[window]);
    const rows = (await onReplica(rc.em, (db, tx) =>
      db.execute(
        `select t.id, t.title, t.content, t.created_at, t.citizen_key, t.citizen_name, t.citizen_phone, t.citizen_address, d.code as district_code,
                (select sum(c.likes)::int from clues c where c.ticket_id = t.id) as likes
         from tickets t join districts d on d.id = t.district_id
         where t.created_at > ? and t.created_at <= ? ${districtIds ? 'and t.district_id = any(?::uuid[])' : ''}
         order by t.created_at desc limit ${this.maxTickets}`,
        districtIds ? [from, now, pgArray(districtIds)] : [from, now],
        'all',
        tx,
      ),
    )) as TicketText[];
    // a window holding more tickets than are clustered is measured over the span they cover:
    // against the whole window's midpoint every topic would look like it is growing
    const covered = rows.length === this.maxTickets ? new Date(rows[rows.length - 1].created_at) : from;
    const issues = await this.worker.run(
      rows.map((r) => ({
        id: r.id,
        // keywords and labels are read by analysts: what identifies a caller never enters them —
        // their own name, number and address without a cue included, as in the texts they read
        title: redactPerson(r.title, caller(r)),
        text: redactPerson(r.content, caller(r)),
        time: new Date(r.created_at),
        likes: r.likes ?? 0,
        people: peopleAffected(`${r.title}\n${r.content}`)?.count ?? 1,
        callerId: r.citizen_key ?? undefined,
        districtCode: r.district_code,
      })),
      { window: { from: covered, to: now }, first: 50 },
    );
    const plain = (k: string) => !DIGITS.test(k) && !k.includes('*');
    return issues.map((i) => ({ ...i, keywords: i.keywords.filter(plain), label: i.label.split('、').filter(plain).join('、') }));
  }
}
