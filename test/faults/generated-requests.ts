import fc from 'fast-check';

// Requests for test/faults/bad-input.test.ts, generated from a route of the OpenAPI document:
// values that follow the route's schema (with real ids and numbers mixed in, so some get past
// validation into the routes' own rules), then broken in the ways a client breaks them.

export const MB = 1024 * 1024;

export type Json = any; // eslint-disable-line @typescript-eslint/no-explicit-any -- schemas and bodies are any JSON
type Schema = Json;

/** One generated request; prints as a short summary (bodies can be megabytes). */
export interface Req {
  method: string;
  path: string;
  query: string;
  contentType: string | undefined;
  body: Buffer | undefined;
  headers: Record<string, string>;
  what: string;
}
export function describeReq(r: Req): string {
  const body = r.body
    ? r.body.length > 300
      ? `${r.body.subarray(0, 200).toString('latin1')}... (${r.body.length} bytes)`
      : r.body.toString('latin1')
    : '(none)';
  return `${r.what}: ${r.method} ${r.path}${r.query ? `?${r.query.slice(0, 300)}` : ''} [${r.contentType ?? 'no content-type'}] ${JSON.stringify(r.headers)} body ${body}`;
}
export const withSummary = (r: Req): Req =>
  Object.assign(r, { [fc.toStringMethod]: () => describeReq(r) });

// ---- Values a field of a given name should sometimes get, to reach past the schema. ----

export interface Known {
  taskIds: string[];
  planIds: string[];
  strategyIds: string[];
  robotIds: string[];
  eventIds: string[];
  caseIds: string[];
  numbers: string[];
  /** The dialer's skill groups and agents (docs/agents.md). */
  groupIds: number[];
  agentIds: number[];
}

export const HOUR = 3_600_000;
export const utc = (date: Date) => date.toISOString().slice(0, 19).replace('T', ' ');

function hint(name: string, known: Known): fc.Arbitrary<unknown> | undefined {
  const hex32 = fc.stringMatching(/^[0-9a-f]{32}$/);
  const phones = fc.oneof(
    // Fresh valid numbers (last digit 5: never answers in the simulator), so bodies get past the
    // number checks into the routes' own rules.
    {
      weight: 3,
      arbitrary: fc.integer({ min: 100_000, max: 999_999 }).map((n) => `+6281234${n}5`),
    },
    {
      weight: 2,
      arbitrary: fc.constantFrom(
        ...known.numbers,
        '+12',
        '+628123456780512345678901234567890',
        '+62 812-3456-7805',
        '0812345678',
      ),
    },
  );
  switch (name) {
    case 'task_id':
      return fc.oneof(fc.constantFrom(...known.taskIds), hex32);
    case 'plan_id':
      return fc.oneof(fc.constantFrom(...known.planIds), hex32);
    case 'strategy_id':
      return fc.oneof(fc.constantFrom(...known.strategyIds), fc.constant('99999999'));
    case 'robot_id':
      return fc.oneof(
        { weight: 3, arbitrary: fc.constantFrom(...known.robotIds) },
        { weight: 1, arbitrary: fc.constantFrom('0', '999999999999999999') },
      );
    case 'call_id':
      return hex32;
    case 'group_id':
      return fc.constantFrom(...known.groupIds, 0, 987_654);
    case 'group_ids':
      return fc.array(fc.constantFrom(...known.groupIds, 987_654), { maxLength: 3 });
    case 'case_id':
      return fc.constantFrom(...known.caseIds, '', 'no-such-case');
    case 'callee_number':
    case 'number':
      return phones;
    case 'numbers':
      return fc.array(phones, { minLength: 1, maxLength: 3 });
    case 'start_time':
    case 'end_time':
      return fc.constantFrom(
        utc(new Date(Date.now() + HOUR)),
        utc(new Date(Date.now() + 2 * HOUR)),
        utc(new Date(Date.now() - HOUR)),
        '2030-02-30 10:00:00',
        '9999-12-31 23:59:59',
        '0000-01-01 00:00:00',
        '2030-01-01 10:00:00+14:00',
      );
    case 'url':
      return fc.constantFrom('http://127.0.0.1:9/hook', 'ftp://x', 'http://u:p@h/', '');
    case 'operation':
      return fc.constantFrom('stop', 'start', 'STOP');
    case 'key':
      return fc.constantFrom('AAAAAAAAAAAAAAAAAAAAAA==', 'not base64', '');
    case 'csv':
      return fc.constantFrom('number\n+6281234567805\n', 'number,reason\n+12,x\n', '\uFEFF', '');
    case 'page':
    case 'part':
      return fc.constantFrom(1, 2, 0, -1, 2 ** 31, 2 ** 53, 1e20);
    case 'page_size':
      return fc.constantFrom(1, 1000, 1001, 0, 2 ** 31);
    default:
      return undefined;
  }
}

