import { maxAliasesRule } from '@escape.tech/graphql-armor-max-aliases';
import { maxDepthRule } from '@escape.tech/graphql-armor-max-depth';
import { maxDirectivesRule } from '@escape.tech/graphql-armor-max-directives';
import { BREAK, getNamedType, getNullableType, GraphQLError, isListType, Kind, specifiedRules, visit } from 'graphql';
import { Role } from '../auth/viewer';
import { textFault } from '../shared/text-fault';
import type { DocumentNode, GraphQLSchema, ValidationContext, ValidationRule } from 'graphql';
import { getComplexity } from 'graphql-query-complexity';
import type { ComplexityEstimatorArgs } from 'graphql-query-complexity';

/** What one operation may ask for, the same over HTTP and WebSocket. */
export interface Limits {
  maxDepth: number;
  maxAliases: number;
  maxDirectives: number;
  /** graphql-js parse option: a document with more tokens is refused before it is parsed whole */
  maxTokens: number;
  maxCost: number;
  /** field selections in one document, as written (duplicates count) */
  maxFields: number;
}

/** The code of a refused operation that would cost too much. */
export const QUERY_TOO_COMPLEX = 'QUERY_TOO_COMPLEX';

/** graphql-armor's rules report a validation error (HTTP 400) instead of throwing (a 500). */
const asValidationError = {
  propagateOnRejection: false,
  onReject: [(context: ValidationContext | null, error: GraphQLError) => context?.reportError(new GraphQLError(error.message.replace(/^Syntax Error: /, '')))],
};

/** The validation rules every operation passes, on both transports: GraphQL's own and the limits. */
export function validationRules(limits: Limits): ValidationRule[] {
  return [...specifiedRules, ...limitRules(limits)];
}

/** The limits' rules alone (Apollo adds them to GraphQL's own). */
export function limitRules(limits: Limits): ValidationRule[] {
  return [
    maxDepthRule({ n: limits.maxDepth, flattenFragments: true, ...asValidationError }),
    maxAliasesRule({ n: limits.maxAliases, ...asValidationError }),
    maxDirectivesRule({ n: limits.maxDirectives, ...asValidationError }),
    maxFieldsRule(limits.maxFields),
  ] as ValidationRule[];
}

const introspective = new WeakMap<DocumentNode, boolean>();

/** Does the document ask for the schema (`__schema` or `__type`; `__typename` is fine)? */
export function usesIntrospection(document: DocumentNode): boolean {
  let found = introspective.get(document);
  if (found === undefined) {
    found = false;
    visit(document, {
      Field(node) {
        if (node.name.value === '__schema' || node.name.value === '__type') {
          found = true;
          return BREAK;
        }
        return undefined;
      },
    });
    introspective.set(document, found);
  }
  return found;
}

/** In production, only ADMIN may introspect the schema; in development everyone may. */
export function introspectionError(document: DocumentNode, production: boolean, role: Role | null | undefined): GraphQLError | null {
  if (!production || role === Role.ADMIN || !usesIntrospection(document)) return null;
  return new GraphQLError('introspection is for ADMIN tokens in production', {
    extensions: { code: 'INTROSPECTION_DISABLED', http: { status: 400 } },
  });
}

/** Refuses documents with more field selections than `n` (500 copies of one field are 500). */
export function maxFieldsRule(n: number): ValidationRule {
  return (context) => {
    let fields = 0;
    return {
      Field() {
        fields++;
        if (fields === n + 1) context.reportError(new GraphQLError(`more than ${n} fields in one document`, { extensions: { code: 'GRAPHQL_VALIDATION_FAILED' } }));
      },
    };
  };
}

/**
 * A field costs 1 plus its children's cost; a list costs its children times the page asked
 * for (`first`/`last`, else 10 — a connection's pages are capped at 100 by the services).
 */
function listSizeEstimator({ field, args, childComplexity }: ComplexityEstimatorArgs): number {
  const page = Number(args.first ?? args.last ?? NaN);
  const type = getNullableType(field.type);
  const isConnection = getNamedType(type).name.endsWith('Connection');
  if (Number.isFinite(page) && page > 0) return 1 + childComplexity * page;
  if (isListType(type) || isConnection) return 1 + childComplexity * 10;
  return 1 + childComplexity;
}

