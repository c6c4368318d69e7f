// Dial engine throughput (issue 5, benchmark 2): one task of N callees on the simulated carrier
// with zero talk time and no concurrency cap, run until every number is final, every result is
// stored and every webhook is delivered to a loopback receiver. Baseline: the same store's raw
// job-claim rate (ClaimLoop + claimJobs with a no-op handler), measured in the same run.
//
//   node bench/dial-engine.ts [--store pglite|postgres|both] [--callees N] [--jobs N] [--workers W]
//
// --workers 2 adds benchmark 6: the PostgreSQL run again with a second process (`tiller worker`)
// claiming from the same schema, and the ratio of the two rates.
// Each store runs in a child process of its own (`--child <store>` prints one RESULT line), so no
// JIT or WASM state leaks between them. Targets: >= 1,000 calls/s on PostgreSQL, >= 300 on PGlite.

import { spawn } from 'node:child_process';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parseArgs } from 'node:util';
import { SimulatedCallControl } from '../src/channels/telephony/simulated/simulated-call-control.ts';
import { loadConfig } from '../src/config.ts';
import { ToneTts } from '../src/dialogue/tts/tone-tts.ts';
import { startTiller } from '../src/runtime.ts';
import { createLogger } from '../src/shared/logger.ts';
import { PG_URL, benchSchema, childResult, openStore, rawClaimRate } from './bench-store.ts';

const TARGET = { pglite: 300, postgres: 1_000 } as const;
type Store = keyof typeof TARGET;

const { values } = parseArgs({
  options: {
    store: { type: 'string', default: 'both' },
    callees: { type: 'string', default: '20000' },
    jobs: { type: 'string', default: '20000' },
    child: { type: 'string' },
    // Benchmark 6: the PostgreSQL run again with a second worker process (`tiller worker`).
    workers: { type: 'string', default: '1' },
  },
});
const workers = Number(values.workers);
const callees = Number(values.callees);
const jobs = Number(values.jobs);

async function dialRate(store: Store) {
  const { db, drop } = await openStore(store);
  const extra = store === 'postgres' && workers > 1 ? startExtraWorkers(workers - 1) : [];
  let delivered = 0;
  const receiver = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      delivered += 1;
      res.writeHead(200).end('{}');
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  const receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;
  const config = loadConfig(
    {},
    {
      port: 0,
      host: '127.0.0.1',
      demo: false,
      recordings: false,
      timeScale: 1_000_000, // zero talk time: the carrier's waits round to nothing
      appConcurrency: 100_000,
      taskConcurrency: 100_000,
      pollIntervalMs: 50,
      webhookTimeoutMs: 10_000,
      defaultCallingWindows: [{ days: [1, 2, 3, 4, 5, 6, 7], start: '00:00', end: '24:00' }],
    },
  );
  const runtime = await startTiller({
    config,
    api: false,
    worker: true,
    db,
    callControl: new SimulatedCallControl({ timeScale: config.timeScale }),
    tts: new ToneTts(),
    log: createLogger({ level: 'error', logPii: false }),
  });
  const { auth, tasks } = runtime.services;
  const app = await auth.createApp({ name: 'bench', webhookUrl: receiverUrl });
  const caller = { appId: app.app.id, timezone: 'UTC' };
  // Numbers ending 0-3 and 8-9 answer; 4 (voicemail), 5 (no answer) and 6 (busy) are redialled
  // once, 7 is invalid: the persona mix of docs/simulator.md.
  const list = Array.from({ length: callees }, (_, i) => ({
    callee_number: `+62812${String(1_000_000 + i).padStart(8, '0')}`,
  }));
  const t0 = performance.now();
  const { task_id } = await tasks.create(caller, {
    task_name: 'bench',
    robot_id: '4496',
    redial_times: 1,
    callees: list,
  });
  const created = performance.now();
  for (;;) {
    const [row] = await db.query<{ status: string; events: number }>(
      `SELECT t.status, (SELECT count(*) FROM webhook_events WHERE app_id = $2) AS events
       FROM tasks t WHERE t.id = $1`,
      [task_id, app.app.id],
    );
    if (row!.status === 'Finished' && delivered >= Number(row!.events)) break;
    await new Promise((r) => setTimeout(r, 20));
  }
  const seconds = (performance.now() - created) / 1000;
  const [n] = await db.query<{ calls: number }>(
    "SELECT count(*) AS calls FROM calls WHERE task_id = $1 AND state = 'final'",
    [task_id],
  );
  for (const p of extra) p.kill('SIGTERM');
  await Promise.all(extra.map((p) => new Promise((r) => p.once('exit', r))));
  const failures = await db.query<{ error: string | null; n: number }>(
    `SELECT coalesce(error, 'HTTP ' || http_status) AS error, count(*) AS n FROM webhook_deliveries
     WHERE http_status IS NULL OR http_status >= 300 GROUP BY 1 ORDER BY 2 DESC LIMIT 3`,
  );
  await runtime.stop();
  await new Promise<void>((resolve) => receiver.close(() => resolve()));
  await drop();
  return {
    calls: Number(n!.calls),
    webhooks: delivered,
    seconds,
    createSeconds: (created - t0) / 1000,
    failedAttempts: failures.map((f) => `${Number(f.n)} x ${f.error}`).join('; '),
  };
}

