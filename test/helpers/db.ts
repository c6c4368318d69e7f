import { randomBytes } from 'node:crypto';
import { loadConfig } from '../../src/config.ts';
import type { Db } from '../../src/store/db.ts';
import { openPglite } from '../../src/store/drivers/pglite.ts';
import { openPostgres } from '../../src/store/drivers/postgres.ts';
import { migrate } from '../../src/store/migrate.ts';
import { migratedPgliteTemplate } from './pglite-template.ts';

/**
 * The store a test runs on: PGlite in memory by default, or a schema of its own on the
 * PostgreSQL server named by DATABASE_URL (CI runs the whole suite both ways).
 */
export interface TestStore {
  db: Db;
  url: string;
  schema: string;
  /** Drops what the test created. */
  close(): Promise<void>;
}

export const testDatabaseUrl = loadConfig().databaseUrl;
export const storeKind = testDatabaseUrl ? 'postgres' : 'pglite';

/**
 * A migrated store of the test's own (docs/testing.md). PGlite starts from a migrated template
 * (pglite-template.ts), which skips initdb, the largest cost of a test's setup.
 */
export async function openTestStore(options: { migrated?: boolean } = {}): Promise<TestStore> {
  const migrated = options.migrated !== false;
  const schema = testDatabaseUrl ? `t_${randomBytes(6).toString('hex')}` : 'public';
  let db: Db;
  if (testDatabaseUrl) {
    db = await openPostgres(testDatabaseUrl, schema, 5);
    if (migrated) await migrate(db);
  } else {
    db = migrated
      ? await openPglite(undefined, schema, { loadDataDir: await migratedPgliteTemplate() })
      : await openPglite(undefined, schema);
  }
  return {
    db,
    url: testDatabaseUrl,
    schema,
    async close() {
      if (testDatabaseUrl) await db.query(`DROP SCHEMA "${schema}" CASCADE`);
      await db.close();
    },
  };
}
