import type { Expectation } from '../ports/turn.ts';
import { DIGITS_PHRASE } from '../stt/jsgf-grammar.ts';

// What a recogniser that takes a grammar (pocketsphinx) may hear on this turn: the expected
// answers' example phrases from the robot, plus the slot's own words. A grammar forces every
// utterance onto one of its phrases, so a turn whose answers cannot be listed (a name, free text,
// a value to verify that is not digits) gets none and the recogniser listens openly.

/** How people answer "when": English only (the offline recogniser's one model). */
const DATE_PHRASES = [
  'today',
  'tomorrow',
  'the day after tomorrow',
  'next week',
  'next month',
  'this week',
  // A promise often opens with a yes.
  ...['', 'yes ', 'okay '].flatMap((opening) =>
    ['tomorrow', 'today', 'next week'].flatMap((when) => [
      `${opening}I will pay ${when}`,
      `${opening}I can pay ${when}`,
    ]),
  ),
  'yes tomorrow',
  ...['monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday'].flatMap(
    (day) => [day, `on ${day}`, `next ${day}`],
  ),
];

const YES_NO_PHRASES = ['yes', 'no', 'yes it is', 'no it is not'];

export function turnGrammar(hints: {
  expects: Expectation;
  phrases?: string[];
}): string[] | undefined {
  const { expects } = hints;
  const phrases = hints.phrases ?? [];
  switch (expects.kind) {
    case 'nothing':
      return undefined;
    case 'intent':
      return phrases.length > 0 ? phrases : undefined;
    case 'slot':
    case 'verify': {
      const slot = slotPhrases(expects.slotType);
      return slot ? [...phrases, ...slot] : undefined;
    }
  }
}

function slotPhrases(slotType: string): string[] | undefined {
  switch (slotType) {
    case 'digits':
    case 'amount':
      return [DIGITS_PHRASE];
    case 'date':
      return DATE_PHRASES;
    case 'yes_no':
      return YES_NO_PHRASES;
    default:
      return undefined;
  }
}
