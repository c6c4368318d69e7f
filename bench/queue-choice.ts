// Job queue choice (docs/adr/0001-job-queue.md): the in-repo `jobs` table driven by ClaimLoop
// versus pg-boss 12, on PGlite (in memory) and on PostgreSQL. Measures
//   a. claim throughput: N jobs enqueued in bulk, then drained by a no-op handler, jobs/s;
//   b. wake-up latency: an idle worker, single jobs enqueued one at a time inside a transaction,
//      enqueue commit -> handler start, p50/p95/max in ms.
//
//   node bench/queue-choice.ts [--store pglite|postgres|both] [--jobs N] [--rounds R] [--samples S]
//
// Every (store, queue) pair runs in a fresh child process (no JIT, heap or WASM state carried
// from one configuration to the next), interleaved within each round, and the parent reports
// medians over rounds. The same file is the child: `--child <store> <queue>` prints one JSON line.

import { spawn } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { parseArgs } from 'node:util';
import { PGlite, type Transaction } from '@electric-sql/pglite';
import pg from 'pg';
import { fromPglite, PgBoss, type Db as BossDb, type WorkOptions } from 'pg-boss';
import type { Db, Queryable } from '../src/store/db.ts';
import { notify } from '../src/store/db.ts';
import { openPglite } from '../src/store/drivers/pglite.ts';
import { openPostgres } from '../src/store/drivers/postgres.ts';
import { migrate } from '../src/store/migrate.ts';
import { ClaimLoop } from '../src/queue/claim-loop.ts';
import { claimJobs, completeJob, enqueue, JOBS_CHANNEL, type Job } from '../src/queue/jobs.ts';

const PG_URL = 'postgres://postgres@127.0.0.1:5432/test';
const QUEUE = 'bench';
const CHILD_TIMEOUT_MS = 100_000;
const WAKE_TIMEOUT_MS = 40_000;
const SAMPLE_SPACING_MS = 20;
const WARMUP_SAMPLES = 3;

type Store = 'pglite' | 'postgres';
type System = 'in-repo' | 'in-repo-eq' | 'pg-boss';
type Payload = Record<string, unknown>;

/** How many jobs may be in flight at once. "narrow" is the brief's concurrency 10. */
interface Shape {
  label: string;
  inFlight: number;
  /** pg-boss splits in-flight jobs into localConcurrency workers of batchSize jobs each. */
  boss: { batchSize: number; localConcurrency: number };
}

const NARROW: Shape = { label: 'c=10', inFlight: 10, boss: { batchSize: 10, localConcurrency: 1 } };
const WIDE: Shape = { label: 'c=100', inFlight: 100, boss: { batchSize: 50, localConcurrency: 2 } };

// pg-boss's best realistic settings, found by reading dist/manager.js and dist/worker.js:
// - useListenNotify + queue `notify: true`: a job insert runs pg_notify in the same statement,
//   and an idle worker is woken at once instead of waiting out its poll.
// - burstWhenBatchFull: a worker re-fetches at once while fetches come back full. Without it the
//   worker sleeps its polling interval after every fetch (30 s with notify on, 0.5 s at least
//   without), which caps 10 workers x batch 1 at 20 jobs/s (see stack-evaluation §4).
// - batch 10 x 1 worker: the fastest split of 10 in flight (5x2 was equal on PostgreSQL and
//   slower on PGlite; batch 1 cannot burst at all). pollingIntervalSeconds 0.5 (the minimum) is
//   only the fallback if LISTEN fails; notifyPollingIntervalSeconds keeps its 30 s default.
function bossWorkOptions(shape: Shape): WorkOptions {
  return {
    batchSize: shape.boss.batchSize,
    localConcurrency: shape.boss.localConcurrency,
    burstWhenBatchFull: true,
    pollingIntervalSeconds: 0.5,
  };
}

/** The in-repo loop's fallback poll: the project default (TILLER_POLL_INTERVAL_MS). */
const IN_REPO_POLL_MS = 1_000;

