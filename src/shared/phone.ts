import { parsePhoneNumberFromString, type PhoneNumber } from 'libphonenumber-js';

/**
 * E.164 form of an international number (`+` and country code), or undefined when it is not a
 * number libphonenumber knows as valid for its country (`+11111111111` has the right length but
 * no US area code 111), or when it carries an extension: an automated call cannot dial one, and
 * dropping it silently would call the switchboard instead of the person. Whether a valid number
 * is in service is the carrier's answer to give, not ours. phoneProblem says which it is.
 */
export function toE164(text: string): string | undefined {
  const read = readPhone(text);
  return typeof read === 'string' ? undefined : read.number;
}

/** Why toE164 refuses `text`, as a phrase after the number; undefined when it accepts it. */
export function phoneProblem(text: string): string | undefined {
  const read = readPhone(text);
  return typeof read === 'string' ? read : undefined;
}

function readPhone(text: string): PhoneNumber | string {
  const trimmed = text.trim();
  if (!trimmed.startsWith('+')) return 'must start with + and the country code';
  const parsed = parsePhoneNumberFromString(trimmed);
  if (!parsed) return 'is not a phone number';
  if (parsed.ext)
    return `has the extension ${parsed.ext}, which cannot be dialled; send the number alone`;
  // E.164 allows 15 digits at most; some national plans in the metadata allow longer.
  if (!parsed.isValid() || parsed.number.length > 16)
    return `is not a valid number${parsed.country ? ` in ${parsed.country}` : ''}`;
  return parsed;
}