/** Worker processes on the same PostgreSQL schema: they claim from the same tables. */
function startExtraWorkers(n: number) {
  const bin = new URL('../bin/tiller.js', import.meta.url).pathname;
  return Array.from({ length: n }, () =>
    spawn(process.execPath, [bin, 'worker'], {
      stdio: ['ignore', 'ignore', 'inherit'],
      env: {
        ...process.env,
        DATABASE_URL: PG_URL,
        TILLER_DB_SCHEMA: `${benchSchema()}`,
        TILLER_TIME_SCALE: '1000000',
        TILLER_RECORDINGS: 'false',
        TILLER_APP_CONCURRENCY: '100000',
        TILLER_TASK_CONCURRENCY: '100000',
        TILLER_POLL_INTERVAL_MS: '50',
        TILLER_DEMO: 'false',
        TILLER_LOG_LEVEL: 'error',
      },
    }),
  );
}

async function child(store: Store) {
  const raw = await rawClaimRate(store, jobs);
  const dial = await dialRate(store);
  console.log(`RESULT ${JSON.stringify({ store, raw, ...dial })}`);
}

async function main() {
  const stores: Store[] =
    values.store === 'both' ? ['pglite', 'postgres'] : [values.store as Store];
  console.log(`dial engine: ${callees} callees, zero talk time, no concurrency cap`);
  const runs: Array<[Store, number]> = stores.map((store) => [store, 1]);
  if (workers > 1 && stores.includes('postgres')) runs.push(['postgres', workers]);
  const rates = new Map<string, number>();
  for (const [store, processes] of runs) {
    const r = await childResult(import.meta.filename, store, [
      '--callees',
      String(callees),
      '--jobs',
      String(jobs),
      '--workers',
      String(processes),
    ]);
    const rate = r.calls / r.seconds;
    rates.set(`${store}/${processes}`, rate);
    const label = processes > 1 ? `${store} x${processes}` : store;
    console.log(
      `${label.padEnd(11)} ${r.calls} calls, ${r.webhooks} webhooks in ${r.seconds.toFixed(1)} s: ` +
        `${rate.toFixed(0)} calls/s (target ${TARGET[store]}); raw claims ${r.raw.toFixed(0)} jobs/s; ` +
        `ratio ${(rate / r.raw).toFixed(2)}; task create ${r.createSeconds.toFixed(1)} s`,
    );
    if (r.failedAttempts)
      console.log(`            failed delivery attempts (retried): ${r.failedAttempts}`);
  }
  const one = rates.get('postgres/1');
  const many = rates.get(`postgres/${workers}`);
  if (workers > 1 && one && many) {
    // On this 2-core machine the processes share the cores with PostgreSQL itself.
    console.log(
      `scale-out: ${workers} worker processes on PostgreSQL = ${(many / one).toFixed(2)}x one`,
    );
  }
}

if (values.child) await child(values.child as Store);
else await main();
