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

// A PDS task run end to end (docs/pds-dialer.md): the real server, the simulated carrier and its
// personas, three simulated agents, the robot's opening, the webhooks to a real receiver.

/** Persona digit → what the call must end with. */
const EXPECTED: Record<number, { reason: number; bridged: boolean }> = {
  0: { reason: 12, bridged: true }, // cooperative: passes the check, talks to an agent
  1: { reason: 12, bridged: true }, // refuses to pay, but is the right party
  2: { reason: 9, bridged: false }, // wrong person
  4: { reason: 16, bridged: false }, // answering machine
  5: { reason: 2, bridged: false }, // no answer: rings out at the ring limit
  6: { reason: 3, bridged: false }, // busy
  7: { reason: 8, bridged: false }, // invalid number
  8: { reason: 19, bridged: false }, // hangs up during the opening
};
const DIGITS = [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 4, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8];

describe(`PDS dialer: a task runs to its end (${storeKind})`, () => {
  let world: PdsWorld;
  let taskId: string;
  const phones = numbers(DIGITS);
  const digitOf = (phone: string) => Number(phone.at(-1));

  before(async () => {
    world = await pdsWorld({ agents: 3 });
    taskId = await createPdsTask(world, phones, { acwSeconds: 5 });
    await waitForTaskEnd(world, taskId);
  });
  after(() => world.close());

  it('ends every call, with the hangupReason of what happened on it', async () => {
    const calls = await callsOf(world, taskId);
    assert.equal(calls.length, phones.length, 'one call per number');
    for (const call of calls) {
      assert.equal(call.state, 'final', `call ${call.id} ended`);
      const expected = EXPECTED[digitOf(call.callee_number)]!;
      assert.equal(call.pds?.hangupReason, expected.reason, `${call.callee_number}: hangupReason`);
      assert.equal(call.pds?.abandoned, false);
      assert.equal(call.pds?.phoneTag, 'mobile');
      assert.equal(call.pds?.mainNumber, call.callee_number);
      if (expected.bridged) {
        assert.match(call.pds?.agentName, /^Group_A-sim-00[123]$/);
        assert.equal(typeof call.pds?.agentId, 'number');
        assert.ok(call.pds?.answeredAt && call.pds?.bridgedAt, 'answered and bridged times');
        assert.ok(Date.parse(call.pds.bridgedAt) >= Date.parse(call.pds.answeredAt));
        assert.equal(call.outcome, 'answered');
        assert.equal(call.hangup_type, 'ByAgent', 'the simulated agent ends the call');
        assert.deepEqual(
          call.pds?.customizeResults.map((r: { title: string }) => r.title),
          ['PTP Date', 'Spokewith'],
          'the simulated agent filed its form',
        );
      } else {
        assert.equal(call.pds?.agentName, null);
        assert.equal(call.pds?.bridgedAt, null);
      }
    }
    const noAnswer = calls.find((c) => digitOf(c.callee_number) === 5)!;
    assert.equal(noAnswer.outcome, 'no_answer');
  });

  it("sends none of the cloud family's call or task webhooks (§8) for a PDS task", async () => {
    const cloud = await world.server.store.db.query<{ type: string }>(
      `SELECT type FROM webhook_events WHERE app_id = $1 AND type IN ('call', 'task')`,
      [world.appId],
    );
    assert.deepEqual(cloud, []);
  });

  it('leaves every agent ready once after-call work is over', async () => {
    await waitFor('the agents to be ready again', async () => {
      const { list } = (await world.api.get(`/v1/agents?group_id=${world.groupId}`)).json.data;
      return list.every((a: { state: string }) => a.state === 'ready') ? true : undefined;
    });
    const history = (await world.api.get(`/v1/agents/${world.agentIds[0]}/states?limit=500`)).json
      .data.list as Array<{ reason: string }>;
    const reasons = new Set(history.map((h) => h.reason));
    for (const step of ['reserve', 'connect', 'hangup', 'acw_timer']) {
      assert.ok(reasons.has(step), `agent 1 went through ${step}`);
    }
  });

  it('sends the §18 webhooks, in order per call, AIRudder style', async () => {
    const calls = await callsOf(world, taskId);
    await waitFor('every call HANGUP and the task Finished to arrive', () => {
      const got = received(world);
      const hangups = got.filter((e) => e.type === 'ContactStatus' && e.body.state === 'HANGUP');
      const talkResults = got.filter(
        (e) => e.type === 'AgentStatus' && e.body.State === 'TALKRESULT',
      );
      const finished = got.some((e) => e.type === 'TaskStatus' && e.body.state === 'Finished');
      const bridged = calls.filter((c) => c.pds?.bridgedAt).length;
      return hangups.length === calls.length && talkResults.length === bridged && finished
        ? true
        : undefined;
    });
    const events = received(world);
    for (const event of events) {
      assert.equal(event.headers['user-agent'], 'Airudder');
      assert.match(String(event.headers['x-airudder-sign']), /^[0-9a-f]{64}$/);
      assert.equal(event.body.taskId, taskId);
      assert.equal(event.body.groupName, 'Group_A');
      assert.equal(typeof event.body.timestamp, 'number');
      assert.ok(
        event.body.timestamp >= Date.parse('2026-12-07T00:00:00Z'),
        'ms on the business clock',
      );
    }
    const task = events.filter((e) => e.type === 'TaskStatus').map((e) => e.body.state);
    assert.deepEqual(task, ['Running', 'Finished']);

    for (const call of calls) {
      const mine = events.filter((e) => e.body.callid === call.id);
      const contact = mine.filter((e) => e.type === 'ContactStatus').map((e) => e.body.state);
      const answered = call.pds?.answeredAt !== null;
      assert.deepEqual(
        contact,
        answered ? ['CALLING', 'RINGING', 'ANSWERED', 'HANGUP'] : ['CALLING', 'RINGING', 'HANGUP'],
        `${call.callee_number}: ContactStatus in order`,
      );
      const hangup = mine.find((e) => e.body.state === 'HANGUP')!.body;
      assert.equal(hangup.hangupReason, call.pds?.hangupReason);
      assert.equal(hangup.phoneNumber, call.callee_number);
      assert.equal(hangup.mainNumber, call.callee_number);
      assert.equal(hangup.phoneTag, 'mobile');
      assert.equal(hangup.nthCall, 1);
      assert.equal(hangup.customerInfo.loanId.startsWith('L-'), true);
      assert.match(hangup.contactName, /^Customer /);
      const agent = mine.filter((e) => e.type === 'AgentStatus');
      if (!call.pds?.bridgedAt) {
        assert.equal(agent.length, 0, `${call.callee_number}: no agent events`);
        continue;
      }
      assert.deepEqual(
        agent.map((e) => e.body.State),
        ['ANSWERED', 'HANGUP', 'TALKRESULT'],
        `${call.callee_number}: AgentStatus in order`,
      );
      for (const e of agent) assert.equal(e.body.agentName, call.pds.agentName);
      // The agent's ANSWERED follows the contact's.
      const order = mine.map((e) => `${e.type}:${e.body.state ?? e.body.State}`);
      assert.ok(order.indexOf('ContactStatus:ANSWERED') < order.indexOf('AgentStatus:ANSWERED'));
      const talk = agent[2]!.body;
      assert.equal(typeof talk.customizeResults, 'object');
      assert.equal(Array.isArray(talk.customizeResults), false, 'customizeResults is an object');
      assert.match(talk.customizeResults['PTP Date'], /^\d{4}-\d{2}-\d{2}$/);
      assert.equal(talk.customizeResults.Spokewith, 'Customer');
      assert.match(talk.talkremarks, /promised to pay/);
      assert.match(talk.recLink, /^http:\/\/127\.0\.0\.1:\d+\/.+/);
    }
  });
});