// ---- Schema (OpenAPI subset that TypeBox produces) to values. ----

function fromSchema(schema: Schema, known: Known, name = '', depth = 0): fc.Arbitrary<unknown> {
  const hinted = hint(name, known);
  const plain = plainFromSchema(schema ?? {}, known, depth);
  return hinted
    ? fc.oneof({ weight: 4, arbitrary: hinted }, { weight: 1, arbitrary: plain })
    : plain;
}

function plainFromSchema(schema: Schema, known: Known, depth: number): fc.Arbitrary<unknown> {
  if (depth > 5) return fc.constant(null);
  if (schema.anyOf || schema.oneOf) {
    return fc.oneof(
      ...(schema.anyOf ?? schema.oneOf).map((s: Schema) => plainFromSchema(s, known, depth + 1)),
    );
  }
  if (schema.enum) return fc.constantFrom(...schema.enum);
  if (schema.const !== undefined) return fc.constant(schema.const);
  switch (schema.type) {
    case 'string': {
      if (schema.pattern) return fc.stringMatching(new RegExp(schema.pattern));
      const minLength = schema.minLength ?? 0;
      return fc.string({
        minLength,
        maxLength: Math.max(minLength, Math.min(schema.maxLength ?? 40, 40)),
      });
    }
    case 'integer':
      return fc.integer({ min: schema.minimum ?? -1_000, max: schema.maximum ?? 100_000 });
    case 'number':
      return fc.double({ noNaN: true, noDefaultInfinity: true });
    case 'boolean':
      return fc.boolean();
    case 'null':
      return fc.constant(null);
    case 'array':
      return fc.array(fromSchema(schema.items ?? {}, known, '', depth + 1), {
        minLength: schema.minItems ?? 0,
        maxLength: Math.max(schema.minItems ?? 0, Math.min(schema.maxItems ?? 3, 3)),
      });
    case 'object': {
      const properties = Object.entries<Schema>(schema.properties ?? {});
      if (properties.length === 0) {
        return fc.dictionary(fc.string({ maxLength: 12 }), fc.jsonValue({ maxDepth: 2 }), {
          maxKeys: 4,
        });
      }
      const model = Object.fromEntries(
        properties.map(([key, s]) => [key, fromSchema(s, known, key, depth + 1)]),
      );
      return fc.record(model, { requiredKeys: (schema.required ?? []) as string[] });
    }
    default:
      return fc.jsonValue({ maxDepth: 2 });
  }
}

// ---- Breaking a valid value. ----

/** Every place in a JSON value, as a path of keys; [] is the value itself. */
function slots(
  value: unknown,
  at: Array<string | number> = [],
  out: Array<Array<string | number>> = [],
) {
  out.push(at);
  if (Array.isArray(value)) value.forEach((v, i) => slots(v, [...at, i], out));
  else if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) slots(v, [...at, k], out);
  }
  return out;
}

/** A copy with the value at `path` replaced (or, with `drop`, removed). */
function setAt(
  value: unknown,
  path: Array<string | number>,
  replacement: unknown,
  drop = false,
): unknown {
  if (path.length === 0) return replacement;
  const copy: Json = Array.isArray(value) ? [...value] : { ...(value as object) };
  const [head, ...rest] = path as [string | number, ...Array<string | number>];
  if (rest.length === 0 && drop) {
    if (Array.isArray(copy)) copy.splice(head as number, 1);
    else delete copy[head];
  } else {
    copy[head] = setAt(copy[head], rest, replacement, drop);
  }
  return copy;
}
const pick = <T>(list: T[], n: number): T => list[n % list.length]!;

