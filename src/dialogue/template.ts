// Script variables: every text field of the callee, the `extra` list (Question -> Content) and
// `extend.variables`, plus the slots the conversation has filled so far.

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

/** Replaces {name} by the variable; an unknown variable becomes empty text, never "{name}". */
export function fillTemplate(text: string, vars: Readonly<Vars>): string {
  return text
    .replace(/\{([A-Za-z0-9_]+)\}/g, (_, name: string) => vars[name] ?? '')
    .replace(/\s{2,}/g, ' ')
    .replace(/\s+([,.?!])/g, '$1')
    .trim();
}
