import type { TurnInput } from '../../src/dialogue/conversation.ts';
import { calleeVars } from '../../src/dialogue/template.ts';
import { builtinRobots } from '../../src/modules/robots/builtin-robots.ts';

// Scripted chats shared by the two-process test and the child process it starts: a built-in
// robot, the callee's fields, and what the user answers, turn by turn.

export const NOW = new Date('2026-11-20T03:00:00Z');
export const ZONE = 'Asia/Jakarta';

export const CALLEE = calleeVars({
  callee_number: '+6281234567000',
  callee_name: 'Budi Santoso',
  platform_name: 'AIZCC',
  total_owing_amount: '20310.00',
  currency_unit: 'IDR',
  due_date: '2026-11-07',
  extra: [{ Question: 'id_last4', Content: '1234' }],
});

export interface ChatScript {
  robotId: number;
  answers: string[];
}

export const SCRIPTS: Record<string, ChatScript> = {
  // A no-match re-ask, then a promise-to-pay date: a slot, ptp, labels.
  collection: { robotId: 4496, answers: ['yes, speaking', 'hmm', 'I can pay next friday'] },
  // Two info checks, the second a mismatch: verify answers.
  info_check: {
    robotId: 4498,
    answers: ['yes it is me', 'It is Budi Santoso', 'one two three five'],
  },
};

export function robotById(id: number) {
  const robot = builtinRobots().find((r) => r.robot_id === id);
  if (!robot) throw new Error(`no built-in robot ${id}`);
  return robot.definition;
}

export const message = (text: string): TurnInput => ({ kind: 'message', text });
