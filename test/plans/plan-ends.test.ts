import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { planAdvanceJob } from '../../src/modules/plans/plans.jobs.ts';
import { builtinRobots } from '../../src/modules/robots/builtin-robots.ts';
import { storeKind } from '../helpers/db.ts';
import { startReceiver, type Receiver } from '../helpers/receiver.ts';
import { client, startTestServer, tokenFor, waitFor, type TestServer } from '../helpers/server.ts';

// Issue 9: a plan's next round never collides with the app's own task names, and a plan that
// cannot continue ends Failed with its reason in /plan/status and in the plan webhook.

const NO_ANSWER = '+6281234567005'; // never answers: every round takes it again

describe(`how a plan ends (${storeKind})`, () => {
  let server: TestServer;
  let receiver: Receiver;
  let api: ReturnType<typeof client>;
  let twoRounds: string;

  before(async () => {
    server = await startTestServer();
    receiver = await startReceiver();
    const app = await server.runtime.services.auth.createApp({
      name: 'plan-ends',
      webhookUrl: receiver.url,
    });
    api = client(server.url, await tokenFor(server.url, app.appKey, app.appSecret));
    const strategy = await api.post('/v1/strategies', {
      name: 'two_rounds',
      rounds: [{ robot_id: '4496' }, { redial: { outcomes: ['no_answer'] } }],
    });
    assert.equal(strategy.status, 200, strategy.text);
    twoRounds = strategy.json.data.strategy_id;
  });
  after(async () => {
    await server?.close();
    await receiver?.close();
  });

  const planEvent = (planId: string) =>
    waitFor(`the webhook of plan ${planId}`, () =>
      receiver.requests
        .map((r) => JSON.parse(r.body))
        .find((e) => e.plan_id === planId && e.total_rounds !== undefined),
    );
  const status = async (planId: string) =>
    (await api.get(`/service/cloud/plan/status?plan_id=${planId}`)).json.data;
  const createPlan = async (body: Record<string, unknown>) => {
    const created = await api.post('/service/cloud/plan', body);
    assert.equal(created.status, 200, created.text);
    return created.json.data.plan_id as string;
  };

  it('starts round 2 although a task of the app is named like it', async () => {
    const own = await api.post('/service/cloud/task', {
      task_name: 'planc_R2',
      robot_id: '4496',
      start_time: '2099-01-01 00:00:00',
      end_time: '2099-01-02 00:00:00',
      callees: [{ callee_number: '+6281234567000' }],
    });
    assert.equal(own.status, 200, own.text);
    const planId = await createPlan({
      plan_name: 'planc',
      strategy_id: twoRounds,
      callees: [{ callee_number: NO_ANSWER }],
    });

    const event = await planEvent(planId);
    assert.equal(event.status, 'Finished');
    assert.equal(event.end_reason, 'all 2 rounds ran');
    assert.deepEqual(
      event.rounds.map((r: { round: number; status: string }) => [r.round, r.status]),
      [
        [1, 'Finished'],
        [2, 'Finished'],
      ],
    );
    const listed = await api.get(`/service/cloud/list?plan_id=${planId}`);
    assert.deepEqual(listed.json.data.list.map((t: { task_name: string }) => t.task_name).sort(), [
      'planc_R1',
      'planc_R2',
    ]);
    const done = await status(planId);
    assert.equal(done.status, 'Finished');
    assert.equal(done.current_round, 2);
    assert.equal(done.last_error, '');
  });

  it("lets the app name its own task like a plan's round task, and still refuses its own duplicates", async () => {
    const task = (name: string) =>
      api.post('/service/cloud/task', {
        task_name: name,
        robot_id: '4496',
        start_time: '2099-01-01 00:00:00',
        end_time: '2099-01-02 00:00:00',
        callees: [{ callee_number: '+6281234567001' }],
      });
    const asRound = await task('planc_R1');
    assert.equal(asRound.status, 200, asRound.text);
    const again = await task('planc_R1');
    assert.equal(again.status, 400);
    assert.match(again.json.message, /Task Name is duplicated/);
  });

  it('ends Failed, with the reason in /plan/status and the webhook, when the next round cannot start', async () => {
    const definition = builtinRobots().find((r) => r.robot_id === 4496)!.definition;
    const robot = await api.post('/v1/robots', { ...definition, name: 'Round_Two_Robot' });
    assert.equal(robot.status, 200, robot.text);
    const robotId = robot.json.data.robot_id as string;
    const strategy = await api.post('/v1/strategies', {
      name: 'second_robot',
      rounds: [{ robot_id: '4496' }, { robot_id: robotId, redial: { outcomes: ['no_answer'] } }],
    });
    assert.equal(strategy.status, 200, strategy.text);
    // The round-2 robot disappears after the strategy named it (no API deletes a robot).
    await server.store.db.query('DELETE FROM robots WHERE id = $1', [robotId]);

    const planId = await createPlan({
      plan_name: 'lost_robot',
      strategy_id: strategy.json.data.strategy_id,
      callees: [{ callee_number: NO_ANSWER }],
    });
    const event = await planEvent(planId);
    assert.equal(event.status, 'Failed');
    assert.match(event.end_reason, new RegExp(`round 2 cannot start: .*robot_id ${robotId}`));
    assert.deepEqual(
      event.rounds.map((r: { round: number }) => r.round),
      [1],
    );
    const failed = await status(planId);
    assert.equal(failed.status, 'Failed');
    assert.equal(failed.current_round, 1);
    assert.equal(failed.end_reason, event.end_reason);
    const listed = await api.get('/service/cloud/plan/list?status=Failed');
    assert.equal(listed.status, 200, listed.text);
    assert.deepEqual(
      listed.json.data.list.map((p: { plan_id: string; end_reason: string }) => [
        p.plan_id,
        p.end_reason,
      ]),
      [[planId, event.end_reason]],
    );
    // Failed once, not retried: no job of it is left in the queue.
    const jobs = await server.store.db.query(
      `SELECT 1 FROM jobs WHERE queue = 'plan.advance' AND payload->>'plan_id' = $1`,
      [planId],
    );
    assert.equal(jobs.length, 0);
  });

  it('shows a retried error in /plan/status, and ends Failed after the last try', async () => {
    const planId = await createPlan({
      plan_name: 'flaky',
      strategy_id: twoRounds,
      start_time: '2099-01-01 00:00:00',
      end_time: '2099-01-02 00:00:00',
      callees: [{ callee_number: NO_ANSWER }],
    });
    // The job handler as the runner calls it, over a store that drops the connection while
    // the next round starts: what the plan shows must come from the handler's own handling.
    const { plans } = server.runtime.services;
    const flaky = Object.assign(Object.create(plans) as typeof plans, {
      advance: () => Promise.reject(new Error('Connection terminated unexpectedly')),
      advanceFailed: plans.advanceFailed.bind(plans),
    });
    const job = (attempts: number) => ({
      id: 0,
      queue: 'plan.advance',
      payload: { plan_id: planId, round: 1 },
      attempts,
      max_attempts: 3,
    });
    await assert.rejects(
      planAdvanceJob(flaky).run(job(1).payload, job(1)),
      /Connection terminated/,
    );
    const retrying = await status(planId);
    assert.equal(retrying.status, 'Running');
    assert.equal(
      retrying.last_error,
      'round 2 could not start (attempt 1 of 3, retrying): Connection terminated unexpectedly',
    );

    await planAdvanceJob(flaky).run(job(3).payload, job(3));
    const event = await planEvent(planId);
    assert.equal(event.status, 'Failed');
    assert.equal(
      event.end_reason,
      'round 2 could not start after 3 attempts: Connection terminated unexpectedly',
    );
    const failed = await status(planId);
    assert.equal(failed.status, 'Failed');
    assert.equal(failed.end_reason, event.end_reason);
    assert.equal(failed.last_error, '');
  });
});
