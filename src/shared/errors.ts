import { GraphQLError } from 'graphql';

/** Every error a client can act on carries one of these codes in `extensions.code`. */
export enum ErrorCode {
  BAD_USER_INPUT = 'BAD_USER_INPUT',
  NOT_FOUND = 'NOT_FOUND',
  CONFLICT = 'CONFLICT',
  FORBIDDEN = 'FORBIDDEN',
  UNAUTHENTICATED = 'UNAUTHENTICATED',
  ILLEGAL_TRANSITION = 'ILLEGAL_TRANSITION',
  /** a stream was asked to resume after an event older than the outbox keeps */
  EVENT_EXPIRED = 'EVENT_EXPIRED',
  /** an idempotency key was sent again with a different request */
  IDEMPOTENCY_KEY_REUSED = 'IDEMPOTENCY_KEY_REUSED',
  INTERNAL_SERVER_ERROR = 'INTERNAL_SERVER_ERROR',
}

/**
 * An expected failure of a domain rule. Services throw it; the error formatter turns it into a
 * GraphQL error with `extensions.code` (and the offending `field` for bad input).
 */
export class DomainError extends GraphQLError {
  constructor(
    readonly code: ErrorCode,
    message: string,
    details: Record<string, unknown> = {},
  ) {
    super(message, { extensions: { code, ...details } });
  }
}

export const badInput = (field: string, message: string) =>
  new DomainError(ErrorCode.BAD_USER_INPUT, message, { field });

/**
 * A period of at most a year (366 days) that ends after it starts, for figures over time:
 * BAD_USER_INPUT on `to` or `from` otherwise. `what` names them: "clue figures".
 */
export function requirePeriod(from: Date, to: Date, what: string): void {
  if (!(from.getTime() < to.getTime())) throw badInput('to', '`to` must be later than `from`');
  if (to.getTime() - from.getTime() > 366 * 86_400_000) throw badInput('from', `${what} span at most 366 days`);
}

export const notFound = (what: string, key: string) =>
  new DomainError(ErrorCode.NOT_FOUND, `${what} ${key} not found`, { what, key });

export const conflict = (message: string, details: Record<string, unknown> = {}) =>
  new DomainError(ErrorCode.CONFLICT, message, details);

export const forbidden = (message: string) => new DomainError(ErrorCode.FORBIDDEN, message);

export const unauthenticated = (message = 'sign in: send a bearer token') =>
  new DomainError(ErrorCode.UNAUTHENTICATED, message);

export const illegalTransition = (from: string, action: string, reason?: string, what = 'a ticket') =>
  new DomainError(
    ErrorCode.ILLEGAL_TRANSITION,
    `cannot ${action} ${what} in status ${from}${reason ? `: ${reason}` : ''}`,
    { from, action },
  );
