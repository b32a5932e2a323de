import type { Client } from 'pg';
import { FREE_TEXT_KEYS } from '../auth/redact';
import { LeaderWorker } from '../realtime/leader';
import type { Clock } from '../shared/clock';
import { redactKnownPerson, redactPerson } from '../shared/mask';

export interface RetentionOptions {
  databaseUrl: string;
  clock: Clock;
  /** closed tickets older than this lose the caller's personal data */
  retentionDays: number;
  /** how often the job looks (ms) */
  everyMs: number;
  log?: (m: string, e?: unknown) => void;
}

const BATCH = 500;

/** The caller as the ticket knew them, to find them in its texts. */
interface Caller {
  citizen_name: string | null;
  citizen_phone: string | null;
  citizen_address: string | null;
  /** a merged duplicate's parent's caller: the duplicate holds a copy of the parent's reply */
  parent_name?: string | null;
  parent_phone?: string | null;
  parent_address?: string | null;
}

/**
 * A text about a case with the caller left out: their own name, phone number and address
 * wherever they occur (masked as on screens), then whatever else identifies a person.
 */
export function scrubText(text: string, caller: Caller): string {
  const own = redactPerson(text, { citizenName: caller.citizen_name, citizenPhone: caller.citizen_phone, citizenAddress: caller.citizen_address });
  if (!caller.parent_name && !caller.parent_phone && !caller.parent_address) return own;
  return redactPerson(own, { citizenName: caller.parent_name, citizenPhone: caller.parent_phone, citizenAddress: caller.parent_address });
}

/** An event's changes with their free text scrubbed: ids, times and counts stay as they are. */
function scrubChanges(changes: unknown, caller: Caller): unknown {
  if (!changes || typeof changes !== 'object' || Array.isArray(changes)) return changes;
  return Object.fromEntries(Object.entries(changes).map(([k, v]) => [k, FREE_TEXT_KEYS.has(k) && typeof v === 'string' ? scrubText(v, caller) : v]));
}

/**
 * PIPL retention (个人信息保存期限): once a ticket has been closed for `retentionDays`, the
 * caller's name, phone and address are removed, and so is what identifies them in the case's
 * texts — the call's words, the reply, the audit log's notes and changes, return-visit notes,
 * extension reasons, dispute evidence, online posts filed as the ticket — and its intake
 * idempotency key (a hash of the input, which would confirm a guessed caller). Task forces' and
 * alerts' notes, which speak of many tickets, are not rewritten. The ticket keeps everything else — status, times, district, matter, cell, and
 * the caller's pseudonym (`citizenKey`) — so every statistic stays. The audit log stays
 * append-only: the database lets a transaction that declares itself the retention job
 * (`minsheng.retention`) change an event's note and changes and nothing else. One process at a
 * time, in batches of one transaction each.
 */
export class RetentionJob extends LeaderWorker {
  constructor(private readonly o: RetentionOptions) {
    super({ databaseUrl: o.databaseUrl, lock: 'minsheng.retention', name: 'minsheng-retention', pollMs: o.everyMs, log: o.log });
  }

  protected override async pass(c: Client): Promise<void> {
    const now = this.o.clock.now();
    const cutoff = new Date(now.getTime() - this.o.retentionDays * 86_400_000);
    for (;;) {
      await c.query('begin');
      let n = 0;
      try {
        n = await this.batch(c, cutoff, now);
        await c.query('commit');
      } catch (e) {
        await c.query('rollback');
        throw e;
      }
      // (until a batch finds nothing: a parent becomes due once its duplicates are done)
      if (n === 0) return;
    }
  }