/** What the measurements need from a queue; the same driver code runs both systems. */
interface QueueUnderTest {
  /** Adds n jobs in one transaction, each with payload { i }. */
  bulkEnqueue(n: number): Promise<void>;
  /** Adds one job inside a business transaction; resolves once committed. */
  enqueueOne(payload: Payload): Promise<void>;
  /** Starts a worker calling onJob at handler start; resolves to its stop function. */
  startWorker(shape: Shape, onJob: (payload: Payload) => void): Promise<() => Promise<void>>;
  /** Jobs not yet completed. */
  remaining(): Promise<number>;
  close(): Promise<void>;
}

interface ChildResult {
  store: Store;
  system: System;
  enqueueBulkPerS: number;
  narrowPerS: number;
  widePerS: number;
  wakeMs: number[];
  enqueueOneMs: number[];
}

// ---------------------------------------------------------------------------------------------
// In-repo: the jobs table of migration 0001 through src/queue (what JobRunner does, minus logs).

/**
 * claimJobs with one change: `queue = $2` instead of `queue = ANY($2::text[])`. With ANY over an
 * array the planner cannot take rows from jobs_ready (queue, run_at, id) in claim order, so it
 * reads and sorts every ready row before LIMIT: each claim costs O(backlog). With equality the
 * index yields rows in order and LIMIT stops early. Measured to show what that costs.
 */
function claimOneQueue(q: Queryable, workerId: string, queue: string, limit: number): Promise<Job[]> {
  return q.query<Job>(
    `UPDATE jobs SET locked_by = $1, locked_at = now(), attempts = attempts + 1
     WHERE id IN (
       SELECT id FROM jobs
       WHERE queue = $2 AND locked_by IS NULL AND failed_at IS NULL AND run_at <= now()
       ORDER BY run_at, id
       LIMIT $3
       FOR UPDATE SKIP LOCKED)
     RETURNING id, queue, payload, attempts, max_attempts`,
    [workerId, queue, limit],
  );
}

async function inRepoQueue(db: Db, claimEq: boolean, onClose: () => Promise<void>): Promise<QueueUnderTest> {
  await migrate(db);
  const workerId = `bench-${process.pid}`;
  return {
    async bulkEnqueue(n) {
      // jobs.ts has no bulk helper: one INSERT ... SELECT and one wake-up, as a bulk import would.
      await db.transaction(async (tx) => {
        await tx.query(
          `INSERT INTO jobs (queue, payload) SELECT $1, jsonb_build_object('i', g) FROM generate_series(1, $2) g`,
          [QUEUE, n],
        );
        await notify(tx, JOBS_CHANNEL, QUEUE);
      });
    },
    enqueueOne: (payload) => db.transaction((tx) => enqueue(tx, QUEUE, payload)),
    async startWorker(shape, onJob) {
      const loop = new ClaimLoop<Job>({
        name: 'bench',
        capacity: shape.inFlight,
        pollMs: IN_REPO_POLL_MS,
        claim: (limit) => (claimEq ? claimOneQueue(db, workerId, QUEUE, limit) : claimJobs(db, workerId, [QUEUE], limit)),
        async handle(job) {
          onJob(job.payload);
          await completeJob(db, job, workerId);
        },
        onError: (error) => console.error('in-repo loop error', error),
      });
      const unlisten = await db.listen(JOBS_CHANNEL, (queue) => {
        if (queue === QUEUE) loop.wake();
      });
      loop.start();
      return async () => {
        await unlisten();
        await loop.stop(5_000);
      };
    },
    async remaining() {
      const [row] = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM jobs WHERE queue = $1', [QUEUE]);
      return row?.n ?? 0;
    },
    close: onClose,
  };
}

