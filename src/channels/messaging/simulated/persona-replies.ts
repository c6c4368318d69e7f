// What a simulated person answers to each message we send, by persona: the pure part of the
// simulated channel (deterministic, no timers), so a conversation is the same on every run.
import type { InboundContent, Interactive, OutboundContent } from '../messaging-channel.ts';
import type { MessagingPersona } from './messaging-personas.ts';

/** A template's button as approved: the type (QUICK_REPLY, OPT_OUT, URL...) and its text. */
export interface TemplateButton {
  type: string;
  text: string;
}

/** What one person remembers of the conversation with one of our senders. */
export interface PersonState {
  /** Answers given so far: a person stops answering after MAX_REPLIES (no endless bot loops). */
  replies: number;
  /** The language of the last template or text we sent them that told. */
  language: 'en' | 'id';
  optedOut: boolean;
}

export const MAX_REPLIES = 6;

export const newPersonState = (): PersonState => ({ replies: 0, language: 'en', optedOut: false });

const LINES = {
  en: {
    greet: 'Hi, yes this is me. What is this about?',
    identity: 'Yes, this is me.',
    promise: 'I will pay tomorrow.',
    confirm: 'Yes, I confirm.',
    thanks: 'OK, thank you.',
    refuse: 'I am not going to pay this.',
    no: 'No.',
    human: 'I want to talk to a person. Agent please.',
    humanAgain: 'Agent please.',
    receipt: 'Here is my payment receipt.',
    place: 'My office',
  },
  id: {
    greet: 'Halo, ya saya sendiri. Ada apa ya?',
    identity: 'Ya, saya sendiri.',
    promise: 'Saya akan bayar besok.',
    confirm: 'Ya, saya konfirmasi.',
    thanks: 'Oke, terima kasih.',
    refuse: 'Saya tidak mau bayar.',
    no: 'Tidak.',
    human: 'Saya mau bicara dengan petugas. Agent please.',
    humanAgain: 'Agent please.',
    receipt: 'Ini bukti pembayaran saya.',
    place: 'Kantor saya',
  },
} as const;
type Lines = (typeof LINES)['en' | 'id'];

/** The STOP keyword: what a person without an opt-out button writes. */
export const STOP = 'STOP';

const INDONESIAN =
  /\b(apakah|anda|bapak|ibu|bayar|tagihan|kapan|terima kasih|halo|selamat|besok)\b/i;
const ASKS = {
  identity:
    /speaking (with|to)|is this\b|am i (talking|speaking)|apakah (ini|benar)|dengan (bapak|ibu)/i,
  when: /\bwhen\b|what (date|day)|which day|\bkapan\b|tanggal/i,
  pay: /\bpay|\bbill|\bdue\b|amount|outstanding|overdue|bayar|tagihan|tunggakan/i,
  confirm: /confirm|correct|is that right|konfirmasi|\bbenar\b/i,
};
const YES = /\b(yes|pay|confirm|agree|ok|ya|bayar|setuju)\b/i;
const NO = /\b(no|not|refuse|later|cancel|tidak|nanti|batal)\b/i;
const HUMAN = /\b(agent|human|person|petugas|operator|cs)\b/i;

/**
 * The person's answers to one message of ours (none, one, or in order several). `buttons` are
 * the template's buttons when the channel could look them up. Updates `state`.
 */
export function personaReply(
  persona: MessagingPersona,
  content: OutboundContent,
  state: PersonState,
  buttons?: TemplateButton[],
): InboundContent[] {
  if (content.type === 'template')
    state.language = content.template.language.startsWith('id') ? 'id' : 'en';
  if (content.type === 'text' && INDONESIAN.test(content.text)) state.language = 'id';
  if (state.optedOut || state.replies >= MAX_REPLIES) return [];
  const answer = answerOf(persona, content, state, buttons);
  if (answer.length > 0) state.replies += 1;
  if (persona === 'opts_out' && answer.length > 0) state.optedOut = true;
  return answer;
}

