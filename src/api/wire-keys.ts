import { AppError } from '../shared/errors.ts';
import { toE164 } from '../shared/phone.ts';

// Real AIRudder integrations spell the spec's fields their own way: `TaskID`, `CalleeNumber`,
// `PageSize`, `Action: "Stop"`. This maps the keys (and the case of enum values) of a request
// onto the names and values of the route's own schema, so every route accepts them without a
// line of its own (docs/api-calls.md, "What real clients send").

/** The parts of a JSON schema this mapping reads. */
interface Schema {
  type?: string | string[];
  properties?: Record<string, Schema>;
  items?: Schema;
  anyOf?: Schema[];
  enum?: unknown[];
  const?: unknown;
}

/** Lowercase, without `_` or `-`: `TaskID`, `task_id`, `taskId` and `TASK-ID` meet. */
export const looseKey = (key: string): string => key.replace(/[_-]/g, '').toLowerCase();

/**
 * Names real clients use that are not another spelling of the spec's field. Each is tried only
 * where the route's schema has the target and the request does not already carry it.
 */
const SYNONYMS: ReadonlyArray<{ from: string; to: string; when?: (value: unknown) => boolean }> = [
  { from: 'action', to: 'operation' },
  { from: 'type', to: 'operation' },
  { from: 'callee', to: 'callees' },
  { from: 'calleelist', to: 'callees' },
  { from: 'callee', to: 'callee_number' },
  { from: 'number', to: 'callee_number' },
  { from: 'phone', to: 'callee_number' },
  { from: 'phonenumber', to: 'callee_number' },
  // AIRudder's SIPLine names a carrier line; where it is a phone number it is the caller number
  // this task shows, which is what `line` means here. Any other value names nothing Tiller has.
  { from: 'sipline', to: 'line', when: (v) => typeof v === 'string' && toE164(v) !== undefined },
];

interface Lookup {
  /** loose key → the schema's property name */
  names: Map<string, string>;
  properties: Record<string, Schema>;
}

const lookups = new WeakMap<Schema, Lookup>();

function lookupOf(schema: Schema): Lookup | undefined {
  if (!schema.properties) return undefined;
  let lookup = lookups.get(schema);
  if (!lookup) {
    const names = new Map<string, string>();
    for (const name of Object.keys(schema.properties)) names.set(looseKey(name), name);
    lookup = { names, properties: schema.properties };
    lookups.set(schema, lookup);
  }
  return lookup;
}

/** The string values a property allows, when it is an enum (a union of literals or `enum`). */
function allowedStrings(schema: Schema): string[] | undefined {
  const values = schema.enum ?? schema.anyOf?.map((s) => s.const);
  if (!values || values.length === 0 || !values.every((v) => typeof v === 'string')) return;
  return values as string[];
}

/**
 * Returns `value` with its keys renamed to the schema's property names, recursively into the
 * objects and arrays of objects the schema describes (callees). Keys that match nothing stay as
 * they are (a schema that allows extra keys ignores them). Two keys naming one field with
 * different values are refused: silently picking one would hide a client bug.
 */
export function mapToSchema(value: unknown, schema: Schema | undefined, where = ''): unknown {
  if (!schema || value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) {
    const items = schema.items;
    return items ? value.map((item, i) => mapToSchema(item, items, `${where}[${i}]`)) : value;
  }
  const lookup = lookupOf(schema);
  if (!lookup) return value;
  const input = value as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  const from: Record<string, string> = {};
  const put = (name: string, key: string, v: unknown) => {
    if (Object.hasOwn(out, name)) {
      if (sameValue(out[name], v)) return;
      throw new AppError(
        'bad_request',
        `${JSON.stringify(from[name])} and ${JSON.stringify(key)} both name ${name}${where ? ` in ${where}` : ''}, with different values`,
      );
    }
    out[name] = v;
    from[name] = key;
  };
  const extras: Array<[string, unknown]> = [];
  for (const [key, v] of Object.entries(input)) {
    // A query string or form can still carry it (the JSON parser drops it): never a prototype.
    if (key === '__proto__') continue;
    const name = lookup.names.get(looseKey(key));
    if (name === undefined) extras.push([key, v]);
    else put(name, key, v);
  }
  for (const [key, v] of extras) {
    const synonym = SYNONYMS.find(
      (s) =>
        s.from === looseKey(key) &&
        Object.hasOwn(lookup.properties, s.to) &&
        !Object.hasOwn(out, s.to) &&
        (!s.when || s.when(v)),
    );
    if (synonym) put(synonym.to, key, v);
    else out[key] = v;
  }
  for (const [name, property] of Object.entries(lookup.properties)) {
    if (!Object.hasOwn(out, name)) continue;
    out[name] = mapValue(out[name], property, where ? `${where}.${name}` : name);
  }
  return out;
}

function mapValue(value: unknown, schema: Schema, where: string): unknown {
  const allowed = allowedStrings(schema);
  if (allowed && typeof value === 'string' && !allowed.includes(value)) {
    const match = allowed.find((a) => a.toLowerCase() === value.trim().toLowerCase());
    return match ?? value;
  }
  if (schema.properties || schema.items) return mapToSchema(value, schema, where);
  return value;
}

function sameValue(a: unknown, b: unknown): boolean {
  return a === b || JSON.stringify(a) === JSON.stringify(b);
}
