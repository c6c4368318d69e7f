import type { RobotNode } from './script/robot-script.ts';
import { fillTemplate, type Vars } from './template.ts';

/** One item of the call's question_answer (the seed's Info Check fields). */
export type QuestionAnswer = {
  question_name: string;
  question_content: string;
  question_type: string;
  answer: string;
  answer_text: string;
  answer_text_slot: string;
  var: string;
  verification_results: string;
  status: string;
  whether_answer: string;
};

type VerifyNode = Extract<RobotNode, { type: 'verify' }>;

/**
 * Compares an answer with the expected value from the callee's fields. Free text matches when
 * one contains the other after folding case, accents and punctuation; other slot types compare
 * their normalised values. A null text means the question went unanswered.
 */
export function verifyAnswer(
  node: VerifyNode,
  vars: Vars,
  text: string | null,
  value: string | null,
): QuestionAnswer {
  const expected = fillTemplate(node.expect, vars);
  const base = {
    question_name: node.question.name,
    question_content: node.question.content,
    question_type: node.question.type ?? 'open',
    var: expected,
  };
  if (text === null) {
    return {
      ...base,
      answer: '',
      answer_text: '',
      answer_text_slot: '',
      verification_results: '',
      status: 'Incomplete',
      whether_answer: 'Unanswered',
    };
  }
  const matched = matches(node.slot_type, value ?? text, expected);
  const answer = normalisedAnswer(node.slot_type, text, value, matched ? expected : null);
  return {
    ...base,
    answer,
    answer_text: text,
    answer_text_slot: value === null ? '' : answer,
    verification_results: matched ? 'Match' : 'Mismatch',
    status: 'Completed',
    whether_answer: 'Answered',
  };
}

// What people put before the answer itself: "It is Budi Santoso", "Jawabannya 1234".
const LEAD_INS =
  /^(?:it is|it's|its|my name is|my name's|this is|the answer is|jawabannya|nama saya|namanya|saya)\s+/;

/**
 * The answer as the spec's `answer` shows it (`"ss02"` for "s s cero dos"): lower case, no
 * accents or punctuation. A slot is its normalised value (digits, a date); free text that
 * matched is the expected value in that form ("budi santoso" for "It is Budi Santoso."), free
 * text that did not is what was said without its lead-in ("joko widodo" for "It is Joko Widodo").
 */
function normalisedAnswer(
  slotType: string,
  text: string,
  value: string | null,
  matchedExpected: string | null,
): string {
  if (slotType !== 'free_text' && value !== null) return value;
  const said = foldWords(matchedExpected ?? text);
  return said.replace(LEAD_INS, '');
}

function foldWords(text: string): string {
  return text
    .toLowerCase()
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '')
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
}

function fold(text: string): string {
  return text
    .toLowerCase()
    .normalize('NFKD')
    .replace(/[^\p{L}\p{N}]+/gu, '');
}

function matches(slotType: string, answer: string, expected: string): boolean {
  const a = fold(answer);
  const e = fold(expected);
  if (!a || !e) return false;
  if (slotType === 'free_text') return a.includes(e) || (a.length >= 3 && e.includes(a));
  return a === e;
}
