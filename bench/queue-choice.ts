// Job queue choice (docs/adr/0001-job-queue.md): the in-repo `jobs` table driven by ClaimLoop
// versus pg-boss 12, on PGlite (in memory) and on PostgreSQL. Measures
//   a. claim throughput: N jobs enqueued in bulk, then drained by a no-op handler with at most
//      10 jobs in flight (and 100 with --wide), jobs/s until every job is completed;
//   b. wake-up latency: an idle worker; single jobs enqueued one at a time, each inside a
//      business transaction; COMMIT sent -> handler start, p50/p95/max in ms.
//
//   node bench/queue-choice.ts [--store pglite|postgres|both] [--jobs N] [--rounds R]
//                              [--samples S] [--queues LIST] [--wide]
//
// --queues (default in-repo,pg-boss) picks the queues; --wide adds a drain with 100 jobs in flight.
// The in-repo queue is src/queue/jobs.ts as JobRunner uses it (per-queue claims, batched
// completions: the two changes the first runs of this benchmark led to, see the ADR).
//
// Every (store, queue) pair runs in a fresh child process, so no JIT, heap or WASM state leaks
// from one configuration into the next. Pairs are interleaved within each round, and the order
// of the queues flips every round; the report gives medians over rounds. This file is also the
// child: `--child <store> <queue>` prints one `RESULT {json}` line.

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
import {
  batchedCompleter,
  claimJobs,
  insertJob,
  JOBS_CHANNEL,
  type Job,
} from '../src/queue/jobs.ts';

const PG_URL = 'postgres://postgres@127.0.0.1:5432/test';
const QUEUE = 'bench';
const CHILD_TIMEOUT_MS = 100_000;
const WAKE_TIMEOUT_MS = 40_000;
const SAMPLE_SPACING_MS = 20;
const WARMUP_SAMPLES = 3;

const STORES = ['pglite', 'postgres'] as const;
const SYSTEMS = ['in-repo', 'pg-boss'] as const;
type Store = (typeof STORES)[number];
type System = (typeof SYSTEMS)[number];
type Payload = Record<string, unknown>;

/** How many jobs may be in flight at once. */
interface Shape {
  label: string;
  inFlight: number;
  /** pg-boss hands a worker a whole batch: in flight = localConcurrency x batchSize. */
  boss: { batchSize: number; localConcurrency: number };
}

// Batch 10 x 1 worker is pg-boss's fastest split of 10 in flight: 5 x 2 was equal on PostgreSQL
// and slower on PGlite, 2 x 5 slower on both, and batch 1 cannot burst (see bossWorkOptions).
const NARROW: Shape = { label: 'c=10', inFlight: 10, boss: { batchSize: 10, localConcurrency: 1 } };
const WIDE: Shape = { label: 'c=100', inFlight: 100, boss: { batchSize: 50, localConcurrency: 2 } };

// pg-boss's best realistic settings, from reading dist/manager.js, worker.js and notifier.js:
// - useListenNotify + queue `notify: true`: the insert statement itself runs pg_notify, and the
//   listener wakes idle workers at once instead of at their next poll.
// - burstWhenBatchFull: a worker fetches again at once while fetches come back full. Without it
//   a worker sleeps its polling interval after every fetch (30 s with notify, >= 0.5 s without),
//   which is what capped pg-boss at batchSize x workers / 0.5 s in stack-evaluation §4.
// - pollingIntervalSeconds 0.5 (the minimum) is only the fallback if LISTEN is unavailable;
//   notifyPollingIntervalSeconds keeps its 30 s default since NOTIFY does the waking.
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

/** What the measurements need from a queue; the same measuring code drives every system. */
interface QueueUnderTest {
  /** Adds n jobs in one call, each with payload { i }. */
  bulkEnqueue(n: number): Promise<void>;
  /** Adds one job inside a business transaction; resolves, once committed, to the time at
   * which the transaction body had finished (what is left is the COMMIT). */
  enqueueOne(payload: Payload): Promise<number>;
  /** Starts a worker that calls onJob as each handler starts; resolves to its stop function. */
  startWorker(shape: Shape, onJob: (payload: Payload) => void): Promise<() => Promise<void>>;
  /** Jobs not yet completed. */
  remaining(): Promise<number>;
  close(): Promise<void>;
}

