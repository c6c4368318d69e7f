import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { stepConversation, type Action } from '../../src/dialogue/conversation.ts';
import { checkRobot } from '../../src/dialogue/script/check-robot.ts';
import type { RobotDefinition } from '../../src/dialogue/script/robot-script.ts';
import { drive, msg, open, robot, type RobotNode } from './handoff-robot.ts';

// The choices an ask node offers in chat (picked by title or id before the NLU, ignored on
// voice), and what check-robot refuses of handoffs and choices.

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
    (lettered.nodes.identity as Extract<RobotNode, { type: 'ask' }>).choices![1]!.title =
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
      identity(r).choices!.pop();
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
      identity(r).choices!.pop();
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

  it('each choice names an intent of the node, once', () => {
    assert.deepEqual(
      problems((r) => identity(r).choices!.push({ intent: 'maybe', title: 'Maybe' })),
      ['nodes.identity.choices.3.intent: "maybe" is not an intent of the node'],
    );
    assert.deepEqual(
      problems((r) => identity(r).choices!.push({ intent: 'yes', title: 'Sure' })),
      ['nodes.identity.choices.3.intent: "yes" is offered by another choice'],
    );
    assert.deepEqual(
      problems((r) => identity(r).choices!.push({ intent: 'constructor', title: 'Sure' })),
      ['nodes.identity.choices.3.intent: "constructor" is not an intent of the node'],
      "an intent is a key of the node's own intents, not of every object",
    );
  });

  it('a choice is {intent, title}: the old intent -> title object is refused', () => {
    assert.deepEqual(
      problems(
        (r) =>
          ((identity(r) as { choices: unknown }).choices = {
            yes: 'Yes',
            agent: 'Talk to an agent',
          }),
      ),
      ['nodes.identity.choices: must be array'],
    );
    assert.deepEqual(
      problems((r) => ((identity(r).choices![0] as { label?: string }).label = 'x')),
      ['nodes.identity.choices.0: must not have additional properties'],
    );
    assert.deepEqual(
      problems((r) => (identity(r).choices = [])),
      ['nodes.identity.choices: must not have fewer than 1 items'],
    );
  });

  it('titles fit a reply button (20) up to 3 choices, a list row (24) beyond', () => {
    assert.deepEqual(
      problems((r) => (identity(r).choices![0]!.title = 'Yes, that is me, hi!!')),
      [
        'nodes.identity.choices.0.title: "Yes, that is me, hi!!" is longer than 20 characters, the most a reply button shows (up to 3 choices are sent as buttons)',
      ],
    );
    const withLater = (r: RobotDefinition) => {
      identity(r).intents.later = ['later'];
      identity(r).next.later = 'reminder';
      identity(r).choices!.push({ intent: 'later', title: 'Later' });
    };
    assert.deepEqual(
      problems((r) => {
        withLater(r);
        identity(r).choices![0]!.title = 'Yes, that is me, hi!!';
      }),
      [],
    );
    assert.deepEqual(
      problems((r) => {
        withLater(r);
        identity(r).choices![3]!.title = 'x'.repeat(25);
      }),
      ['nodes.identity.choices.3.title: must not have more than 24 characters'],
      'a list row holds 24',
    );
  });

  it('no more than 10 choices, no two with the same title', () => {
    assert.deepEqual(
      problems((r) => {
        for (let i = 0; i < 8; i++) {
          identity(r).intents[`i${i}`] = [`phrase ${i}`];
          identity(r).next[`i${i}`] = 'reminder';
          identity(r).choices!.push({ intent: `i${i}`, title: `Choice ${i}` });
        }
      }),
      ['nodes.identity.choices: must not have more than 10 items'],
    );
    assert.deepEqual(
      problems((r) => (identity(r).choices![1]!.title = "yes, it's me")),
      ['nodes.identity.choices.1.title: the same title as choice "yes"'],
    );
  });
});
