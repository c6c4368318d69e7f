import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { messagingPersonaNumber } from '../../src/channels/messaging/simulated/messaging-personas.ts';
import { SimulatedChannel } from '../../src/channels/messaging/simulated/simulated-messaging-channel.ts';
import type { WorkflowGraph } from '../../src/modules/workflows/graph.ts';
import { storeKind } from '../helpers/db.ts';
import { startReceiver, type Receiver } from '../helpers/receiver.ts';
import { client, startTestServer, tokenFor, waitFor, type TestServer } from '../helpers/server.ts';
import { shapeDiff } from '../helpers/shape.ts';

// Issue 12's first "done when": the seed's J&T notification (seed 003, spec §23) reproduced by a
// simulated run of "call -> if not connected: WABA template -> chatbot -> API push". The callee
// is busy (the contact names its simulated persona), and the simulated WhatsApp person (the
// number's last digit, 2) taps the template's quick reply, then chats until the robot ends. The
// API node's push is compared with the seed's example: the same keys and value types at every
// depth. With notify_format "combined", the template's statuses and the chat's end reach the
// same URL in the same structure, typed by their dimension.

const seed = JSON.parse(
  readFileSync(new URL('../fixtures/seed-003-jnt.json', import.meta.url), 'utf8'),
) as Record<string, unknown>;
const freeMaps = [
  'ner_slots',
  'multi_label',
  'custom_attribute',
  'variables',
  'event_label',
  'pds_variables',
];
const PERSON = messagingPersonaNumber('quick_reply', 1);
const CHANNEL_ID = '628900009070';
const HEX32 = /^[0-9a-f]{32}$/;