/**
 * The cost of an operation with its variables (list sizes come from them): an error to send
 * back instead of executing when it is over the limit, else null.
 */
export function costError(schema: GraphQLSchema, document: DocumentNode, variables: Record<string, unknown> | undefined, operationName: string | undefined, maxCost: number): GraphQLError | null {
  const cost = costOf(schema, document, variables ?? {}, operationName);
  if (cost == null || cost <= maxCost) return null;
  return new GraphQLError(`this operation would cost ${cost}; the limit is ${maxCost}: ask for smaller pages or fewer fields`, {
    extensions: { code: QUERY_TOO_COMPLEX, cost, limit: maxCost, http: { status: 400 } },
  });
}

/**
 * Costs of documents already seen (the server keeps one parsed document per query text), by
 * operation and the values of the only variables a cost depends on: page sizes (`first`,
 * `last`) and `@include`/`@skip` conditions. A form sent with new input each time is costed once.
 */
const costs = new WeakMap<DocumentNode, { schema: GraphQLSchema; costVariables: string[]; byKey: Map<string, number | null> }>();

function costOf(schema: GraphQLSchema, document: DocumentNode, variables: Record<string, unknown>, operationName: string | undefined): number | null {
  let entry = costs.get(document);
  if (!entry || entry.schema !== schema) {
    const names = new Set<string>();
    visit(document, {
      Argument(node) {
        if (node.value.kind === Kind.VARIABLE && COST_ARGUMENTS.has(node.name.value)) names.add(node.value.name.value);
      },
    });
    entry = { schema, costVariables: [...names], byKey: new Map() };
    costs.set(document, entry);
  }
  const key = JSON.stringify([operationName ?? null, ...entry.costVariables.map((v) => variables[v] ?? null)]);
  if (entry.byKey.has(key)) return entry.byKey.get(key)!;
  let cost: number | null;
  try {
    cost = getComplexity({ schema, query: document, variables, operationName, estimators: [listSizeEstimator] });
  } catch {
    cost = null; // bad variables: execution reports them with their own code
  }
  if (entry.byKey.size < 1000) entry.byKey.set(key, cost);
  return cost;
}

/** the arguments whose variables change an operation's cost */
const COST_ARGUMENTS = new Set(['first', 'last', 'if']);

/**
 * A text in the variables or a string literal that cannot be stored as it is: a NUL character
 * (U+0000: PostgreSQL text cannot hold it, and no citizen's words contain it) or an unpaired
 * surrogate (not Unicode: a JSON column refuses it, a text column would store U+FFFD in its
 * place, and two different keys would become one). Refused as BAD_USER_INPUT, naming where,
 * before anything runs, the same over HTTP and WebSocket.
 */
export function invalidTextError(document: DocumentNode, variables: Record<string, unknown> | null | undefined): GraphQLError | null {
  const found = findFault(variables, 'variables') ?? findFaultInLiterals(document);
  if (!found) return null;
  return new GraphQLError(`${found.where}: ${found.fault}`, {
    extensions: { code: 'BAD_USER_INPUT', field: found.where, http: { status: 400 } },
  });
}

interface Fault {
  where: string;
  fault: string;
}

function findFault(value: unknown, path: string, depth = 0): Fault | null {
  if (typeof value === 'string') {
    const fault = textFault(value);
    return fault ? { where: path, fault } : null;
  }
  if (depth > 32 || value === null || typeof value !== 'object') return null;
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
    const found = findFault(v, Array.isArray(value) ? `${path}[${k}]` : `${path}.${k}`, depth + 1);
    if (found) return found;
  }
  return null;
}

/** per parsed document (the HTTP and WebSocket paths reuse cached documents) */
const literalFaults = new WeakMap<DocumentNode, Fault | null>();

function findFaultInLiterals(document: DocumentNode): Fault | null {
  let found = literalFaults.get(document);
  if (found === undefined) {
    found = scanLiterals(document);
    literalFaults.set(document, found);
  }
  return found;
}

function scanLiterals(document: DocumentNode): Fault | null {
  let found: Fault | null = null;
  visit(document, {
    StringValue(node) {
      const fault = found ? null : textFault(node.value);
      if (fault) found = { where: 'a string literal', fault };
    },
  });
  return found;
}
