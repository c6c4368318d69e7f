import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { testDatabaseUrl } from './db.ts';

export const BIN = new URL('../../bin/tiller.js', import.meta.url).pathname;

/**
 * The `tiller` command as an operator runs it: a real child process, on store files of its own
 * or on a PostgreSQL schema of its own (when DATABASE_URL is set), both removed by cleanup().
 */
export function cliHarness(name: string) {
  const dataDir = mkdtempSync(join(tmpdir(), `tiller-${name}-`));
  const schema = `${name.replaceAll('-', '_')}_${process.pid}`;
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    TILLER_DATA_DIR: dataDir,
    TILLER_DB_SCHEMA: testDatabaseUrl ? schema : 'public',
    TILLER_LOG_LEVEL: 'warn',
  };
  return {
    dataDir,
    env,
    tiller: (...args: string[]) =>
      spawnSync(process.execPath, [BIN, ...args], { env, encoding: 'utf8', timeout: 60_000 }),
    async cleanup() {
      rmSync(dataDir, { recursive: true, force: true });
      if (!testDatabaseUrl) return;
      const client = new pg.Client(testDatabaseUrl);
      await client.connect();
      await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
      await client.end();
    },
  };
}
