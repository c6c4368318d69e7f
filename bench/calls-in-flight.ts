// Calls in flight (issue 5, benchmark 3): N simulated calls in progress at once in one process
// (long talk time): memory above the idle process, and event-loop delay p99 while they run.
//
//   node bench/calls-in-flight.ts [--store pglite|postgres|both] [--calls N] [--talk-scale X]
//
// Each store runs in a child process of its own (`--child <store>` prints one RESULT line), started
// with --expose-gc so the idle and peak samples are taken after a full collection. Every callee
// number ends in 0 (the simulator's cooperative persona): each call rings 2-8 s and then talks
// through the dialogue at real time, stretched by --talk-scale so none ends before all are up.

import { monitorEventLoopDelay } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { SimulatedCallControl } from '../src/channels/telephony/simulated/simulated-call-control.ts';
import { loadConfig } from '../src/config.ts';
import { ToneTts } from '../src/dialogue/tts/tone-tts.ts';
import { startTiller } from '../src/runtime.ts';
import { createLogger } from '../src/shared/logger.ts';
import { type Store, childResult, openStore } from './bench-store.ts';

const { values } = parseArgs({
  options: {
    store: { type: 'string', default: 'both' },
    calls: { type: 'string', default: '10000' },
    'talk-scale': { type: 'string', default: '20' },
    'max-wait': { type: 'string', default: '180' },
    child: { type: 'string' },
  },
});
const calls = Number(values.calls);
const talkScale = Number(values['talk-scale']);
const maxWaitMs = Number(values['max-wait']) * 1000;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function memory() {
  (globalThis as { gc?: () => void }).gc?.();
  const { rss, heapUsed } = process.memoryUsage();
  return { rss, heap: heapUsed };
}

async function child(store: Store) {
  const { db, drop } = await openStore(store);
  const config = loadConfig(
    {},
    {
      port: 0,
      host: '127.0.0.1',
      demo: false,
      recordings: false,
      timeScale: 1,
      appConcurrency: 100_000,
      taskConcurrency: 100_000,
      pollIntervalMs: 50,
      shutdownGraceMs: 1_000,
      defaultCallingWindows: [{ days: [1, 2, 3, 4, 5, 6, 7], start: '00:00', end: '24:00' }],
    },
  );
  const runtime = await startTiller({
    config,
    api: false,
    worker: true,
    db,
    callControl: new SimulatedCallControl({ timeScale: config.timeScale, talkScale }),
    tts: new ToneTts(),
    log: createLogger({ level: 'error', logPii: false }),
  });
  const { auth, tasks, metrics } = runtime.services;
  const app = await auth.createApp({ name: 'bench' });
  await sleep(2_000); // let the claim loops settle
  const idle = memory();

  const list = Array.from({ length: calls }, (_, i) => ({
    callee_number: `+62812${String(1_000_000 + i).padStart(7, '0')}0`,
  }));
  const t0 = performance.now();
  await tasks.create(
    { appId: app.app.id, timezone: 'UTC' },
    { task_name: 'bench', robot_id: '4496', redial_times: 0, callees: list },
  );
  const created = performance.now();
  const loop = monitorEventLoopDelay({ resolution: 10 });
  loop.enable();
  let peak = { inFlight: 0, at: 0 };
  let maxRss = idle.rss;
  for (;;) {
    await sleep(500);
    const inFlight = (await metrics.callsInFlight.get()).values[0]?.value ?? 0;
    const { rss } = process.memoryUsage();
    maxRss = Math.max(maxRss, rss);
    if (inFlight > peak.inFlight) peak = { inFlight, at: (performance.now() - t0) / 1000 };
    const elapsed = performance.now() - t0;
    if (inFlight >= calls || elapsed > maxWaitMs) break;
    // Calls began to end before all were up: the peak is behind us.
    if (peak.inFlight > 0 && inFlight < peak.inFlight * 0.9) break;
  }
  // Hold the peak 10 s (rings last 2-8 s) so the loop-delay sample covers talk, not only dialling.
  await sleep(10_000);
  loop.disable();
  // The memory sample (after a full collection, so outside the loop-delay window) and its count.
  const held = (await metrics.callsInFlight.get()).values[0]?.value ?? 0;
  const atPeak = memory();
  maxRss = Math.max(maxRss, atPeak.rss);
  const stopT0 = performance.now();
  await runtime.stop();
  const stopSeconds = (performance.now() - stopT0) / 1000;
  const [states] = await db.query<{ dialing: number; interrupted: number; final: number }>(
    `SELECT count(*) FILTER (WHERE state = 'dialing') AS dialing,
            count(*) FILTER (WHERE state = 'final' AND outcome = 'interrupted') AS interrupted,
            count(*) FILTER (WHERE state = 'final') AS final FROM calls`,
  );
  await drop();
  const result = {
    store,
    idle,
    peak,
    atPeak,
    maxRss,
    held,
    createSeconds: (created - t0) / 1000,
    loopP50: loop.percentile(50) / 1e6,
    loopP99: loop.percentile(99) / 1e6,
    loopMax: loop.max / 1e6,
    stopSeconds,
    dialing: Number(states!.dialing),
    interrupted: Number(states!.interrupted),
    final: Number(states!.final),
  };
  console.log(`RESULT ${JSON.stringify(result)}`);
  process.exit(0); // the simulated carrier's talk timers of the interrupted calls are still armed
}

const mb = (bytes: number) => `${(bytes / 2 ** 20).toFixed(1)} MB`;

async function main() {
  const stores: Store[] =
    values.store === 'both' ? ['pglite', 'postgres'] : [values.store as Store];
  console.log(`calls in flight: ${calls} cooperative callees, talk scale ${talkScale}`);
  for (const store of stores) {
    const r = await childResult(
      import.meta.filename,
      store,
      [
        '--calls',
        String(calls),
        '--talk-scale',
        String(talkScale),
        '--max-wait',
        String(maxWaitMs / 1000),
      ],
      ['--expose-gc'],
    );
    const rss = r.atPeak.rss - r.idle.rss;
    const heap = r.atPeak.heap - r.idle.heap;
    const n = Math.max(1, r.held);
    console.log(
      `${store.padEnd(8)} peak ${r.peak.inFlight} in flight at ${r.peak.at.toFixed(1)} s ` +
        `(task create ${r.createSeconds.toFixed(1)} s); memory sampled 10 s later with ${r.held} in flight`,
    );
    console.log(
      `         idle RSS ${mb(r.idle.rss)}, heap ${mb(r.idle.heap)}; ` +
        `in flight RSS ${mb(r.atPeak.rss)}, heap ${mb(r.atPeak.heap)} (max RSS seen ${mb(r.maxRss)})`,
    );
    console.log(
      `         above idle: RSS ${mb(rss)} (${(rss / n / 1024).toFixed(1)} KB/call), ` +
        `heap ${mb(heap)} (${(heap / n / 1024).toFixed(1)} KB/call)`,
    );
    console.log(
      `         event-loop delay p50 ${r.loopP50.toFixed(1)} ms, p99 ${r.loopP99.toFixed(1)} ms, ` +
        `max ${r.loopMax.toFixed(1)} ms`,
    );
    console.log(
      `         stop took ${r.stopSeconds.toFixed(1)} s: ${r.interrupted} interrupted, ` +
        `${r.final} final, ${r.dialing} left dialing`,
    );
  }
}

if (values.child) await child(values.child as Store);
else await main();
