import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { sessionReportPayload } from '../../src/modules/chatbot/chat-callbacks.ts';
import type { ChatContent } from '../../src/modules/chatbot/chat-content.ts';
import type { MessageRow, SessionRow } from '../../src/modules/chatbot/chatbot.repository.ts';
import { callObject } from '../../src/modules/tasks/call-object.ts';
import type { CallResult, CallRow } from '../../src/modules/tasks/calls.repository.ts';
import type { CallFact, RecordFacts, WabaFact } from '../../src/modules/workflows/facts.ts';
import {
  apiPushPayload,
  CALL_KEYS,
  callCompletionPayload,
  chatbotEndPayload,
  combinedPayload,
  listCompletionPayload,
  recordCallee,
  statusChangePayload,
  wabaStatusPayload,
  type NotifiedRecord,
} from '../../src/modules/workflows/notifications.ts';
import { shapeDiff } from '../helpers/shape.ts';

// The workflow notifications (spec/workflow-api.md §17, §23) made from facts as the other modules
// produce them (the tasks module's call object, a template send, the chatbot's §9.13 report)
// have the shape of the J&T seed's example (test/fixtures/seed-003-jnt.json) and of the spec's
// §17 examples: the same keys at every depth, the same value types.

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- fixtures are read as they come
type Json = any;

const seed: Json = JSON.parse(
  readFileSync(new URL('../fixtures/seed-003-jnt.json', import.meta.url), 'utf8'),
);
/** Objects whose keys are data, not schema. */
const freeMaps = [
  'ner_slots',
  'multi_label',
  'custom_attribute',
  'variables',
  'event_label',
  'pds_variables',
];
const ZONE = 'Asia/Jakarta';
const hex = (n: number) => n.toString(16).padStart(32, '0');

const record: NotifiedRecord = {
  id: hex(1),
  case_id: '12345.0',
  callee: '+8618717905721',
  attributes: {
    callee_name: 'WILL SMITH',
    callee_gender: 'MALE',
    platform_name: 'AIZCC',
    extra_a: 'a',
    extra_b: 'b',
    extra_c: 'c',
    extra: [{ Question: 'extra_d', Content: 'd' }],
    variables: { extra_d: 'd' },
    comments: '12345.0',
    borrowed_date: '2024-02-01',
    due_date: '2024-03-07',
    borrowed_amount: '20000.00',
    total_owing_amount: '20310.00',
    currency_unit: 'USD',
    custom_attribute: { a: '1', b: '2' },
  },
};

/** Attempts of one number as the calls table has them: a no-answer, then an info-check talk. */
function attempts(): CallRow[] {
  const base = {
    app_id: 1,
    task_id: hex(2),
    callee_id: 7,
    state: 'final' as const,
    robot_id: 4498,
    robot_version: 1,
    callee_number: record.callee,
    caller_number: '+950000000088',
    worker_id: null,
  };
  const talk: CallResult = {
    ring_type: 'normal',
    intention: 'A',
    intention_description: 'Verified',
    talk_round: 2,
    ner_slots: { curp: 's02' },
    slots: '',
    multi_label: { Correct_Person: 'identity_correct_person' },
    asr_ptp: '',
    asr_result: [{ time: '00:00:00', robottext: 'Your CURP, please?', text: 's s cero dos' }],
    question_answer: [
      {
        question_name: 'Q1',
        question_content: 'CURP Verification',
        question_type: 'open',
        answer: 'ss02',
        answer_text: 's s cero dos',
        answer_text_slot: 's02;02',
        var: 'S02',
        verification_results: 'Match',
        status: 'Completed',
        whether_answer: 'Answered',
      },
    ],
  };
  return [
    {
      ...base,
      id: hex(3),
      attempt: 1,
      outcome: 'no_answer',
      started_at: new Date('2024-03-05T09:15:53Z'),
      ended_at: new Date('2024-03-05T09:16:20Z'),
      ring_time: 27,
      hangup_type: 'BySystem',
      result: { ...talk, intention: 'F', talk_round: 0, asr_result: [], question_answer: [] },
    },
    {
      ...base,
      id: hex(4),
      attempt: 2,
      outcome: 'answered',
      started_at: new Date('2024-03-11T08:58:26Z'),
      ended_at: new Date('2024-03-11T08:59:12Z'),
      ring_time: 2,
      hangup_type: 'ByCallee',
      result: talk,
    },
  ];
}

/** The call fact as the workflow engine keeps it: the call object plus its helper keys. */
function callFact(): CallFact {
  const call = callObject(attempts(), ZONE, { status: 'done', hold_reason: null });
  return {
    ...call,
    connected: call.end_reason === 'connected',
    nodetask_id: hex(5),
    nodetask_name: 'Call1',
  };
}

