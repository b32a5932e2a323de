import type { EntityManager } from '@mikro-orm/postgresql';

type Connection = ReturnType<EntityManager['getConnection']>;
/** a transaction on one connection, for `connection.execute(sql, params, method, tx)` */
export type ReadTransaction = Parameters<Parameters<Connection['transactional']>[0]>[0];

/** How long a replica that failed is passed over. */
const REST_MS = 30_000;
const restingUntil = new WeakMap<Connection, number>();

/** SQLSTATE classes and codes, and socket errors, that say the server is not there to answer. */
const UNAVAILABLE =
  /^(08|57P0[123]|53300$|E(CONNREFUSED|CONNRESET|TIMEDOUT|HOSTUNREACH|NETUNREACH|PIPE)$|ENOTFOUND$|EAI_AGAIN$)/;

/**
 * Whether a read failed for want of the server rather than for what it asked: refused, reset or
 * timed-out connections, a server shutting down or still starting, too many connections, and a
 * standby cancelling a read that stood in the way of replaying the primary's changes (40001
 * "conflict with recovery").
 */
function unavailable(e: unknown): boolean {
  const err = e as { code?: string; name?: string; message?: string } | null;
  if (!err) return false;
  if (typeof err.code === 'string' && UNAVAILABLE.test(err.code)) return true;
  if (err.code === '40001' && /recovery/i.test(err.message ?? '')) return true;
  return err.name === 'KnexTimeoutError' || /Connection terminated/i.test(err.message ?? '');
}

/**
 * How long a replica may take to give a connection (connecting included) before the read goes to
 * the primary: a host that accepts connections and never answers would hold every read.
 */
export const REPLICA_CONNECT_TIMEOUT_MS = 3000;

/**
 * Runs an analytical read — aggregates over many tickets for dashboards and BI tools (统计报表)
 * — in one read-only transaction on a read replica (`DATABASE_REPLICA_URLS`), so that a year's
 * figures do not compete with intake on the primary; on the primary when there is none.
 *
 * A replica is as late as its replay: figures read there may miss the last moments' changes.
 * A read that fails there is answered by the primary; a replica that cannot be reached (in
 * REPLICA_CONNECT_TIMEOUT_MS), is shutting down, or cancels the read to replay the primary's
 * changes is passed over for 30 s.
 */
export async function onReplica<T>(
  em: EntityManager,
  read: (connection: Connection, tx: ReadTransaction) => Promise<T>,
): Promise<T> {
  const primary = em.getConnection('write');
  const inTransaction = (c: Connection) => c.transactional((tx) => read(c, tx), { readOnly: true });
  let replica: Connection | null = null;
  // (MikroORM picks a replica at random: a few picks find a working one among several)
  for (let pick = 0; pick < 4 && !replica; pick++) {
    const c = em.getConnection('read');
    if (c === primary) break;
    if ((restingUntil.get(c) ?? 0) <= Date.now()) replica = c;
  }
  if (!replica) return inTransaction(primary);
  try {
    return await inTransaction(replica);
  } catch (e) {
    // whatever went wrong there (a statement timeout, a cancelled read, a standby behind), the
    // primary answers this read; one that is not there to answer is passed over for a while
    const { host, port } = replica.getConnectionOptions();
    if (unavailable(e)) {
      const known = (restingUntil.get(replica) ?? 0) > Date.now(); // (another read found it so meanwhile)
      restingUntil.set(replica, Date.now() + REST_MS);
      if (!known) process.stderr.write(`read replica ${host}:${port} failed (${(e as Error).message}): the primary answers for ${REST_MS / 1000} s\n`);
    } else {
      process.stderr.write(`a read on replica ${host}:${port} failed (${(e as { code?: string }).code ?? (e as Error).message}): the primary answers it\n`);
    }
    return inTransaction(primary);
  }
}
