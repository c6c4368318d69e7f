import { AppError, type ErrorKey } from '../../../shared/errors.ts';

// Readers of the loosely typed values PDS clients send: numbers as JSON numbers or numeric
// strings ("60"), yes/no as booleans, "Y"/"N", "true"/"false" or 1/0. Each reader refuses with
// the error key its field answers (docs/pds-api.md), naming the field and what it got, so one
// bad field is one clear envelope error.

/** A field that was not sent: undefined, null or "" (PDS clients send "" for "not set"). */
export const absent = (value: unknown): boolean =>
  value === undefined || value === null || (typeof value === 'string' && value.trim() === '');

const shown = (value: unknown): string => {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
};

/** The refusal of `field` with the given key: `repeatTimes 11: a whole number from 0 to 10`. */
export function refuse(key: ErrorKey, field: string, value: unknown, rule: string): AppError {
  return new AppError(key, `${field} ${shown(value)}: ${rule}`);
}

export interface NumberRule {
  min: number;
  max: number;
  integer?: boolean;
}

/** A number within [min, max] (a JSON number or a numeric string), or the refusal. */
export function readNumber(key: ErrorKey, field: string, value: unknown, rule: NumberRule): number {
  const n =
    typeof value === 'number'
      ? value
      : typeof value === 'string' && /^\s*-?\d+(\.\d+)?\s*$/.test(value)
        ? Number(value)
        : NaN;
  const what = `${rule.integer ? 'a whole number' : 'a number'} from ${rule.min} to ${rule.max}`;
  if (!Number.isFinite(n) || n < rule.min || n > rule.max) throw refuse(key, field, value, what);
  if (rule.integer && !Number.isInteger(n)) throw refuse(key, field, value, what);
  return n;
}

const YES = new Set(['y', 'yes', 'true', '1', 'on']);
const NO = new Set(['n', 'no', 'false', '0', 'off']);

/** A yes/no value: true/false, "Y"/"N", "yes"/"no", "true"/"false", 1/0. */
export function readYesNo(key: ErrorKey, field: string, value: unknown): boolean {
  if (typeof value === 'boolean') return value;
  const text = typeof value === 'number' ? String(value) : typeof value === 'string' ? value : '';
  const folded = text.trim().toLowerCase();
  if (YES.has(folded)) return true;
  if (NO.has(folded)) return false;
  throw refuse(key, field, value, 'a yes/no value (true/false, "Y"/"N", 1/0)');
}

/** A text of at most `max` characters (numbers are taken as their text). */
export function readText(key: ErrorKey, field: string, value: unknown, max: number): string {
  const text = typeof value === 'number' ? String(value) : value;
  if (typeof text !== 'string' || text.length > max)
    throw refuse(key, field, value, `a text of at most ${max} characters`);
  return text.trim();
}
