import type { Action, ConversationResult } from '../../dialogue/conversation.ts';
import type { ChatContent, WireInteractive } from './chat-content.ts';
import type { SessionResult } from './chatbot.repository.ts';

// One engine step's actions as chat messages: every `say` is a robot message (ids `<base>-0`,
// `-1` …, §1), and when the step ends on a `listen` with choices the last line becomes a menu:
// reply buttons for up to three choices, a list beyond (WhatsApp's limits, §5.7).

/** WhatsApp allows three reply buttons; more choices go in a list. */
const MAX_BUTTONS = 3;
const LIST_BUTTON_LABEL = 'Choose';

export interface BotTurn {
  messages: Array<{ id: string; content: ChatContent }>;
  /** The engine asked for an agent (a handoff node): the queue it named. */
  transfer: { target: string } | null;
  /** The engine ended the conversation. */
  end: ConversationResult | null;
}

interface Choice {
  id: string;
  title: string;
}

/** The listen action's choices (the engine adds them for chat; older engines have none). */
function choicesOf(action: Action): Choice[] {
  if (action.type !== 'listen') return [];
  const choices = (action as { choices?: unknown }).choices;
  return Array.isArray(choices) ? (choices as Choice[]) : [];
}

function menu(msgId: string, body: string, choices: readonly Choice[]): ChatContent {
  const interactive: WireInteractive =
    choices.length <= MAX_BUTTONS
      ? {
          type: 'button',
          body: { text: body },
          footer: { text: '' },
          action: {
            buttons: choices.map((c, i) => ({
              type: 'reply',
              reply: { id: `${msgId}-button-${i}-${c.id}`, title: c.title },
            })),
          },
        }
      : {
          type: 'list',
          body: { text: body },
          footer: { text: '' },
          action: {
            button: LIST_BUTTON_LABEL,
            sections: [
              {
                title: '',
                rows: choices.map((c, i) => ({
                  id: `${msgId}-list-0-${i}-${c.id}`,
                  title: c.title,
                  description: '',
                })),
              },
            ],
          },
        };
  return { type: 'interactive', interactive };
}

export function botTurn(actions: readonly Action[], baseId: string): BotTurn {
  const lines: string[] = [];
  let choices: Choice[] = [];
  let transfer: BotTurn['transfer'] = null;
  let end: BotTurn['end'] = null;
  for (const action of actions) {
    if (action.type === 'say') lines.push(action.text);
    else if (action.type === 'listen') choices = choicesOf(action);
    else if (action.type === 'transfer') transfer = { target: action.target };
    else if (action.type === 'end') end = action.result;
  }
  const id = (i: number) => `${baseId}-${i}`;
  const messages: BotTurn['messages'] = lines.map((text, i) => ({
    id: id(i),
    content: { type: 'text', text },
  }));
  if (choices.length > 0 && !end) {
    const last = messages.at(-1);
    if (last && last.content.type === 'text') {
      last.content = menu(last.id, last.content.text, choices);
    } else {
      const menuId = id(messages.length);
      messages.push({ id: menuId, content: menu(menuId, LIST_BUTTON_LABEL, choices) });
    }
  }
  return { messages, transfer, end };
}

/** What the §9.13 report keeps of the engine's result. */
export function sessionResultOf(result: ConversationResult): SessionResult {
  return {
    intention: result.intention,
    talkRound: result.talkRounds,
    slots: result.slots,
    labels: result.labels,
  };
}