interface ChildResult {
  store: Store;
  system: System;
  /** Fresh store to a queue ready to work: migrate(), or pg-boss start() + createQueue(). */
  setupMs: number;
  bulkAddPerS: number;
  narrowPerS: number;
  widePerS: number | null;
  /** COMMIT sent -> handler start, per sample. */
  wakeMs: number[];
  /** enqueue call (BEGIN) -> handler start, per sample. */
  endToEndMs: number[];
  maxRssMb: number;
}

// ---------------------------------------------------------------------------------------------
// In-repo: the jobs table of migration 0001 through src/queue, as JobRunner drives it.

async function inRepoQueue(db: Db, onClose: () => Promise<void>): Promise<QueueUnderTest> {
  await migrate(db);
  const workerId = `bench-${process.pid}`;
  const claim = (limit: number) => claimJobs(db, workerId, [QUEUE], limit, new Date());
  const complete = batchedCompleter(db, workerId);
  return {
    async bulkEnqueue(n) {
      // jobs.ts has no bulk helper: one INSERT of a JSON array of payloads and one wake-up, the
      // way an import would add them (pg-boss's insert() also ships its jobs as one JSON array).
      const payloads = JSON.stringify(Array.from({ length: n }, (_, k) => ({ i: k + 1 })));
      await db.transaction(async (tx) => {
        await tx.query(
          `INSERT INTO jobs (queue, payload) SELECT $1, p FROM jsonb_array_elements($2::jsonb) p`,
          [QUEUE, payloads],
        );
        await notify(tx, JOBS_CHANNEL, QUEUE);
      });
    },
    enqueueOne: (payload) =>
      db.transaction(async (tx) => {
        await insertJob(tx, QUEUE, payload, { runAt: new Date() });
        return performance.now();
      }),
    async startWorker(shape, onJob) {
      const loop = new ClaimLoop<Job>({
        name: 'bench',
        capacity: shape.inFlight,
        pollMs: IN_REPO_POLL_MS,
        claim,
        async handle(job) {
          onJob(job.payload);
          await complete(job);
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
      const [row] = await db.query<{ n: number }>(
        'SELECT count(*)::int AS n FROM jobs WHERE queue = $1',
        [QUEUE],
      );
      return row?.n ?? 0;
    },
    close: onClose,
  };
}

async function openInRepo(store: Store, schema: string): Promise<QueueUnderTest> {
  if (store === 'pglite') {
    const db = await openPglite(undefined, 'public');
    return inRepoQueue(db, () => db.close());
  }
  const db = await openPostgres(PG_URL, schema);
  return inRepoQueue(db, async () => {
    await db.exec(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await db.close();
  });
}

// ---------------------------------------------------------------------------------------------
// pg-boss 12: its own pool on PostgreSQL, its PGlite adapter on PGlite. Jobs are sent with the
// `db` option, so each insert joins the caller's transaction (pg-boss's transactional enqueue).

function bossDbOfTx(tx: Queryable): BossDb {
  return { executeSql: async (text, values) => ({ rows: await tx.query(text, values ?? []) }) };
}

function bossDbOfPgliteTx(tx: Transaction): BossDb {
  return {
    executeSql: async (text, values) => ({ rows: (await tx.query(text, values ?? [])).rows }),
  };
}

interface BossStore {
  boss: PgBoss;
  schema: string;
  /** Runs fn in a transaction on the database pg-boss uses. */
  inTransaction<T>(fn: (db: BossDb) => Promise<T>): Promise<T>;
  count(sql: string, params: unknown[]): Promise<number>;
  close(): Promise<void>;
}

async function openBossStore(store: Store, schema: string): Promise<BossStore> {
  if (store === 'pglite') {
    // openPglite does not expose its PGlite instance, so pg-boss gets one of its own. PGlite
    // queues query() behind an open transaction(), so sharing one instance would also be safe.
    const pglite = await PGlite.create();
    const boss = new PgBoss({ db: fromPglite(pglite), backend: 'pglite', useListenNotify: true });
    return {
      boss,
      schema: 'pgboss',
      inTransaction: (fn) => pglite.transaction((tx) => fn(bossDbOfPgliteTx(tx))),
      count: async (sql, params) =>
        (await pglite.query<{ n: number }>(sql, params)).rows[0]?.n ?? 0,
      close: () => pglite.close(),
    };
  }
  const boss = new PgBoss({ connectionString: PG_URL, schema, useListenNotify: true, max: 10 });
  // Business transactions come from the project's driver, as they would in the app.
  const db = await openPostgres(PG_URL, 'public', 2);
  return {
    boss,
    schema,
    inTransaction: (fn) => db.transaction((tx) => fn(bossDbOfTx(tx))),
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
    enqueueOne: (payload) =>
      s.inTransaction(async (db) => {
        await s.boss.send(QUEUE, payload, { db });
        return performance.now();
      }),
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
// Measurements, identical for every system.

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Drains n jobs already enqueued. The clock stops when the last job is completed in the
 * database, not when its handler starts: pg-boss completes a batch after its handler returns,
 * the in-repo loop each job after its own.
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
  endToEndMs: number[];
}

/**
 * One job at a time into an idle worker, each after the previous one started. The reference is
 * the end of the transaction body, not the moment the enqueuer's await returns: on PGlite the
 * woken worker's claim runs synchronously in WASM right after COMMIT and can get the event loop
 * before the enqueuer does, which would make the faster-to-react queue look even faster.
 */
async function measureWakeUps(q: QueueUnderTest, samples: number): Promise<LatencySamples> {
  const waiting = new Map<number, (at: number) => void>();
  const stop = await q.startWorker(NARROW, (payload) => {
    const at = performance.now();
    if (typeof payload.sample === 'number') waiting.get(payload.sample)?.(at);
  });
  await sleep(200); // let the worker reach its idle wait
  const result: LatencySamples = { wakeMs: [], endToEndMs: [] };
  for (let k = -WARMUP_SAMPLES; k < samples; k++) {
    const handlerStarted = new Promise<number>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`sample ${k}: handler never started`)),
        WAKE_TIMEOUT_MS,
      );
      waiting.set(k, (at) => {
        clearTimeout(timer);
        resolve(at);
      });
    });
    const t0 = performance.now();
    const bodyDone = await q.enqueueOne({ sample: k });
    const startedAt = await handlerStarted;
    waiting.delete(k);
    if (k >= 0) {
      result.wakeMs.push(startedAt - bodyDone);
      result.endToEndMs.push(startedAt - t0);
    }
    await sleep(SAMPLE_SPACING_MS);
  }
  await stop();
  return result;
}

