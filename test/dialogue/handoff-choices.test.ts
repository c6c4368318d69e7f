import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  startConversation,
  stepConversation,
  type Action,
  type ConversationState,
  type TurnInput,
} from '../../src/dialogue/conversation.ts';
import { runConversation } from '../../src/dialogue/engine.ts';
import { KeywordNlu } from '../../src/dialogue/nlu/keyword-nlu.ts';
import { checkRobot } from '../../src/dialogue/script/check-robot.ts';
import type { RobotDefinition } from '../../src/dialogue/script/robot-script.ts';
import { CALLEE, NOW, ZONE, robotById } from '../conversations/scripts.ts';

// The engine's handoff node (a robot hands the conversation to a human queue and waits), the
// robot-level handoff phrases, and the choices an ask node offers in chat.

const base = robotById(4496);
const nlu = new KeywordNlu();

/** The collection robot with a handoff node, handoff phrases and choices on its first question. */
const robot: RobotDefinition = {
  ...base,
  handoff: {
    phrases: ['agent please', 'talk to a person', 'human agent', '转人工', 'bicara dengan orang'],
    node: 'to_agent',
  },
  nodes: {
    ...base.nodes,
    identity: {
      ...(base.nodes.identity as Extract<RobotNode, { type: 'ask' }>),
      intents: {
        ...(base.nodes.identity as Extract<RobotNode, { type: 'ask' }>).intents,
        agent: ['speak to an agent'],
      },
      next: {
        ...(base.nodes.identity as Extract<RobotNode, { type: 'ask' }>).next,
        agent: 'to_agent',
      },
      choices: { yes: "Yes, it's me", wrong_person: 'Wrong person', agent: 'Talk to an agent' },
    },
    to_agent: {
      type: 'handoff',
      say: 'One moment, I am connecting you with a colleague.',
      queue: 'collections',
      next: 'after_agent',
    },
    after_agent: {
      type: 'say',
      say: 'Sorry, nobody is free right now. Let me help you myself.',
      next: 'reminder',
    },
  },
};
type RobotNode = RobotDefinition['nodes'][string];

const open = (channel: 'voice' | 'chat', r: RobotDefinition = robot) =>
  startConversation({ robot: r, vars: CALLEE, now: NOW, timeZone: ZONE, channel });

async function drive(state: ConversationState, inputs: TurnInput[], r = robot) {
  let actions: Action[] = [];
  for (const input of inputs) {
    ({ state, actions } = await stepConversation(r, JSON.parse(JSON.stringify(state)), input, {
      nlu,
    }));
  }
  return { state, actions };
}

const says = (actions: Action[]) => actions.flatMap((a) => (a.type === 'say' ? [a.text] : []));
const msg = (text: string): TurnInput => ({ kind: 'message', text });

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

describe('choices', () => {
  const listenOf = (actions: Action[]) => actions.find((a) => a.type === 'listen')!;

  it('a chat listen offers the choices, id = intent name', () => {
    const listen = listenOf(open('chat').actions);
    assert.ok(listen.type === 'listen');
    assert.deepEqual(listen.choices, [
      { id: 'yes', title: "Yes, it's me" },
      { id: 'wrong_person', title: 'Wrong person' },
      { id: 'agent', title: 'Talk to an agent' },
    ]);
  });

  it('voice offers no choices', () => {
    const listen = listenOf(open('voice').actions);
    assert.ok(listen.type === 'listen');
    assert.equal('choices' in listen, false);
  });

  for (const [how, text] of [
    ['by title', "Yes, it's me"],
    ['by title in another case, with spaces', "  YES,  it's ME "],
    ['by id', 'yes'],
    ['by id in another case', 'WRONG_PERSON'],
  ] as const) {
    it(`a message picks a choice ${how}`, async () => {
      const throwingNlu = {
        classify: () => Promise.reject(new Error('the NLU was asked')),
        extract: () => Promise.reject(new Error('the NLU was asked')),
      };
      const { state } = await stepConversation(robot, open('chat').state, msg(text), {
        nlu: throwingNlu,
      });
      const expected = text.toLowerCase().includes('wrong') ? 'end_wrong_person' : 'reminder';
      assert.equal(state.node, expected);
    });
  }

  it('a choice picked by title adds the intent labels', async () => {
    const { state } = await drive(open('chat').state, [msg("yes, it's me")]);
    assert.deepEqual(state.result.labels, { Correct_Person: 'identity_correct_person' });
  });

  it('text that is not a choice goes to the NLU as before', async () => {
    const { state } = await drive(open('chat').state, [msg('wrong number, sorry')]);
    assert.equal(state.node, 'end_wrong_person');
  });

  it('voice does not pick by title: the NLU places what was said', async () => {
    const lettered = structuredClone(robot);
    (lettered.nodes.identity as Extract<RobotNode, { type: 'ask' }>).choices!.wrong_person =
      'Option B';
    const chat = await drive(open('chat', lettered).state, [msg('option b')], lettered);
    assert.equal(chat.state.node, 'end_wrong_person');
    const voice = await drive(
      open('voice', lettered).state,
      [{ kind: 'speech', text: 'option b' }],
      lettered,
    );
    assert.equal(voice.state.node, 'identity', 'a no-match: the robot asks again');
    assert.equal(voice.state.misses, 1);
  });
});

