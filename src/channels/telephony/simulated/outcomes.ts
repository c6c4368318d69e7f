import type { CalleeBehaviour, ConnectOutcome } from '../carrier.ts';

// The simulated world, chosen by the last digit of the dialled number so a test picks the
// outcome it needs by picking the number (docs/simulator.md has the same table).
//   0-4 answers and completes the conversation      5 never answers (rings 30 s)
//   6 busy                                           7 invalid number
//   8 answers, then hangs up after the first turn    9 no answer on attempt 1, answers later

export function outcomeFor(number: string, attempt: number): ConnectOutcome {
  switch (lastDigit(number)) {
    case 5:
      return 'no_answer';
    case 6:
      return 'busy';
    case 7:
      return 'invalid';
    case 9:
      return attempt <= 1 ? 'no_answer' : 'answered';
    default:
      return 'answered';
  }
}

export function behaviourFor(number: string): CalleeBehaviour {
  if (lastDigit(number) === 8) return { replies: ['Who is this?'], hangsUpAfter: 1 };
  return { replies: ['Yes, speaking.', 'I will pay tomorrow.'] };
}

function lastDigit(number: string): number {
  return Number(number.at(-1) ?? 0);
}
