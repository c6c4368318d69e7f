import assert from 'node:assert/strict';
import { after, afterEach, before, describe, it } from 'node:test';
import { SimulatedCallControl } from '../../src/channels/telephony/simulated/simulated-call-control.ts';
import { loadConfig } from '../../src/config.ts';
import { ToneTts } from '../../src/dialogue/tts/tone-tts.ts';
import { startTiller, type Runtime } from '../../src/runtime.ts';
import type { Db, Queryable } from '../../src/store/db.ts';
import { openTestStore, storeKind, type TestStore } from '../helpers/db.ts';
import { capturedLog } from '../helpers/log-capture.ts';
import { ALWAYS_OPEN, waitFor } from '../helpers/server.ts';

// Nothing stranded under a live worker: a call whose end the database refuses, or whose claim
// committed while its answer was lost, must still end (docs/architecture.md, "Workers and
// reclaim"), and its task must finish. The faults are injected in the database: a trigger that
// refuses a call's end, and a store whose COMMIT of a claim succeeds but answers with an error.

/** A store that loses the answer of the next `count` claims' COMMITs (the calls are written). */
function losingClaimAnswers(db: Db) {
  const state = { count: 0, lost: 0 };
  const wrapped: Db = {
    ...db,
    kind: db.kind,
    query: (sql, params) => db.query(sql, params),
    exec: (sql) => db.exec(sql),
    listen: (channel, onNotify) => db.listen(channel, onNotify),
    close: () => db.close(),
    async transaction(fn) {
      let claimed = false;
      const result = await db.transaction((tx) =>
        fn({
          query(sql, params) {
            // The claim writes its call rows (alone, or in a CTE with their ledger rows).
            if (/\bINSERT INTO calls\b/.test(sql)) claimed = true;
            return tx.query(sql, params);
          },
          exec: (sql) => tx.exec(sql),
        } satisfies Queryable),
      );
      if (claimed && state.count > 0) {
        state.count -= 1;
        state.lost += 1;
        throw new Error('injected: the connection dropped after COMMIT');
      }
      return result;
    },
  };
  return { db: wrapped, state };
}

let issued = 0;
/** Fresh busy numbers (last digit 6: busy after 1 s, no talk). */
const busyNumbers = (n: number) =>
  Array.from({ length: n }, () => ({
    callee_number: `+62813${String(issued++).padStart(6, '0')}06`,
  }));

