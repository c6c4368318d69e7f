import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Dialer } from '../../../src/modules/dialer/dialer.ts';
import { PdsDialer } from '../../../src/modules/pds/dialer/pds-dialer.ts';
import { claimPdsLines } from '../../../src/modules/pds/dialer/pds-claim.ts';
import {
  mergeCallPds,
  runningPdsTasks,
} from '../../../src/modules/pds/dialer/pds-calls.repository.ts';
import { storeKind } from '../../helpers/db.ts';
import { createPdsTask, numbers, pdsWorld, type PdsWorld } from './fixtures.ts';

// Nothing stays dialling after a crash (docs/pds-dialer.md, "Crashes"): a PDS call claimed by a
// worker that is gone ends interrupted through the PDS finalizer (its number is dialled again,
// HANGUP with hangupReason 0), and the agent it held is freed; a call this worker lost track of
// is ended by the heartbeat's sweep. The server runs no worker here: the claims are made by hand.

describe(`PDS dialer: reclaim and sweep (${storeKind})`, () => {
  let world: PdsWorld;

  before(async () => {
    world = await pdsWorld({ agents: 2, worker: false });
  });
  after(() => world.close());

  const dialerAs = (workerId: string) => {
    const { services } = world.server.runtime;
    return new PdsDialer({ ...services, workerId });
  };

  /** One call of a new task, claimed under `workerId` as a PDS dialer there would. */
  async function claimOne(workerId: string) {
    const { db } = world.server.store;
    const taskId = await createPdsTask(world, numbers([0]));
    const task = (await runningPdsTasks(db, world.clock.now())).find((t) => t.id === taskId)!;
    const [claim] = await db.transaction((tx) =>
      claimPdsLines(
        tx,
        { config: world.server.config, workerId, now: world.clock.now() },
        task,
        1,
        0,
      ),
    );
    return { taskId, callId: claim!.call.callId };
  }

  /** Reserves (and connects, when asked) the group's next agent for the call, as the dialer does. */
  async function holdAgent(callId: string, connect: boolean) {
    const { services } = world.server.runtime;
    return world.server.store.db.transaction(async (tx) => {
      const agent = (await services.agentStates.reserve(
        world.appId,
        world.groupId,
        { callRef: callId },
        tx,
      ))!;
      await mergeCallPds(tx, [{ callId, pds: { agentId: agent.id, agentName: agent.name } }]);
      if (connect) await services.agentStates.connect(world.appId, agent.id, callId, tx);
      return Number(agent.id);
    });
  }

  const callRow = async (callId: string) =>
    (
      await world.server.store.db.query<{ state: string; outcome: string; pds: any }>( // eslint-disable-line @typescript-eslint/no-explicit-any -- jsonb
        'SELECT state, outcome, pds FROM calls WHERE id = $1',
        [callId],
      )
    )[0]!;
  const agentState = async (agentId: number) =>
    (await world.api.get(`/v1/agents/${agentId}`)).json.data.state as string;
  const changed = async (agentId: number, reason: string, callId: string) =>
    (
      (await world.api.get(`/v1/agents/${agentId}/states?limit=50`)).json.data.list as Array<{
        reason: string;
        call_id: string | null;
      }>
    ).some((c) => c.reason === reason && c.call_id === callId);
  const hangupsOf = async (callId: string) =>
    world.server.store.db.query<{ type: string; payload: any }>( // eslint-disable-line @typescript-eslint/no-explicit-any -- jsonb
      `SELECT type, payload FROM webhook_events WHERE subject_id = $1 ORDER BY seq`,
      [callId],
    );

  it('ends the calls of a gone worker and frees the agents they held', async () => {
    // These claims belong to a worker id nobody registered: a worker that is gone.
    const talking = await claimOne('gone-worker-1');
    const reserved = await claimOne('gone-worker-1');
    const talker = await holdAgent(talking.callId, true);
    const waiter = await holdAgent(reserved.callId, false);
    assert.equal(await agentState(talker), 'talking');
    assert.equal(await agentState(waiter), 'reserved');

    await world.server.store.db.transaction((tx) => dialerAs('reaper').reclaim(tx));

    for (const { callId } of [talking, reserved]) {
      const call = await callRow(callId);
      assert.equal(call.state, 'final');
      assert.equal(call.outcome, 'interrupted');
      assert.equal(call.pds.hangupReason, 0);
      assert.equal(call.pds.agentName, null);
      const events = await hangupsOf(callId);
      const contact = events
        .filter((e) => e.type === 'ContactStatus')
        .map((e) => e.payload.body.state);
      assert.deepEqual(contact, ['CALLING', 'HANGUP']);
      assert.equal(
        events.find((e) => e.payload.body.state === 'HANGUP')!.payload.body.hangupReason,
        0,
      );
    }
    assert.ok(await changed(talker, 'hangup', talking.callId), 'the talking agent wraps up');
    assert.ok(
      await changed(waiter, 'release', reserved.callId),
      'the reserved agent is free again',
    );
    // Interrupted: the number waits to be dialled again.
    const [callee] = await world.server.store.db.query<{ status: string }>(
      'SELECT status FROM callees WHERE task_id = $1',
      [talking.taskId],
    );
    assert.equal(callee!.status, 'pending');
  });

  it('ends, on the heartbeat, a call dialling under this worker that it has no record of', async () => {
    const lost = await claimOne('this-worker');
    const dialer = dialerAs('this-worker');
    assert.equal(dialer.owns(lost.callId), false);
    await dialer.sweep();
    const call = await callRow(lost.callId);
    assert.equal(call.state, 'final');
    assert.equal(call.outcome, 'interrupted');
  });

  it("the robot dialer's sweep leaves the calls the PDS dialer holds alone", async () => {
    const { services } = world.server.runtime;
    const held = await claimOne('shared-worker');
    const robotDialer = (ownedElsewhere?: (id: string) => boolean) =>
      new Dialer({
        ...services,
        workerId: 'shared-worker',
        ...(ownedElsewhere ? { ownedElsewhere } : {}),
      });
    await robotDialer((id) => id === held.callId).sweep();
    assert.equal((await callRow(held.callId)).state, 'dialing', 'left to the PDS dialer');
    // Without the PDS dialer's word, the same sweep takes it for a stray.
    await robotDialer().sweep();
    assert.equal((await callRow(held.callId)).state, 'final');
  });
});
