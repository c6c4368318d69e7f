import { chatbotFamily } from './chatbot.ts';
import { cloudFamily } from './cloud.ts';
import type { Family } from './family-definition.ts';
import { pdsFamily } from './pds.ts';
import { smsFamily } from './sms.ts';
import { v1Family } from './v1.ts';
import { workflowFamily } from './workflow.ts';

// The registry of API families. Adding one: its definition file beside these, and its line here
// (docs/api-families.md). The server mounts them in this order; docs/errors.md has a code column
// for each, in this order.

export const families: readonly Family[] = [
  cloudFamily,
  workflowFamily,
  pdsFamily,
  chatbotFamily,
  v1Family,
  smsFamily,
];

/** Answers what no family owns: unknown paths, URLs fastify cannot route. */
export const fallbackFamily: Family = v1Family;

/** The family a URL belongs to (by prefix), or the fallback. */
export function familyForUrl(url: string): Family {
  let found: Family | undefined;
  let longest = 0;
  for (const family of families) {
    for (const prefix of family.prefixes) {
      if (url.startsWith(prefix) && prefix.length > longest) {
        found = family;
        longest = prefix.length;
      }
    }
  }
  return found ?? fallbackFamily;
}

export { chatbotFamily, cloudFamily, pdsFamily, smsFamily, v1Family, workflowFamily };