const PLACEHOLDER = 'PLACEHOLDER_7f3a';
/** The JSON of `value` with the raw bytes `inner` where the slot's value was. */
function spliceRaw(value: unknown, path: Array<string | number>, inner: Buffer): Buffer {
  const text = JSON.stringify(setAt(value, path, PLACEHOLDER));
  const at = text.indexOf(`"${PLACEHOLDER}"`);
  if (at < 0) return Buffer.concat([Buffer.from(text), inner]);
  return Buffer.concat([
    Buffer.from(text.slice(0, at)),
    inner,
    Buffer.from(text.slice(at + PLACEHOLDER.length + 2)),
  ]);
}

const wrongTyped = fc.oneof(
  fc.constant(null),
  fc.boolean(),
  fc.integer(),
  fc.double(),
  fc.string({ maxLength: 8 }),
  fc.constant([]),
  fc.constant({}),
  fc.array(fc.integer(), { maxLength: 3 }),
  fc.constantFrom('1e999', -0, 1e308, Number.MAX_SAFE_INTEGER + 2, -1),
);

/** Strings PostgreSQL or the parser may choke on, written as JSON escapes. */
const nastyJsonString = fc.constantFrom(
  '"\\u0000"',
  '"a\\u0000b"',
  '"\\ud800"',
  '"\\udfff\\ud800"',
  '"\\\\x00"',
  '"%00"',
  '"\\u202e\\u0000"',
  '"\'; DROP TABLE tasks; --"',
  '1e400',
  '-1e400',
  '123456789012345678901234567890',
  '{"__proto__":{"polluted":1}}',
  '{"constructor":{"prototype":{"polluted":1}}}',
  '{"a":1,"a":2}',
);

const invalidUtf8 = fc.constantFrom(
  [0xff],
  [0xfe, 0xff],
  [0xc3],
  [0xc0, 0xaf],
  [0xed, 0xa0, 0x80], // an encoded surrogate
  [0xf4, 0x90, 0x80, 0x80], // above U+10FFFF
  [0x80],
  [0xe2, 0x82],
);

