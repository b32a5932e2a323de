import { GraphQLError, parse, specifiedRules, validate } from 'graphql';
import type { ASTNode, DocumentNode, FragmentDefinitionNode, GraphQLSchema, OperationDefinitionNode, ValidationRule } from 'graphql';

/** The same codes as Apollo gives these errors over HTTP. */
function coded(e: GraphQLError, code: string): GraphQLError {
  if (e.extensions?.code) return e;
  return new GraphQLError(e.message, { nodes: e.nodes, source: e.source, positions: e.positions, path: e.path, originalError: e.originalError, extensions: { ...e.extensions, code } });
}
import { print } from 'graphql';

/**
 * Parsed and validated operations, cached by their text (LRU): thousands of dashboards send the
 * same subscription, and parsing and validating it once is enough.
 */
export function documentCache(max = 1000, rules: readonly ValidationRule[] = specifiedRules, maxTokens?: number) {
  const parsed = new Map<string, DocumentNode>();
  const validated = new WeakMap<DocumentNode, readonly GraphQLError[]>();
  return {
    parse(source: string | { body: string }): DocumentNode {
      const text = typeof source === 'string' ? source : source.body;
      const hit = parsed.get(text);
      if (hit) {
        parsed.delete(text);
        parsed.set(text, hit);
        return hit;
      }
      let doc: DocumentNode;
      try {
        doc = parse(text, { maxTokens });
      } catch (e) {
        throw e instanceof GraphQLError ? coded(e, 'GRAPHQL_PARSE_FAILED') : e;
      }
      parsed.set(text, doc);
      if (parsed.size > max) parsed.delete(parsed.keys().next().value!);
      return doc;
    },
    validate(schema: GraphQLSchema, doc: DocumentNode): readonly GraphQLError[] {
      let errors = validated.get(doc);
      if (!errors) {
        errors = validate(schema, doc, rules).map((e) => coded(e, 'GRAPHQL_VALIDATION_FAILED'));
        validated.set(doc, errors);
      }
      return errors;
    },
  };
}

const printed = new WeakMap<ASTNode, string>();

function printedOnce(node: ASTNode): string {
  let s = printed.get(node);
  if (s === undefined) {
    s = print(node);
    printed.set(node, s);
  }
  return s;
}

/** An operation's text with its fragments, printed once per parsed document (group keys). */
export function printedOperation(op: OperationDefinitionNode, fragments: Record<string, FragmentDefinitionNode>): string {
  return [op, ...Object.keys(fragments).sort().map((k) => fragments[k])].map(printedOnce).join('\n');
}