async function openInRepo(store: Store, schema: string, claimEq: boolean): Promise<QueueUnderTest> {
  if (store === 'pglite') {
    const db = await openPglite(undefined, 'public');
    return inRepoQueue(db, claimEq, () => db.close());
  }
  const db = await openPostgres(PG_URL, schema);
  return inRepoQueue(db, claimEq, async () => {
    await db.exec(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await db.close();
  });
}

// ---------------------------------------------------------------------------------------------
// pg-boss 12: its own pool on PostgreSQL, its PGlite adapter on PGlite.

/** A business transaction seen as a pg-boss Db, so send() joins it (the `db` send option). */
function bossTxDb(tx: Queryable): BossDb {
  return { executeSql: async (text, values) => ({ rows: await tx.query(text, values ?? []) }) };
}

function pgliteTxDb(tx: Transaction): BossDb {
  return { executeSql: async (text, values) => ({ rows: (await tx.query(text, values ?? [])).rows }) };
}

interface BossStore {
  boss: PgBoss;
  schema: string;
  /** Runs fn in a transaction of the same database pg-boss uses. */
  inTransaction(fn: (db: BossDb) => Promise<void>): Promise<void>;
  count(sql: string, params: unknown[]): Promise<number>;
  close(): Promise<void>;
}

async function openBossStore(store: Store, schema: string): Promise<BossStore> {
  if (store === 'pglite') {
    // openPglite hides its PGlite instance, so pg-boss gets one of its own, as an app would have to.
    const pglite = await PGlite.create();
    const boss = new PgBoss({ db: fromPglite(pglite), backend: 'pglite', useListenNotify: true });
    return {
      boss,
      schema: 'pgboss',
      inTransaction: async (fn) => {
        await pglite.transaction((tx) => fn(pgliteTxDb(tx)));
      },
      count: async (sql, params) => (await pglite.query<{ n: number }>(sql, params)).rows[0]?.n ?? 0,
      close: () => pglite.close(),
    };
  }
  const boss = new PgBoss({ connectionString: PG_URL, schema, useListenNotify: true, max: 10 });
  // Business transactions come from the project's own driver, as they would in the app.
  const db = await openPostgres(PG_URL, 'public', 2);
  return {
    boss,
    schema,
    inTransaction: (fn) => db.transaction((tx) => fn(bossTxDb(tx))),
    count: async (sql, params) => (await db.query<{ n: number }>(sql, params))[0]?.n ?? 0,
    close: async () => {
      await db.exec(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
      await db.close();
    },
  };
}

async function openPgBoss(store: Store, schema: string): Promise<QueueUnderTest> {
  const s = await openBossStore(store, schema);
  s.boss.on('error', (error) => console.error('pg-boss error', error.message));
  s.boss.on('warning', (warning) => console.error('pg-boss warning', warning.message));
  await s.boss.start();
  await s.boss.createQueue(QUEUE, { notify: true });
  return {
    async bulkEnqueue(n) {
      await s.boss.insert(
        QUEUE,
        Array.from({ length: n }, (_, k) => ({ data: { i: k + 1 } })),
      );
    },
    enqueueOne: (payload) => s.inTransaction(async (db) => void (await s.boss.send(QUEUE, payload, { db }))),
    async startWorker(shape, onJob) {
      await s.boss.work<Payload>(QUEUE, bossWorkOptions(shape), async (jobs) => {
        for (const job of jobs) onJob(job.data);
      });
      return () => s.boss.offWork(QUEUE, { wait: true });
    },
    remaining: () =>
      s.count(
        `SELECT count(*)::int AS n FROM "${s.schema}".job WHERE name = $1 AND state IN ('created', 'retry', 'active')`,
        [QUEUE],
      ),
    async close() {
      await s.boss.stop({ graceful: true, timeout: 5_000 });
      await s.close();
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Measurements, identical for both systems.

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Drains n pre-enqueued jobs. The clock stops when the last job is completed in the database,
 * not merely started: both systems complete after the handler returns (pg-boss per batch).
 */
async function measureThroughput(q: QueueUnderTest, shape: Shape, n: number): Promise<number> {
  let started = 0;
  let allStarted!: () => void;
  const everyJobStarted = new Promise<void>((resolve) => (allStarted = resolve));
  const t0 = performance.now();
  const stop = await q.startWorker(shape, () => {
    if (++started === n) allStarted();
  });
  await everyJobStarted;
  while ((await q.remaining()) > 0) await sleep(2);
  const seconds = (performance.now() - t0) / 1000;
  await stop();
  return n / seconds;
}

interface LatencySamples {
  wakeMs: number[];
  enqueueOneMs: number[];
}

/** One job at a time into an idle worker; the next only after the previous one started. */
async function measureWakeUps(q: QueueUnderTest, samples: number): Promise<LatencySamples> {
  const waiting = new Map<number, (at: number) => void>();
  const stop = await q.startWorker(NARROW, (payload) => {
    const at = performance.now();
    if (typeof payload.sample === 'number') waiting.get(payload.sample)?.(at);
  });
  await sleep(200); // let the worker reach its idle wait
  const result: LatencySamples = { wakeMs: [], enqueueOneMs: [] };
  for (let k = -WARMUP_SAMPLES; k < samples; k++) {
    const handlerStarted = new Promise<number>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`sample ${k}: no handler start`)), WAKE_TIMEOUT_MS);
      waiting.set(k, (at) => {
        clearTimeout(timer);
        resolve(at);
      });
    });
    const t0 = performance.now();
    await q.enqueueOne({ sample: k });
    const committed = performance.now();
    const startedAt = await handlerStarted;
    waiting.delete(k);
    if (k >= 0) {
      result.wakeMs.push(startedAt - committed);
      result.enqueueOneMs.push(committed - t0);
    }
    await sleep(SAMPLE_SPACING_MS);
  }
  await stop();
  return result;
}

