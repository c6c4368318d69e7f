// Webhook throughput (issue 5, benchmark 5): N events already queued in the outbox (inserted in
// bulk with SQL, created_at = next_attempt_at = now()) for an app whose webhook URL is a loopback
// receiver, delivered by a worker-only runtime started afterwards, until the receiver has every
// event and every row is 'delivered'. Reports deliveries/s and the lag of each event (receive time
// minus enqueue time; since all are enqueued at once, this is mostly its place in the queue).
// Baseline: the same store's raw job-claim rate (as in bench/dial-engine.ts), in the same run.
//
//   npm run bench:webhooks -- [--store pglite|postgres|both] [--events 20000,50000] [--jobs N]
//                             [--grouped N] [--concurrency N]
//
// Each queue size runs on a fresh store, so the rate at 50,000 against the rate at 20,000 shows
// whether delivery slows as the queue grows (target: it does not). `--grouped N` queues the events
// as tasks of N call events closed by their task event (a barrier: delivered only after the calls
// of its task, docs/webhooks.md), to measure what ordering costs; default 0, no ordering.
// The worker runs the configuration a user gets on that store: the config is built from an
// environment with only DATABASE_URL set on PostgreSQL (nothing on PGlite), as `tiller serve` sees;
// `--concurrency N` adds TILLER_WEBHOOK_CONCURRENCY=N to it, to try another setting.
//
// Each store runs in a child process of its own (`--child <store>` prints one RESULT line), so no
// JIT or WASM state leaks between them. Target: >= 2,000 deliveries/s at 50,000 on PostgreSQL.

import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parseArgs } from 'node:util';
import { loadConfig } from '../src/config.ts';
import { ToneTts } from '../src/dialogue/tts/tone-tts.ts';
import { startTiller } from '../src/runtime.ts';
import { createLogger } from '../src/shared/logger.ts';
import { PG_URL, type Store, childResult, openStore, rawClaimRate } from './bench-store.ts';

const TARGET = { postgres: 2_000 } as const;

const { values } = parseArgs({
  options: {
    store: { type: 'string', default: 'both' },
    events: { type: 'string', default: '20000,50000' },
    jobs: { type: 'string', default: '20000' },
    grouped: { type: 'string', default: '0' },
    concurrency: { type: 'string' },
    child: { type: 'string' },
  },
});
const sizes = values.events.split(',').map(Number);
const jobs = Number(values.jobs);
const grouped = Number(values.grouped);

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? NaN;
}