  private async batch(c: Client, cutoff: Date, now: Date): Promise<number> {
    await c.query(`set local minsheng.retention = 'on'`);
    const { rows } = await c.query<Caller & { id: string; title: string; content: string; reply: string | null }>(
      // a parent waits for its closed duplicates: they are scrubbed of its caller (their copy of
      // its reply) while it still knows who that is
      `select t.id, t.title, t.content, t.reply, t.citizen_name, t.citizen_phone, t.citizen_address,
              p.citizen_name as parent_name, p.citizen_phone as parent_phone, p.citizen_address as parent_address
         from tickets t left join tickets p on p.id = t.parent_id
        where t.status = 'CLOSED' and t.closed_at < $1 and t.pseudonymised_at is null
          and not exists (select 1 from tickets c where c.parent_id = t.id and c.status = 'CLOSED' and c.pseudonymised_at is null and c.id <> t.id)
        order by t.closed_at limit ${BATCH} for update of t skip locked`,
      [cutoff],
    );
    if (!rows.length) return 0;
    const callers = new Map(rows.map((r) => [r.id, r as Caller]));
    const ids = rows.map((r) => r.id);
    await c.query(
      `update tickets t set citizen_name = null, citizen_phone = null, citizen_address = null, pseudonymised_at = $1,
              title = u.title, content = u.content, reply = u.reply
         from unnest($2::uuid[], $3::text[], $4::text[], $5::text[]) as u(id, title, content, reply)
        where t.id = u.id`,
      [now, ids, rows.map((r) => scrubText(r.title, r)), rows.map((r) => scrubText(r.content, r)), rows.map((r) => (r.reply == null ? null : scrubText(r.reply, r)))],
    );
    const events = await c.query<{ id: string; ticket_id: string; note: string | null; changes: unknown }>(
      'select id, ticket_id, note, changes from ticket_events where ticket_id = any($1::uuid[])',
      [ids],
    );
    const changed = events.rows
      .map((e) => {
        const caller = callers.get(e.ticket_id)!;
        const note = e.note == null ? null : scrubText(e.note, caller);
        const changes = JSON.stringify(scrubChanges(e.changes, caller));
        return note === e.note && changes === JSON.stringify(e.changes) ? null : { id: e.id, note, changes };
      })
      .filter((e) => e !== null);
    if (changed.length) {
      await c.query(
        `update ticket_events e set note = u.note, changes = u.changes::jsonb
           from unnest($1::bigint[], $2::text[], $3::text[]) as u(id, note, changes) where e.id = u.id`,
        [changed.map((e) => e.id), changed.map((e) => e.note), changed.map((e) => e.changes)],
      );
    }
    const visits = await c.query<{ id: string; ticket_id: string; note: string | null }>('select id, ticket_id, note from return_visits where ticket_id = any($1::uuid[]) and note is not null', [ids]);
    if (visits.rows.length) {
      await c.query('update return_visits v set note = u.note from unnest($1::uuid[], $2::text[]) as u(id, note) where v.id = u.id', [
        visits.rows.map((v) => v.id),
        visits.rows.map((v) => scrubText(v.note!, callers.get(v.ticket_id)!)),
      ]);
    }
    const extensions = await c.query<{ id: string; ticket_id: string; reason: string; decision_note: string | null }>(
      'select id, ticket_id, reason, decision_note from extension_requests where ticket_id = any($1::uuid[])',
      [ids],
    );
    if (extensions.rows.length) {
      await c.query('update extension_requests x set reason = u.reason, decision_note = u.note from unnest($1::uuid[], $2::text[], $3::text[]) as u(id, reason, note) where x.id = u.id', [
        extensions.rows.map((x) => x.id),
        extensions.rows.map((x) => scrubText(x.reason, callers.get(x.ticket_id)!)),
        extensions.rows.map((x) => (x.decision_note == null ? null : scrubText(x.decision_note, callers.get(x.ticket_id)!))),
      ]);
    }
    // copies of the case's words kept elsewhere: the duty list's dispute evidence, and the
    // online posts filed as or linked to the ticket (their text scrubbed, their author's handle gone)
    const disputes = await c.query<{ id: string; ticket_id: string; reject_reason: string | null; decision: string }>(
      'select id, ticket_id, reject_reason, decision from matter_disputes where ticket_id = any($1::uuid[])',
      [ids],
    );
    if (disputes.rows.length) {
      await c.query('update matter_disputes d set reject_reason = u.reason, decision = u.decision from unnest($1::uuid[], $2::text[], $3::text[]) as u(id, reason, decision) where d.id = u.id', [
        disputes.rows.map((d) => d.id),
        disputes.rows.map((d) => (d.reject_reason == null ? null : scrubText(d.reject_reason, callers.get(d.ticket_id)!))),
        disputes.rows.map((d) => scrubText(d.decision, callers.get(d.ticket_id)!)),
      ]);
    }
    const clues = await c.query<{ id: string; ticket_id: string; text: string; note: string | null }>('select id, ticket_id, text, note from clues where ticket_id = any($1::uuid[])', [ids]);
    if (clues.rows.length) {
      await c.query('update clues x set text = u.text, note = u.note, author_handle = null from unnest($1::uuid[], $2::text[], $3::text[]) as u(id, text, note) where x.id = u.id', [
        clues.rows.map((x) => x.id),
        clues.rows.map((x) => scrubText(x.text, callers.get(x.ticket_id)!)),
        clues.rows.map((x) => (x.note == null ? null : scrubText(x.note, callers.get(x.ticket_id)!))),
      ]);
    }
    await this.scrubDuplicatesNotDue(c, callers);
    await c.query('delete from intake_keys where ticket_id = any($1::uuid[])', [ids]);
    return rows.length;
  }

