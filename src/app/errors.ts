import { unwrapResolverError } from '@apollo/server/errors';
import type { GraphQLFormattedError } from 'graphql';
import { GraphQLError } from 'graphql';
import { DeadlockException, OptimisticLockError } from '@mikro-orm/core';
import { ArgumentValidationError } from 'type-graphql';
import { DomainError, ErrorCode } from '../shared/errors';

export interface ErrorFormatterOptions {
  /** include stack traces and internal messages (development only) */
  exposeInternals: boolean;
  log: (message: string, error: unknown) => void;
}

/**
 * The one place errors become responses: domain errors keep their code, validation errors
 * become BAD_USER_INPUT with the offending field, and anything unexpected is logged and
 * reported as INTERNAL_SERVER_ERROR without internals.
 */
/** graphql-js's suggestion suffix, e.g. ` Did you mean "tickets"?` or ` Did you mean "a", "b", or "c"?` */
export function withoutSuggestions(message: string): string {
  return message.replace(/\s*Did you mean [^?]*\?$/, '');
}

export function createErrorFormatter(options: ErrorFormatterOptions) {
  return (formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError => {
    const original = unwrapResolverError(error);
    const base = { message: formatted.message, locations: formatted.locations, path: formatted.path };
    if (original instanceof DomainError) {
      return { ...base, message: original.message, extensions: { ...original.extensions } };
    }
    if (original instanceof ArgumentValidationError) {
      const first = original.extensions.validationErrors?.[0] as
        | { property?: string; constraints?: Record<string, string>; children?: unknown[] }
        | undefined;
      const field = first?.property;
      const reason = first?.constraints ? Object.values(first.constraints)[0] : 'invalid value';
      return {
        ...base,
        message: field ? `${field}: ${reason}` : 'Argument validation error',
        extensions: { code: ErrorCode.BAD_USER_INPUT, field },
      };
    }
    if (original instanceof OptimisticLockError) {
      return { ...base, message: 'someone else changed this first; reload and retry', extensions: { code: ErrorCode.CONFLICT } };
    }
    // two changes crossing on the same rows (e.g. merging A into B while B goes into A): PostgreSQL
    // cancels one; nothing of it was written
    const sqlState = (original as { code?: unknown } | null)?.code;
    if (original instanceof DeadlockException || sqlState === '40P01' || sqlState === '40001') {
      return { ...base, message: 'another change to the same records ran at the same moment; reload and retry', extensions: { code: ErrorCode.CONFLICT } };
    }
    if (original instanceof GraphQLError) {
      // graphql-js and Apollo errors (parse, validation, variable coercion) already carry a code
      const ext = { ...(formatted.extensions ?? {}) };
      if (!options.exposeInternals) delete ext.stacktrace;
      // in production, no "Did you mean …?" hints: they spell out the schema to a stranger
      const message = options.exposeInternals ? formatted.message : withoutSuggestions(formatted.message);
      return { ...formatted, message, extensions: { code: ext.code ?? ErrorCode.BAD_USER_INPUT, ...ext } };
    }
    options.log('unexpected error', original);
    return {
      ...base,
      message: options.exposeInternals && original instanceof Error ? original.message : 'internal error',
      extensions: { code: ErrorCode.INTERNAL_SERVER_ERROR },
    };
  };
}
