import pg from 'pg';
import { silentStoreLog, type Db, type Queryable, type Row, type StoreLog } from '../db.ts';

const INT8 = 20;

// int8 and count() as numbers, as PGlite returns them; ids and counts here stay far below 2^53.
const types = {
  getTypeParser(oid: number, format?: 'text' | 'binary') {
    if (oid === INT8 && format !== 'binary') return (value: string) => Number(value);
    return pg.types.getTypeParser(oid, format);
  },
};

export interface PostgresOptions {
  /** Where connection trouble outside any query is reported (docs/architecture.md). */
  log?: StoreLog;
  /** First wait before the LISTEN connection is opened again; it doubles up to maxBackoffMs. */
  backoffMs?: number;
  maxBackoffMs?: number;
}

export async function openPostgres(
  url: string,
  schema: string,
  poolSize = 10,
  settings: PostgresOptions = {},
): Promise<Db> {
  const log = settings.log ?? silentStoreLog;
  const options = schema === 'public' ? undefined : `-c search_path=${schema}`;
  const pool = new pg.Pool({
    connectionString: url,
    max: poolSize,
    types,
    ...(options ? { options } : {}),
  });
  // A dropped idle connection (server restart) must not crash the process; the pool replaces it.
  // It is logged, though: a restart drops every idle connection at once, so one line says how
  // many went since the last one, at most once per 10 s.
  const idleErrors = new Throttle(10_000);
  pool.on('error', (error) => {
    const dropped = idleErrors.hit();
    if (dropped > 0) {
      log.warn(
        { err: error, dropped },
        'PostgreSQL dropped idle pool connections; the pool opens new ones when needed',
      );
    }
  });
  if (schema !== 'public') await pool.query(`CREATE SCHEMA IF NOT EXISTS "${schema}"`);

  const listener = new Listener(url, options, log, {
    backoffMs: settings.backoffMs ?? 500,
    maxBackoffMs: settings.maxBackoffMs ?? 10_000,
  });

  const wrap = (client: pg.PoolClient): Queryable => ({
    async query<R = Row>(sql: string, params: readonly unknown[] = []) {
      return (await client.query(sql, params as unknown[])).rows as R[];
    },
    async exec(sql: string) {
      await client.query(sql);
    },
  });

  return {
    kind: 'postgres',
    async query<R = Row>(sql: string, params: readonly unknown[] = []) {
      return (await pool.query(sql, params as unknown[])).rows as R[];
    },
    async exec(sql: string) {
      await pool.query(sql);
    },
    async transaction<T>(fn: (tx: Queryable) => Promise<T>) {
      const client = await pool.connect();
      let broken: Error | undefined;
      // The pool listens for errors only on idle clients. A checked-out client whose connection
      // the server ends (restart, admin shutdown) emits 'error', and with no listener that is an
      // uncaught exception that kills the process. The query under way fails on its own; the
      // client is dropped on release instead of going back to the pool.
      const onLost = (error: Error) => (broken = error);
      client.on('error', onLost);
      try {
        await client.query('BEGIN');
        const result = await fn(wrap(client));
        await client.query('COMMIT');
        return result;
      } catch (error) {
        try {
          await client.query('ROLLBACK');
        } catch (rollbackError) {
          broken = rollbackError as Error;
        }
        throw error;
      } finally {
        client.off('error', onLost);
        client.release(broken);
      }
    },
    listen: (channel, onNotify) => listener.subscribe(channel, onNotify),
    async close() {
      await listener.close();
      await pool.end();
    },
  };
}

/** Counts events and lets one through per period: returns how many it held back, or 0. */
class Throttle {
  readonly #everyMs: number;
  #count = 0;
  #lastAt = -Infinity;

  constructor(everyMs: number) {
    this.#everyMs = everyMs;
  }

  hit(): number {
    this.#count += 1;
    const now = performance.now();
    if (now - this.#lastAt < this.#everyMs) return 0;
    this.#lastAt = now;
    const count = this.#count;
    this.#count = 0;
    return count;
  }
}

/**
 * One dedicated connection for LISTEN, shared by all subscribers. It reconnects after a server
 * restart, waiting longer after each failed try (backoffMs doubling up to maxBackoffMs) and
 * logging each, so an outage shows in the log; wake-ups lost meanwhile are covered by the loops'
 * polling.
 */
class Listener {
  readonly #url: string;
  readonly #options: string | undefined;
  readonly #log: StoreLog;
  readonly #backoff: { backoffMs: number; maxBackoffMs: number };
  readonly #subscribers = new Map<string, Set<(payload: string) => void>>();
  #client: pg.Client | undefined;
  #connecting: Promise<pg.Client> | undefined;
  #closed = false;

  constructor(
    url: string,
    options: string | undefined,
    log: StoreLog,
    backoff: { backoffMs: number; maxBackoffMs: number },
  ) {
    this.#url = url;
    this.#options = options;
    this.#log = log;
    this.#backoff = backoff;
  }

  async subscribe(channel: string, onNotify: (payload: string) => void) {
    let set = this.#subscribers.get(channel);
    if (!set) {
      set = new Set();
      this.#subscribers.set(channel, set);
      const client = await this.#connect();
      await client.query(`LISTEN "${channel}"`);
    }
    set.add(onNotify);
    return async () => {
      set.delete(onNotify);
    };
  }

  #connect(): Promise<pg.Client> {
    if (this.#client) return Promise.resolve(this.#client);
    this.#connecting ??= (async () => {
      const client = new pg.Client({
        connectionString: this.#url,
        ...(this.#options ? { options: this.#options } : {}),
      });
      client.on('notification', (message) => {
        for (const fn of this.#subscribers.get(message.channel) ?? []) fn(message.payload ?? '');
      });
      client.on('error', (error) => this.#lost(client, error));
      client.on('end', () => this.#lost(client));
      await client.connect();
      for (const channel of this.#subscribers.keys()) await client.query(`LISTEN "${channel}"`);
      this.#client = client;
      return client;
    })().finally(() => (this.#connecting = undefined));
    return this.#connecting;
  }

  #lost(client: pg.Client, error?: Error) {
    if (this.#client !== client) return;
    this.#client = undefined;
    if (this.#closed) return;
    const { backoffMs, maxBackoffMs } = this.#backoff;
    this.#log.warn(
      { err: error, retryInMs: backoffMs },
      'the PostgreSQL LISTEN connection was lost; reconnecting',
    );
    let attempt = 0;
    const retry = () => {
      if (this.#closed) return;
      attempt += 1;
      this.#connect().then(
        () => this.#log.info({ attempts: attempt }, 'the PostgreSQL LISTEN connection is back'),
        (failure: unknown) => {
          const wait = Math.min(maxBackoffMs, backoffMs * 2 ** attempt);
          this.#log.warn(
            { err: failure, attempt, retryInMs: wait },
            'could not reopen the PostgreSQL LISTEN connection',
          );
          setTimeout(retry, wait).unref();
        },
      );
    };
    setTimeout(retry, backoffMs).unref();
  }

  async close() {
    this.#closed = true;
    const client = this.#client;
    this.#client = undefined;
    await client?.end().catch(() => {});
  }
}
