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

/** Sends a wake-up that listeners receive when (and only if) the surrounding transaction commits. */
export async function notify(q: Queryable, channel: string, payload = ''): Promise<void> {
  await q.query('SELECT pg_notify($1, $2)', [channel, payload]);
}