async function runChild(store: Store, system: System, n: number, samples: number, schema: string) {
  const q = system === 'pg-boss' ? await openPgBoss(store, schema) : await openInRepo(store, schema, system === 'in-repo-eq');
  try {
    const t0 = performance.now();
    await q.bulkEnqueue(n);
    const enqueueBulkPerS = n / ((performance.now() - t0) / 1000);
    const narrowPerS = await measureThroughput(q, NARROW, n);
    const latency = await measureWakeUps(q, samples);
    await q.bulkEnqueue(n);
    const widePerS = await measureThroughput(q, WIDE, n);
    const result: ChildResult = { store, system, enqueueBulkPerS, narrowPerS, widePerS, ...latency };
    process.stdout.write(`RESULT ${JSON.stringify(result)}\n`);
  } finally {
    await q.close();
  }
}

// ---------------------------------------------------------------------------------------------
// Parent: rounds, child processes, cleanup, report.

function runChildProcess(store: Store, system: System, n: number, samples: number, schema: string) {
  return new Promise<ChildResult>((resolve, reject) => {
    const args = [import.meta.filename, '--child', store, system, '--jobs', String(n), '--samples', String(samples)];
    const child = spawn(process.execPath, [...args, '--schema', schema], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), CHILD_TIMEOUT_MS);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const line = out.split('\n').find((l) => l.startsWith('RESULT '));
      if (code === 0 && line) resolve(JSON.parse(line.slice('RESULT '.length)) as ChildResult);
      else reject(new Error(`${store}/${system} child failed (code ${code}, signal ${signal})`));
    });
  });
}

/** Safety net: a killed child leaves its schema behind. */
async function dropSchema(schema: string) {
  const client = new pg.Client({ connectionString: PG_URL });
  await client.connect();
  try {
    await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  } finally {
    await client.end();
  }
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[index] ?? Number.NaN;
}

const median = (values: number[]) => percentile(values, 50);

interface Summary {
  enqueueBulkPerS: number;
  narrowPerS: number;
  narrowRuns: number[];
  widePerS: number;
  p50: number;
  p95: number;
  max: number;
  enqueueOneMs: number;
}

/** Medians over rounds; each round's latency figures come from its own samples. */
function summarize(runs: ChildResult[]): Summary {
  return {
    enqueueBulkPerS: median(runs.map((r) => r.enqueueBulkPerS)),
    narrowPerS: median(runs.map((r) => r.narrowPerS)),
    narrowRuns: runs.map((r) => r.narrowPerS),
    widePerS: median(runs.map((r) => r.widePerS)),
    p50: median(runs.map((r) => percentile(r.wakeMs, 50))),
    p95: median(runs.map((r) => percentile(r.wakeMs, 95))),
    max: median(runs.map((r) => Math.max(...r.wakeMs))),
    enqueueOneMs: median(runs.map((r) => percentile(r.enqueueOneMs, 50))),
  };
}

