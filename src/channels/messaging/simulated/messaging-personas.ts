// The simulated messaging world's people. As on simulated calls (docs/simulator.md), the last
// digit of the person's number picks the persona, so a test or a demo picks the behaviour by
// picking the number:
//   0 replies         answers a template with free text, then chats (promises to pay tomorrow)
//   1 refuses         answers a template with a refusal, refuses whatever is asked
//   2 quick_reply     taps the template's first QUICK_REPLY button, then chats as 0
//   3 opts_out        taps the template's OPT_OUT button (or writes STOP), then stays silent
//   4 ignores         never reads, never answers: statuses stop at delivered
//   5 asks_for_human  asks for a person: "agent please"
//   6 location        answers a template with a location, then chats as 0
//   7 unreachable     the message fails (131026, undeliverable)
//   8 image           answers a template with an image (a payment receipt), then chats as 0
//   9 reads_only      reads, never answers

export const MESSAGING_PERSONAS = [
  'replies',
  'refuses',
  'quick_reply',
  'opts_out',
  'ignores',
  'asks_for_human',
  'location',
  'unreachable',
  'image',
  'reads_only',
] as const;
export type MessagingPersona = (typeof MESSAGING_PERSONAS)[number];

/** What each persona does, for docs, demos and test names. */
export const MESSAGING_PERSONA_TABLE: Readonly<Record<MessagingPersona, string>> = {
  replies: 'answers a template with free text, then chats (promises to pay tomorrow)',
  refuses: 'answers a template with a refusal and refuses whatever is asked',
  quick_reply: "taps the template's first QUICK_REPLY button, then chats",
  opts_out: "taps the template's OPT_OUT button (or writes STOP), then stays silent",
  ignores: 'never reads, never answers: statuses stop at delivered',
  asks_for_human: 'asks for a person: "agent please"',
  location: 'answers a template with a location, then chats',
  unreachable: 'cannot be reached: the message fails with 131026',
  image: 'answers a template with an image (a payment receipt), then chats',
  reads_only: 'reads every message, never answers',
};

export function isMessagingPersona(name: unknown): name is MessagingPersona {
  return typeof name === 'string' && (MESSAGING_PERSONAS as readonly string[]).includes(name);
}

/** The persona of a number: its last digit. */
export function messagingPersonaOf(number: string): MessagingPersona {
  const last = Number(number.replace(/\D/g, '').at(-1) ?? 0);
  return MESSAGING_PERSONAS[last]!;
}

/**
 * A number (E.164) of a persona; `n` gives distinct numbers of the same persona (a test with
 * many conversations at once). The prefix is an Indonesian mobile range, as on simulated calls.
 */
export function messagingPersonaNumber(persona: MessagingPersona, n = 0): string {
  if (!Number.isInteger(n) || n < 0 || n > 99_999_999) throw new RangeError(`n out of range: ${n}`);
  return `+62812${String(n).padStart(8, '0')}${MESSAGING_PERSONAS.indexOf(persona)}`;
}
