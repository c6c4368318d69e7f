import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  startConversation,
  stepConversation,
  type ConversationState,
  type TurnInput,
} from '../../src/dialogue/conversation.ts';
import { KeywordNlu } from '../../src/dialogue/nlu/keyword-nlu.ts';
import { ScriptedNlu } from '../../src/dialogue/nlu/fake-nlu.ts';
import type { RobotDefinition } from '../../src/dialogue/script/robot-script.ts';
import { ConversationEndedError } from '../../src/dialogue/step-machine.ts';
import { CALLEE, NOW, ZONE, robotById } from '../conversations/scripts.ts';

// The step engine's own rules: inputs beyond what the in-memory voice path used (DTMF, agent
// events, chat timeouts), the state as plain JSON, and the actions a driver acts on.

const collection = robotById(4496);
const nlu = new KeywordNlu();

const open = (channel: 'voice' | 'chat', robot: RobotDefinition = collection) =>
  startConversation({ robot, vars: CALLEE, now: NOW, timeZone: ZONE, channel });

/** Steps through inputs, each time from a JSON copy of the state (as a store gives it back). */
async function drive(state: ConversationState, inputs: TurnInput[], robot = collection) {
  let actions = [] as Awaited<ReturnType<typeof stepConversation>>['actions'];
  for (const input of inputs) {
    ({ state, actions } = await stepConversation(robot, JSON.parse(JSON.stringify(state)), input, {
      nlu,
    }));
  }
  return { state, actions };
}

/** The collection robot with a keypad menu on its first question. */
const keypad: RobotDefinition = {
  ...collection,
  nodes: {
    ...collection.nodes,
    identity: {
      type: 'ask',
      say: 'Press 1 if you are {callee_name}, press 2 otherwise.',
      intents: { press_1: ['yes'], wrong_person: ['not me', '2'] },
      next: { press_1: 'reminder', wrong_person: 'end_wrong_person' },
    },
  },
};