const waba: WabaFact = {
  waba_task_id: hex(6),
  msg_id: hex(7),
  status: 'delivery',
  send_time: '2025-04-15 03:20:00',
  waba_template_name: 'send_card_for_sales_0331',
  waba_template_id: 288,
  channel_id: '628900001234',
  replied: true,
  error_code: '',
  nodetask_id: hex(8),
  nodetask_name: 'WABA1',
};

/** A session opened by the template, handed to an agent, closed: the §9.13 report of it. */
function chatbotReport(): Record<string, unknown> {
  const started = new Date('2025-04-15T06:41:00Z');
  const session: SessionRow = {
    id: hex(9),
    app_id: 1,
    channel: 'WhatsApp',
    channel_id: '628900009070',
    user_id: '8618717905721',
    user_name: null,
    robot_id: '4755',
    conversation_id: hex(10),
    status: 'resolved',
    transfer_requested_at: null,
    seat_id: 'agent-1',
    queue: '',
    snoozed_until: null,
    waba_task_id: waba.waba_task_id,
    template_msg_id: waba.msg_id,
    variables: { date: '2025-05-01', project: 'voicebot' },
    custom: null,
    end_reason: 'agent',
    started_at: started,
    ended_at: new Date(started.getTime() + 9_000),
    last_message_at: started,
    last_user_message_at: started,
    unread: 0,
    report_sent_at: null,
    result: {
      intention: 'E',
      talkRound: 3,
      slots: { test_echo: 'ok' },
      labels: { EventLabel: '1' },
    },
    version: 1,
  };
  let seq = 0;
  const message = (
    sender: MessageRow['sender_type'],
    content: ChatContent,
    replyTo: string | null = null,
  ): MessageRow => ({
    id: hex(100 + (seq += 1)),
    app_id: 1,
    session_id: session.id,
    seq,
    sender_type: sender,
    seat_id: sender === 'agent' ? 'agent-1' : '',
    content,
    reply_to: replyTo,
    status: sender === 'system' ? 'delivery' : 'read',
    error_code: null,
    error_message: null,
    created_at: new Date(started.getTime() + seq * 1000),
  });
  const system = (type: 'conversation.start' | 'conversation.take_over' | 'conversation.close') =>
    message('system', {
      type: 'system',
      system: {
        type,
        from_seat_id: '',
        to_seat_id: type === 'conversation.start' ? '' : 'agent-1',
      },
    });
  const template = message('chatbot', {
    type: 'template',
    template: {
      type: 'WhatsApp',
      content: {
        header: { type: 'image', media: { origin_url: 'https://example.com/card.jpg' } },
        body: 'Hi, tom, we will hold a party from 2024-03-07, welcome to join us',
        footer: 'welcome',
        button: [
          { type: 'QUICK_REPLY', text: 'no' },
          { type: 'OPT_OUT', text: 'yes' },
        ],
      },
      info: { id: 35, name: 'opt_out_02_27_english', language: 'en' },
    },
  });
  const transcript = [
    system('conversation.start'),
    template,
    message('user', { type: 'button', text: 'no' }, template.id),
    message('robot', { type: 'text', text: 'May I ask why?' }),
    system('conversation.take_over'),
    message('agent', { type: 'text', text: 'hi' }),
    message('user', { type: 'text', text: 'bye' }),
    system('conversation.close'),
  ];
  return sessionReportPayload(session, transcript, ZONE);
}

const workflow = { id: hex(11), name: 'test_api_action6' };
const apiNode = { node_id: hex(12), node_name: 'API2' };
const at = new Date('2025-04-15T06:41:09Z');
const allFacts = (): RecordFacts => ({ call: callFact(), waba, chatbot: chatbotReport() });