  /**
   * A parent's duplicates not yet due (open still, or closed more recently) hold a copy of its
   * reply: its caller is taken out of that copy now — the reply and the PARENT_RESOLVED event's —
   * while the parent still says who that is. Their own callers wait for their own turn.
   */
  private async scrubDuplicatesNotDue(c: Client, parents: Map<string, Caller>): Promise<void> {
    const { rows } = await c.query<{ id: string; parent_id: string; reply: string | null }>(
      'select id, parent_id, reply from tickets where parent_id = any($1::uuid[]) and pseudonymised_at is null for update',
      [[...parents.keys()]],
    );
    if (!rows.length) return;
    const parentOf = new Map(rows.map((r) => [r.id, parents.get(r.parent_id)!]));
    // (the parent's caller only: the rest of the reply is what the duplicate's caller was told)
    const withoutParent = (text: string, ticketId: string) => {
      const p = parentOf.get(ticketId)!;
      return redactKnownPerson(text, { citizenName: p.citizen_name, citizenPhone: p.citizen_phone, citizenAddress: p.citizen_address });
    };
    const replies = rows.flatMap((r) => (r.reply == null ? [] : [{ id: r.id, reply: withoutParent(r.reply, r.id), before: r.reply }])).filter((r) => r.reply !== r.before);
    if (replies.length) {
      await c.query('update tickets t set reply = u.reply from unnest($1::uuid[], $2::text[]) as u(id, reply) where t.id = u.id', [replies.map((r) => r.id), replies.map((r) => r.reply)]);
    }
    const events = await c.query<{ id: string; ticket_id: string; changes: { reply?: unknown } }>(
      `select id, ticket_id, changes from ticket_events where ticket_id = any($1::uuid[]) and changes ? 'reply'`,
      [rows.map((r) => r.id)],
    );
    const changed = events.rows
      .filter((e) => typeof e.changes.reply === 'string')
      .map((e) => ({ id: e.id, changes: { ...e.changes, reply: withoutParent(e.changes.reply as string, e.ticket_id) }, before: e.changes.reply }))
      .filter((e) => e.changes.reply !== e.before);
    if (changed.length) {
      await c.query('update ticket_events e set changes = u.changes::jsonb from unnest($1::bigint[], $2::text[]) as u(id, changes) where e.id = u.id', [
        changed.map((e) => e.id),
        changed.map((e) => JSON.stringify(e.changes)),
      ]);
    }
  }
}
