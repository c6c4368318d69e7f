import type { AmdVerdict } from '../call-control.ts';
import type { Prompt, Reply, Respondent } from '../../../dialogue/ports/turn.ts';
import { phrasebook } from './phrasebook.ts';

// The simulated world's people. The last digit of the number picks the persona, so a test picks
// the behaviour by picking the number; a contact can also name one (docs/simulator.md):
//   0 cooperative payer with a date   1 refuses          2 wrong person    3 asks to call later
//   4 voicemail greeting              5 no answer        6 busy            7 invalid number
//   8 hangs up mid-call               9 silent
// By a contact's override only: opts_out (asks not to be called again), keypad (answers with keys).
// Second-to-last digit: 9 = answers only from the second attempt on; other odd digits = noisy
// speech (filler words, a typo). Third-to-last digit odd = promises "next Friday", else "tomorrow".

export const PERSONAS = [
  'cooperative',
  'refuses',
  'wrong_person',
  'call_later',
  'voicemail',
  'no_answer',
  'busy',
  'invalid',
  'hangs_up',
  'silent',
  // Only by a contact's override: no digit picks them.
  'opts_out',
  'keypad',
] as const;
export type Persona = (typeof PERSONAS)[number];

export interface PersonaChoice {
  persona: Persona;
  lateAnswer: boolean;
  noisy: boolean;
  nextFriday: boolean;
}

export function isPersona(name: unknown): name is Persona {
  return typeof name === 'string' && (PERSONAS as readonly string[]).includes(name);
}

export function personaFor(number: string, override?: string): PersonaChoice {
  const digits = number.replace(/\D/g, '');
  const digit = (fromEnd: number) => Number(digits.at(-fromEnd) ?? 0);
  return {
    persona: isPersona(override) ? override : PERSONAS[digit(1)]!,
    lateAnswer: digit(2) === 9,
    noisy: digit(2) % 2 === 1 && digit(2) !== 9,
    nextFriday: digit(3) % 2 === 1,
  };
}

/** How a simulated dial ends: answered, or one of the causes of a call that never connected. */
export type ConnectOutcome = 'answered' | 'no_answer' | 'busy' | 'invalid';

/** Whether the call connects, given the persona and the attempt. */
export function connectOutcome(choice: PersonaChoice, attempt: number): ConnectOutcome {
  if (choice.lateAnswer && attempt <= 1) return 'no_answer';
  switch (choice.persona) {
    case 'no_answer':
      return 'no_answer';
    case 'busy':
      return 'busy';
    case 'invalid':
      return 'invalid';
    default:
      return 'answered';
  }
}

/** Which intents each persona reaches for, in order of preference. */
const PREFERS: Record<Persona, string[]> = {
  cooperative: ['yes', 'confirm', 'agree', 'paid'],
  refuses: ['refuse', 'yes'],
  wrong_person: ['wrong_person', 'no'],
  call_later: ['later', 'no'],
  voicemail: [],
  no_answer: [],
  busy: [],
  invalid: [],
  hangs_up: [],
  silent: [],
  opts_out: ['dnc', 'refuse'],
  keypad: ['yes', 'confirm', 'agree', 'paid'],
};

/** What the answering-machine detector makes of each persona's first words. */
export function amdVerdict(choice: PersonaChoice): AmdVerdict {
  if (choice.persona === 'voicemail') return 'machine';
  // Nothing said, nothing to judge by.
  return choice.persona === 'silent' ? 'unknown' : 'human';
}

/** A persona's answer on a call: a reply as converse() takes it, or keys pressed. */
export type PersonaAnswer = Reply | { digits: string };

const SILENCE: Reply = { silenceSeconds: 6 };

/** A person on the line who answers the robot as their persona does, in the robot's language. */
export class SimulatedCallee implements Respondent {
  readonly #choice: PersonaChoice;
  #turn = 0;

  constructor(choice: PersonaChoice) {
    this.#choice = choice;
  }

  async respond(prompt: Prompt): Promise<Reply> {
    const answer = this.answer(prompt);
    // Spoken to as text (the in-memory driver, the forecast): keys are read out as digits.
    return 'digits' in answer ? { text: answer.digits } : answer;
  }

  /** The next answer, keys included: the simulated call leg hears it. */
  answer(prompt: Prompt): PersonaAnswer {
    this.#turn += 1;
    const reply = this.#answer(prompt);
    return 'text' in reply && this.#choice.noisy
      ? { text: addNoise(reply.text, prompt.language, this.#turn) }
      : reply;
  }

  #answer(prompt: Prompt): PersonaAnswer {
    const words = phrasebook(prompt.language);
    const { persona } = this.#choice;
    if (prompt.expects.kind === 'nothing') return SILENCE;
    switch (persona) {
      case 'keypad':
        return { digits: keysFor(prompt.expects) };
      case 'silent':
        return SILENCE;
      case 'voicemail':
        return this.#turn === 1 ? { text: words.voicemail } : SILENCE;
      case 'hangs_up':
        return this.#turn === 1 ? { text: words.unclear } : { hangup: true };
      default:
        break;
    }
    const expects = prompt.expects;
    // A value the task does not hold (no callee field for it) leaves the person nothing to say.
    if (expects.kind === 'verify')
      return { text: expects.expected ? words.myAnswerIs(expects.expected) : words.dontKnow };
    const offered = expects.intents;
    if (persona === 'opts_out') return { text: words.intent('dnc') };
    const topic = prompt.businessLine;
    const wanted = PREFERS[persona].find((intent) => offered.includes(intent));
    if (expects.kind === 'slot') {
      // A refuser or a busy person answers a question with their stance, not a value.
      if (persona !== 'cooperative')
        return { text: words.intent(wanted ?? PREFERS[persona][0] ?? 'no', topic) };
      return { text: words.slotValue(expects.slotType, this.#choice.nextFriday, topic) };
    }
    if (wanted) return { text: words.intent(wanted, topic) };
    return { text: words.unclear };
  }
}

/**
 * The keys a keypad persona presses, as an IVR menu asks: for a question, the position (from 1)
 * of the first intent it would say yes with (1 when none fits); for a check, the expected
 * digits; for a value, 1234.
 */
function keysFor(expects: Exclude<Prompt['expects'], { kind: 'nothing' }>): string {
  if (expects.kind === 'verify') return expects.expected.replace(/\D/g, '') || '1';
  if (expects.kind === 'slot' && expects.intents.length === 0) return '1234';
  const at = expects.intents.findIndex((intent) => PREFERS.keypad.includes(intent));
  return String(at + 1 || 1);
}

const FILLERS: Record<string, string[]> = {
  en: ['um,', 'uh,', 'well,'],
  id: ['eh,', 'hmm,', 'anu,'],
};

/** Spoken noise: a filler word up front and one swapped letter pair in a longer word. */
function addNoise(text: string, language: string, turn: number): string {
  const fillers = FILLERS[language] ?? FILLERS.en!;
  const words = text.split(' ');
  const i = words.findIndex((w, k) => k >= turn % 2 && /^[A-Za-z]{6,}$/.test(w));
  if (i >= 0) {
    const w = words[i]!;
    words[i] = w.slice(0, 2) + w[3] + w[2] + w.slice(4);
  }
  return `${fillers[turn % fillers.length]} ${words.join(' ')}`;
}
