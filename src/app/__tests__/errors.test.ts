import { GraphQLError } from 'graphql';
import { DeadlockException } from '@mikro-orm/core';
import { createErrorFormatter } from '../errors';

describe('the error formatter', () => {
  const logged: unknown[] = [];
  const format = createErrorFormatter({ exposeInternals: false, log: (_m, e) => logged.push(e) });
  // as a resolver's error reaches the formatter: wrapped, with the path of the field that threw
  const asResolverError = (original: Error) => new GraphQLError(original.message, { originalError: original, path: ['mergeTicket'] });

  test('changes that crossed on the same rows (deadlock, serialization failure) are a CONFLICT to retry, not an internal error', () => {
    const deadlock = Object.assign(new Error('deadlock detected'), { code: '40P01' });
    const serialization = Object.assign(new Error('could not serialize access'), { code: '40001' });
    for (const e of [new DeadlockException(deadlock), deadlock, serialization]) {
      const out = format({ message: e.message }, asResolverError(e));
      expect(out.extensions).toEqual({ code: 'CONFLICT' });
      expect(out.message).toMatch(/reload and retry/);
    }
    expect(logged).toEqual([]);
  });

  test('anything else unexpected stays an internal error, logged, without its message', () => {
    const out = format({ message: 'boom' }, asResolverError(Object.assign(new Error('relation "x" does not exist'), { code: '42P01' })));
    expect(out).toMatchObject({ message: 'internal error', extensions: { code: 'INTERNAL_SERVER_ERROR' } });
    expect(logged).toHaveLength(1);
  });
});
