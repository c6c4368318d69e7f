import { join } from 'node:path';
import type { Config } from '../config.ts';
import type { Db, StoreLog } from './db.ts';
import { openPglite } from './drivers/pglite.ts';
import { openPostgres } from './drivers/postgres.ts';

/** PostgreSQL when DATABASE_URL is set, else the embedded store under the data dir. */
export function openDb(config: Config, log?: StoreLog): Promise<Db> {
  if (config.databaseUrl) {
    return openPostgres(config.databaseUrl, config.dbSchema, 10, log ? { log } : {});
  }
  return openPglite(join(config.dataDir, 'pg'), config.dbSchema);
}
