import type { ApolloServerPlugin } from '@apollo/server';
import type { DocumentNode, OperationDefinitionNode } from 'graphql';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

/** What a scrape reads from the database: how far each background consumer is behind the stream. */
export type ConsumerLag = () => Promise<{ name: string; behind: number }[]>;

/**
 * The hub's Prometheus metrics (`GET /metrics`), one registry per hub: GraphQL operations over
 * HTTP and WebSocket by root field and outcome, their durations, open sockets, how far the
 * background consumers are behind the event stream, and Node's own (event-loop lag, memory, GC).
 * Labels are bounded by the schema (root fields, error codes), never by what a client names.
 */
export class HubMetrics {
  readonly registry = new Registry();
  private readonly operations: Counter<'transport' | 'type' | 'field' | 'code'>;
  private readonly duration: Histogram<'transport' | 'type' | 'field'>;

  constructor(o: { consumerLag: ConsumerLag; sockets: () => number }) {
    collectDefaultMetrics({ register: this.registry, prefix: 'minsheng_' });
    this.operations = new Counter({
      name: 'minsheng_graphql_operations_total',
      help: 'GraphQL operations by transport, type, root field and outcome (OK or the first error code)',
      labelNames: ['transport', 'type', 'field', 'code'],
      registers: [this.registry],
    });
    this.duration = new Histogram({
      name: 'minsheng_graphql_operation_duration_seconds',
      help: 'Time to answer a GraphQL query or mutation (a subscription: to its first answer), by transport, type and root field',
      labelNames: ['transport', 'type', 'field'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers: [this.registry],
    });
    new Gauge({
      name: 'minsheng_websocket_connections',
      help: 'Open GraphQL WebSocket connections to this process',
      registers: [this.registry],
      collect() {
        this.set(o.sockets());
      },
    });
    new Gauge({
      name: 'minsheng_consumer_lag_events',
      help: 'Events on the stream a background consumer (heatmap rollups, risk detectors, duplicates) has not read yet',
      labelNames: ['consumer'],
      registers: [this.registry],
      async collect() {
        this.reset();
        // (a database that does not answer leaves the gauge empty: the scrape still answers)
        const lags = await o.consumerLag().catch(() => []);
        for (const { name, behind } of lags) this.set({ consumer: name }, behind);
      },
    });
  }

  /** One operation answered (`operation`: validated against the schema, or none). */
  observe(transport: 'http' | 'ws', operation: OperationDefinitionNode | undefined, code: string, seconds: number | null): void {
    const { type, field } = rootOf(operation);
    this.operations.inc({ transport, type, field, code });
    if (seconds != null) this.duration.observe({ transport, type, field }, seconds);
  }

  /** An Apollo plugin counting and timing every HTTP operation. */
  apolloPlugin<C extends object>(): ApolloServerPlugin<C> {
    return {
      requestDidStart: async () => {
        const started = process.hrtime.bigint();
        return {
          willSendResponse: async ({ operation, response }) => {
            const body = response.body.kind === 'single' ? response.body.singleResult : response.body.initialResult;
            const code = body.errors?.length ? String(body.errors[0].extensions?.code ?? 'INTERNAL_SERVER_ERROR') : 'OK';
            // (the operation is known once the document validated: a field a client made up is no label)
            this.observe('http', operation ?? undefined, code, Number(process.hrtime.bigint() - started) / 1e9);
          },
        };
      },
    };
  }
}

/** The operation's type and first root field (a name the schema bounds); `unknown` without one. */
export function rootOf(op: OperationDefinitionNode | undefined): { type: string; field: string } {
  if (!op) return { type: 'unknown', field: 'unknown' };
  const first = op.selectionSet.selections.find((s) => s.kind === 'Field');
  return { type: op.operation, field: first && first.kind === 'Field' ? first.name.value : 'unknown' };
}

/** The operation a validated document runs: the one named, or its only one. */
export function operationOf(document: DocumentNode, name: string | null | undefined): OperationDefinitionNode | undefined {
  const ops = document.definitions.filter((d): d is OperationDefinitionNode => d.kind === 'OperationDefinition');
  return name ? ops.find((o) => o.name?.value === name) : ops.length === 1 ? ops[0] : undefined;
}
