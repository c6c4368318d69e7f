import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type {
  CallControl,
  Connect,
  LegListener,
  OriginateRequest,
} from '../../src/channels/telephony/call-control.ts';
import { SimulatedCallControl } from '../../src/channels/telephony/simulated/simulated-call-control.ts';
import { loadConfig } from '../../src/config.ts';
import { claimDueCalls } from '../../src/modules/dialer/dial-claims.ts';
import { startTiller, type Runtime } from '../../src/runtime.ts';
import { ToneTts } from '../../src/dialogue/tts/tone-tts.ts';
import { createLogger } from '../../src/shared/logger.ts';
import { openTestStore, storeKind, type TestStore } from '../helpers/db.ts';
import { ALWAYS_OPEN, waitFor } from '../helpers/server.ts';

/** The simulator, watched: how many calls are up at once (placed, not yet hung up), every dial. */
class WatchedCarrier implements CallControl {
  readonly inner: SimulatedCallControl;
  readonly capabilities;
  up = 0;
  maxUp = 0;
  constructor(timeScale: number) {
    this.inner = new SimulatedCallControl({ timeScale });
    this.capabilities = this.inner.capabilities;
  }
  originate(request: OriginateRequest, events?: LegListener): Promise<Connect> {
    this.up += 1;
    this.maxUp = Math.max(this.maxUp, this.up);
    return this.inner.originate(request, (event) => {
      if (event.type === 'hangup' && event.callId === request.callId) this.up -= 1;
      events?.(event);
    });
  }
}

// Fresh numbers on every call: a number queued in an active task is not queued again. The
// second-to-last digit stays 0, so every callee is the plain persona of the last digit.
let issued = 0;
const numbers = (n: number, lastDigit = 0) =>
  Array.from({ length: n }, () => {
    const i = issued++;
    return { case_id: `c${i}`, callee_number: `+62812${String(i).padStart(5, '0')}0${lastDigit}` };
  });