describe('workflow notifications have the seed’s shape (§17, §23)', () => {
  it('the API node push (§17.2) has the J&T example’s keys and types at every depth', () => {
    const payload = apiPushPayload({
      workflow,
      node: apiNode,
      record,
      facts: allFacts(),
      timestamp: at,
    });
    assert.deepEqual(shapeDiff(seed, payload, { freeMaps }), []);
    // Exactly the seed's call keys: the engine's helper keys are not sent.
    assert.deepEqual(Object.keys(payload.call as object), Object.keys(seed.call));
    assert.deepEqual([...CALL_KEYS], Object.keys(seed.call));
    assert.equal(payload.timestamp, 1744699269);
    assert.equal(payload.type, 'call');
    assert.deepEqual(payload.custom_attribute, { a: '1', b: '2' });
    assert.equal((payload.callee as Json).extend.detail_source, 'api');
    assert.equal((payload.call as Json).question_answer[0].verification_results, 'Match');
    assert.equal((payload.chatbot as Json).template_msg_id, waba.msg_id);
  });

  it('a record with no fact yet pushes {} for each object, and a full callee', () => {
    const payload = apiPushPayload({ workflow, node: apiNode, record, facts: {}, timestamp: at });
    assert.deepEqual([payload.call, payload.waba_template, payload.chatbot], [{}, {}, {}]);
    const withoutObjects = (o: Json) =>
      Object.fromEntries(
        Object.entries(o).filter(([k]) => !['call', 'waba_template', 'chatbot'].includes(k)),
      );
    assert.deepEqual(shapeDiff(withoutObjects(seed), withoutObjects(payload), { freeMaps }), []);
  });

  it('the callee object has every seed key with its type even when the list gave few, and keeps the others', () => {
    const bare = recordCallee({
      id: hex(1),
      case_id: 'c1',
      callee: '+6281234567000',
      attributes: { borrowed_amount: 20000 as unknown as string, loan_type: 'PAYDAY' },
    });
    const { loan_type, ...seedKeys } = bare;
    assert.equal(loan_type, 'PAYDAY');
    assert.deepEqual(shapeDiff(seed.callee, seedKeys, { freeMaps }), []);
    assert.equal(bare.borrowed_amount, '20000');
    assert.deepEqual(bare.extra, []);
  });

  it('the combined J&T pushes are the same structure with their type', () => {
    const wabaNode = { node_id: hex(13), node_name: 'WABA1' };
    for (const type of ['waba_template', 'chatbot'] as const) {
      const payload = combinedPayload(type, {
        workflow,
        node: wabaNode,
        record,
        facts: allFacts(),
        timestamp: at,
      });
      assert.deepEqual(shapeDiff(seed, payload, { freeMaps }), [], type);
      assert.equal(payload.type, type);
      assert.equal(payload.node_name, 'WABA1');
    }
  });

  it('the call completion (§17.1) is flat, with one key set for collection and info check', () => {
    const example: Json = {
      workflow_id: '079918b288aa4c1d3815e2a8030eb001',
      workflow_name: 'test_api_action6',
      nodetask_id: 'f878645926a94c1fb0b779ba254aa001',
      nodetask_name: 'Call1',
      case_id: '12345.0',
      ...seed.call,
    };
    const infoCheck = callCompletionPayload({ workflow, record, call: callFact() });
    assert.deepEqual(shapeDiff(example, infoCheck, { freeMaps }), []);
    assert.equal(infoCheck.nodetask_name, 'Call1');
    // A collection robot's call: no questions, the same keys.
    const plain = callFact();
    plain.question_answer = [];
    const collection = callCompletionPayload({ workflow, record, call: plain });
    assert.deepEqual(Object.keys(collection), Object.keys(infoCheck));
    assert.deepEqual(collection.question_answer, []);
  });

  it('the list completion (§17.3) and status change (§17.4) have the spec examples’ shapes', () => {
    const rows = [
      { nodetask_id: hex(5), nodetask_name: 'Call1', node_type: 'call', task_id: hex(2) },
      { nodetask_id: hex(14), nodetask_name: 'API2', node_type: 'api', task_id: null },
    ];
    const list = listCompletionPayload({ workflow, record, rows });
    assert.deepEqual(
      shapeDiff(
        {
          case_id: 'test-caseid11',
          callee_number: '+8613711112222',
          workflow_id: '0ca6e3a59cf74630906683882aa5111f',
          workflow_name: 'collection_0415_batch1',
          rows: [
            { nodetask_id: 'a', nodetask_name: 'Call1', node_type: 'call', task_id: 'b' },
            { nodetask_id: 'c', nodetask_name: 'API2', node_type: 'api' },
          ],
        },
        list,
      ),
      [],
    );
    assert.equal('task_id' in (list.rows as Json[])[1], false);
    const status = statusChangePayload({
      workflow,
      status: 'Finished',
      actions: [{ ...rows[0]!, task_status: 'Finished' }],
    });
    assert.deepEqual(
      shapeDiff(
        {
          workflow_id: '0ca6e3a59cf74630906683882aa5111f',
          workflow_name: 'collection_0415_batch1',
          status: 'Finished',
          actions: [
            {
              nodetask_id: 'a',
              nodetask_name: 'Call1',
              node_type: 'call',
              task_id: 'b',
              task_status: 'Finished',
            },
          ],
        },
        status,
      ),
      [],
    );
  });

  it('the WABA status (§17.5) and chatbot end (§17.6) have the spec’s fields', () => {
    const wabaExample: Json = {
      workflow_id: '079918b288aa4c1d3815e2a8030eb001',
      workflow_name: 'test_api_action6',
      // The routing keys §17.5's table lists (its example leaves them out).
      nodetask_id: 'f878645926a94c1fb0b779ba254aa003',
      nodetask_name: 'WABA1',
      wfdetail_uuid: '5b1c0d7e3f4a4b8c9d0e1f2a3b4c5d6e',
      ...seed.waba_template,
      callee: '+628900009999',
      case_id: '12345.0',
      timestamp: 1744699269,
    };
    const status = wabaStatusPayload({ workflow, record, waba, timestamp: at });
    assert.deepEqual(shapeDiff(wabaExample, status), []);
    const chatExample: Json = {
      workflow_id: '079918b288aa4c1d3815e2a8030eb001',
      workflow_name: 'test_api_action6',
      nodetask_id: 'f878645926a94c1fb0b779ba254aa003',
      nodetask_name: 'WABA1',
      waba_task_id: '602ff2fc65e54b2b9b4ee9736e000001',
      wfdetail_uuid: '5b1c0d7e3f4a4b8c9d0e1f2a3b4c5d6e',
      timestamp: 1744699269,
      channel: 'WhatsApp',
      channel_id: '628900009070',
      callee: '+628900001111',
      call_id: 'a3f5c12ac5914b0fad71fe6a8ea3e001',
      template_msg_id: '63728985927918sh859hg78g',
      robot_id: '4755',
      status: 'closed',
      session_start_time: '2025-04-15 06:41:00',
      session_end_time: '2025-04-15 06:41:09',
      session_end_reason: 'robot',
      intention: 'E',
      talk_round: 3,
      ner_slots: { test_echo: 'okhhhhh' },
      event_label: { EventLabel: '1' },
      variables: { date: '2025-05-01', project: 'voicebot' },
      // Every kind of message the seed shows.
      messages: seed.chatbot.messages,
    };
    const ended = chatbotEndPayload({
      workflow,
      record,
      waba,
      chatbot: chatbotReport(),
      timestamp: at,
    });
    assert.deepEqual(shapeDiff(chatExample, ended, { freeMaps }), []);
    assert.deepEqual(Object.keys(ended), Object.keys(chatExample));
    assert.equal(ended.nodetask_name, 'WABA1');
    assert.equal(ended.wfdetail_uuid, record.id);
  });
});

