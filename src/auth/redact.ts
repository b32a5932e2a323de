import type { MiddlewareFn } from 'type-graphql';
import type { RequestContext } from '../app/context';
import { redactPersonalText } from '../shared/mask';
import { viewerDepartment } from './scope';
import { Role } from './viewer';

/** Strings anywhere in a value (a JSON object of changes, say), redacted. */
function redactDeep(value: unknown): unknown {
  if (typeof value === 'string') return redactPersonalText(value);
  if (Array.isArray(value)) return value.map(redactDeep);
  if (value && typeof value === 'object' && !(value instanceof Date)) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, redactDeep(v)]));
  }
  return value;
}

/** Roles that read free texts as written: the centre and the departments working the cases. */
const READ_AS_WRITTEN: ReadonlySet<Role | null> = new Set([Role.OPERATOR, Role.SUPERVISOR, Role.ADMIN, Role.DEPARTMENT_STAFF]);

/** A ticket, as the root of one of its own fields. */
interface HandledRoot {
  leadDepartmentId: string | null;
  coDepartmentIds: string[];
}

function isTicketLike(root: unknown): root is HandledRoot {
  return !!root && typeof root === 'object' && 'leadDepartmentId' in root && Array.isArray((root as HandledRoot).coDepartmentIds);
}

/**
 * On a field of free text people wrote about a case (the call's words, a reply, a note, a
 * reason): readers who may not contact the citizen — BI analysts, district offices, and on a
 * ticket's own texts a department that does not handle it (a task-force member) — read it with
 * what identifies a person left out (phone, ID and card numbers, e-mail addresses, self-given
 * names), as `revealCitizen` would refuse them; the centre and the handling department read it
 * as written.
 */
export const RedactPersonalData: MiddlewareFn<RequestContext> = async ({ root, context }, next) => {
  const value: unknown = await next();
  if (value == null) return value;
  const role = context?.viewer?.role ?? null;
  if (!READ_AS_WRITTEN.has(role)) return redactDeep(value);
  if (role === Role.DEPARTMENT_STAFF && isTicketLike(root)) {
    const dep = (await viewerDepartment(context)).id;
    if (root.leadDepartmentId !== dep && !root.coDepartmentIds.includes(dep)) return redactDeep(value);
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
