import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  AGENT_STATE_CHANGED,
  type AgentStateChanged,
} from '../../src/modules/agents/agent-events.ts';
import type { AgentState } from '../../src/modules/agents/agent-states.ts';
import { domainEvents } from '../../src/queue/domain-events.ts';
import { AppError } from '../../src/shared/errors.ts';
import { storeKind } from '../helpers/db.ts';
import type { TestServer } from '../helpers/server.ts';
import { agentWorld, type V1 } from './harness.ts';

// The agent state machine, every state against every action: the desktop's through the /v1
// routes, the dialer's through the service it will call. A legal one moves the agent, stores a
// history row and publishes agent.state_changed in the same transaction; an illegal one answers
// 409 agent_state_conflict naming the current state, and changes nothing.

const ACTIONS = [
  'login',
  'ready',
  'break',
  'logout',
  'reserve',
  'release',
  'connect',
  'hangup',
  'acw_timer',
  'disposition',
] as const;
type Action = (typeof ACTIONS)[number];

/** docs/agents.md's table, written out here rather than read from the code under test. */
const LEGAL: Record<AgentState, Partial<Record<Action, AgentState>>> = {
  offline: { login: 'ready' },
  ready: { break: 'break', logout: 'offline', reserve: 'reserved' },
  reserved: { release: 'ready', connect: 'talking' },
  talking: { hangup: 'acw' },
  acw: {
    ready: 'ready',
    break: 'break',
    logout: 'offline',
    acw_timer: 'ready',
    disposition: 'ready',
  },
  break: { ready: 'ready', logout: 'offline' },
};

const STATES = Object.keys(LEGAL) as AgentState[];

