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

/** The node's choices in the author's order, or undefined when it has none. */
export function offeredChoices(node: AskNode): Choice[] | undefined {
  return node.choices?.map(({ intent, title }) => ({ id: intent, title }));
}

/** The intent a message picks by naming a choice's title or intent (trimmed, any case). */
export function chosenIntent(node: AskNode, text: string): string | undefined {
  const said = sameText(text);
  return node.choices?.find((c) => said === sameText(c.title) || said === c.intent.toLowerCase())
    ?.intent;
}

/** What is wrong with a node's choices, as `path: message` lines (check-robot.ts). */
export function choiceProblems(id: string, node: AskNode): string[] {
  const problems: string[] = [];
  const choices = node.choices ?? [];
  const intents = new Set<string>();
  const titles = new Map<string, string>();
  choices.forEach(({ intent, title }, i) => {
    const at = `nodes.${id}.choices.${i}`;
    if (!Object.hasOwn(node.intents, intent))
      problems.push(`${at}.intent: "${intent}" is not an intent of the node`);
    if (intents.has(intent))
      problems.push(`${at}.intent: "${intent}" is offered by another choice`);
    intents.add(intent);
    if (choices.length <= BUTTONS && [...title].length > BUTTON_TITLE)
      problems.push(
        `${at}.title: "${title}" is longer than ${BUTTON_TITLE} characters, the most a reply button shows (up to ${BUTTONS} choices are sent as buttons)`,
      );
    const key = sameText(title);
    if (key === '') problems.push(`${at}.title: the title is blank`);
    const other = titles.get(key);
    if (other !== undefined) problems.push(`${at}.title: the same title as choice "${other}"`);
    titles.set(key, intent);
  });
  return problems;
}

function sameText(text: string): string {
  return text.normalize('NFKC').trim().replace(/\s+/g, ' ').toLocaleLowerCase();
}
