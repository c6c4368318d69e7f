// The store seen by the rest of the program: PostgreSQL SQL over one of two drivers
// (embedded PGlite, or a PostgreSQL server through `pg`). Repositories take a Queryable so the
// same function runs inside or outside a transaction.

export type Row = Record<string, unknown>;

export interface Queryable {
  /** One statement with $1.. parameters. int8 and count() come back as numbers on both drivers. */
  query<R = Row>(sql: string, params?: readonly unknown[]): Promise<R[]>;
  /** Several statements, no parameters (migrations). */
  exec(sql: string): Promise<void>;
}

export type Tx = Queryable;

/**
 * Where a driver reports trouble that no query sees (a dropped idle connection, the LISTEN
 * connection lost and reconnecting). A pino logger fits; the store layer imports no module.
 */
export interface StoreLog {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
}

/** Drops what it is told: for callers that open a store without a logger (benchmarks, tests). */
export const silentStoreLog: StoreLog = { info() {}, warn() {} };

export interface Db extends Queryable {
  readonly kind: 'pglite' | 'postgres';
  /** Runs fn in one transaction: committed if it resolves, rolled back if it throws. */
  transaction<T>(fn: (tx: Tx) => Promise<T>): Promise<T>;
  /** Calls onNotify for each NOTIFY on channel; resolves to an unsubscribe function. */
  listen(channel: string, onNotify: (payload: string) => void): Promise<() => Promise<void>>;
  close(): Promise<void>;
}

/** What transactions remember of themselves (tx-memo.ts, the wake-ups below). */
const perTransaction = new Set<WeakMap<Queryable, unknown>>();

/** A savepoint rolled back makes `memo` forget its transaction. */
export function forgetOnRollback(memo: WeakMap<Queryable, unknown>): void {
  perTransaction.add(memo);
}

/** The wake-ups each open transaction has sent already. */
const notified = new WeakMap<Queryable, Set<string>>();
forgetOnRollback(notified);

/**
 * Sends a wake-up that listeners receive when (and only if) the surrounding transaction commits.
 * PostgreSQL delivers one of several identical ones sent in a transaction, so a repeat is not
 * sent at all (a chatbot turn enqueues several jobs of one queue).
 */
export async function notify(q: Queryable, channel: string, payload = ''): Promise<void> {
  if (!('transaction' in q)) {
    const key = `${channel}\u0000${payload}`;
    const sent = notified.get(q) ?? new Set<string>();
    if (sent.has(key)) return;
    sent.add(key);
    notified.set(q, sent);
  }
  await q.query('SELECT pg_notify($1, $2)', [channel, payload]);
}

/**
 * Runs fn inside `tx` under a savepoint: if it throws, what it wrote is undone and the rest of the
 * transaction goes on (PostgreSQL would otherwise refuse every later statement), and the error
 * is thrown on to the caller.
 */
export async function withSavepoint<T>(tx: Queryable, fn: () => Promise<T>): Promise<T> {
  await tx.query('SAVEPOINT tiller_step');
  try {
    const result = await fn();
    await tx.query('RELEASE SAVEPOINT tiller_step');
    return result;
  } catch (error) {
    // Rolled back to, a savepoint stays defined: released too, so that an enclosing savepoint of
    // the same name is the one its own RELEASE or ROLLBACK TO finds.
    await tx.query('ROLLBACK TO SAVEPOINT tiller_step');
    await tx.query('RELEASE SAVEPOINT tiller_step');
    // The wake-ups sent and the rows remembered under the savepoint are undone with it.
    for (const memo of perTransaction) memo.delete(tx);
    throw error;
  }
}