describe('validation of handoff and choices', () => {
  const problems = (change: (r: RobotDefinition) => void) => {
    const r = structuredClone(robot);
    change(r);
    return checkRobot(r);
  };
  const identity = (r: RobotDefinition) => r.nodes.identity as Extract<RobotNode, { type: 'ask' }>;

  it('the handoff phrases must lead to a handoff node', () => {
    assert.deepEqual(
      problems((r) => (r.handoff!.node = 'reminder')),
      ['handoff.node: "reminder" is a collect node, not a handoff node'],
    );
    assert.deepEqual(
      problems((r) => (r.handoff!.node = 'nowhere')),
      ['handoff.node: no node "nowhere"'],
    );
  });

  it('a handoff node must be reachable', () => {
    const found = problems((r) => {
      delete r.handoff;
      delete identity(r).intents.agent;
      delete identity(r).next.agent;
      delete identity(r).choices!.agent;
    });
    assert.deepEqual(found, [
      'nodes.to_agent: cannot be reached from start',
      'nodes.after_agent: cannot be reached from start',
    ]);
  });

  it('a handoff node reached only by the phrases is reachable', () => {
    const found = problems((r) => {
      delete identity(r).intents.agent;
      delete identity(r).next.agent;
      delete identity(r).choices!.agent;
    });
    assert.deepEqual(found, []);
  });

  it('a handoff node needs its next; its queue is a name', () => {
    assert.deepEqual(
      problems((r) => delete (r.nodes.to_agent as { next?: string }).next),
      ['nodes.to_agent: must have required properties next'],
    );
    assert.equal(
      problems((r) => ((r.nodes.to_agent as { queue: string }).queue = 'a b')).length,
      1,
    );
  });

  it('each choice names an intent of the node', () => {
    assert.deepEqual(
      problems((r) => (identity(r).choices!.maybe = 'Maybe')),
      ['nodes.identity.choices.maybe: not an intent of the node'],
    );
  });

  it('titles fit a reply button (20) up to 3 choices, a list row (24) beyond', () => {
    assert.deepEqual(
      problems((r) => (identity(r).choices!.yes = 'Yes, that is me, hi!!')),
      [
        'nodes.identity.choices.yes: "Yes, that is me, hi!!" is longer than 20 characters, the most a reply button shows (up to 3 choices are sent as buttons)',
      ],
    );
    assert.deepEqual(
      problems((r) => {
        identity(r).choices!.yes = 'Yes, that is me, hi!!';
        identity(r).choices!.later = 'Later';
      }),
      [],
    );
    assert.equal(
      problems((r) => (identity(r).choices!.later = 'x'.repeat(25))).length,
      1,
      'a list row holds 24',
    );
  });

  it('no more than 10 choices, no two with the same title', () => {
    assert.equal(
      problems((r) => {
        for (let i = 0; i < 11; i++) {
          identity(r).intents[`i${i}`] = [`phrase ${i}`];
          identity(r).next[`i${i}`] = 'reminder';
          identity(r).choices![`i${i}`] = `Choice ${i}`;
        }
      }).length,
      1,
    );
    assert.deepEqual(
      problems((r) => (identity(r).choices!.wrong_person = "yes, it's me")),
      ['nodes.identity.choices.wrong_person: the same title as choice "yes"'],
    );
  });
});
