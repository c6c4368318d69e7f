import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ManualClock } from '../../src/shared/clock.ts';
import { storeKind } from '../helpers/db.ts';
import { waitFor, type TestServer } from '../helpers/server.ts';
import { agentWorld, type V1 } from './harness.ts';

// After-call work ends by itself: the hangup schedules an agent.acw_end job due acw seconds later
// on the business clock, and the real job runner puts the agent back to ready when the test's
// clock reaches it. An acw the agent ended early is not ended twice, and an old timer leaves a
// later acw alone.

describe(`after-call work ends by its timer (${storeKind})`, () => {
  let server: TestServer;
  let api: V1;
  let appId: number;
  const clock = new ManualClock(new Date('2026-12-01T02:00:00Z'));

  before(async () => {
    const world = await agentWorld({ worker: true, clock });
    server = world.server;
    api = world.apps[0]!.api;
    appId = world.apps[0]!.id;
  });
  after(() => server.close());

  const states = () => server.runtime.services.agentStates;
  const stateOf = async (agentId: number) =>
    (await api.get(`/v1/agents/${agentId}`)).json.data.state as string;
  const acwJobs = (agentId: number) =>
    server.store.db.query<{ run_at: Date; payload: { seq: number } }>(
      "SELECT run_at, payload FROM jobs WHERE queue = 'agent.acw_end' AND (payload->>'agent_id')::bigint = $1 ORDER BY run_at",
      [agentId],
    );
  const history = async (agentId: number) =>
    (await api.get(`/v1/agents/${agentId}/states`)).json.data.list as Array<{
      to: string;
      reason: string;
      at: string;
    }>;

  /** An agent alone in a group whose acw is `acw` s, talking on `callRef`. */
  async function talking(name: string, acw: number) {
    const group = (await api.post('/v1/groups', { name, acw_seconds: acw })).json.data;
    const agent = (await api.post('/v1/agents', { name, group_ids: [group.group_id] })).json.data;
    await api.post(`/v1/agents/${agent.agent_id}/login`);
    return { id: agent.agent_id as number, groupId: group.group_id as number };
  }
  const call = async (agent: { id: number; groupId: number }, ref: string) => {
    const reserved = await states().reserve(appId, agent.groupId, { callRef: ref });
    assert.equal(reserved?.id, agent.id);
    await states().connect(appId, agent.id, ref);
  };

  it("uses the group's acw time and is ready again when the clock reaches it", async () => {
    const agent = await talking('timer', 45);
    await call(agent, 'c-1');
    const hungUpAt = clock.now();
    await states().hangup(appId, agent.id, 'c-1');
    assert.equal(await stateOf(agent.id), 'acw');
    const [job] = await acwJobs(agent.id);
    assert.equal(job!.run_at.getTime(), hungUpAt.getTime() + 45_000);
    const screen = (await api.get(`/v1/agents/${agent.id}/call`)).json.data;
    assert.equal(screen.call.acw_until, '2026-12-01 02:00:45');

    clock.advance(45_000);
    await waitFor('the acw timer', async () => (await stateOf(agent.id)) === 'ready');
    const [latest] = await history(agent.id);
    assert.deepEqual(latest, {
      from: 'acw',
      to: 'ready',
      reason: 'acw_timer',
      call_id: 'c-1',
      at: '2026-12-01 02:00:45',
    });
    assert.deepEqual(await acwJobs(agent.id), []);
  });

  it("takes the task's acw time when the dialer gives one", async () => {
    const agent = await talking('task-acw', 45);
    await call(agent, 'c-2');
    const hungUpAt = clock.now();
    await states().hangup(appId, agent.id, 'c-2', { acwSeconds: 10 });
    const [job] = await acwJobs(agent.id);
    assert.equal(job!.run_at.getTime(), hungUpAt.getTime() + 10_000);
    clock.advance(10_000);
    await waitFor('the acw timer', async () => (await stateOf(agent.id)) === 'ready');
  });

  it('leaves an agent alone whose acw ended early, and a later acw to its own timer', async () => {
    const agent = await talking('early', 30);
    await call(agent, 'c-3');
    await states().hangup(appId, agent.id, 'c-3', { acwSeconds: 120 });
    const done = await api.post(`/v1/agents/${agent.id}/disposition`, {
      customizeResults: [{ title: 'Result', groupName: 'Call', value: 'PTP' }],
      remarks: 'promised friday',
      ready: true,
    });
    assert.equal(done.status, 200, done.text);
    assert.equal(done.json.data.agent.state, 'ready');
    // The next call, hung up with a longer acw, before the first timer is due.
    await call(agent, 'c-4');
    await states().hangup(appId, agent.id, 'c-4', { acwSeconds: 300 });
    const jobs = await acwJobs(agent.id);
    assert.equal(jobs.length, 2);

    clock.advance(120_000);
    // The first timer runs (its job is gone) and finds the agent in a later acw: no change.
    await waitFor('the first timer to run', async () => (await acwJobs(agent.id)).length === 1);
    assert.equal(await stateOf(agent.id), 'acw');
    const [latest] = await history(agent.id);
    assert.deepEqual([latest!.to, latest!.reason], ['acw', 'hangup']);

    clock.advance(180_000);
    await waitFor('the second timer', async () => (await stateOf(agent.id)) === 'ready');
    const reasons = (await history(agent.id)).map((h) => h.reason);
    assert.deepEqual(reasons.slice(0, 6), [
      'acw_timer',
      'hangup',
      'connect',
      'reserve',
      'disposition',
      'hangup',
    ]);
  });
});
