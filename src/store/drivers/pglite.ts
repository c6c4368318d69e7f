import { AsyncLocalStorage } from 'node:async_hooks';
import { mkdirSync } from 'node:fs';
import { PGlite, type Transaction } from '@electric-sql/pglite';
import { Mutex } from '../../shared/mutex.ts';
import type { Db, Queryable, Row } from '../db.ts';

const INT8 = 20;

// PGlite is a single PostgreSQL session. Concurrent callers would interleave inside each other's
// transactions (a commit or rollback would take the other caller's writes with it), so every
// query and every transaction takes one mutex. Code inside a transaction must use its tx: a call
// to the Db itself from there would wait for the mutex forever, so it is refused instead.
export async function openPglite(
  dataDir: string | undefined,
  schema: string,
  options: { loadDataDir?: Blob } = {},
): Promise<Db> {
  if (dataDir) mkdirSync(dataDir, { recursive: true });
  const pg = await PGlite.create({
    ...(dataDir ? { dataDir } : {}),
    // A data directory dumped earlier (dumpPglite): starts from its contents, skipping initdb.
    ...(options.loadDataDir ? { loadDataDir: options.loadDataDir } : {}),
    parsers: { [INT8]: (value: string) => Number(value) },
  });
  const mutex = new Mutex();
  const inTransaction = new AsyncLocalStorage<boolean>();

  const guard = () => {
    if (inTransaction.getStore()) {
      throw new Error('Db used inside its own transaction: use the tx passed to transaction()');
    }
  };

  if (schema !== 'public') {
    await pg.exec(`CREATE SCHEMA IF NOT EXISTS "${schema}"; SET search_path TO "${schema}";`);
  }

  const wrapTx = (tx: Transaction): Queryable => ({
    async query<R = Row>(sql: string, params: readonly unknown[] = []) {
      return (await tx.query<R>(sql, params as unknown[])).rows;
    },
    async exec(sql: string) {
      await tx.exec(sql);
    },
  });

  const db: Db & { dump(): Promise<Blob> } = {
    kind: 'pglite',
    async query<R = Row>(sql: string, params: readonly unknown[] = []) {
      guard();
      return mutex.run(async () => (await pg.query<R>(sql, params as unknown[])).rows);
    },
    async exec(sql: string) {
      guard();
      await mutex.run(() => pg.exec(sql));
    },
    async transaction<T>(fn: (tx: Queryable) => Promise<T>) {
      guard();
      return mutex.run(() => pg.transaction((tx) => inTransaction.run(true, () => fn(wrapTx(tx)))));
    },
    async listen(channel, onNotify) {
      const unsubscribe = await mutex.run(() => pg.listen(channel, onNotify));
      return () => mutex.run(() => unsubscribe());
    },
    async close() {
      await mutex.run(() => pg.close());
    },
    /** The whole data directory as an uncompressed tarball, for openPglite's loadDataDir. */
    dump: () => mutex.run(() => pg.dumpDataDir('none')),
  };
  return db;
}

/** A PGlite store's data directory as a tarball (test templates); undefined on other stores. */
export function dumpPglite(db: Db): Promise<Blob> | undefined {
  return (db as Partial<{ dump(): Promise<Blob> }>).dump?.();
}
