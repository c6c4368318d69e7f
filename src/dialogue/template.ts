import {
  spokenAmount,
  spokenDate,
  spokenTime,
  writtenAmount,
  type VariableType,
} from './spoken.ts';

// Robot lines are templates over the call's variables: every text field of the callee, the
// `extra` list (Question -> Content), `extend.variables`, and the slots filled so far.
//
//   {name}             the variable's value
//   {name|our company} the value, or the fallback text when the variable is empty
//   [ from {name}]     an optional segment: said only when every variable in it has a value
//                      (or a fallback); dropped whole otherwise
//
// A line therefore stays a sentence when a callee lacks a field: "Hello, this is Hannah[ from
// {platform_name}]." docs/robots.md describes the syntax; check-robot refuses malformed ones.

export type Vars = Record<string, string>;

export function calleeVars(callee: Readonly<Record<string, unknown>>): Vars {
  const vars: Vars = {};
  for (const [key, value] of Object.entries(callee)) {
    if (typeof value === 'string' || typeof value === 'number') vars[key] = String(value);
  }
  if (Array.isArray(callee.extra)) {
    for (const item of callee.extra as Array<{ Question?: unknown; Content?: unknown }>) {
      if (typeof item?.Question === 'string' && typeof item.Content === 'string')
        vars[item.Question] = item.Content;
    }
  }
  const variables = (callee.extend as { variables?: unknown } | undefined)?.variables;
  if (variables && typeof variables === 'object') {
    for (const [key, value] of Object.entries(variables)) {
      if (typeof value === 'string' || typeof value === 'number') vars[key] = String(value);
    }
  }
  return vars;
}

/** How values are spoken: the robot's language and each variable's type (amount, date...). */
export interface Speech {
  /** Written for a chat, not said: amounts as figures with their currency ("Rp 1.500.000"). */
  written?: boolean;
  language: string;
  types: Readonly<Record<string, VariableType>>;
  now?: Date;
  timeZone?: string;
}

/** `{name}` or `{name|fallback}`: groups 1 name, 2 fallback. */
export const PLACEHOLDER = /\{([A-Za-z0-9_]+)(?:\|([^{}[\]|]*))?\}/g;
/** An optional segment or a placeholder outside one: group 1 the segment's inside. */
const PART = /\[([^[\]]*)\]|\{([A-Za-z0-9_]+)(?:\|([^{}[\]|]*))?\}/g;

/**
 * Fills a template (syntax above). Without `speech` values are put in as stored (what `verify`
 * compares); with it amounts, dates and times are said as people say them (spoken.ts). An empty
 * variable without a fallback outside an optional segment becomes empty text, never "{name}";
 * check-robot and `missingVariables` keep that from happening to a callee unnoticed.
 */
export function fillTemplate(text: string, vars: Readonly<Vars>, speech?: Speech): string {
  const valueOf = (name: string): string => {
    const raw = vars[name]?.trim() ?? '';
    return raw && speech ? spoken(name, raw, vars, speech) : raw;
  };
  // One pass over the template: a value that happens to contain "{x}" or "[" stays text.
  const filled = text.replace(
    PART,
    (_, inside: string | undefined, name: string | undefined, fallback: string | undefined) => {
      if (inside === undefined) return valueOf(name!) || fallback?.trim() || '';
      let complete = true;
      const segment = inside.replace(PLACEHOLDER, (__, n: string, f: string | undefined) => {
        const value = valueOf(n) || f?.trim() || '';
        if (!value) complete = false;
        return value;
      });
      return complete ? segment : '';
    },
  );
  return filled
    .replace(/\s{2,}/g, ' ')
    .replace(/\s+([,.?!;:])/g, '$1')
    .trim();
}

function spoken(name: string, raw: string, vars: Readonly<Vars>, speech: Speech): string {
  switch (speech.types[name]) {
    case 'amount':
      return speech.written
        ? writtenAmount(raw, vars.currency_unit, speech.language)
        : spokenAmount(raw, vars.currency_unit, speech.language);
    case 'date':
      return spokenDate(raw, speech);
    case 'time':
      return spokenTime(raw, speech.language);
    default:
      return raw;
  }
}

/** A variable a template uses, and whether the line needs it (no fallback, not optional). */
export interface TemplateVariable {
  name: string;
  required: boolean;
}

export function templateVariables(text: string): TemplateVariable[] {
  const found: TemplateVariable[] = [];
  for (const m of text.matchAll(PART)) {
    if (m[1] !== undefined) {
      for (const inner of m[1].matchAll(PLACEHOLDER))
        found.push({ name: inner[1]!, required: false });
    } else {
      found.push({ name: m[2]!, required: m[3] === undefined || m[3].trim() === '' });
    }
  }
  return found;
}

/** What is wrong with a template's syntax (empty when nothing): stray or nested brackets and braces. */
export function templateProblems(text: string): string[] {
  const problems: string[] = [];
  const rest = text
    .replace(/\[([^[\]]*)\]/g, (whole, inside: string) => {
      const leftover = inside.replace(PLACEHOLDER, '');
      if (/[{}|]/.test(leftover))
        problems.push(`"${whole}" has a malformed variable (write {name} or {name|fallback})`);
      else if (leftover === inside)
        problems.push(`"${whole}" has no variable, so nothing decides whether it is said`);
      return '';
    })
    .replace(PLACEHOLDER, '');
  if (/[[\]{}]/.test(rest))
    problems.push(
      'has a stray "{", "}", "[" or "]" (variables are {name} or {name|fallback}; optional segments [...] do not nest)',
    );
  return problems;
}
