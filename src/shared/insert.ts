import { JsonType } from '@mikro-orm/core';
import type { EntityMetadata, EntityProperty } from '@mikro-orm/core';

/** The columns an INSERT writes for an entity: every persisted scalar and to-one key, no generated ids. */
function insertable(meta: EntityMetadata): EntityProperty[] {
  return meta.props.filter(
    (p) =>
      p.persist !== false &&
      !p.formula &&
      (p.kind === 'scalar' || p.kind === 'm:1' || p.kind === '1:1') &&
      p.fieldNames?.length === 1 &&
      !(p.primary && p.autoincrement),
  );
}

const columnCache = new WeakMap<EntityMetadata, { props: EntityProperty[]; sql: string }>();

/**
 * `insert into "table" (cols) values ($1, …), (…)` for entity instances, with the values as
 * parameters (JSON columns serialised, arrays and dates left to the driver). The statement
 * can stand alone or as a data-modifying CTE; `params` is appended to.
 */
export function insertRows<T extends object>(meta: EntityMetadata<T>, rows: T[], params: unknown[]): string {
  let c = columnCache.get(meta as EntityMetadata);
  if (!c) {
    const props = insertable(meta as EntityMetadata);
    c = { props, sql: `insert into "${meta.tableName}" (${props.map((p) => `"${p.fieldNames[0]}"`).join(', ')}) values ` };
    columnCache.set(meta as EntityMetadata, c);
  }
  const tuples = rows.map((row) => {
    const r = row as Record<string, unknown>;
    const values = c.props.map((p) => {
      let v = r[p.name];
      if (v === undefined) v = null;
      else if (v !== null && p.customType instanceof JsonType) v = JSON.stringify(v);
      params.push(v);
      return `$${params.length}`;
    });
    return `(${values.join(', ')})`;
  });
  return c.sql + tuples.join(', ');
}

/**
 * A PostgreSQL array literal of uuids or codes (`{a,b}`), for raw statements run through
 * MikroORM's `execute`, whose `?` bindings would otherwise spread a JS array into a list.
 * Elements must not contain braces, commas, quotes or backslashes (uuids and codes do not).
 */
export function pgArray(values: readonly string[]): string {
  for (const v of values) if (/[{},"\\\s]/.test(v)) throw new Error(`not an array element: ${v}`);
  return `{${values.join(',')}}`;
}