function answerOf(
  persona: MessagingPersona,
  content: OutboundContent,
  state: PersonState,
  buttons: TemplateButton[] | undefined,
): InboundContent[] {
  const lines = LINES[state.language];
  const text = (t: string): InboundContent[] => [{ type: 'text', text: t }];
  switch (persona) {
    case 'ignores':
    case 'reads_only':
    case 'unreachable':
      return [];
    case 'opts_out':
      return content.type === 'template' ? optOutTap(content.template, buttons) : text(STOP);
    case 'asks_for_human':
      if (content.type === 'interactive') {
        const human = options(content.interactive).find((o) => HUMAN.test(o.title));
        if (human) return [choice(content.interactive, human)];
      }
      return text(state.replies === 0 ? lines.human : lines.humanAgain);
    case 'refuses':
      if (content.type === 'interactive') {
        const all = options(content.interactive);
        const pick = all.find((o) => NO.test(o.title)) ?? all.at(-1);
        return pick ? [choice(content.interactive, pick)] : text(lines.no);
      }
      if (content.type === 'text' && ASKS.identity.test(content.text)) return text(lines.identity);
      return text(
        content.type === 'text' && !ASKS.pay.test(content.text) ? lines.no : lines.refuse,
      );
    default:
      break;
  }
  // The cooperative ones: replies, quick_reply, location, image.
  if (content.type === 'template') {
    if (persona === 'quick_reply') {
      const tap = quickReplyTap(content.template, buttons);
      if (tap) return [tap];
    }
    if (persona === 'location') {
      return [
        {
          type: 'location',
          location: {
            latitude: -6.2088,
            longitude: 106.8456,
            name: lines.place,
            address: 'Jl. Jenderal Sudirman 1, Jakarta',
          },
        },
      ];
    }
    if (persona === 'image') {
      return [
        {
          type: 'image',
          media: {
            url: 'https://example.com/simulated/payment-receipt.jpg',
            caption: lines.receipt,
            mimeType: 'image/jpeg',
          },
        },
      ];
    }
    return text(lines.greet);
  }
  if (content.type === 'interactive') {
    const all = options(content.interactive);
    const pick = all.find((o) => YES.test(o.title)) ?? all[0];
    return pick ? [choice(content.interactive, pick)] : text(lines.thanks);
  }
  if (content.type === 'text') return text(cooperativeAnswer(content.text, lines));
  return text(lines.thanks);
}

function cooperativeAnswer(question: string, lines: Lines): string {
  if (ASKS.identity.test(question)) return lines.identity;
  if (ASKS.when.test(question) || ASKS.pay.test(question)) return lines.promise;
  if (ASKS.confirm.test(question)) return lines.confirm;
  return lines.thanks;
}

type Template = Extract<OutboundContent, { type: 'template' }>['template'];

/** A tap on a template button: its text, and the payload we set or (as WhatsApp does) its text. */
function tapOn(template: Template, buttons: TemplateButton[], index: number): InboundContent {
  const tapped = buttons[index]!;
  return {
    type: 'button',
    button: { text: tapped.text, payload: template.buttonPayloads?.[index] ?? tapped.text },
  };
}

function quickReplyTap(
  template: Template,
  buttons: TemplateButton[] | undefined,
): InboundContent | undefined {
  const index = buttons?.findIndex((b) => b.type.toUpperCase() === 'QUICK_REPLY') ?? -1;
  if (buttons && index >= 0) return tapOn(template, buttons, index);
  // Buttons not known: the first payload we set stands for the first quick reply.
  const payload = template.buttonPayloads?.[0];
  return payload === undefined ? undefined : { type: 'button', button: { text: payload, payload } };
}

function optOutTap(template: Template, buttons: TemplateButton[] | undefined): InboundContent[] {
  const index = buttons?.findIndex((b) => b.type.toUpperCase() === 'OPT_OUT') ?? -1;
  if (buttons && index >= 0) return [tapOn(template, buttons, index)];
  // No opt-out button to tap: the person writes the keyword instead.
  return [{ type: 'text', text: STOP }];
}

interface Option {
  id: string;
  title: string;
}

function options(interactive: Interactive): Option[] {
  return interactive.type === 'button'
    ? interactive.buttons
    : interactive.sections.flatMap((section) => section.rows);
}

function choice(interactive: Interactive, option: Option): InboundContent {
  return {
    type: 'choice',
    choice: {
      kind: interactive.type === 'button' ? 'button' : 'list',
      id: option.id,
      title: option.title,
    },
  };
}
