import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { RobotDefinition } from '../../src/dialogue/script/robot-script.ts';
import { runConversation } from '../../src/dialogue/engine.ts';
import { checkRobot } from '../../src/dialogue/script/check-robot.ts';
import { CALLEE, NOW, ZONE } from '../conversations/scripts.ts';
import { drive, msg, nlu, open, robot, says, type RobotNode } from './handoff-robot.ts';

// The engine's handoff node (a robot hands the conversation to a human queue and waits) and the
// robot-level handoff phrases, on chat and voice.

describe('handoff', () => {
  it('the robot is valid', () => {
    assert.deepEqual(checkRobot(robot), []);
  });

  it('a handoff node says its line, transfers to its queue and waits for an agent', async () => {
    const { state, actions } = await drive(open('chat').state, [msg('Talk to an agent')]);
    assert.deepEqual(says(actions), ['One moment, I am connecting you with a colleague.']);
    assert.deepEqual(actions[1], { type: 'transfer', target: 'collections' });
    const listen = actions[2]!;
    assert.ok(listen.type === 'listen');
    assert.deepEqual(listen.expects, { kind: 'nothing' });
    assert.equal(state.status, 'active');
    assert.equal(state.node, 'to_agent');
    assert.equal(state.waitingFor, 'collections');
  });

  it('a handoff node without a queue transfers to "agents"', async () => {
    const noQueue: RobotDefinition = {
      ...robot,
      nodes: {
        ...robot.nodes,
        to_agent: { ...robot.nodes.to_agent!, queue: undefined } as RobotNode,
      },
    };
    delete (noQueue.nodes.to_agent as { queue?: string }).queue;
    const { actions } = await drive(
      open('chat', noQueue).state,
      [msg('talk to an agent')],
      noQueue,
    );
    assert.deepEqual(
      actions.find((a) => a.type === 'transfer'),
      { type: 'transfer', target: 'agents' },
    );
  });

  for (const phrase of [
    'agent please',
    'Can I talk to a person?',
    '转人工',
    'bicara dengan orang',
  ]) {
    it(`"${phrase}" at any question goes to the handoff node`, async () => {
      // At the first question (an ask node) ...
      const first = await drive(open('chat').state, [msg(phrase)]);
      assert.equal(first.state.waitingFor, 'collections');
      // ... and at the reminder (a collect node with intents).
      const later = await drive(open('chat').state, [msg('yes'), msg(phrase)]);
      assert.equal(later.state.node, 'to_agent');
      assert.deepEqual(
        later.actions.find((a) => a.type === 'transfer'),
        {
          type: 'transfer',
          target: 'collections',
        },
      );
    });
  }

  it('an answer that is not a request for a person still goes where it went', async () => {
    const { state } = await drive(open('chat').state, [msg('yes'), msg('I can pay next friday')]);
    assert.equal(state.status, 'ended');
    assert.equal(state.result.ptpDate, '2026-11-27');
  });

  it('while waiting, messages are kept and answered with a listen, never a re-ask', async () => {
    const { state, actions } = await drive(open('chat').state, [
      msg('agent please'),
      msg('hello?'),
      { kind: 'timeout' },
      msg('anyone there?'),
    ]);
    assert.deepEqual(
      actions.map((a) => a.type),
      ['listen'],
    );
    assert.equal(state.waitingFor, 'collections');
    assert.equal(state.result.turns.at(-1)!.heardText, 'hello? anyone there?');
    assert.equal(
      state.result.turns.filter((t) => t.robotText.startsWith('One moment')).length,
      1,
      'the handoff line is said once',
    );
  });

  it('a takeover while waiting hands the chat to the agent, without a second transfer', async () => {
    const { state, actions } = await drive(open('voice').state, [
      { kind: 'speech', text: 'agent please' },
      { kind: 'agent', event: 'takeover', agent: 'seat-7' },
    ]);
    assert.equal(state.mode, 'human');
    assert.equal(state.agent, 'seat-7');
    assert.equal(state.waitingFor, undefined);
    assert.ok(!actions.some((a) => a.type === 'transfer'), JSON.stringify(actions));
    const after = await drive(state, [
      { kind: 'agent', event: 'message', text: 'Hi, this is Rina. How can I help?' },
      { kind: 'speech', text: 'I want to pay in two parts' },
    ]);
    assert.equal(after.state.result.turns.at(-1)!.agent, 'seat-7');
    assert.equal(after.state.result.turns.at(-1)!.heardText, 'I want to pay in two parts');
  });

  it('a release while waiting means no agent came: the robot continues at next', async () => {
    const { state, actions } = await drive(open('chat').state, [
      msg('agent please'),
      { kind: 'agent', event: 'release' },
    ]);
    assert.deepEqual(says(actions), [
      'Sorry, nobody is free right now. Let me help you myself.',
      'Your loan of IDR 20,310 was due on November 7th. When will you be able to pay?',
    ]);
    assert.equal(state.node, 'reminder');
    assert.equal(state.waitingFor, undefined);
    assert.equal(state.mode, 'robot');
    const done = await drive(state, [msg('tomorrow')]);
    assert.equal(done.state.result.intention, 'A');
  });

  it('a release after the takeover also continues at next, not at the handoff again', async () => {
    const { state, actions } = await drive(open('chat').state, [
      msg('agent please'),
      { kind: 'agent', event: 'takeover', agent: 'seat-7' },
      { kind: 'agent', event: 'release' },
    ]);
    assert.equal(state.node, 'reminder');
    assert.ok(!actions.some((a) => a.type === 'transfer'));
  });

  it('works on voice: the transfer action goes to the queue', async () => {
    const { state, actions } = await drive(open('voice').state, [
      { kind: 'speech', text: 'I want to talk to a person' },
    ]);
    assert.deepEqual(
      actions.map((a) => a.type),
      ['say', 'transfer', 'listen'],
    );
    assert.equal(state.waitingFor, 'collections');
    const silent = await drive(state, [{ kind: 'silence', seconds: 8 }]);
    assert.deepEqual(
      silent.actions.map((a) => a.type),
      ['listen'],
    );
    assert.deepEqual(silent.state.result.segments.at(-1), { silenceSeconds: 8 });
  });

  it('a wait that hears nothing as long as a question would ends like a release', async () => {
    // The collection robot re-prompts twice: the third silence in a row gives up waiting.
    const waiting = await drive(open('voice').state, [
      { kind: 'speech', text: 'agent please' },
      { kind: 'silence', seconds: 8 },
      { kind: 'speech', text: 'hello?' },
      { kind: 'silence', seconds: 8 },
      { kind: 'silence', seconds: 8 },
    ]);
    assert.equal(waiting.state.waitingFor, 'collections', 'a word in between restarts the count');
    const { state, actions } = await drive(waiting.state, [{ kind: 'silence', seconds: 8 }]);
    assert.equal(state.waitingFor, undefined);
    assert.equal(state.node, 'reminder');
    assert.equal(says(actions)[0], 'Sorry, nobody is free right now. Let me help you myself.');
    // A chat's timeouts count the same way.
    const chat = await drive(open('chat').state, [
      msg('agent please'),
      { kind: 'timeout' },
      { kind: 'timeout' },
      { kind: 'timeout' },
    ]);
    assert.equal(chat.state.node, 'reminder');
  });

  it('the in-memory voice driver ends a call with a handoff (no agent ever comes)', async () => {
    const answers = ['agent please'];
    const result = await runConversation({
      robot,
      vars: CALLEE,
      nlu,
      context: { now: NOW, timeZone: ZONE },
      // As a simulated persona does: silence when nothing is asked, then a date.
      callee: {
        respond: async (prompt) =>
          prompt.expects.kind === 'nothing'
            ? { silenceSeconds: 6 }
            : { text: answers.shift() ?? 'next friday' },
      },
    });
    assert.equal(result.intention, 'A');
    assert.equal(result.ptpDate, '2026-11-27');
    assert.ok(result.turns.some((t) => t.robotText.startsWith('Sorry, nobody is free')));
  });

  it('a hang-up while waiting ends the conversation', async () => {
    const { state } = await drive(open('voice').state, [
      { kind: 'speech', text: 'agent please' },
      { kind: 'hangup' },
    ]);
    assert.equal(state.status, 'ended');
    assert.deepEqual(state.result.endedAt, { outcome: 'hung_up' });
  });
});
