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
    if (value != null && !isCursorFor(value, orderBy, kindsOf(em, entity, orderBy))) throw badInput(field, 'not a valid cursor for this list');
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

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

type Kind = 'uuid' | 'time' | 'number' | 'text';

/** What kind of value each sort key holds, from the entity's columns. */
function kindsOf(em: EntityManager, entity: EntityClass<object>, orderBy: Record<string, unknown>): Kind[] {
  const meta = em.getMetadata().find(entity.name);
  return Object.keys(orderBy).map((key) => {
    const p = meta?.properties[key];
    const column = `${p?.columnTypes?.[0] ?? ''} ${String(p?.type ?? '')}`.toLowerCase();
    if (column.includes('uuid')) return 'uuid';
    if (/timestamp|date/.test(column)) return 'time';
    if (/int|numeric|decimal|float|double|real|number/.test(column)) return 'number';
    return 'text';
  });
}

function fits(kind: Kind, v: unknown): boolean {
  switch (kind) {
    case 'uuid':
      return typeof v === 'string' && UUID.test(v);
    case 'time':
      // (years 1–9999: PostgreSQL has no year 0)
      return typeof v === 'string' && /^\d{4}-\d{2}-\d{2}/.test(v) && !v.startsWith('0000') && !Number.isNaN(Date.parse(v));
    case 'number':
      return (typeof v === 'number' && Number.isFinite(v)) || (typeof v === 'string' && /^-?\d{1,20}(\.\d+)?$/.test(v));
    default:
      return typeof v === 'string' || typeof v === 'number';
  }
}

/**
 * Does `value` decode to a cursor of this list — one value per sort key (as `Cursor.from` makes
 * them), each of the key's kind? Another list's cursor, or a forged one, is refused here rather
 * than failing in the database.
 */
function isCursorFor(value: string, orderBy: Record<string, unknown>, kinds: Kind[]): boolean {
  try {
    const decoded: unknown = JSON.parse(Buffer.from(value, 'base64url').toString('utf8'));
    return (
      Array.isArray(decoded) &&
      decoded.length === Object.keys(orderBy).length &&
      decoded.every((v, i) => v != null && fits(kinds[i], v)) &&
      Cursor.decode(value).length === decoded.length
    );
  } catch {
    return false;
  }
}