function bodies(schema: Schema, known: Known): fc.Arbitrary<{ body: Buffer; what: string }> {
  const valid = schema ? fromSchema(schema, known) : fc.jsonValue({ maxDepth: 2 });
  const json = (value: unknown, what: string) => ({
    body: Buffer.from(JSON.stringify(value) ?? 'null'),
    what,
  });
  return fc.oneof(
    { weight: 5, arbitrary: valid.map((v) => json(v, 'schema value')) },
    {
      weight: 4,
      arbitrary: fc
        .tuple(valid, fc.nat(), wrongTyped)
        .map(([v, n, junk]) => json(setAt(v, pick(slots(v), n), junk), 'wrong type')),
    },
    {
      weight: 3,
      arbitrary: fc.tuple(valid, fc.nat()).map(([v, n]) => {
        const places = slots(v).filter((p) => p.length > 0);
        return json(
          places.length ? setAt(v, pick(places, n), undefined, true) : {},
          'missing field',
        );
      }),
    },
    {
      weight: 1,
      arbitrary: fc
        .tuple(valid, fc.nat(), fc.constantFrom('x', 'é', '😀', '\\'))
        .map(([v, n, ch]) =>
          json(setAt(v, pick(slots(v), n), ch.repeat(Math.ceil(MB / ch.length))), 'huge string'),
        ),
    },
    {
      weight: 1,
      arbitrary: fc
        .tuple(valid, fc.nat(), fc.integer({ min: 60, max: 5_000 }), fc.boolean())
        .map(([v, n, depth, arrays]) => {
          const deep = arrays
            ? '['.repeat(depth) + ']'.repeat(depth)
            : '{"a":'.repeat(depth) + '1' + '}'.repeat(depth);
          return {
            body: spliceRaw(v, pick(slots(v), n), Buffer.from(deep)),
            what: `nested ${depth} deep`,
          };
        }),
    },
    {
      weight: 2,
      arbitrary: fc
        .tuple(valid, fc.nat(), invalidUtf8, fc.boolean())
        .map(([v, n, bytes, inString]) => {
          const inner = inString
            ? Buffer.concat([Buffer.from('"a'), Buffer.from(bytes), Buffer.from('b"')])
            : Buffer.from(bytes);
          return { body: spliceRaw(v, pick(slots(v), n), inner), what: 'invalid UTF-8' };
        }),
    },
    {
      weight: 2,
      arbitrary: fc.tuple(valid, fc.nat(), nastyJsonString).map(([v, n, raw]) => ({
        body: spliceRaw(v, pick(slots(v), n), Buffer.from(raw)),
        what: 'nasty value',
      })),
    },
    {
      weight: 2,
      arbitrary: fc
        .tuple(
          valid,
          fc.dictionary(fc.string({ maxLength: 10 }), fc.jsonValue({ maxDepth: 2 }), {
            minKeys: 1,
            maxKeys: 3,
          }),
        )
        .map(([v, extra]) =>
          json(
            v && typeof v === 'object' && !Array.isArray(v) ? { ...v, ...extra } : extra,
            'extra fields',
          ),
        ),
    },
    { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 3 }).map((v) => json(v, 'any JSON')) },
    {
      weight: 1,
      arbitrary: fc
        .uint8Array({ maxLength: 200 })
        .map((b) => ({ body: Buffer.from(b), what: 'random bytes' })),
    },
    {
      weight: 1,
      arbitrary: fc
        .constantFrom('', ' ', 'null', '{', '{}}', '[', '"', 'nul', '\uFEFF{}', '{"a":1}garbage')
        .map((t) => ({
          body: Buffer.from(t),
          what: 'malformed JSON',
        })),
    },
  );
}

const contentTypes = fc.oneof(
  { weight: 20, arbitrary: fc.constant('application/json') },
  {
    weight: 3,
    arbitrary: fc.constantFrom<string | undefined>(
      undefined,
      'application/json; charset=utf-8',
      'application/json; charset=latin1',
      'APPLICATION/JSON',
      'text/plain',
      'text/plain; charset=utf-8',
      'application/xml',
      'application/x-www-form-urlencoded',
      'multipart/form-data; boundary=xyz',
      'multipart/form-data',
      'application/octet-stream',
      'application/vnd.api+json',
      'application/json-patch+json',
      'a/b/c',
      'json',
      '*/*',
    ),
  },
);

// ---- Query strings and path parameters. ----

const queryChars = fc.constantFrom(...[...'aZ09-_.~ %&=+?#/[]{}"\'<>\\^|`;:,@$!*()é😀']);

function queries(parameters: Schema[], known: Known): fc.Arbitrary<string> {
  const own = parameters.filter((p) => p.in === 'query');
  const model: Json = Object.fromEntries(
    own.map((p) => [p.name, fromSchema(p.schema, known, p.name)]),
  );
  const valid = fc.record<Record<string, unknown>>(model, {
    requiredKeys: own.filter((p) => p.required).map((p) => p.name),
  });
  const encode = (record: Record<string, unknown>) =>
    Object.entries(record)
      .map(
        ([k, v]) =>
          `${encodeURIComponent(k)}=${encodeURIComponent(typeof v === 'string' ? v : JSON.stringify(v))}`,
      )
      .join('&');
  return fc.oneof(
    { weight: 4, arbitrary: valid.map(encode) },
    {
      weight: 3,
      arbitrary: fc.tuple(valid, fc.nat(), wrongTyped).map(([v, n, junk]) => {
        const keys = Object.keys(v);
        return keys.length ? encode({ ...v, [pick(keys, n)]: junk }) : encode({ x: junk });
      }),
    },
    {
      weight: 2,
      arbitrary: fc.tuple(valid, fc.nat()).map(([v, n]) => {
        const keys = Object.keys(v);
        if (!keys.length) return '';
        const k = pick(keys, n);
        return `${encode(v)}&${encodeURIComponent(k)}=1&${encodeURIComponent(k)}=2`; // repeated key
      }),
    },
    { weight: 2, arbitrary: fc.string({ unit: queryChars, maxLength: 60 }) },
    {
      weight: 1,
      arbitrary: fc.constantFrom(
        '%',
        '%zz',
        '%00',
        '%ff%fe',
        'a=%E0%A4%A',
        '=&=&',
        'a[b][c]=1',
        'a[]=1&a[]=2',
        '__proto__[x]=1',
        'page=1e999&page_size=-0',
      ),
    },
    {
      weight: 1,
      arbitrary: fc
        .tuple(fc.constantFrom(...own.map((p) => p.name), 'x'), fc.constantFrom('x', '%C3%A9'))
        .map(
          ([k, ch]) => `${k}=${ch.repeat(4_000 / ch.length)}`, // long, but under the HTTP header limit
        ),
    },
  );
}