function printReport(results: ChildResult[], stores: Store[], n: number, samples: number, rounds: number) {
  const fmt = (x: number) => (x >= 100 ? Math.round(x).toLocaleString('en-US') : x.toFixed(x >= 10 ? 1 : 2));
  const row = (cells: string[]) => `| ${cells.join(' | ')} |`;
  console.log(`\nMedians of ${rounds} rounds; N=${n} jobs, ${samples} wake-up samples per round.`);
  console.log(`Throughput: jobs/s, higher is better. Wake-up: ms from enqueue commit to handler start, lower is better.\n`);
  console.log(
    row(['store', 'queue', `jobs/s ${NARROW.label}`, 'runs', `jobs/s ${WIDE.label}`, 'wake p50', 'wake p95', 'wake max', 'enqueue tx p50 ms', 'bulk add/s']),
  );
  console.log(row(Array.from({ length: 10 }, () => '---')));
  for (const store of stores) {
    const sums = {} as Record<System, Summary>;
    for (const system of ['in-repo', 'pg-boss'] as const) {
      const s = summarize(results.filter((r) => r.store === store && r.system === system));
      sums[system] = s;
      const runs = s.narrowRuns.map((x) => Math.round(x)).join(' ');
      console.log(
        row([store, system, fmt(s.narrowPerS), runs, fmt(s.widePerS), fmt(s.p50), fmt(s.p95), fmt(s.max), fmt(s.enqueueOneMs), fmt(s.enqueueBulkPerS)]),
      );
    }
    const a = sums['in-repo'];
    const b = sums['pg-boss'];
    const ratio = (x: number, y: number) => `${(x / y).toFixed(2)}x`;
    console.log(
      row([store, '**in-repo / pg-boss**', ratio(a.narrowPerS, b.narrowPerS), '', ratio(a.widePerS, b.widePerS),
        ratio(a.p50, b.p50), ratio(a.p95, b.p95), ratio(a.max, b.max), ratio(a.enqueueOneMs, b.enqueueOneMs),
        ratio(a.enqueueBulkPerS, b.enqueueBulkPerS)]),
    );
  }
  console.log(`\nThroughput ratio > 1: in-repo faster. Latency ratio < 1: in-repo wakes sooner.`);
}

async function runParent(stores: Store[], n: number, samples: number, rounds: number) {
  console.log(`machine: nproc=${availableParallelism()}, node ${process.version}, ${process.platform}/${process.arch}`);
  console.log(`pg-boss per ${NARROW.label}: batchSize ${NARROW.boss.batchSize} x localConcurrency ${NARROW.boss.localConcurrency}; ` +
    `per ${WIDE.label}: ${WIDE.boss.batchSize} x ${WIDE.boss.localConcurrency}; burstWhenBatchFull, LISTEN/NOTIFY on.`);
  console.log(`in-repo: ClaimLoop capacity = in-flight, pollMs ${IN_REPO_POLL_MS}, LISTEN/NOTIFY wake-ups.`);
  const results: ChildResult[] = [];
  let k = 0;
  for (let round = 1; round <= rounds; round++) {
    // Alternate which queue goes first so neither always runs on a cooler machine.
    const systems: System[] = round % 2 === 1 ? ['in-repo', 'pg-boss'] : ['pg-boss', 'in-repo'];
    for (const store of stores) {
      for (const system of systems) {
        const schema = `bench_queue_${process.pid}_${k++}`;
        const t0 = performance.now();
        try {
          const r = await runChildProcess(store, system, n, samples, schema);
          results.push(r);
          console.log(`round ${round} ${store}/${system}: ${Math.round(r.narrowPerS)} jobs/s, ` +
            `wake p50 ${percentile(r.wakeMs, 50).toFixed(2)} ms (${((performance.now() - t0) / 1000).toFixed(1)} s)`);
        } finally {
          if (store === 'postgres') await dropSchema(schema);
        }
      }
    }
  }
  printReport(results, stores, n, samples, rounds);
}

async function main() {
  const { values, positionals } = parseArgs({
    options: {
      store: { type: 'string', default: 'both' },
      jobs: { type: 'string', default: '5000' },
      rounds: { type: 'string', default: '3' },
      samples: { type: 'string', default: '50' },
      child: { type: 'boolean', default: false },
      schema: { type: 'string', default: `bench_queue_${process.pid}` },
    },
    allowPositionals: true,
  });
  const n = Number(values.jobs);
  const samples = Number(values.samples);
  if (values.child) {
    const [store, system] = positionals as [Store, System];
    await runChild(store, system, n, samples, values.schema);
    return;
  }
  const stores: Store[] = values.store === 'both' ? ['pglite', 'postgres'] : [values.store as Store];
  if (!stores.every((s) => s === 'pglite' || s === 'postgres')) throw new Error('--store pglite|postgres|both');
  await runParent(stores, n, samples, Number(values.rounds));
}

await main();
