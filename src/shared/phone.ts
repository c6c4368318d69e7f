import { parsePhoneNumberFromString } from 'libphonenumber-js';

/**
 * E.164 form of an international number (`+` and country code), or undefined when it cannot be
 * a number of that country. A number that is well formed but not in service is the carrier's
 * answer to give, not ours.
 */
export function toE164(text: string): string | undefined {
  const trimmed = text.trim();
  if (!trimmed.startsWith('+')) return undefined;
  const parsed = parsePhoneNumberFromString(trimmed);
  // E.164 allows 15 digits at most; some national plans in the metadata allow longer.
  return parsed?.isPossible() && parsed.number.length <= 16 ? parsed.number : undefined;
}
