import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ManualClock } from '../../src/shared/clock.ts';
import type { AppError } from '../../src/shared/errors.ts';
import { storeKind } from '../helpers/db.ts';
import type { TestServer } from '../helpers/server.ts';
import { agentWorld } from './harness.ts';

// The dialer's side: reserving the longest-idle ready agent of a group, atomically. Many
// reservations at once (on PostgreSQL, on separate pooled connections) never get the same agent,
// and get every ready agent before any of them answers "none ready".

describe(`reserving agents for calls (${storeKind})`, () => {
  let server: TestServer;
  let appId: number;
  let otherAppId: number;
  const clock = new ManualClock(new Date('2026-12-01T02:00:00Z'));

  before(async () => {
    const world = await agentWorld({ clock, apps: ['reserve-a', 'reserve-b'] });
    server = world.server;
    appId = world.apps[0]!.id;
    otherAppId = world.apps[1]!.id;
  });
  after(() => server.close());

  const agents = () => server.runtime.services.agents;
  const states = () => server.runtime.services.agentStates;

  /** A group of `n` agents logged in one second apart (agent 0 has waited longest). */
  async function readyGroup(name: string, n: number) {
    const group = await agents().createGroup(appId, { name });
    const ids: number[] = [];
    for (let i = 0; i < n; i++) {
      const agent = await agents().createAgent(appId, {
        name: `${name}-${i}`,
        groupIds: [group.id],
      });
      await states().act(appId, agent.id, 'login');
      clock.advance(1_000);
      ids.push(agent.id);
    }
    return { groupId: group.id, ids };
  }

  const reserveCount = async (agentId: number) =>
    (
      await server.store.db.query<{ n: number }>(
        "SELECT count(*) AS n FROM agent_state_changes WHERE agent_id = $1 AND reason = 'reserve'",
        [agentId],
      )
    )[0]!.n;

  it('reserves the longest-idle ready agent first; a released agent goes to the back', async () => {
    const { groupId, ids } = await readyGroup('idle', 3);
    const first = await states().reserve(appId, groupId, { callRef: 'i-1', contact: { n: '1' } });
    assert.equal(first?.id, ids[0]);
    assert.equal(first?.state, 'reserved');
    assert.equal(first?.call_ref, 'i-1');
    assert.deepEqual(first?.call_data, { n: '1' });
    await states().release(appId, ids[0]!, 'i-1');
    clock.advance(1_000);
    const second = await states().reserve(appId, groupId, { callRef: 'i-2' });
    assert.equal(second?.id, ids[1]);
    const third = await states().reserve(appId, groupId, { callRef: 'i-3' });
    assert.equal(third?.id, ids[2]);
    const fourth = await states().reserve(appId, groupId, { callRef: 'i-4' });
    assert.equal(fourth?.id, ids[0]);
    assert.equal(await states().reserve(appId, groupId, { callRef: 'i-5' }), undefined);
  });

  it('never gives one agent to two reservations made at once', async () => {
    const { groupId, ids } = await readyGroup('burst', 8);
    for (let round = 0; round < 3; round++) {
      const got = await Promise.all(
        Array.from({ length: 20 }, (_, i) =>
          states().reserve(appId, groupId, { callRef: `b-${round}-${i}` }),
        ),
      );
      const reserved = got.filter((a) => a !== undefined).map((a) => a.id);
      assert.equal(reserved.length, ids.length, `round ${round}: every ready agent reserved once`);
      assert.deepEqual(
        [...reserved].sort((x, y) => x - y),
        [...ids].sort((x, y) => x - y),
      );
      assert.equal(got.filter((a) => a === undefined).length, 20 - ids.length);
      // Each agent holds the call its reservation answered with.
      for (const agent of got) {
        if (!agent) continue;
        const held = await agents().getAgent(appId, agent.id);
        assert.equal(held.call_ref, agent.call_ref);
        await states().release(appId, agent.id, agent.call_ref!);
      }
    }
    for (const id of ids) assert.equal(await reserveCount(id), 3);
  });

  it('gives an agent of two groups to one of two reservations through either group', async () => {
    const a = await agents().createGroup(appId, { name: 'both-a' });
    const b = await agents().createGroup(appId, { name: 'both-b' });
    const agent = await agents().createAgent(appId, { name: 'both', groupIds: [a.id, b.id] });
    await states().act(appId, agent.id, 'login');
    for (let round = 0; round < 5; round++) {
      const got = await Promise.all([
        states().reserve(appId, a.id, { callRef: `x-a-${round}` }),
        states().reserve(appId, b.id, { callRef: `x-b-${round}` }),
      ]);
      const winners = got.filter((g) => g !== undefined);
      assert.equal(winners.length, 1, `round ${round}`);
      assert.equal(winners[0]!.id, agent.id);
      await states().release(appId, agent.id, winners[0]!.call_ref!);
    }
  });

  it("joins the dialer's transaction: a rolled-back reservation leaves the agent ready", async () => {
    const { groupId, ids } = await readyGroup('tx', 1);
    await assert.rejects(
      server.store.db.transaction(async (tx) => {
        const got = await states().reserve(appId, groupId, { callRef: 't-1' }, tx);
        assert.equal(got?.id, ids[0]);
        throw new Error('the dialer changed its mind');
      }),
      /changed its mind/,
    );
    const agent = await agents().getAgent(appId, ids[0]!);
    assert.equal(agent.state, 'ready');
    assert.equal(await reserveCount(ids[0]!), 0);
  });

  it('deletes a group or adds an agent to it, never both, when both happen at once', async () => {
    for (let round = 0; round < 5; round++) {
      const group = await agents().createGroup(appId, { name: `race-${round}` });
      const [deleted, added] = await Promise.allSettled([
        agents().deleteGroup(appId, group.id),
        agents().createAgent(appId, { name: `race-${round}`, groupIds: [group.id] }),
      ]);
      const keys = [deleted, added].map((r) =>
        r.status === 'fulfilled' ? 'ok' : (r.reason as AppError).key,
      );
      assert.ok(
        (keys[0] === 'ok' && keys[1] === 'group_not_found') ||
          (keys[0] === 'group_not_empty' && keys[1] === 'ok'),
        `round ${round}: ${keys.join(', ')}`,
      );
    }
  });

  it("refuses an unknown group and another app's group", async () => {
    const { groupId } = await readyGroup('mine', 1);
    for (const [app, group] of [
      [appId, 987654],
      [otherAppId, groupId],
    ] as const) {
      await assert.rejects(
        states().reserve(app, group, { callRef: 'nope' }),
        (error: AppError) => error.key === 'group_not_found',
      );
    }
  });
});
