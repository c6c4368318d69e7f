import { parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js';
import { toE164 } from '../../../shared/phone.ts';
import { COUNTRY_ZONES } from '../../../shared/zones/country-zones.ts';
import type { NewCallee } from '../../tasks/task-access.ts';
import { MAX_CALLEE_BYTES } from '../../tasks/tasks.schema.ts';
import { absent, refuse } from './pds-fields.ts';

// createtask's contacts: `contactList` (phone numbers) and `customizeContacts` (flat maps of
// strings, one per contact, the phone under a key found case-insensitively). A contact that
// cannot be used is rejected as sent (errorContactList) and the others still make the task.
// Numbers are stored E.164: a local number (08…) is read in the app's country (below).

/** Keys that hold the phone number of a customizeContacts map, first found wins (compared loosely). */
export const PHONE_KEYS = [
  'phonenumber',
  'phone',
  'mobile',
  'mobilenumber',
  'mobilephone',
  'phoneno',
  'cellphone',
  'msisdn',
  'telephone',
  'tel',
  'calleenumber',
  'number',
];
/** Keys that name the person, for the robot's right-party check ({callee_name}). */
const NAME_KEYS = ['name', 'contactname', 'customername', 'calleename', 'fullname'];
const CASE_KEYS = ['caseid'];

const loose = (key: string) => key.replace(/[\s_-]/g, '').toLowerCase();

/** What a PDS contact stores in `callees.data` (docs/pds-api.md, "Contacts"). */
export type PdsContactData = {
  callee_number: string;
  case_id: string;
  callee_name?: string;
  /** The customizeContacts map as sent (values as text); {} for a contactList number. */
  customer_info: Record<string, string>;
  /** The key the number was read from ('' for contactList): the webhooks' phoneTag. */
  phone_tag: string;
};

export interface ReadContacts {
  callees: Array<NewCallee & { data: PdsContactData }>;
  /** Rejected contacts, as sent. */
  rejected: unknown[];
  /** The contact as sent, by `${case_id}\0${number}`: a contact refused later is named as sent. */
  sent: Map<string, unknown>;
}

/**
 * The app's country for local numbers: the country whose main zone is the app's zone (Asia/Jakarta:
 * ID), else the country of the line the calls go out on. Undefined: local numbers are rejected.
 */
export function appCountry(zone: string, lineNumber: string): CountryCode | undefined {
  const byZone = Object.entries(COUNTRY_ZONES).find(([, z]) => z === zone)?.[0];
  if (byZone) return byZone as CountryCode;
  return parsePhoneNumberFromString(lineNumber)?.country;
}

/** E.164 of a number as a PDS client sends it: +…, 00…, a local 0…, or digits with the country code. */
export function normaliseNumber(
  text: string,
  country: CountryCode | undefined,
): string | undefined {
  const cleaned = text.trim().replace(/[\s().-]/g, '');
  if (cleaned.startsWith('+')) return toE164(cleaned);
  if (cleaned.startsWith('00')) return toE164(`+${cleaned.slice(2)}`);
  if (!/^\d{4,17}$/.test(cleaned)) return undefined;
  // In the app's country first: "0812…" and "812…" are local there, "62812…" carries its code.
  const local = country ? parsePhoneNumberFromString(cleaned, country) : undefined;
  const national = local?.isValid() ? toE164(local.number) : undefined;
  if (national || cleaned.startsWith('0')) return national;
  return toE164(`+${cleaned}`);
}

/** A map of text values, or undefined when a value is an object or a list (not flat). */
function flatMap(item: unknown): Record<string, string> | undefined {
  if (typeof item !== 'object' || item === null || Array.isArray(item)) return undefined;
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(item)) {
    if (value === null || value === undefined) out[key] = '';
    else if (['string', 'number', 'boolean'].includes(typeof value)) out[key] = String(value);
    else return undefined;
  }
  return out;
}

const keyOf = (map: Record<string, string>, names: string[]) => {
  const keys = Object.keys(map);
  for (const name of names) {
    const key = keys.find((k) => loose(k) === name);
    if (key !== undefined) return key;
  }
  return undefined;
};

export function readContacts(
  input: { contactList?: unknown; customizeContacts?: unknown },
  country: CountryCode | undefined,
): ReadContacts {
  const listOf = (field: string, value: unknown): unknown[] => {
    if (absent(value)) return [];
    if (typeof value === 'string') return [value];
    if (!Array.isArray(value)) throw refuse('pds_field_invalid', field, value, 'a list');
    return value;
  };
  const numbers = listOf('contactList', input.contactList);
  const maps = listOf('customizeContacts', input.customizeContacts);
  const out: ReadContacts = { callees: [], rejected: [], sent: new Map() };
  const add = (sentAs: unknown, text: unknown, data: Omit<PdsContactData, 'callee_number'>) => {
    const number =
      typeof text === 'string' || typeof text === 'number'
        ? normaliseNumber(String(text), country)
        : undefined;
    const key = `${data.case_id}\u0000${number}`;
    const full = { ...data, callee_number: number ?? '' };
    if (!number || out.sent.has(key) || Buffer.byteLength(JSON.stringify(full)) > MAX_CALLEE_BYTES)
      return void out.rejected.push(sentAs);
    out.sent.set(key, sentAs);
    out.callees.push({
      seq: out.callees.length,
      case_id: data.case_id,
      callee_number: number,
      data: full,
    });
  };
  for (const item of numbers) add(item, item, { case_id: '', customer_info: {}, phone_tag: '' });
  for (const item of maps) {
    const map = flatMap(item);
    const phoneKey = map && keyOf(map, PHONE_KEYS);
    if (!map || phoneKey === undefined) {
      out.rejected.push(item);
      continue;
    }
    const nameKey = keyOf(map, NAME_KEYS);
    const caseKey = keyOf(map, CASE_KEYS);
    add(item, map[phoneKey], {
      case_id: caseKey === undefined ? '' : map[caseKey]!.slice(0, 200),
      ...(nameKey !== undefined && map[nameKey] !== '' ? { callee_name: map[nameKey] } : {}),
      customer_info: map,
      phone_tag: phoneKey,
    });
  }
  return out;
}
