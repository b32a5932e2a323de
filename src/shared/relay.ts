import { ArgsType, Field, ID, Int, InterfaceType, ObjectType } from 'type-graphql';
import type { ClassType } from 'type-graphql';
import { badInput } from './errors';

/** Relay global ids: base64("Type:localId"). Clients may cache by them. */
export function toGlobalId(type: string, id: string): string {
  return Buffer.from(`${type}:${id}`, 'utf8').toString('base64url');
}

export function fromGlobalId(globalId: string, field = 'id'): { type: string; id: string } {
  const decoded = Buffer.from(globalId, 'base64url').toString('utf8');
  const i = decoded.indexOf(':');
  if (i <= 0 || i === decoded.length - 1) throw badInput(field, `not a valid id: ${globalId}`);
  return { type: decoded.slice(0, i), id: decoded.slice(i + 1) };
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function isUuid(s: string): boolean {
  return UUID.test(s);
}

/** Parses a global id that must name a `type`, returning the local id. */
export function localId(globalId: string, type: string, field = 'id'): string {
  const parsed = fromGlobalId(globalId, field);
  if (parsed.type !== type || !isUuid(parsed.id)) throw badInput(field, `not a ${type} id: ${globalId}`);
  return parsed.id;
}

@InterfaceType({ description: 'An object with a global id (Relay).' })
export abstract class Node {
  @Field(() => ID)
  id!: string;
}

@ObjectType()
export class PageInfo {
  @Field(() => Boolean)
  hasNextPage!: boolean;

  @Field(() => Boolean)
  hasPreviousPage!: boolean;

  @Field(() => String, { nullable: true })
  startCursor!: string | null;

  @Field(() => String, { nullable: true })
  endCursor!: string | null;
}

export interface EdgeShape<T> {
  cursor: string;
  node: T;
}

export interface ConnectionShape<T> {
  edges: EdgeShape<T>[];
  pageInfo: PageInfo;
  totalCount: number | (() => Promise<number>);
}

/**
 * A Relay connection type for `nodeType`. `totalCount` may be a thunk so the count query only
 * runs when a client selects it.
 */
export function Connection<T extends object>(nodeType: ClassType<T>, name: string) {
  @ObjectType(`${name}Edge`)
  class Edge {
    @Field(() => String)
    cursor!: string;

    @Field(() => nodeType)
    node!: T;
  }

  @ObjectType(`${name}Connection`)
  class ConnectionClass {
    @Field(() => [Edge])
    edges!: Edge[];

    @Field(() => PageInfo)
    pageInfo!: PageInfo;

    countOrThunk!: number | (() => Promise<number>);

    @Field(() => Int, { description: 'How many match the filter, across all pages.' })
    async totalCount(): Promise<number> {
      const c = this.countOrThunk;
      return typeof c === 'function' ? c() : c;
    }

    static from(shape: ConnectionShape<T>): ConnectionClass {
      const conn = new ConnectionClass();
      conn.edges = shape.edges;
      conn.pageInfo = shape.pageInfo;
      conn.countOrThunk = shape.totalCount;
      return conn;
    }
  }
  return ConnectionClass;
}

/** The pagination arguments every connection takes. */
export interface PageArgs {
  first?: number | null;
  after?: string | null;
  last?: number | null;
  before?: string | null;
}

export const MAX_PAGE_SIZE = 100;
export const DEFAULT_PAGE_SIZE = 20;

export function checkPageArgs(args: PageArgs): void {
  for (const k of ['first', 'last'] as const) {
    const v = args[k];
    if (v != null && (v < 0 || v > MAX_PAGE_SIZE)) {
      throw badInput(k, `${k} must be between 0 and ${MAX_PAGE_SIZE}`);
    }
  }
  if (args.first != null && args.last != null) throw badInput('last', 'pass first or last, not both');
  if (args.first != null && args.before != null) throw badInput('before', 'page forward with first/after, or backward with last/before');
  if (args.last != null && args.after != null) throw badInput('after', 'page forward with first/after, or backward with last/before');
}

@ArgsType()
export class ConnectionArgs implements PageArgs {
  @Field(() => Int, { nullable: true, description: `At most ${MAX_PAGE_SIZE}.` })
  first?: number | null;

  @Field(() => String, { nullable: true })
  after?: string | null;

  @Field(() => Int, { nullable: true, description: `At most ${MAX_PAGE_SIZE}.` })
  last?: number | null;

  @Field(() => String, { nullable: true })
  before?: string | null;
}
