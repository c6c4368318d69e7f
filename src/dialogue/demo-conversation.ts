import type { CalleeBehaviour } from '../channels/telephony/carrier.ts';
import { formatOffset } from '../shared/time.ts';

// The minimal demo robot: opening, body, closing, with the callee's replies in between. The full
// dialogue engine (intents, slots, verification) replaces this; the shape of what it returns is
// the seed's call object and stays.

export interface DemoScript {
  opening: string;
  body: string;
  closing: string;
  labels: Record<
    'completed' | 'hung_up' | 'not_connected',
    { intention: string; description: string }
  >;
}

export interface Turn {
  time: string;
  robottext: string;
  text: string;
}

export interface Conversation {
  asr_result: Turn[];
  talk_round: number;
  talkSeconds: number;
  hungUpBy: 'callee' | 'robot';
  intention: string;
  intention_description: string;
  ner_slots: Record<string, string>;
  multi_label: Record<string, string>;
  asr_ptp: string;
}

const SECONDS_PER_WORD = 0.4;

export function fillTemplate(text: string, vars: Readonly<Record<string, unknown>>): string {
  return text.replace(/\{([a-zA-Z0-9_]+)\}/g, (_, name: string) => {
    const value = vars[name];
    return typeof value === 'string' || typeof value === 'number' ? String(value) : '';
  });
}

function speak(text: string): number {
  return Math.max(1, Math.round(text.split(/\s+/).length * SECONDS_PER_WORD));
}

export function converse(
  script: DemoScript,
  vars: Readonly<Record<string, unknown>>,
  callee: CalleeBehaviour,
): Conversation {
  const lines = [script.opening, script.body].map((t) => fillTemplate(t, vars));
  const turns: Turn[] = [];
  let clock = 0;
  let hungUpBy: Conversation['hungUpBy'] = 'robot';
  for (const [i, robottext] of lines.entries()) {
    const text = callee.replies[i] ?? '';
    turns.push({ time: formatOffset(clock), robottext, text });
    clock += speak(robottext) + (text ? speak(text) + 1 : 3);
    if (callee.hangsUpAfter !== undefined && i + 1 >= callee.hangsUpAfter) {
      hungUpBy = 'callee';
      break;
    }
  }
  const completed = hungUpBy === 'robot';
  if (completed) {
    const closing = fillTemplate(script.closing, vars);
    turns.push({ time: formatOffset(clock), robottext: closing, text: '' });
    clock += speak(closing);
  }
  const label = completed ? script.labels.completed : script.labels.hung_up;
  const ptp = completed && callee.replies.some((r) => /tomorrow/i.test(r)) ? 'tomorrow' : '';
  return {
    asr_result: turns,
    talk_round: turns.filter((t) => t.text !== '').length,
    talkSeconds: clock,
    hungUpBy,
    intention: label.intention,
    intention_description: label.description,
    ner_slots: ptp ? { ptp_date: ptp } : {},
    multi_label: completed ? { Correct_Person: 'identity_correct_person' } : {},
    asr_ptp: ptp,
  };
}
