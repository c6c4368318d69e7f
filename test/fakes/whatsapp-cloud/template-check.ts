import { graphError, type GraphError } from './graph-errors.ts';

// Templates the fake knows, as if approved on Meta's side, and the check of a template send
// against one: unknown name or language → 132001, parameters that do not fit → 132000.

export interface FakeTemplate {
  name: string;
  /** The language code it was approved in ("en", "id", "en_US"). */
  language: string;
  /** Default MARKETING: what an opted-out person no longer receives (131050). */
  category?: 'MARKETING' | 'UTILITY' | 'AUTHENTICATION';
  /** Body placeholders: a count for {{1}}…{{n}}, or the names of {{name}} ones. Default none. */
  body?: number | string[];
  /** A media header every send must fill. */
  header?: 'image' | 'video' | 'document';
  /** How many quick-reply buttons it has (payloads are set per send, by index). */
  quickReplies?: number;
}

type Json = Record<string, unknown>;

export function templateKey(name: string, language: string): string {
  return `${name}\u0000${language}`;
}

/** The registered template a (well-formed) template object names, or the error Meta answers. */
export function checkTemplate(
  templates: ReadonlyMap<string, FakeTemplate>,
  t: Json,
): { template: FakeTemplate } | { error: GraphError } {
  const name = t.name as string;
  const language = (t.language as Json).code as string;
  const template = templates.get(templateKey(name, language));
  if (!template)
    return { error: graphError(132001, `template name (${name}) does not exist in ${language}`) };
  const components = (t.components as Json[] | undefined) ?? [];
  const of = (type: string) => components.filter((c) => c.type === type);
  const mismatch = (details: string) => ({ error: graphError(132000, details) });

  const body = (of('body')[0]?.parameters as Json[] | undefined) ?? [];
  const expected = template.body ?? 0;
  if (typeof expected === 'number') {
    if (body.length !== expected)
      return mismatch(
        `body: number of localizable_params (${body.length}) does not match the expected number of params (${expected})`,
      );
    if (body.some((p) => p.parameter_name !== undefined))
      return mismatch('body: the template takes positional parameters');
  } else {
    const given = body.map((p) => p.parameter_name);
    const missing = expected.filter((n) => !given.includes(n));
    if (missing.length > 0 || given.length !== expected.length)
      return mismatch(`body: named parameters must be exactly ${expected.join(', ')}`);
  }

  const header = (of('header')[0]?.parameters as Json[] | undefined) ?? [];
  if (template.header) {
    if (header.length !== 1 || header[0]?.type !== template.header)
      return mismatch(`header: the template needs one ${template.header} parameter`);
  } else if (header.length > 0) return mismatch('header: the template has no header parameters');

  for (const button of of('button')) {
    const index = Number(button.index);
    if (button.sub_type === 'quick_reply' && index >= (template.quickReplies ?? 0))
      return mismatch(`buttons: no quick-reply button at index ${index}`);
  }
  return { template };
}
