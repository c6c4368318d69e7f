import type { RobotNode } from './robot-script.ts';

// An ask node's `choices` (docs/robots.md, Choices): the buttons or list rows a chat offers with
// the question, the rules a robot's choices must follow, and how a message picks one. Voice
// never offers them.

type AskNode = Extract<RobotNode, { type: 'ask' }>;

/** A choice as the listen action offers it: `id` is the intent name. */
export interface Choice {
  id: string;
  title: string;
}

// Reply buttons hold 20 characters, list rows 24 (spec/chatbot-api.md §5.7): up to 3 choices
// go out as buttons, more as a list (the schema caps titles at 24 and choices at 10).
const BUTTONS = 3;
const BUTTON_TITLE = 20;

/** The node's choices in their order, or undefined when it has none. */
export function offeredChoices(node: AskNode): Choice[] | undefined {
  if (!node.choices) return undefined;
  return Object.entries(node.choices).map(([id, title]) => ({ id, title }));
}

/** The intent a message picks by naming a choice's title or id (trimmed, any case). */
export function chosenIntent(node: AskNode, text: string): string | undefined {
  const said = sameText(text);
  for (const [intent, title] of Object.entries(node.choices ?? {})) {
    if (said === sameText(title) || said === intent.toLowerCase()) return intent;
  }
  return undefined;
}

/** What is wrong with a node's choices, as `path: message` lines (check-robot.ts). */
export function choiceProblems(id: string, node: AskNode): string[] {
  const problems: string[] = [];
  const choices = Object.entries(node.choices ?? {});
  const seen = new Map<string, string>();
  for (const [intent, title] of choices) {
    if (!(intent in node.intents))
      problems.push(`nodes.${id}.choices.${intent}: not an intent of the node`);
    if (choices.length <= BUTTONS && [...title].length > BUTTON_TITLE)
      problems.push(
        `nodes.${id}.choices.${intent}: "${title}" is longer than ${BUTTON_TITLE} characters, the most a reply button shows (up to ${BUTTONS} choices are sent as buttons)`,
      );
    const key = sameText(title);
    if (key === '') problems.push(`nodes.${id}.choices.${intent}: the title is blank`);
    const other = seen.get(key);
    if (other !== undefined)
      problems.push(`nodes.${id}.choices.${intent}: the same title as choice "${other}"`);
    seen.set(key, intent);
  }
  return problems;
}

function sameText(text: string): string {
  return text.normalize('NFKC').trim().replace(/\s+/g, ' ').toLocaleLowerCase();
}