describe(`dialer (${storeKind})`, () => {
  let store: TestStore;
  const runtimes: Runtime[] = [];
  const log = createLogger({ level: 'silent', logPii: false });

  before(async () => {
    store = await openTestStore();
  });
  after(async () => {
    for (const r of runtimes) await r.stop();
    await store.close();
  });

  const start = async (carrier: CallControl, overrides: Parameters<typeof loadConfig>[1] = {}) => {
    // No recordings: the dialer is under test here, not the audio (test/recordings covers it).
    const config = loadConfig(
      {},
      {
        demo: false,
        recordings: false,
        pollIntervalMs: 30,
        shutdownGraceMs: 5_000,
        defaultCallingWindows: ALWAYS_OPEN,
        ...overrides,
      },
    );
    const runtime = await startTiller({
      config,
      api: false,
      worker: true,
      db: store.db,
      callControl: carrier,
      log,
      tts: new ToneTts(),
    });
    runtimes.push(runtime);
    return runtime;
  };
  const openCallees = async (taskId: string) =>
    (
      await store.db.query<{ n: number }>(
        `SELECT count(*) AS n FROM callees WHERE task_id = $1 AND status IN ('pending', 'dialing')`,
        [taskId],
      )
    )[0]!.n;
  const taskStatus = async (taskId: string) =>
    (
      await store.db.query<{ status: string }>('SELECT status FROM tasks WHERE id = $1', [taskId])
    )[0]!.status;

  it('keeps each task under its concurrency cap and the app under its own', async () => {
    const carrier = new WatchedCarrier(200);
    const runtime = await start(carrier, { timeScale: 200 });
    const { auth, tasks } = runtime.services;
    const { app } = await auth.createApp({ name: 'caps' });
    const caller = { appId: app.id, timezone: 'UTC' };
    const one = await tasks.create(caller, {
      task_name: 'cap3',
      robot_id: '4496',
      max_concurrency: 3,
      callees: numbers(24),
    });
    await waitFor('the capped task to finish', async () =>
      (await taskStatus(one.task_id)) === 'Finished' ? true : undefined,
    );
    assert.equal(carrier.maxUp, 3, 'the cap is used fully and never exceeded');

    await store.db.query('UPDATE apps SET max_concurrency = 4 WHERE id = $1', [app.id]);
    carrier.maxUp = 0;
    const a = await tasks.create(caller, {
      task_name: 'appcap_a',
      robot_id: '4496',
      max_concurrency: 10,
      callees: numbers(16),
    });
    const b = await tasks.create(caller, {
      task_name: 'appcap_b',
      robot_id: '4497',
      max_concurrency: 10,
      callees: numbers(16),
    });
    await waitFor('both tasks to finish', async () =>
      (await taskStatus(a.task_id)) === 'Finished' && (await taskStatus(b.task_id)) === 'Finished'
        ? true
        : undefined,
    );
    assert.equal(carrier.maxUp, 4, 'the app cap holds across its tasks');
    await runtime.stop();
  });

  it('never gives one number to two dialers', async () => {
    const carrierA = new WatchedCarrier(1000);
    const carrierB = new WatchedCarrier(1000);
    const first = await start(carrierA, { timeScale: 1000, taskConcurrency: 50 });
    // The second worker shares the store; on PostgreSQL this is a second process in real life.
    const second = await start(carrierB, { timeScale: 1000, taskConcurrency: 50 });
    const { app } = await first.services.auth.createApp({ name: 'race' });
    const task = await first.services.tasks.create(
      { appId: app.id, timezone: 'UTC' },
      { task_name: 'race', robot_id: '4496', callees: numbers(200) },
    );
    await waitFor('the task to finish', async () =>
      (await taskStatus(task.task_id)) === 'Finished' ? true : undefined,
    );
    const dialled = [...carrierA.inner.ledger, ...carrierB.inner.ledger].map((d) => d.to);
    assert.equal(dialled.length, 200);
    assert.equal(new Set(dialled).size, 200);
    const [attempts] = await store.db.query<{ max: number }>(
      'SELECT max(attempts) AS max FROM callees WHERE task_id = $1',
      [task.task_id],
    );
    assert.equal(attempts!.max, 1);
    await first.stop();
    await second.stop();
  });

  it("ends a vanished worker's call as interrupted and dials the number again", async () => {
    const config = loadConfig({}, { demo: false });
    const carrier = new WatchedCarrier(1000);
    const runtime = await start(carrier, { timeScale: 1000 });
    const { app } = await runtime.services.auth.createApp({ name: 'crash' });
    await runtime.stop();
    // A worker claims a number (its call row is written) and dies before the carrier answers.
    const task = await runtime.services.tasks.create(
      { appId: app.id, timezone: 'UTC' },
      { task_name: 'crash', robot_id: '4496', callees: numbers(1) },
    );
    await store.db.query(
      "INSERT INTO workers (id, seen_at) VALUES ('ghost', now() - interval '1 hour')",
    );
    const claimed = await claimDueCalls(store.db, config, 'ghost', 10, new Date());
    assert.equal(claimed.length, 1);

    await start(carrier, { timeScale: 1000 });
    await waitFor('the task to finish', async () =>
      (await taskStatus(task.task_id)) === 'Finished' ? true : undefined,
    );
    const calls = await store.db.query<{ id: string; outcome: string; hangup_type: string }>(
      'SELECT id, outcome, hangup_type FROM calls WHERE task_id = $1 ORDER BY attempt',
      [task.task_id],
    );
    assert.deepEqual(
      calls.map((c) => [c.outcome, c.hangup_type]),
      [
        ['interrupted', 'BySystem'],
        ['answered', 'ByRobot'],
      ],
    );
    assert.deepEqual(
      carrier.inner.ledger.map((d) => d.callId),
      [calls[1]!.id],
      'the lost attempt was never dialled again; the new attempt was dialled once',
    );
  });

  it('hands back calls still up at shutdown, and a restart completes them', async () => {
    for (const r of runtimes.splice(0)) await r.stop();
    // Slow calls (about 2 s each) so shutdown finds them in progress; a short grace period.
    const slow = new WatchedCarrier(10);
    const runtime = await start(slow, { timeScale: 10, shutdownGraceMs: 50 });
    const { app } = await runtime.services.auth.createApp({ name: 'drain' });
    const task = await runtime.services.tasks.create(
      { appId: app.id, timezone: 'UTC' },
      { task_name: 'drain', robot_id: '4496', callees: numbers(5) },
    );
    await waitFor('calls in progress', () => (slow.up === 5 ? true : undefined));
    await runtime.stop();
    const afterStop = await store.db.query<{ state: string; outcome: string }>(
      'SELECT state, outcome FROM calls WHERE task_id = $1',
      [task.task_id],
    );
    assert.equal(afterStop.length, 5);
    assert.ok(afterStop.every((c) => c.state === 'final' && c.outcome === 'interrupted'));
    assert.equal(await openCallees(task.task_id), 5, 'the numbers wait to be dialled again');

    const fast = new WatchedCarrier(1000);
    await start(fast, { timeScale: 1000 });
    await waitFor('the task to finish', async () =>
      (await taskStatus(task.task_id)) === 'Finished' ? true : undefined,
    );
    const outcomes = await store.db.query<{ outcome: string; n: number }>(
      'SELECT outcome, count(*) AS n FROM calls WHERE task_id = $1 GROUP BY outcome ORDER BY outcome',
      [task.task_id],
    );
    assert.deepEqual(outcomes, [
      { outcome: 'answered', n: 5 },
      { outcome: 'interrupted', n: 5 },
    ]);
    const allDials = [...slow.inner.ledger, ...fast.inner.ledger].map((d) => d.callId);
    assert.equal(new Set(allDials).size, 10, 'ten attempts, each dialled once');
  });
});
