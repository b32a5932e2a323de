import { Cursor } from '@mikro-orm/core';
import type { EntityManager, FilterQuery } from '@mikro-orm/postgresql';
import { badInput } from './errors';
import { checkPageArgs, DEFAULT_PAGE_SIZE } from './relay';
import type { ConnectionShape, PageArgs } from './relay';

type EntityClass<T> = new (...args: never[]) => T;

/**
 * Keyset (cursor) pagination with MikroORM's `findByCursor`; the count runs only when the
 * client selects `totalCount`.
 */
export async function paginate<T extends object>(
  em: EntityManager,
  entity: EntityClass<T>,
  where: FilterQuery<T>,
  page: PageArgs,
  orderBy: Record<string, 'asc' | 'desc'>,
): Promise<ConnectionShape<T>> {
  checkPageArgs(page);
  const backward = page.last != null || (page.before != null && page.first == null);
  const size = (backward ? page.last : page.first) ?? DEFAULT_PAGE_SIZE;
  for (const field of ['after', 'before'] as const) {
    const value = page[field];
    if (value != null && !isCursorFor(value, orderBy)) throw badInput(field, 'not a valid cursor for this list');
  }
  const cursor = (await em.findByCursor(entity as never, where as never, {
    ...(backward ? { last: size, before: page.before ?? undefined } : { first: size, after: page.after ?? undefined }),
    orderBy: orderBy as never,
    includeCount: false,
  })) as unknown as Cursor<T>;
  const items = cursor.items;
  return {
    edges: items.map((node) => ({ node, cursor: cursor.from(node) })),
    pageInfo: {
      hasNextPage: cursor.hasNextPage,
      hasPreviousPage: cursor.hasPrevPage,
      startCursor: items.length ? cursor.startCursor : null,
      endCursor: items.length ? cursor.endCursor : null,
    },
    totalCount: () => em.count(entity as never, where as never),
  };
}

/** Does `value` decode to a cursor with one value per sort key (as `Cursor.from` makes them)? */
function isCursorFor(value: string, orderBy: Record<string, unknown>): boolean {
  try {
    const decoded: unknown = JSON.parse(Buffer.from(value, 'base64url').toString('utf8'));
    return (
      Array.isArray(decoded) &&
      decoded.length === Object.keys(orderBy).length &&
      decoded.every((v) => v != null && ['string', 'number'].includes(typeof v)) &&
      Cursor.decode(value).length === decoded.length
    );
  } catch {
    return false;
  }
}