async function runChild(
  store: Store,
  system: System,
  n: number,
  samples: number,
  wide: boolean,
  schema: string,
) {
  const setupStart = performance.now();
  const q =
    system === 'pg-boss' ? await openPgBoss(store, schema) : await openInRepo(store, schema);
  const setupMs = performance.now() - setupStart;
  try {
    const t0 = performance.now();
    await q.bulkEnqueue(n);
    const bulkAddPerS = n / ((performance.now() - t0) / 1000);
    const narrowPerS = await measureThroughput(q, NARROW, n);
    const latency = await measureWakeUps(q, samples);
    let widePerS: number | null = null;
    if (wide) {
      await q.bulkEnqueue(n);
      widePerS = await measureThroughput(q, WIDE, n);
    }
    const maxRssMb = process.resourceUsage().maxRSS / 1024;
    const result: ChildResult = {
      store,
      system,
      setupMs,
      bulkAddPerS,
      narrowPerS,
      widePerS,
      ...latency,
      maxRssMb,
    };
    process.stdout.write(`RESULT ${JSON.stringify(result)}\n`);
  } finally {
    await q.close();
  }
}

// ---------------------------------------------------------------------------------------------
// Parent: rounds of child processes, cleanup, report.

interface RunOptions {
  stores: Store[];
  systems: System[];
  n: number;
  samples: number;
  rounds: number;
  wide: boolean;
}