describe('shapeDiff', () => {
  const expected = { a: 'x', n: 1, o: { b: true, z: null }, list: [{ k: 'v' }] };

  it('finds nothing between values of one shape', () => {
    assert.deepEqual(
      shapeDiff(expected, {
        a: 'y',
        n: 2,
        o: { b: false, z: null },
        list: [{ k: 'w' }, { k: '' }],
      }),
      [],
    );
  });

  it('reports a missing key, an extra key and a changed type, with their paths', () => {
    const diff = shapeDiff(expected, {
      a: 'y',
      n: '2',
      o: { b: false, z: null, extra: 1 },
      list: [{ k: 'v' }],
    });
    assert.deepEqual(diff, [
      '$.n: expected number, got string',
      '$.o.extra: unexpected key (number)',
    ]);
    assert.deepEqual(shapeDiff(expected, { a: 'y', n: 2, o: { b: true }, list: [] }), [
      '$.o.z: missing (expected null)',
    ]);
  });

  it('compares every element of an array, and nulls, with the expected element', () => {
    assert.deepEqual(shapeDiff(expected, { ...expected, list: [{ k: 'v' }, { k: 3 }] }), [
      '$.list[1].k: expected string, got number',
    ]);
    assert.deepEqual(shapeDiff(expected, { ...expected, o: null }), [
      '$.o: expected object, got null',
    ]);
    assert.deepEqual(shapeDiff({ m: { a: 'x' } }, { m: { b: 'y', c: 1 } }, { freeMaps: ['m'] }), [
      '$.m.c: expected string, got number',
    ]);
  });

  it('fails the seed check when a payload loses a call field or changes its type', () => {
    const payload: Json = apiPushPayload({
      workflow,
      node: apiNode,
      record,
      facts: allFacts(),
      timestamp: at,
    });
    delete payload.call.asr_ptp;
    payload.call.call_times = '2';
    assert.deepEqual(shapeDiff(seed, payload, { freeMaps }), [
      '$.call.asr_ptp: missing (expected string)',
      '$.call.call_times: expected number, got string',
    ]);
  });
});