async function deliveryRate(store: Store, events: number) {
  const { db, drop } = await openStore(store);
  // First receive time (ms since epoch) per webhook-id; repeats (at-least-once) are counted apart.
  const received = new Map<string, number>();
  let repeats = 0;
  const receiver = createServer((req, res) => {
    const at = Date.now();
    const id = String(req.headers['webhook-id']);
    req.resume();
    req.on('end', () => {
      if (received.has(id)) repeats += 1;
      else received.set(id, at);
      res.writeHead(200, { 'Content-Type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  const receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;
  // What `tiller serve` reads on this store; only what the benchmark needs differs (no API, no demo).
  const env: Record<string, string> = store === 'postgres' ? { DATABASE_URL: PG_URL } : {};
  if (values.concurrency) env.TILLER_WEBHOOK_CONCURRENCY = values.concurrency;
  const config = loadConfig(env, {
    port: 0,
    host: '127.0.0.1',
    demo: false,
    recordings: false,
    pollIntervalMs: 50,
    webhookTimeoutMs: 10_000,
  });
  const options = {
    config,
    api: false,
    db,
    log: createLogger({ level: 'error', logPii: false }),
  };
  // A runtime without workers migrates the store and makes the app; the worker starts afterwards.
  const setup = await startTiller({ ...options, worker: false, tts: new ToneTts() });
  const { app } = await setup.services.auth.createApp({ name: 'bench', webhookUrl: receiverUrl });
  await setup.stop();

  // Grouped: event g belongs to task g / N; the last event of each task is its barrier.
  await db.transaction(async (tx) => {
    for (let i = 0; i < events; i += 10_000) {
      await tx.query(
        `INSERT INTO webhook_events (id, app_id, type, subject_id, payload, created_at, next_attempt_at,
           ordering_group, barrier)
         SELECT md5('bench' || g), $1, 'call', md5('call' || g),
           jsonb_build_object('event', 'call', 'seq', g, 'call_id', md5('call' || g),
             'callee_number', '+62812' || lpad(g::text, 8, '0'), 'status', 'answered'),
           now(), now(),
           CASE WHEN $4::int > 0 THEN 'task' || ((g - 1) / $4::int) END,
           $4::int > 0 AND g % $4::int = 0
         FROM generate_series($2::int, $3::int) AS g ORDER BY g`,
        [app.id, i + 1, Math.min(events, i + 10_000), grouped],
      );
    }
  });
  await db.query('ANALYZE webhook_events');

  const t0 = performance.now();
  const runtime = await startTiller({ ...options, worker: true, tts: new ToneTts() });
  const started = performance.now();
  let allReceived = 0;
  for (;;) {
    await new Promise((r) => setTimeout(r, 50));
    if (received.size < events) continue;
    allReceived ||= performance.now();
    const [row] = await db.query<{ n: number }>(
      "SELECT count(*) AS n FROM webhook_events WHERE status = 'delivered'",
    );
    if (Number(row!.n) >= events) break;
  }
  const seconds = (performance.now() - t0) / 1000;
  const enqueued = await db.query<{ id: string; created_at: Date }>(
    'SELECT id, created_at FROM webhook_events',
  );
  const lags = enqueued
    .map((e) => received.get(e.id)! - e.created_at.getTime())
    .sort((a, b) => a - b);
  const failures = await db.query<{ error: string | null; n: number }>(
    `SELECT coalesce(error, 'HTTP ' || http_status) AS error, count(*) AS n FROM webhook_deliveries
     WHERE http_status IS NULL OR http_status >= 300 GROUP BY 1 ORDER BY 2 DESC LIMIT 3`,
  );
  await runtime.stop();
  await new Promise<void>((resolve) => receiver.close(() => resolve()));
  await drop();
  return {
    events,
    concurrency: config.webhookConcurrency,
    delivered: received.size,
    repeats,
    seconds,
    startSeconds: (started - t0) / 1000,
    receivedSeconds: (allReceived - t0) / 1000,
    lagP50: percentile(lags, 50) / 1000,
    lagP99: percentile(lags, 99) / 1000,
    failedAttempts: failures.map((f) => `${Number(f.n)} x ${f.error}`).join('; '),
  };
}

async function child(store: Store) {
  const raw = await rawClaimRate(store, jobs);
  const runs = [];
  for (const events of sizes) runs.push(await deliveryRate(store, events));
  console.log(`RESULT ${JSON.stringify({ store, raw, runs })}`);
}

async function main() {
  const stores: Store[] =
    values.store === 'both' ? ['pglite', 'postgres'] : [values.store as Store];
  const shape = grouped > 0 ? `, in tasks of ${grouped} ordered by their task event` : '';
  console.log(
    `webhook throughput: ${sizes.join(' and ')} queued events${shape}, loopback receiver`,
  );
  for (const store of stores) {
    const r = await childResult(import.meta.filename, store, [
      '--events',
      sizes.join(','),
      '--jobs',
      String(jobs),
      '--grouped',
      String(grouped),
      ...(values.concurrency ? ['--concurrency', values.concurrency] : []),
    ]);
    const rates: number[] = [];
    for (const run of r.runs) {
      const rate = run.delivered / run.seconds;
      rates.push(rate);
      const target = store === 'postgres' ? ` (target ${TARGET.postgres})` : ' (no target)';
      console.log(
        `${store.padEnd(8)} ${String(run.events).padStart(6)} queued, ${run.concurrency} in flight: ` +
          `${run.delivered} delivered in ${run.seconds.toFixed(1)} s, ${rate.toFixed(0)} deliveries/s${target}; ` +
          `lag p50 ${run.lagP50.toFixed(2)} s, p99 ${run.lagP99.toFixed(2)} s; ratio to raw claims ${(rate / r.raw).toFixed(2)}`,
      );
      console.log(
        `         worker start ${run.startSeconds.toFixed(2)} s, all received at ${run.receivedSeconds.toFixed(1)} s, ` +
          `repeated deliveries ${run.repeats}`,
      );
      if (run.failedAttempts)
        console.log(`         failed delivery attempts (retried): ${run.failedAttempts}`);
    }
    console.log(`         raw claims ${r.raw.toFixed(0)} jobs/s`);
    if (rates.length > 1)
      console.log(
        `         rate at ${sizes.at(-1)} / rate at ${sizes[0]}: ${(rates.at(-1)! / rates[0]!).toFixed(2)} (target >= 1)`,
      );
  }
}

if (values.child) await child(values.child as Store);
else await main();