function runChildProcess(o: RunOptions, store: Store, system: System, schema: string) {
  const args = [
    import.meta.filename,
    '--child',
    store,
    system,
    '--jobs',
    String(o.n),
    '--samples',
    String(o.samples),
  ];
  if (o.wide) args.push('--wide');
  return new Promise<ChildResult>((resolve, reject) => {
    const child = spawn(process.execPath, [...args, '--schema', schema], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
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

/** Safety net: a child that was killed or crashed leaves its schema behind. */
async function dropSchema(schema: string) {
  const client = new pg.Client({ connectionString: PG_URL });
  await client.connect();
  try {
    await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  } finally {
    await client.end();
  }
}

/** Nearest-rank percentile. */
function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[index] ?? Number.NaN;
}

const median = (values: number[]) => percentile(values, 50);

interface Summary {
  narrowPerS: number;
  narrowRuns: number[];
  widePerS: number;
  p50: number;
  p95: number;
  max: number;
  endToEndP50: number;
  bulkAddPerS: number;
  setupMs: number;
  maxRssMb: number;
}

/** Medians over rounds; each round's latency percentiles come from its own samples. */
function summarize(runs: ChildResult[]): Summary {
  return {
    narrowPerS: median(runs.map((r) => r.narrowPerS)),
    narrowRuns: runs.map((r) => r.narrowPerS),
    widePerS: median(runs.map((r) => r.widePerS ?? Number.NaN)),
    p50: median(runs.map((r) => percentile(r.wakeMs, 50))),
    p95: median(runs.map((r) => percentile(r.wakeMs, 95))),
    max: median(runs.map((r) => Math.max(...r.wakeMs))),
    endToEndP50: median(runs.map((r) => percentile(r.endToEndMs, 50))),
    bulkAddPerS: median(runs.map((r) => r.bulkAddPerS)),
    setupMs: median(runs.map((r) => r.setupMs)),
    maxRssMb: median(runs.map((r) => r.maxRssMb)),
  };
}

const fmt = (x: number) =>
  Number.isNaN(x)
    ? '–'
    : x >= 100
      ? Math.round(x).toLocaleString('en-US')
      : x.toFixed(x >= 10 ? 1 : 2);
const row = (cells: string[]) => `| ${cells.join(' | ')} |`;

function printReport(o: RunOptions, results: ChildResult[]) {
  console.log(
    `\nMedians of ${o.rounds} rounds; N=${o.n} jobs; ${o.samples} wake-up samples per round.`,
  );
  console.log(
    'Throughput in jobs/s (higher is better). Wake-up in ms from COMMIT sent to handler start;',
  );
  console.log(
    "end-to-end in ms from the enqueue transaction's BEGIN to handler start (lower is better).\n",
  );
  const header = [
    'store',
    'queue',
    `jobs/s ${NARROW.label}`,
    'runs',
    ...(o.wide ? [`jobs/s ${WIDE.label}`] : []),
    'wake p50',
    'wake p95',
    'wake max',
    'end-to-end p50',
    'bulk add/s',
    'setup ms',
    'max RSS MB',
  ];
  console.log(row(header));
  console.log(row(header.map(() => '---')));
  for (const store of o.stores) {
    const sums = new Map<System, Summary>();
    for (const system of o.systems) {
      const s = summarize(results.filter((r) => r.store === store && r.system === system));
      sums.set(system, s);
      const runs = s.narrowRuns.map((x) => Math.round(x)).join(' ');
      console.log(
        row([
          store,
          system,
          fmt(s.narrowPerS),
          runs,
          ...(o.wide ? [fmt(s.widePerS)] : []),
          fmt(s.p50),
          fmt(s.p95),
          fmt(s.max),
          fmt(s.endToEndP50),
          fmt(s.bulkAddPerS),
          fmt(s.setupMs),
          fmt(s.maxRssMb),
        ]),
      );
    }
    const boss = sums.get('pg-boss');
    for (const [system, a] of sums) {
      if (system === 'pg-boss' || !boss) continue;
      const ratio = (x: number, y: number) =>
        Number.isNaN(x / y) ? '–' : `${(x / y).toFixed(2)}x`;
      console.log(
        row([
          store,
          `${system} / pg-boss`,
          ratio(a.narrowPerS, boss.narrowPerS),
          '',
          ...(o.wide ? [ratio(a.widePerS, boss.widePerS)] : []),
          ratio(a.p50, boss.p50),
          ratio(a.p95, boss.p95),
          ratio(a.max, boss.max),
          ratio(a.endToEndP50, boss.endToEndP50),
          ratio(a.bulkAddPerS, boss.bulkAddPerS),
          ratio(a.setupMs, boss.setupMs),
          ratio(a.maxRssMb, boss.maxRssMb),
        ]),
      );
    }
  }
  console.log('\nRatios are in-repo / pg-boss: above 1 the in-repo queue is faster on throughput,');
  console.log('below 1 it wakes sooner.');
}

async function runParent(o: RunOptions) {
  console.log(
    `machine: nproc ${availableParallelism()}, node ${process.version}, ${process.platform}/${process.arch}`,
  );
  console.log(
    `in-repo: ClaimLoop capacity = jobs in flight, pollMs ${IN_REPO_POLL_MS}, LISTEN/NOTIFY wake-ups.`,
  );
  console.log(
    `pg-boss: ${NARROW.label} = batchSize ${NARROW.boss.batchSize} x localConcurrency ${NARROW.boss.localConcurrency}` +
      (o.wide ? `, ${WIDE.label} = ${WIDE.boss.batchSize} x ${WIDE.boss.localConcurrency}` : '') +
      '; burstWhenBatchFull, useListenNotify + queue notify, pollingIntervalSeconds 0.5.',
  );
  const results: ChildResult[] = [];
  let k = 0;
  for (let round = 1; round <= o.rounds; round++) {
    // Flip the order each round so no queue always runs first on a cooler machine.
    const systems = round % 2 === 1 ? o.systems : [...o.systems].reverse();
    for (const store of o.stores) {
      for (const system of systems) {
        const schema = `bench_queue_${process.pid}_${k++}`;
        const t0 = performance.now();
        try {
          const r = await runChildProcess(o, store, system, schema);
          results.push(r);
          console.log(
            `round ${round} ${store}/${system}: ${Math.round(r.narrowPerS)} jobs/s, ` +
              `wake p50 ${percentile(r.wakeMs, 50).toFixed(2)} ms (${((performance.now() - t0) / 1000).toFixed(1)} s)`,
          );
        } finally {
          if (store === 'postgres') await dropSchema(schema);
        }
      }
    }
  }
  printReport(o, results);
}

function parseList<T extends string>(value: string, allowed: readonly T[], flag: string): T[] {
  const items = value.split(',').map((s) => s.trim());
  const bad = items.filter((s) => !(allowed as readonly string[]).includes(s));
  if (bad.length > 0)
    throw new Error(`${flag}: unknown ${bad.join(', ')} (allowed: ${allowed.join(', ')})`);
  return items as T[];
}

async function main() {
  const { values, positionals } = parseArgs({
    options: {
      store: { type: 'string', default: 'both' },
      jobs: { type: 'string', default: '5000' },
      rounds: { type: 'string', default: '3' },
      samples: { type: 'string', default: '50' },
      queues: { type: 'string', default: 'in-repo,pg-boss' },
      wide: { type: 'boolean', default: false },
      child: { type: 'boolean', default: false },
      schema: { type: 'string', default: `bench_queue_${process.pid}` },
    },
    allowPositionals: true,
  });
  const n = Number(values.jobs);
  const samples = Number(values.samples);
  if (values.child) {
    const [store, system] = positionals as [Store, System];
    await runChild(store, system, n, samples, values.wide, values.schema);
    return;
  }
  await runParent({
    stores: values.store === 'both' ? [...STORES] : parseList(values.store, STORES, '--store'),
    systems: parseList(values.queues, SYSTEMS, '--queues'),
    n,
    samples,
    rounds: Number(values.rounds),
    wide: values.wide,
  });
}

await main();
