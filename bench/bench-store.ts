// What the issue-5 benchmarks share: a store of their own (PGlite in memory, or a PostgreSQL
// schema dropped afterwards), the raw job-claim rate most of them compare against, and the run of
// one store in a child process of its own (so no JIT or WASM state leaks between stores).
import { spawn } from 'node:child_process';
import { ClaimLoop } from '../src/queue/claim-loop.ts';
import { batchedCompleter, claimJobs, insertJob, type Job } from '../src/queue/jobs.ts';
import type { Db } from '../src/store/db.ts';
import { openPglite } from '../src/store/drivers/pglite.ts';
import { openPostgres } from '../src/store/drivers/postgres.ts';
import { migrate } from '../src/store/migrate.ts';

export const PG_URL = process.env.DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/test';
export type Store = 'pglite' | 'postgres';

/** The schema this process's PostgreSQL store uses (worker processes join it by name). */
export const benchSchema = () => `bench_${process.pid}`;

export async function openStore(store: Store): Promise<{ db: Db; drop: () => Promise<void> }> {
  if (store === 'pglite') {
    const db = await openPglite(undefined, 'public');
    return { db, drop: () => db.close() };
  }
  const schema = benchSchema();
  const db = await openPostgres(PG_URL, schema, 10);
  return {
    db,
    drop: async () => {
      await db.query(`DROP SCHEMA "${schema}" CASCADE`);
      await db.close();
    },
  };
}

/** The baseline: N no-op jobs drained by the queue engine the dialer and deliverer also use. */
export async function rawClaimRate(store: Store, jobs: number): Promise<number> {
  const { db, drop } = await openStore(store);
  await migrate(db);
  await db.transaction(async (tx) => {
    for (let i = 0; i < jobs; i += 1000) {
      await tx.query(
        `INSERT INTO jobs (queue, payload) SELECT 'bench', '{}'::jsonb FROM generate_series(1, $1)`,
        [Math.min(1000, jobs - i)],
      );
    }
    await insertJob(tx, 'bench-marker', {}, { runAt: new Date() });
  });
  const complete = batchedCompleter(db, 'bench');
  let done = 0;
  let finish: () => void = () => {};
  const finished = new Promise<void>((resolve) => (finish = resolve));
  const loop = new ClaimLoop<Job>({
    name: 'bench',
    capacity: 100,
    pollMs: 50,
    claim: (limit) => claimJobs(db, 'bench', ['bench'], limit, new Date()),
    handle: async (job) => {
      await complete(job);
      if (++done === jobs) finish();
    },
    onError: (error) => console.error(error),
  });
  const t0 = performance.now();
  loop.start();
  await finished;
  const seconds = (performance.now() - t0) / 1000;
  await loop.stop(1_000);
  await drop();
  return jobs / seconds;
}

/**
 * Runs `node [nodeFlags] <script> --child <store> ...args` and returns the JSON of the one
 * `RESULT {json}` line the child prints.
 */
export async function childResult(
  script: string,
  store: Store,
  args: string[],
  nodeFlags: string[] = [],
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- each benchmark reads its own fields
): Promise<any> {
  const out = await new Promise<string>((resolve, reject) => {
    const p = spawn(process.execPath, [...nodeFlags, script, '--child', store, ...args], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let text = '';
    p.stdout.on('data', (c: Buffer) => (text += c.toString()));
    p.on('exit', (code) => (code === 0 ? resolve(text) : reject(new Error(`child exit ${code}`))));
  });
  const line = out.split('\n').find((l) => l.startsWith('RESULT '));
  if (!line) throw new Error(`no result from the ${store} child:\n${out}`);
  return JSON.parse(line.slice(7));
}
