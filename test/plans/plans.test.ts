import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { storeKind } from '../helpers/db.ts';
import { startReceiver, type Receiver } from '../helpers/receiver.ts';
import { client, startTestServer, tokenFor, waitFor, type TestServer } from '../helpers/server.ts';

// A plan is a strategy's rounds run over one list: each round a task with the numbers the
// previous round's results select. The personas (last digits) make every round's list known.

const N = {
  cooperative: '+6281234567000', // A in round 1: done
  callLater: '+6281234567003', // C in rounds 1 and 2 (round 3 takes no C)
  noAnswer: '+6281234567005', // never answers: rounds 1, 2 and 3
  busy: '+6281234567006', // busy: rounds 1 and 2 (round 3 takes only no_answer)
  lateAnswer: '+6281234567090', // no answer in round 1, answers (A) in round 2
};

describe(`calling plans (${storeKind})`, () => {
  let server: TestServer;
  let receiver: Receiver;
  let api: ReturnType<typeof client>;
  let other: ReturnType<typeof client>;
  let strategyId: string;

  before(async () => {
    server = await startTestServer();
    receiver = await startReceiver();
    const { auth } = server.runtime.services;
    const app = await auth.createApp({ name: 'plans', webhookUrl: receiver.url });
    const stranger = await auth.createApp({ name: 'stranger' });
    api = client(server.url, await tokenFor(server.url, app.appKey, app.appSecret));
    other = client(server.url, await tokenFor(server.url, stranger.appKey, stranger.appSecret));
    const strategy = await api.post('/v1/strategies', {
      name: 'three_rounds',
      rounds: [
        { robot_id: '4496' },
        { redial: { outcomes: ['no_answer', 'busy'], intentions: ['C'] }, interval_minutes: 0 },
        { redial: { outcomes: ['no_answer'] }, robot_id: '4499' },
      ],
    });
    assert.equal(strategy.status, 200, strategy.text);
    strategyId = strategy.json.data.strategy_id;
  });
  after(async () => {
    await server.close();
    await receiver.close();
  });

  const planEvents = () =>
    receiver.requests.map((r) => JSON.parse(r.body)).filter((e) => e.total_rounds !== undefined);
  const roundNumbers = async (planId: string) => {
    const rows = await server.store.db.query<{ round: number; callee_number: string }>(
      `SELECT t.round, c.callee_number FROM tasks t JOIN callees c ON c.task_id = t.id
       WHERE t.plan_id = $1 ORDER BY t.round, c.callee_number`,
      [planId],
    );
    const byRound = new Map<number, string[]>();
    for (const r of rows) byRound.set(r.round, [...(byRound.get(r.round) ?? []), r.callee_number]);
    return byRound;
  };

  it('lists the app strategies in the AIRudder shape', async () => {
    const r = await api.get('/service/cloud/strategy');
    assert.equal(r.status, 200);
    type Summary = { strategy_id: string; round_count: number; builtin: boolean };
    const own = (list: Summary[]) => list.filter((s) => !s.builtin);
    assert.deepEqual(
      own(r.json.data.list).map((s) => [s.strategy_id, s.round_count]),
      [[strategyId, 3]],
    );
    // Another app sees the built-in strategies only (test/plans/builtin-strategies.test.ts).
    assert.deepEqual(own((await other.get('/service/cloud/strategy')).json.data.list), []);
  });

  let planId = '';
  it('runs each round with the numbers the previous round selects, then ends with the plan webhook', async () => {
    const created = await api.post('/service/cloud/plan', {
      plan_name: 'march_plan',
      strategy_id: strategyId,
      callees: Object.values(N).map((callee_number, i) => ({ case_id: `c${i}`, callee_number })),
    });
    assert.equal(created.status, 200, created.text);
    planId = created.json.data.plan_id;
    await waitFor(
      'the plan webhook',
      () => (planEvents().some((e) => e.plan_id === planId) ? true : undefined),
      30_000,
    );

    const rounds = await roundNumbers(planId);
    assert.deepEqual(rounds.get(1), Object.values(N).sort());
    assert.deepEqual(rounds.get(2), [N.callLater, N.noAnswer, N.busy, N.lateAnswer].sort());
    assert.deepEqual(rounds.get(3), [N.noAnswer]);

    const event = planEvents().find((e) => e.plan_id === planId);
    assert.equal(event.status, 'Finished');
    assert.equal(event.total_rounds, 3);
    assert.deepEqual(
      event.rounds.map((r: { round: number; status: string }) => [r.round, r.status]),
      [
        [1, 'Finished'],
        [2, 'Finished'],
        [3, 'Finished'],
      ],
    );
  });

  it('reports the plan status, its rounds and its tasks', async () => {
    const status = await api.get(`/service/cloud/plan/status?plan_id=${planId}`);
    assert.equal(status.json.data.status, 'Finished');
    assert.equal(status.json.data.current_round, 3);
    assert.equal(status.json.data.total_rounds, 3);
    const rounds = await api.get(`/service/cloud/plan/rounds?plan_id=${planId}`);
    assert.deepEqual(
      rounds.json.data.list.map(
        (r: { round: number; total_count: number; called_count: number }) => [
          r.round,
          r.total_count,
          r.called_count,
        ],
      ),
      [
        [1, 5, 5],
        [2, 4, 4],
        [3, 1, 1],
      ],
    );
    const listed = await api.get(`/service/cloud/list?plan_id=${planId}`);
    assert.equal(listed.json.data.total, 3);
    assert.ok(
      listed.json.data.list.every(
        (t: { plan_id: string; round: number }) => t.plan_id === planId && t.round >= 1,
      ),
    );
  });

  it('gives all recordings of one number across the rounds', async () => {
    const r = await api.get(
      `/service/cloud/plan/recordings?plan_id=${planId}&callee_number=${encodeURIComponent(N.callLater)}`,
    );
    assert.equal(r.status, 200, r.text);
    assert.deepEqual(
      r.json.data.list.map((x: { round: number }) => x.round),
      [1, 2],
    );
  });

  it('leaves a number cancelled in the plan out of the later rounds, and stops a plan', async () => {
    const created = await api.post('/service/cloud/plan', {
      plan_name: 'cancel_plan',
      strategy_id: strategyId,
      start_time: '2099-01-01 00:00:00',
      end_time: '2099-01-02 00:00:00',
      callees: [{ callee_number: N.noAnswer }, { callee_number: N.busy }],
    });
    const id = created.json.data.plan_id;
    const cancelled = await api.post('/service/cloud/plan/cancelphonecall', {
      plan_id: id,
      callee_number: N.busy,
    });
    assert.equal(cancelled.status, 200, cancelled.text);
    assert.equal(cancelled.json.data.cancelled, 1);
    assert.equal(
      (await other.post('/service/cloud/plan/operation', { plan_id: id, operation: 'stop' }))
        .status,
      404,
    );
    // "stop" in any case, as for a task.
    const stopped = await api.post('/service/cloud/plan/operation', {
      plan_id: id,
      operation: 'Stop',
    });
    assert.equal(stopped.status, 200, stopped.text);
    assert.equal(
      (await api.post('/service/cloud/plan/operation', { plan_id: id, operation: 'stop' })).status,
      409,
    );
    await waitFor('the stopped plan webhook', () =>
      planEvents().some((e) => e.plan_id === id) ? true : undefined,
    );
    assert.equal(planEvents().find((e) => e.plan_id === id).status, 'Stopped');
    const status = await api.get(`/service/cloud/plan/status?plan_id=${id}`);
    assert.equal(status.json.data.status, 'Stopped');
  });

  it("keeps one app's plans from another", async () => {
    assert.equal((await other.get(`/service/cloud/plan/status?plan_id=${planId}`)).status, 404);
    assert.equal((await other.get(`/service/cloud/plan/rounds?plan_id=${planId}`)).status, 404);
    const byStranger = await other.post('/service/cloud/plan', {
      plan_name: 'x',
      strategy_id: strategyId,
      callees: [{ callee_number: N.cooperative }],
    });
    assert.equal(byStranger.status, 404);
    assert.match(byStranger.json.message, /Strategy is not found/);
  });
});