describe(`nothing stranded under a live worker (${storeKind})`, () => {
  let store: TestStore;
  let runtime: Runtime | undefined;

  before(async () => {
    store = await openTestStore();
  });
  afterEach(async () => {
    await runtime?.stop();
    runtime = undefined;
    await store.db.exec('DROP TRIGGER IF EXISTS refuse_call_end ON calls');
  });
  after(() => store.close());

  const start = async (db: Db) => {
    const captured = capturedLog('warn');
    const config = loadConfig(
      {},
      {
        demo: false,
        recordings: false,
        pollIntervalMs: 30,
        shutdownGraceMs: 2_000,
        defaultCallingWindows: ALWAYS_OPEN,
      },
    );
    runtime = await startTiller({
      config,
      api: false,
      worker: true,
      db,
      callControl: new SimulatedCallControl({ timeScale: 1000 }),
      log: captured.log,
      tts: new ToneTts(),
      heartbeatMs: 50,
    });
    const { app } = await runtime.services.auth.createApp({ name: `stranded${issued}` });
    const createTask = (n: number) =>
      runtime!.services.tasks.create(
        { appId: app.id, timezone: 'UTC' },
        {
          task_name: `stranded${issued}`,
          robot_id: '4496',
          redial_times: 0,
          callees: busyNumbers(n),
        },
      );
    return { createTask, lines: captured.lines };
  };

  const finished = (taskId: string) =>
    waitFor(`task ${taskId} to finish with no call dialling`, async () => {
      const [row] = await store.db.query<{ status: string; dialing: number }>(
        `SELECT status, (SELECT count(*) FROM calls WHERE task_id = $1 AND state = 'dialing') AS dialing
         FROM tasks WHERE id = $1`,
        [taskId],
      );
      return row!.status === 'Finished' && row!.dialing === 0 ? true : undefined;
    });

  const callsOf = (taskId: string) =>
    store.db.query<{ callee_number: string; attempt: number; outcome: string; state: string }>(
      `SELECT callee_number, attempt, outcome, state FROM calls WHERE task_id = $1
       ORDER BY callee_number, attempt`,
      [taskId],
    );

  const refuseCallEnds = (when: string) =>
    store.db.exec(`
      CREATE OR REPLACE FUNCTION refuse_call_end() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN RAISE EXCEPTION 'injected: the end of call % is refused', NEW.id; END $$;
      CREATE TRIGGER refuse_call_end BEFORE UPDATE ON calls FOR EACH ROW
        WHEN (NEW.state = 'final' AND ${when}) EXECUTE FUNCTION refuse_call_end();`);

  it('writes again the ends the database refused once it takes them, and the task finishes', async () => {
    await refuseCallEnds('true');
    const { createTask, lines } = await start(store.db);
    const task = await createTask(3);
    await waitFor('the refused ends to be logged', () =>
      lines
        .filter((l) => l.msg.startsWith('could not record the end of a call'))
        .reduce((n, l) => n + Number(l.calls), 0) >= 3
        ? true
        : undefined,
    );
    const [held] = await store.db.query<{ n: number }>(
      `SELECT count(*) AS n FROM calls WHERE task_id = $1 AND state = 'dialing'`,
      [task.task_id],
    );
    assert.equal(held!.n, 3, 'the refused calls are still dialling while the fault lasts');

    await store.db.exec('DROP TRIGGER refuse_call_end ON calls');
    await finished(task.task_id);
    const calls = await callsOf(task.task_id);
    // Each number has exactly one counted end (an end refused three times may have been
    // written as interrupted first, and its number dialled again).
    const counted = calls.filter((c) => c.outcome !== 'interrupted');
    assert.deepEqual(
      counted.map((c) => [c.outcome, c.state]),
      [
        ['busy', 'final'],
        ['busy', 'final'],
        ['busy', 'final'],
      ],
    );
  });

  it('writes an end the database keeps refusing as interrupted, and dials the number again', async () => {
    // Only the first attempt's real end is refused, for as long as the test runs.
    await refuseCallEnds(`NEW.attempt = 1 AND NEW.outcome <> 'interrupted'`);
    const { createTask, lines } = await start(store.db);
    const task = await createTask(1);
    await finished(task.task_id);
    const calls = await callsOf(task.task_id);
    assert.deepEqual(
      calls.map((c) => [c.attempt, c.outcome, c.state]),
      [
        [1, 'interrupted', 'final'],
        [2, 'busy', 'final'],
      ],
    );
    assert.ok(lines.some((l) => l.msg.startsWith('the end of a call was refused again')));
  });

  it('ends as interrupted the calls whose claim committed but never answered, and the task finishes', async () => {
    const lossy = losingClaimAnswers(store.db);
    lossy.state.count = 1;
    const { createTask, lines } = await start(lossy.db);
    const task = await createTask(2);
    await finished(task.task_id);
    assert.equal(lossy.state.lost, 1);
    const calls = await callsOf(task.task_id);
    const interrupted = calls.filter((c) => c.outcome === 'interrupted');
    assert.ok(interrupted.length >= 1, 'the lost claim ended its calls as interrupted');
    assert.deepEqual(
      calls.filter((c) => c.outcome !== 'interrupted').map((c) => [c.outcome, c.state]),
      [
        ['busy', 'final'],
        ['busy', 'final'],
      ],
      'each number was dialled again and ended',
    );
    assert.ok(lines.some((l) => l.msg.startsWith('calls dialling under this worker')));
  });
});