describe('step engine', () => {
  it('opens with the first line and a listen carrying what the node expects', () => {
    const { state, actions } = open('voice');
    assert.equal(actions.length, 2);
    assert.equal(actions[0]!.type, 'say');
    assert.deepEqual(actions[1], {
      type: 'listen',
      expects: {
        kind: 'intent',
        intents: Object.keys((collection.nodes.identity as { intents: object }).intents),
      },
      timeoutSeconds: 8,
      language: 'en',
      businessLine: 'collection',
      // A recogniser's grammar: asking for a person, then the node's intents' phrases.
      phrases: [
        ...(collection.handoff?.phrases ?? []),
        ...Object.values((collection.nodes.identity as { intents: object }).intents).flat(),
      ],
    });
    assert.equal(state.node, 'identity');
    assert.equal(state.status, 'active');
  });

  it('leaves the given state unchanged', async () => {
    const { state } = open('chat');
    const copy = structuredClone(state);
    await stepConversation(collection, state, { kind: 'message', text: 'yes' }, { nlu });
    assert.deepEqual(state, copy);
  });

  it('says goodbye, hangs up and ends on voice; a chat gets no hang-up', async () => {
    const voice = await drive(open('voice').state, [
      { kind: 'speech', text: 'yes' },
      { kind: 'speech', text: 'I already paid' },
    ]);
    assert.deepEqual(
      voice.actions.map((a) => a.type),
      ['say', 'hangup', 'end'],
    );
    const chat = await drive(open('chat').state, [
      { kind: 'message', text: 'yes' },
      { kind: 'message', text: 'I already paid' },
    ]);
    assert.deepEqual(
      chat.actions.map((a) => a.type),
      ['say', 'end'],
    );
    assert.equal(chat.state.status, 'ended');
    await assert.rejects(
      drive(chat.state, [{ kind: 'message', text: 'hi' }]),
      ConversationEndedError,
    );
  });

  it('ends as hung up by the callee, without a hang-up action', async () => {
    const { state, actions } = await drive(open('voice').state, [{ kind: 'hangup' }]);
    assert.deepEqual(
      actions.map((a) => a.type),
      ['end'],
    );
    assert.equal(state.result.endedBy, 'callee');
    assert.deepEqual(state.result.endedAt, { outcome: 'hung_up' });
  });

  it('treats a voicemail greeting as voicemail on voice only', async () => {
    const greeting = collection.voicemail_phrases[0]!;
    const voice = await drive(open('voice').state, [{ kind: 'speech', text: greeting }]);
    assert.deepEqual(voice.state.result.endedAt, { outcome: 'voicemail' });
    const chat = await drive(open('chat').state, [{ kind: 'message', text: greeting }]);
    assert.equal(chat.state.status, 'active');
  });

  it('re-asks after a chat timeout, then gives up as no_input, with no silence in the recording', async () => {
    const timeouts = Array.from({ length: collection.no_input.reprompts.length + 1 }, () => ({
      kind: 'timeout' as const,
    }));
    const { state } = await drive(open('chat').state, timeouts);
    assert.deepEqual(state.result.endedAt, { outcome: 'no_input' });
    assert.ok(state.result.segments.every((s) => !('silenceSeconds' in s)));
  });

  it('DTMF on an ask node: press_<digit> intent, or an intent listing the digit', async () => {
    const one = await drive(open('voice', keypad).state, [{ kind: 'dtmf', digits: '1' }], keypad);
    assert.equal(one.state.node, 'reminder');
    assert.equal(one.state.result.turns[0]!.heardText, '1');
    const two = await drive(open('voice', keypad).state, [{ kind: 'dtmf', digits: '2' }], keypad);
    assert.deepEqual(two.state.result.endedAt, { node: 'end_wrong_person' });
    const nine = await drive(open('voice', keypad).state, [{ kind: 'dtmf', digits: '9' }], keypad);
    assert.equal(nine.state.node, 'identity');
    assert.equal(nine.state.misses, 1);
  });

  it('DTMF on a verify node is the answer', async () => {
    const info = robotById(4498);
    const scripted = new ScriptedNlu({ fallback: nlu });
    let { state } = startConversation({
      robot: info,
      vars: CALLEE,
      now: NOW,
      timeZone: ZONE,
      channel: 'voice',
    });
    for (const input of [
      { kind: 'speech', text: 'yes' },
      { kind: 'speech', text: 'Budi Santoso' },
      { kind: 'dtmf', digits: '1234' },
    ] as TurnInput[]) {
      ({ state } = await stepConversation(info, state, input, { nlu: scripted }));
    }
    assert.deepEqual(state.result.endedAt, { node: 'end_verified' });
    assert.equal(state.result.answers[1]!.answer, '1234');
    assert.ok(scripted.calls.some((c) => c.method === 'extract' && c.text === '1234'));
  });

  it('on voice, a takeover transfers to the agent; release re-asks the node it was at', async () => {
    const taken = await drive(open('voice').state, [
      { kind: 'agent', event: 'takeover', agent: 'sari' },
    ]);
    assert.deepEqual(taken.actions[0], { type: 'transfer', target: 'sari' });
    assert.equal(taken.state.mode, 'human');
    const released = await drive(taken.state, [
      { kind: 'speech', text: 'hello?' },
      { kind: 'agent', event: 'release' },
    ]);
    assert.equal(released.state.mode, 'robot');
    assert.equal(released.state.node, 'identity');
    assert.match((released.actions[0] as { text: string }).text, /Am I speaking with/);
  });

  it('uses the input time for relative dates when the step is given one', async () => {
    const later = new Date(NOW.getTime() + 7 * 86_400_000);
    let { state } = open('chat');
    ({ state } = await stepConversation(
      collection,
      state,
      { kind: 'message', text: 'yes' },
      { nlu },
    ));
    ({ state } = await stepConversation(
      collection,
      state,
      { kind: 'message', text: 'tomorrow' },
      {
        nlu,
        now: later,
      },
    ));
    assert.equal(state.result.slots.ptp_date, '2026-11-28');
  });
});
