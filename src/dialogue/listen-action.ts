import type { Channel } from './conversation.ts';
import type { SlotType } from './nlu/nlu.ts';
import type { Action, Expectation } from './ports/turn.ts';
import type { RobotDefinition, RobotNode } from './script/robot-script.ts';
import { offeredChoices } from './script/choices.ts';
import { fillTemplate } from './template.ts';

// The engine's `listen` action: what the robot waits for after a line. A question node says
// which intents, slot or value it expects; on a voice call the listen also carries the expected
// answers' example phrases, which a recogniser may use as its grammar (docs/speech.md); in chat
// an ask node's intents become buttons.

/** How long a driver waits for an answer before it reports silence (voice) or a timeout (chat). */
export const LISTEN_TIMEOUT_SECONDS: Readonly<Record<Channel, number>> = {
  voice: 8,
  chat: 24 * 60 * 60,
};

export type Question = Exclude<RobotNode, { type: 'say' | 'end' | 'handoff' }>;

type Listen = Extract<Action, { type: 'listen' }>;

/** The listen after a question node's line. */
export function listenForAnswer(
  robot: RobotDefinition,
  node: Question,
  channel: Channel,
  vars: Record<string, string>,
): Listen {
  const choices = channel === 'chat' && node.type === 'ask' ? offeredChoices(node) : undefined;
  const phrases = channel === 'voice' ? expectedPhrases(robot, node) : [];
  return {
    ...listenFor(robot, expectationOf(node, vars), channel),
    ...(choices ? { choices } : {}),
    ...(phrases.length > 0 ? { phrases } : {}),
  };
}

/** A listen for whatever comes (after a handoff, an agent's line). */
export function listenFor(robot: RobotDefinition, expects: Expectation, channel: Channel): Listen {
  return {
    type: 'listen',
    expects,
    timeoutSeconds: LISTEN_TIMEOUT_SECONDS[channel],
    language: robot.language,
    businessLine: robot.business_line,
  };
}

function expectationOf(node: Question, vars: Record<string, string>): Expectation {
  switch (node.type) {
    case 'ask':
      return { kind: 'intent', intents: Object.keys(node.intents) };
    case 'collect':
      return {
        kind: 'slot',
        slotType: node.slot_type as SlotType,
        intents: Object.keys(node.intents ?? {}),
      };
    case 'verify':
      return {
        kind: 'verify',
        slotType: node.slot_type,
        expected: fillTemplate(node.expect, vars),
      };
  }
}

/** The example phrases of the node's intents and of asking for a person. */
function expectedPhrases(robot: RobotDefinition, node: Question): string[] {
  const intents = node.type === 'verify' ? undefined : node.intents;
  return [...(robot.handoff?.phrases ?? []), ...Object.values(intents ?? {}).flat()];
}
