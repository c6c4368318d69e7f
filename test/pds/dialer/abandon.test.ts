import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { storeKind } from '../../helpers/db.ts';
import { waitFor } from '../../helpers/server.ts';
import {
  callsOf,
  createPdsTask,
  numbers,
  pdsWorld,
  received,
  waitForTaskEnd,
  type PdsWorld,
} from './fixtures.ts';

// Abandoned calls (docs/pds-dialer.md, "Abandon"): one agent and a fixed ratio of four lines per
// agent (predictive, autoSlotFactor off), so answered people find no agent within the connect
// limit. Each is handled as the task's abandonAction says and reported with hangupReason 1.

describe(`PDS dialer: abandoned calls (${storeKind})`, () => {
  let world: PdsWorld;

  before(async () => {
    world = await pdsWorld({ agents: 1, talkMedianSeconds: 40 });
  });
  after(() => world.close());

  const overAdialled = { dialingMode: 'predictive', autoSlotFactor: false, slotFactor: 4 } as const;

  it('plays the identification message and hangs up (abandonAction message)', async () => {
    const taskId = await createPdsTask(world, numbers(Array(10).fill(0)), {
      ...overAdialled,
      abandonAction: 'message',
    });
    await waitForTaskEnd(world, taskId);
    const calls = await callsOf(world, taskId);
    const abandoned = calls.filter((c) => c.pds?.abandoned);
    const bridged = calls.filter((c) => c.pds?.bridgedAt);
    assert.ok(abandoned.length > 0, 'some answered calls found no agent');
    assert.ok(bridged.length > 0, 'the agent took some');
    assert.equal(abandoned.length + bridged.length, calls.length, 'every call reached the handoff');
    for (const call of abandoned) {
      assert.equal(call.pds?.hangupReason, 1);
      assert.equal(call.pds?.agentName, null);
      assert.equal(call.pds?.bridgedAt, null);
      assert.equal(call.outcome, 'answered');
      assert.equal(call.hangup_type, 'BySystem');
    }
    for (const call of bridged) assert.equal(call.pds?.hangupReason, 12);
    await waitFor('the HANGUP of every abandoned call', () => {
      const hangups = received(world).filter(
        (e) => e.type === 'ContactStatus' && e.body.state === 'HANGUP' && e.body.hangupReason === 1,
      );
      return hangups.length === abandoned.length ? true : undefined;
    });
    const agentEvents = received(world).filter(
      (e) => e.type === 'AgentStatus' && abandoned.some((c) => c.id === e.body.callid),
    );
    assert.equal(agentEvents.length, 0, 'no agent event for an abandoned call');
    const [agent] = (await world.api.get(`/v1/agents?group_id=${world.groupId}`)).json.data.list;
    assert.notEqual(agent.state, 'reserved', 'no reservation is left behind');
  });

  it('lets the robot finish the call (abandonAction robot)', async () => {
    const taskId = await createPdsTask(world, numbers(Array(8).fill(0)), {
      ...overAdialled,
      abandonAction: 'robot',
    });
    await waitForTaskEnd(world, taskId);
    const calls = await callsOf(world, taskId);
    const abandoned = calls.filter((c) => c.pds?.abandoned);
    assert.ok(abandoned.length > 0, 'some answered calls found no agent');
    const [row] = await world.server.store.db.query<{ intention: string }>(
      `SELECT result->>'intention' AS intention FROM calls WHERE id = $1`,
      [abandoned[0]!.id],
    );
    assert.equal(row!.intention, 'C', "the robot carried on to its 'all agents are busy' end");
    for (const call of abandoned) assert.equal(call.pds?.hangupReason, 1);
  });
});