describe(`the J&T workflow notification, field for field (${storeKind})`, () => {
  let server: TestServer;
  let receiver: Receiver;
  let channel: SimulatedChannel | undefined;
  let workflowId: string;
  const bodies = () => receiver.requests.map((r) => JSON.parse(r.body) as Record<string, unknown>);
  const push = (type: string, nodeName: string) =>
    waitFor(
      `the ${type} push of ${nodeName}`,
      () => bodies().find((b) => b['type'] === type && b['node_name'] === nodeName),
      60_000,
    );

  before(async () => {
    receiver = await startReceiver();
    server = await startTestServer({
      config: { timeScale: 1 },
      channels: (spec) => {
        if (spec.kind !== 'simulated') throw new Error(`no ${spec.kind} adapter in this test`);
        channel = new SimulatedChannel({ timeScale: 1000 });
        return channel;
      },
    });
    const { auth, messaging } = server.runtime.services;
    const app = await auth.createApp({
      name: 'jnt',
      webhookUrl: receiver.url,
      timezone: 'Asia/Jakarta',
    });
    await messaging.createChannel(app.app.id, {
      channelId: CHANNEL_ID,
      kind: 'simulated',
      name: 'J&T',
      phoneNumber: `+${CHANNEL_ID}`,
      config: {},
    });
    const template = await messaging.createTemplate(app.app.id, CHANNEL_ID, {
      name: 'send_card_for_sales_0331',
      language: 'en',
      category: 'UTILITY',
      status: 'APPROVED',
      content: {
        header: { type: 'image', media: { origin_url: 'https://example.com/jnt/card.jpg' } },
        body: 'Hi {{1}}, your payment of {{2}} is due. Shall we talk about it?',
        footer: 'J&T',
        button: [{ type: 'QUICK_REPLY', text: 'Yes, chat now' }],
      },
    });
    const graph: WorkflowGraph = {
      name: 'jnt_call_waba_chatbot_api',
      notify_url: `${receiver.url}/jnt`,
      notify_format: 'combined',
      nodes: [
        { id: 'start', type: 'start', next: 'call1' },
        { id: 'call1', type: 'call', name: 'Call1', robot_id: '4496', next: 'reached' },
        {
          id: 'reached',
          type: 'branch',
          rules: [{ when: [{ field: 'call.connected', op: 'eq', value: false }], next: 'waba1' }],
          default: 'api2',
        },
        {
          id: 'waba1',
          type: 'waba',
          name: 'WABA1',
          channel_id: CHANNEL_ID,
          template_id: template.id,
          robot_id: '4502',
          variables: {
            '1': '{{callee_name}}',
            '2': '{{currency_unit}} {{total_owing_amount}}',
            callee_name: '{{callee_name}}',
            total_owing_amount: '{{total_owing_amount}}',
            due_date: '{{due_date}}',
          },
          next: 'api2',
        },
        { id: 'api2', type: 'api', name: 'API2', url: `${receiver.url}/jnt`, next: 'end' },
        { id: 'end', type: 'end' },
      ],
    };
    const api = client(server.url, await tokenFor(server.url, app.appKey, app.appSecret));
    const imported = await api.post('/v1/workflow-templates', graph);
    assert.equal(imported.status, 200, imported.text);
    const created = await api.post('/service/cloud/workflow/createinstance', {
      workflow_template_name: graph.name,
      name: 'test_api_action6',
      auto_finish: 1,
      end_time: '2099-12-31 23:59:59',
      details: [
        {
          callee: PERSON,
          case_id: '12345.0',
          callee_name: 'WILL SMITH',
          callee_gender: 'MALE',
          platform_name: 'AIZCC',
          extra_a: 'a',
          extra_b: 'b',
          extra_c: 'c',
          extra: [{ Question: 'extra_d', Content: 'd' }],
          comments: '12345.0',
          borrowed_date: '2024-02-01',
          due_date: '2024-03-07',
          borrowed_amount: '20000.00',
          total_owing_amount: '20310.00',
          currency_unit: 'USD',
          variables: { extra_d: 'd' },
          custom_attribute: { a: '1', b: '2' },
          // The simulated carrier's persona for this contact (docs/simulator.md): busy.
          extend: { simulation: { persona: 'busy' } },
        },
      ],
    });
    assert.equal(created.status, 200, created.text);
    workflowId = created.json.data.workflow_id;
  });

  after(async () => {
    await server?.close();
    await receiver?.close();
  });

  it('pushes the record at the API node in the seed’s shape, at every depth', async () => {
    const body = await push('call', 'API2');
    assert.deepEqual(shapeDiff(seed, body, { freeMaps }), []);
    assert.equal(body['workflow_id'], workflowId);
    assert.equal(body['workflow_name'], 'test_api_action6');
    assert.match(String(body['node_id']), HEX32);
    const call = body['call'] as Record<string, unknown>;
    assert.equal(call['callee_number'], PERSON);
    assert.equal(call['talk_round'], 0, 'the busy callee never talked');
    assert.equal(call['call_times'], 1);
    const waba = body['waba_template'] as Record<string, unknown>;
    assert.equal(waba['waba_template_name'], 'send_card_for_sales_0331');
    assert.equal(waba['channel_id'], CHANNEL_ID);
    const chatbot = body['chatbot'] as Record<string, unknown>;
    assert.equal(chatbot['status'], 'closed');
    assert.equal(chatbot['robot_id'], '4502');
    assert.equal(chatbot['template_msg_id'], waba['msg_id']);
    const messages = chatbot['messages'] as Array<Record<string, unknown>>;
    assert.ok(
      messages.some((m) => m['sender_type'] === 'user'),
      'the person’s messages are in it',
    );
    assert.deepEqual(body['custom_attribute'], { a: '1', b: '2' });
    assert.deepEqual((body['callee'] as Record<string, unknown>)['extend'], {
      variables: { extra_d: 'd' },
      detail_source: 'api',
      pds_variables: {},
    });
  });

  it('sends the template’s statuses and the chat’s end to the same URL, in the same structure', async () => {
    // A status comes before the chat: its chatbot object is still empty (spec §23, inferred).
    const status = await push('waba_template', 'WABA1');
    assert.deepEqual(status['chatbot'], {});
    const seedWithoutChat = Object.fromEntries(
      Object.entries(seed).filter(([k]) => k !== 'chatbot'),
    );
    assert.deepEqual(shapeDiff({ ...seedWithoutChat, chatbot: {} }, status, { freeMaps }), []);
    assert.match(
      String((status['waba_template'] as Record<string, unknown>)['status']),
      /^(sent|delivery|read)$/,
    );
    const ended = await push('chatbot', 'WABA1');
    assert.deepEqual(shapeDiff(seed, ended, { freeMaps }), []);
    assert.equal((ended['chatbot'] as Record<string, unknown>)['status'], 'closed');
  });

  it('finishes the workflow once its one record has passed every node', async () => {
    await waitFor('the workflow to finish', async () => {
      const [w] = await server.store.db.query<{ status: string }>(
        `SELECT status FROM workflows WHERE id = $1`,
        [workflowId],
      );
      return w?.status === 'Finished' ? true : undefined;
    });
    const steps = await server.store.db.query<{ node: string }>(
      `SELECT node FROM workflow_steps WHERE workflow_id = $1 ORDER BY step`,
      [workflowId],
    );
    assert.deepEqual(
      steps.map((s) => s.node),
      ['start', 'call1', 'reached', 'waba1', 'api2', 'end'],
    );
    assert.ok(channel, 'the simulated channel sent the template');
  });
});
