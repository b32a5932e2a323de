import type { MiddlewareFn } from 'type-graphql';
import type { RequestContext } from '../app/context';
import { redactPersonalText } from '../shared/mask';
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

/**
 * On a field of free text people wrote about a case (a reply, a note, a reason): analysts read
 * it with what identifies a person left out (phone, ID and card numbers, e-mail addresses,
 * self-given names); everyone else reads it as written.
 */
export const RedactForAnalysts: MiddlewareFn<RequestContext> = async ({ context }, next) => {
  const value: unknown = await next();
  return context?.viewer?.role === Role.ANALYST ? redactDeep(value) : value;
};
