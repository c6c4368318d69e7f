import {
  startConversation,
  stepConversation,
  type Action,
  type ConversationState,
  type TurnInput,
} from '../../src/dialogue/conversation.ts';
import { KeywordNlu } from '../../src/dialogue/nlu/keyword-nlu.ts';
import type { RobotDefinition } from '../../src/dialogue/script/robot-script.ts';
import { CALLEE, NOW, ZONE, robotById } from '../conversations/scripts.ts';

// The robot the handoff and choices tests drive: the collection robot (4496) with a handoff
// node, handoff phrases and choices on its first question; and small drivers.

const base = robotById(4496);
export const nlu = new KeywordNlu();

/** The collection robot with a handoff node, handoff phrases and choices on its first question. */
export const robot: RobotDefinition = {
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
      choices: [
        { intent: 'yes', title: "Yes, it's me" },
        { intent: 'wrong_person', title: 'Wrong person' },
        { intent: 'agent', title: 'Talk to an agent' },
      ],
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
export type RobotNode = RobotDefinition['nodes'][string];

export const open = (channel: 'voice' | 'chat', r: RobotDefinition = robot) =>
  startConversation({ robot: r, vars: CALLEE, now: NOW, timeZone: ZONE, channel });

export async function drive(state: ConversationState, inputs: TurnInput[], r = robot) {
  let actions: Action[] = [];
  for (const input of inputs) {
    ({ state, actions } = await stepConversation(r, JSON.parse(JSON.stringify(state)), input, {
      nlu,
    }));
  }
  return { state, actions };
}

export const says = (actions: Action[]) =>
  actions.flatMap((a) => (a.type === 'say' ? [a.text] : []));
export const msg = (text: string): TurnInput => ({ kind: 'message', text });
