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

// A person at an agent desktop (docs/pds-dialer.md, "A real agent"): the dialer connects a call
// to a logged-in agent who is not simulated; the desktop reads the call (the contact's data and
// what the robot found out), hangs up and files the result form through the /v1 routes.

describe(`PDS dialer: a real agent (${storeKind})`, () => {
  let world: PdsWorld;
  let agentId: number;
  let taskId: string;
  let phone: string;

  before(async () => {
    world = await pdsWorld({ agents: 0 });
    const created = await world.api.post('/v1/agents', {
      name: 'agent01',
      group_ids: [world.groupId],
    });
    assert.equal(created.status, 200, created.text);
    agentId = created.json.data.agent_id;
    assert.equal((await world.api.post(`/v1/agents/${agentId}/login`)).status, 200);
    phone = numbers([0])[0]!;
    taskId = await createPdsTask(world, [phone], { acwSeconds: 600 });
  });
  after(() => world.close());

  it('shows the call on the desktop with the contact and the robot findings', async () => {
    const current = await waitFor('the call to reach the agent', async () => {
      const r = await world.api.get(`/v1/agents/${agentId}/call`);
      return r.json.data.state === 'talking' ? r.json.data : undefined;
    });
    const [call] = await callsOf(world, taskId);
    assert.equal(current.call.call_id, call!.id);
    assert.equal(current.call.group_id, world.groupId);
    const contact = current.call.contact;
    assert.equal(contact.phoneNumber, phone);
    assert.equal(contact.callee_name, 'Customer 0');
    assert.equal(contact.customerInfo.loanId, 'L-0');
    assert.equal(contact.customerInfo.amount, '500000');
    assert.equal(contact.phoneTag, 'mobile');
    assert.equal(contact.robotFindings.labels.Correct_Person, 'identity_correct_person');
    assert.match(contact.robotFindings.transcript[0].robot, /Am I speaking with Customer 0\?/);
    assert.ok(contact.robotFindings.transcript[0].heard.length > 0, 'what the person answered');
  });

  it('hangs up from the desktop: the agent wraps up, the call ends talked', async () => {
    const hungUp = await world.api.post(`/v1/agents/${agentId}/hangup`);
    assert.equal(hungUp.status, 200, hungUp.text);
    assert.equal(hungUp.json.data.state, 'acw');
    await waitForTaskEnd(world, taskId);
    const [call] = await callsOf(world, taskId);
    assert.equal(call!.pds?.hangupReason, 12);
    assert.equal(call!.pds?.agentName, 'agent01');
    assert.equal(call!.pds?.agentId, agentId);
    assert.equal(call!.hangup_type, 'ByAgent');
    assert.equal(call!.outcome, 'answered');
    const again = await world.api.post(`/v1/agents/${agentId}/hangup`);
    assert.equal(again.status, 409, 'no call to hang up any more');
  });

  it('files the result form: calls.pds and the TALKRESULT webhook get it', async () => {
    const filed = await world.api.post(`/v1/agents/${agentId}/disposition`, {
      customizeResults: [
        { title: 'PTP Date', groupName: 'PTP', value: '2026-12-10' },
        { title: 'PTP Amount', groupName: 'PTP', value: '500000' },
      ],
      remarks: 'will pay on Thursday',
      ready: true,
    });
    assert.equal(filed.status, 200, filed.text);
    assert.equal(filed.json.data.agent.state, 'ready');
    const [call] = await callsOf(world, taskId);
    assert.deepEqual(call!.pds?.customizeResults, [
      { title: 'PTP Date', groupName: 'PTP', value: '2026-12-10' },
      { title: 'PTP Amount', groupName: 'PTP', value: '500000' },
    ]);
    assert.equal(call!.pds?.talkremarks, 'will pay on Thursday');
    const talk = await waitFor('the TALKRESULT webhook', () =>
      received(world).find((e) => e.type === 'AgentStatus' && e.body.State === 'TALKRESULT'),
    );
    assert.deepEqual(talk.body.customizeResults, {
      'PTP Date': '2026-12-10',
      'PTP Amount': '500000',
    });
    assert.equal(talk.body.talkremarks, 'will pay on Thursday');
    assert.equal(talk.body.agentName, 'agent01');
    assert.equal(talk.body.callid, call!.id);
    const states = received(world)
      .filter((e) => e.type === 'AgentStatus')
      .map((e) => e.body.State);
    assert.deepEqual(states, ['ANSWERED', 'HANGUP', 'TALKRESULT']);
  });
});
