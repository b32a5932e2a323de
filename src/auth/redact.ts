import type { MiddlewareFn } from 'type-graphql';
import type { RequestContext } from '../app/context';
import { redactKnownPerson, redactPersonalText } from '../shared/mask';
import type { KnownPerson } from '../shared/mask';
import { viewerDepartment } from './scope';
import { Role } from './viewer';

/**
 * The keys of a JSON object of changes (a ticket event's) that hold what people wrote; the rest
 * are ids, times and counts, which redaction must not touch (an id's digits are no phone number).
 */
export const FREE_TEXT_KEYS: ReadonlySet<string> = new Set(['reply']);

/** A text redacted (the callers it may name first); in a JSON object of changes, the free-text keys' values only. */
function redactDeep(value: unknown, callers: readonly KnownPerson[]): unknown {
  if (typeof value === 'string') return redactPersonalText(callers.reduce((text, caller) => redactKnownPerson(text, caller), value));
  if (Array.isArray(value)) return value.map((v) => redactDeep(v, callers));
  if (value && typeof value === 'object' && !(value instanceof Date)) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, FREE_TEXT_KEYS.has(k) ? redactDeep(v, callers) : v]));
  }
  return value;
}

/** Roles that read free texts as written: the centre and the departments working the cases. */
const READ_AS_WRITTEN: ReadonlySet<Role | null> = new Set([Role.OPERATOR, Role.SUPERVISOR, Role.ADMIN, Role.DEPARTMENT_STAFF]);

/** A ticket, as the root of one of its own fields. */
interface HandledRoot extends KnownPerson {
  leadDepartmentId: string | null;
  coDepartmentIds: string[];
  parentId?: string | null;
}

function isTicketLike(root: unknown): root is HandledRoot {
  return !!root && typeof root === 'object' && 'leadDepartmentId' in root && Array.isArray((root as HandledRoot).coDepartmentIds);
}

/** The ticket a field's root belongs to: the ticket itself, or its event, visit, extension… */
async function ticketOf(root: unknown, rc: RequestContext): Promise<HandledRoot | null> {
  if (isTicketLike(root)) return root;
  const id = root && typeof root === 'object' ? (root as { ticketId?: unknown }).ticketId : undefined;
  return typeof id === 'string' ? rc.loaders.ticketById.load(id) : null;
}

/**
 * The callers a ticket's texts may name: its own and, on a merged duplicate, its parent's — the
 * duplicate carries a copy of the parent's reply, which may greet the parent's caller by name.
 */
async function callersOf(ticket: HandledRoot | null, rc: RequestContext): Promise<KnownPerson[]> {
  if (!ticket) return [];
  const parent = ticket.parentId ? await rc.loaders.ticketById.load(ticket.parentId) : null;
  return parent ? [ticket, parent] : [ticket];
}

/**
 * On a field of free text people wrote about a case (the call's words, a reply, a note, a
 * reason): readers who may not contact the citizen — BI analysts, district offices, and on a
 * ticket's texts (its own, its events', visits' and extensions') a department that does not
 * handle it (a task-force member) — read it with
 * what identifies a person left out (the ticket's caller wherever named; phone, ID and card
 * numbers, e-mail addresses, self-given names), as `revealCitizen` would refuse them; the centre and the handling department read it
 * as written.
 */
export const RedactPersonalData: MiddlewareFn<RequestContext> = async ({ root, context }, next) => {
  const value: unknown = await next();
  if (value == null) return value;
  const role = context?.viewer?.role ?? null;
  if (!READ_AS_WRITTEN.has(role)) return redactDeep(value, await callersOf(await ticketOf(root, context), context));
  if (role === Role.DEPARTMENT_STAFF) {
    const ticket = await ticketOf(root, context);
    if (ticket) {
      const dep = (await viewerDepartment(context)).id;
      if (ticket.leadDepartmentId !== dep && !ticket.coDepartmentIds.includes(dep)) return redactDeep(value, await callersOf(ticket, context));
    }
  }
  return value;
};

/**
 * On a field that is personal data as a whole (an author's handle on a platform): readers who may
 * not contact citizens — analysts, district offices — get null; the centre and departments read it.
 */
export const WithheldPersonalData: MiddlewareFn<RequestContext> = async ({ context }, next) => {
  const value: unknown = await next();
  return READ_AS_WRITTEN.has(context?.viewer?.role ?? null) ? value : null;
};
