import { execute } from 'graphql';
import type { DocumentNode, ExecutionResult, GraphQLError, GraphQLFormattedError, GraphQLSchema } from 'graphql';

/** How errors in a shared payload are put to clients (the hub's error formatter: coded, no internals). */
export type ErrorFormat = (formatted: GraphQLFormattedError, error: GraphQLError) => GraphQLFormattedError;
import type WebSocket from 'ws';

/** A socket's subscription in a group: where to write and under which operation id. */
export interface Member {
  socket: WebSocket;
  /** the bytes before the shared payload: {"id":"…","type":"next","payload": */
  prefix: Buffer;
  closed: boolean;
  onEnd: () => void;
}

const SUFFIX = Buffer.from('}');
/** A socket holding more unsent bytes than this is cut off (SUBSCRIPTION_BUFFER_BYTES). */
let maxBuffered = 4 * 1024 * 1024;
/** The close code for a socket that fell too far behind; it may reconnect and resume with `after`. */
export const SLOW_SOCKET_CLOSE = 4503;

export function setSocketBufferLimit(bytes: number): void {
  maxBuffered = bytes;
}

export function member(socket: WebSocket, id: string, onEnd: () => void): Member {
  return { socket, prefix: Buffer.from(`{"id":${JSON.stringify(id)},"type":"next","payload":`), closed: false, onEnd };
}

/**
 * Executes a group's selection once over a value and writes the same serialised payload to
 * every member socket (graphql-ws `next` frames; only the operation id differs per socket).
 * This is what lets one process serve tens of thousands of identical dashboard subscriptions.
 */
export class SharedSelection {
  constructor(
    private readonly schema: GraphQLSchema,
    private readonly document: DocumentNode,
    private readonly variables: Record<string, unknown>,
    private readonly contextValue: unknown,
    private readonly operationName?: string,
    private readonly formatError?: ErrorFormat,
  ) {}

  async render(rootValue: unknown): Promise<Buffer> {
    // each update with a unit of work of its own: what it shows is read now, and nothing piles up
    const context = this.contextValue as { renew?: () => unknown } | null;
    const result = (await execute({
      schema: this.schema,
      document: this.document,
      rootValue,
      contextValue: typeof context?.renew === 'function' ? context.renew() : context,
      variableValues: this.variables,
      operationName: this.operationName,
    })) as ExecutionResult;
    if (result.errors?.length && this.formatError) {
      const format = this.formatError;
      return Buffer.from(JSON.stringify({ ...result, errors: result.errors.map((e) => format(e.toJSON(), e)) }));
    }
    return Buffer.from(JSON.stringify(result));
  }

  /** Writes one payload to the members; returns how many sockets it reached. */
  static send(payload: Buffer, members: Iterable<Member>): number {
    let n = 0;
    for (const m of members) if (SharedSelection.sendOne(payload, m)) n++;
    return n;
  }

  /** Several payloads to one member, in one write to its TCP socket (corked). */
  static sendMany(payloads: Buffer[], m: Member): boolean {
    if (payloads.length === 1) return SharedSelection.sendOne(payloads[0], m);
    const tcp = (m.socket as unknown as { _socket?: { cork(): void; uncork(): void } })._socket;
    tcp?.cork();
    try {
      for (const p of payloads) if (!SharedSelection.sendOne(p, m)) return false;
      return true;
    } finally {
      tcp?.uncork();
    }
  }

  static sendOne(payload: Buffer, m: Member): boolean {
    if (m.closed) return false;
    const s = m.socket;
    if (s.readyState !== 1) return false;
    if (s.bufferedAmount > maxBuffered) {
      m.closed = true;
      s.close(SLOW_SOCKET_CLOSE, 'subscriber fell too far behind: reconnect (with after: the last id received)');
      m.onEnd();
      return false;
    }
    s.send(Buffer.concat([m.prefix, payload, SUFFIX], m.prefix.length + payload.length + 1), { binary: false });
    return true;
  }
}

/** An iterator that yields nothing: graphql-ws keeps the operation open until it is completed. */
export function heldOpen(onReturn: () => void): AsyncIterableIterator<never> {
  let release: (() => void) | null = null;
  const done = new Promise<IteratorResult<never>>((resolve) => (release = () => resolve({ value: undefined, done: true })));
  const it: AsyncIterableIterator<never> = {
    next: () => done,
    return: () => {
      onReturn();
      release?.();
      return Promise.resolve({ value: undefined, done: true });
    },
    throw: (e?: unknown) => {
      onReturn();
      release?.();
      return Promise.reject(e);
    },
    [Symbol.asyncIterator]: () => it,
  };
  return it;
}