describe(`agent state machine (${storeKind})`, () => {
  let server: TestServer;
  let api: V1;
  let appId: number;
  const events: AgentStateChanged[] = [];
  let seq = 0;

  before(async () => {
    const world = await agentWorld();
    server = world.server;
    api = world.apps[0]!.api;
    appId = world.apps[0]!.id;
    domainEvents.inTransaction(AGENT_STATE_CHANGED, {
      name: 'test.agent-state-events',
      async handle(_tx, published) {
        for (const e of published) events.push(e.data);
      },
    });
  });
  after(() => server.close());

  const states = () => server.runtime.services.agentStates;
  const agentOf = async (agentId: number) =>
    (await api.get(`/v1/agents/${agentId}`)).json.data as { state: AgentState };
  const historyOf = async (agentId: number) =>
    (await api.get(`/v1/agents/${agentId}/states?limit=1000`)).json.data.list as Array<{
      from: AgentState;
      to: AgentState;
      reason: string;
      call_id: string | null;
    }>;

  /** A new agent alone in a new group, driven to `state`; the call it holds, if any. */
  async function agentIn(state: AgentState) {
    seq += 1;
    const group = (await api.post('/v1/groups', { name: `sm-${seq}` })).json.data;
    const agent = (await api.post('/v1/agents', { name: `sm-${seq}`, group_ids: [group.group_id] }))
      .json.data;
    const id: number = agent.agent_id;
    const callRef = `call-${seq}`;
    if (state === 'offline') return { id, groupId: group.group_id, callRef: undefined };
    await api.post(`/v1/agents/${id}/login`);
    if (state === 'break') await api.post(`/v1/agents/${id}/break`);
    if (state === 'ready' || state === 'break') return { id, groupId: group.group_id, callRef };
    const reserved = await states().reserve(appId, group.group_id, {
      callRef,
      contact: { name: 'Budi', phoneNumber: '+6281234567890' },
    });
    assert.equal(reserved?.id, id);
    if (state !== 'reserved') await states().connect(appId, id, callRef);
    if (state === 'acw') await states().hangup(appId, id, callRef, { acwSeconds: 600 });
    assert.equal((await agentOf(id)).state, state);
    return { id, groupId: group.group_id, callRef };
  }

  /** Does `action`; the 409's message when it is refused, undefined when it went through. */
  async function attempt(
    action: Action,
    agent: { id: number; groupId: number; callRef: string | undefined },
  ): Promise<string | undefined> {
    const call = agent.callRef ?? 'call-none';
    const refusal = async (run: () => Promise<unknown>) => {
      try {
        await run();
        return undefined;
      } catch (error) {
        assert.ok(error instanceof AppError, String(error));
        assert.equal(error.key, 'agent_state_conflict');
        return error.message;
      }
    };
    switch (action) {
      case 'login':
      case 'ready':
      case 'break':
      case 'logout':
      case 'disposition': {
        const r =
          action === 'disposition'
            ? await api.post(`/v1/agents/${agent.id}/disposition`, {
                customizeResults: [{ title: 'PTP Amount', groupName: 'PTP', value: '500000' }],
                remarks: 'promised',
                ready: true,
              })
            : await api.post(`/v1/agents/${agent.id}/${action}`);
        if (r.status === 200) return undefined;
        assert.equal(r.status, 409, r.text);
        assert.equal(r.json.code, 409);
        return r.json.message;
      }
      case 'reserve': {
        const got = await states().reserve(appId, agent.groupId, { callRef: 'call-new' });
        return got ? undefined : 'no ready agent';
      }
      case 'release':
        return refusal(() => states().release(appId, agent.id, call));
      case 'connect':
        return refusal(() => states().connect(appId, agent.id, call));
      case 'hangup':
        return refusal(() => states().hangup(appId, agent.id, call, { acwSeconds: 600 }));
      case 'acw_timer': {
        const [row] = await server.store.db.query<{ state_seq: number }>(
          'SELECT state_seq FROM agents WHERE id = $1',
          [agent.id],
        );
        const before = (await agentOf(agent.id)).state;
        await states().acwTimeUp(agent.id, row!.state_seq);
        return (await agentOf(agent.id)).state === before ? 'timer ignored' : undefined;
      }
    }
  }

  for (const state of STATES) {
    for (const action of ACTIONS) {
      const to = LEGAL[state][action];
      it(`${state} + ${action} → ${to ?? 'refused'}`, async () => {
        const agent = await agentIn(state);
        const historyBefore = await historyOf(agent.id);
        const eventsBefore = events.filter((e) => e.agentId === agent.id).length;
        const refused = await attempt(action, agent);
        const history = await historyOf(agent.id);
        const ownEvents = events.filter((e) => e.agentId === agent.id);
        if (to === undefined) {
          assert.ok(refused, `${action} from ${state} went through`);
          if (!['reserve', 'acw_timer'].includes(action)) {
            assert.match(
              refused,
              new RegExp(
                `^The agent cannot do that in its current state: agent "sm-\\d+" is ${state}; ${action} needs `,
              ),
            );
          }
          assert.equal((await agentOf(agent.id)).state, state);
          assert.equal(history.length, historyBefore.length);
          assert.equal(ownEvents.length, eventsBefore);
          return;
        }
        assert.equal(refused, undefined, `${action} from ${state} was refused: ${refused}`);
        assert.equal((await agentOf(agent.id)).state, to);
        assert.equal(history.length, historyBefore.length + 1);
        assert.deepEqual(
          { from: history[0]!.from, to: history[0]!.to, reason: history[0]!.reason },
          { from: state, to, reason: action },
        );
        assert.equal(ownEvents.length, eventsBefore + 1);
        const event = ownEvents.at(-1)!;
        assert.equal(event.from, state);
        assert.equal(event.to, to);
        assert.equal(event.reason, action);
        assert.equal(event.appId, appId);
        assert.equal(event.seq, history.length);
      });
    }
  }

  it('keeps the call and the contact through reserved, talking and acw, and drops it after', async () => {
    const agent = await agentIn('ready');
    const empty = await api.get(`/v1/agents/${agent.id}/call`);
    assert.equal(empty.status, 200);
    assert.deepEqual(empty.json.data, { agent_id: agent.id, state: 'ready', call: null });
    await states().reserve(appId, agent.groupId, {
      callRef: 'c-screen',
      contact: { name: 'Siti', amount: '1200000' },
    });
    for (const step of ['reserved', 'talking', 'acw'] as const) {
      if (step === 'talking') await states().connect(appId, agent.id, 'c-screen');
      if (step === 'acw') await states().hangup(appId, agent.id, 'c-screen', { acwSeconds: 120 });
      const r = (await api.get(`/v1/agents/${agent.id}/call`)).json.data;
      assert.equal(r.state, step);
      assert.equal(r.call.call_id, 'c-screen');
      assert.equal(r.call.group_id, agent.groupId);
      assert.deepEqual(r.call.contact, { name: 'Siti', amount: '1200000' });
      assert.equal(r.call.acw_until === null, step !== 'acw');
    }
    const history = await historyOf(agent.id);
    assert.deepEqual(
      history.slice(0, 3).map((h) => h.call_id),
      ['c-screen', 'c-screen', 'c-screen'],
    );
    await api.post(`/v1/agents/${agent.id}/ready`);
    assert.equal((await api.get(`/v1/agents/${agent.id}/call`)).json.data.call, null);
  });

  it('files a disposition while talking and in acw without leaving acw unless ready is sent', async () => {
    const agent = await agentIn('talking');
    const form = [
      { title: 'PTP Date', groupName: 'PTP', value: '2026-12-10' },
      { title: 'Spokewith', groupName: 'Contact', value: 'debtor' },
    ];
    const during = await api.post(`/v1/agents/${agent.id}/disposition`, {
      customizeResults: form,
      remarks: 'will pay',
    });
    assert.equal(during.status, 200, during.text);
    assert.equal(during.json.data.agent.state, 'talking');
    const earlyReady = await api.post(`/v1/agents/${agent.id}/disposition`, {
      customizeResults: form,
      ready: true,
    });
    assert.equal(earlyReady.status, 409);
    assert.match(earlyReady.json.message, /is talking; disposition needs acw/);
    await states().hangup(appId, agent.id, agent.callRef!, { acwSeconds: 300 });
    const inAcw = await api.post(`/v1/agents/${agent.id}/disposition`, { customizeResults: [] });
    assert.equal(inAcw.json.data.agent.state, 'acw');
    const rows = await server.store.db.query<{ call_ref: string; customize_results: unknown }>(
      'SELECT call_ref, customize_results, remarks FROM agent_dispositions WHERE agent_id = $1 ORDER BY id',
      [agent.id],
    );
    assert.deepEqual(
      rows.map((r) => r.call_ref),
      [agent.callRef, agent.callRef],
    );
    assert.deepEqual(rows[0]!.customize_results, form);
    const offline = await agentIn('offline');
    const none = await api.post(`/v1/agents/${offline.id}/disposition`, { customizeResults: [] });
    assert.equal(none.status, 409);
    assert.match(
      none.json.message,
      /is offline; disposition needs talking or acw \(allowed now: login\)$/,
    );
    const bad = await api.post(`/v1/agents/${agent.id}/disposition`, {
      customizeResults: [{ title: 'x', value: 'y' }],
    });
    assert.equal(bad.status, 400);
  });

  it('refuses a dialer action for another call than the one the agent holds', async () => {
    const agent = await agentIn('reserved');
    await assert.rejects(states().connect(appId, agent.id, 'someone-elses'), (error: AppError) => {
      assert.equal(error.key, 'agent_state_conflict');
      assert.match(error.message, /is reserved for call call-\d+, not for call someone-elses/);
      return true;
    });
    assert.equal((await agentOf(agent.id)).state, 'reserved');
  });

  it('goes through acw to ready at once when the acw time is 0', async () => {
    const agent = await agentIn('talking');
    await states().hangup(appId, agent.id, agent.callRef!, { acwSeconds: 0 });
    assert.equal((await agentOf(agent.id)).state, 'ready');
    const [latest, before] = await historyOf(agent.id);
    assert.deepEqual([before!.to, latest!.reason, latest!.to], ['acw', 'acw_timer', 'ready']);
    const [jobs] = await server.store.db.query<{ n: number }>(
      "SELECT count(*) AS n FROM jobs WHERE queue = 'agent.acw_end' AND (payload->>'agent_id')::bigint = $1",
      [agent.id],
    );
    assert.equal(jobs!.n, 0);
  });
});