const pathValues = (name: string, known: Known) =>
  fc.oneof(
    {
      weight: 3,
      arbitrary: (hint(name === 'id' ? 'task_id' : name, known) ??
        fc.string()) as fc.Arbitrary<unknown>,
    },
    {
      weight: 2,
      arbitrary: fc.constantFrom(
        ...known.robotIds,
        ...known.eventIds,
        ...[...known.groupIds, ...known.agentIds].map(String),
        '0',
        '-1',
        '1.5',
        '99999999999999999999',
      ),
    },
    { weight: 2, arbitrary: fc.string({ maxLength: 30 }) },
    {
      weight: 1,
      arbitrary: fc.constantFrom(
        '%',
        '%zz',
        '%00',
        '..%2F..',
        '%2F',
        '%ff',
        ' ',
        'a'.repeat(3_000),
      ),
    },
  );

// ---- The routes. ----

export interface Route {
  method: string;
  path: string;
  parameters: Schema[];
  body: Schema | undefined;
  hasBody: boolean;
}

export function routesOf(doc: Json): Route[] {
  const out: Route[] = [];
  for (const [path, operations] of Object.entries<Json>(doc.paths)) {
    if (!path.startsWith('/service/cloud/') && !path.startsWith('/v1/')) continue;
    for (const [method, op] of Object.entries<Json>(operations)) {
      const content = op.requestBody?.content ?? {};
      out.push({
        method: method.toUpperCase(),
        path,
        parameters: op.parameters ?? [],
        body: (content['application/json'] ?? Object.values<Json>(content)[0])?.schema,
        hasBody: method !== 'get' && method !== 'head',
      });
    }
  }
  return out;
}

export function requests(route: Route, known: Known): fc.Arbitrary<Req> {
  const pathParams = route.parameters.filter((p) => p.in === 'path');
  const path = fc
    .tuple(
      ...pathParams.map((p) =>
        fc.tuple(fc.constant(p.name), pathValues(p.name, known), fc.boolean()),
      ),
    )
    .map((values) =>
      values.reduce(
        (at, [name, value, raw]) =>
          at.replace(
            `{${name}}`,
            raw && typeof value === 'string' ? value : encodeURIComponent(String(value)),
          ),
        route.path,
      ),
    );
  const headers = route.parameters.some((p) => p.in === 'header' && p.name === 'idempotency-key')
    ? fc
        .option(
          fc
            .string({ unit: 'binary-ascii', minLength: 1, maxLength: 300 })
            .filter((s) => /^[\x20-\x7e]+$/.test(s)),
          { nil: undefined },
        )
        .map((key): Record<string, string> => (key === undefined ? {} : { 'idempotency-key': key }))
    : fc.constant({} as Record<string, string>);
  const body = route.hasBody
    ? fc.option(fc.tuple(bodies(route.body, known), contentTypes), { nil: undefined, freq: 15 })
    : fc.constant(undefined);
  return fc.tuple(path, queries(route.parameters, known), headers, body).map(([p, query, h, b]) =>
    withSummary({
      method: route.method,
      path: p,
      query,
      headers: h,
      contentType: b?.[1],
      body: b?.[0].body,
      what: b ? b[0].what : 'no body',
    }),
  );
}
