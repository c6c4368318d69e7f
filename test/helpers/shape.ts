// Compares the shape of JSON values: the same keys at every depth, and every value of the same
// JSON type (string, number, boolean, null, array, object). Values themselves are not compared:
// a payload made from our data is checked against a spec's example made from someone else's.

export interface ShapeOptions {
  /**
   * Keys whose object values are free maps (data as keys: ner_slots, variables, ...): their key
   * sets are not compared, only that they are objects whose values have a type one of the
   * expected map's values has (any type when the expected map is empty).
   */
  freeMaps?: readonly string[];
}

type Kind = 'string' | 'number' | 'boolean' | 'null' | 'array' | 'object' | 'undefined' | 'other';

const kindOf = (v: unknown): Kind => {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  const t = typeof v;
  return t === 'string' || t === 'number' || t === 'boolean' || t === 'object' || t === 'undefined'
    ? t
    : 'other';
};

const isObject = (v: unknown): v is Record<string, unknown> => kindOf(v) === 'object';

/**
 * The differences between the shape of `expected` and that of `actual`, one human-readable line
 * each, with its path (`$.call.redial_call[1].ring_time`); [] when the shapes are the same.
 *
 * Arrays: every element of `actual` is compared with the element shape of `expected` — its
 * first element, or, when `expected` lists several elements of different shapes (a transcript
 * of messages of several kinds), the one of them it matches (the differences from the closest
 * are reported when none matches). An empty `expected` array accepts any elements; an empty
 * `actual` array has nothing to compare.
 */
export function shapeDiff(
  expected: unknown,
  actual: unknown,
  options: ShapeOptions = {},
): string[] {
  const freeMaps = new Set(options.freeMaps ?? []);
  return diffAt('$', undefined, expected, actual, freeMaps);
}

function diffAt(
  path: string,
  key: string | undefined,
  expected: unknown,
  actual: unknown,
  freeMaps: ReadonlySet<string>,
): string[] {
  const want = kindOf(expected);
  const got = kindOf(actual);
  if (want !== got) return [`${path}: expected ${want}, got ${got}`];
  if (Array.isArray(expected) && Array.isArray(actual)) {
    return arrayDiff(path, expected, actual, freeMaps);
  }
  if (isObject(expected) && isObject(actual)) {
    if (key !== undefined && freeMaps.has(key)) return freeMapDiff(path, expected, actual);
    const problems: string[] = [];
    for (const k of Object.keys(expected)) {
      if (!(k in actual)) problems.push(`${path}.${k}: missing (expected ${kindOf(expected[k])})`);
    }
    for (const k of Object.keys(actual)) {
      if (!(k in expected)) problems.push(`${path}.${k}: unexpected key (${kindOf(actual[k])})`);
    }
    for (const k of Object.keys(expected)) {
      if (k in actual)
        problems.push(...diffAt(`${path}.${k}`, k, expected[k], actual[k], freeMaps));
    }
    return problems;
  }
  return [];
}

function arrayDiff(
  path: string,
  expected: readonly unknown[],
  actual: readonly unknown[],
  freeMaps: ReadonlySet<string>,
): string[] {
  if (expected.length === 0) return [];
  return actual.flatMap((element, i) => {
    const at = `${path}[${i}]`;
    let closest: string[] | undefined;
    for (const variant of expected) {
      const problems = diffAt(at, undefined, variant, element, freeMaps);
      if (problems.length === 0) return [];
      if (!closest || problems.length < closest.length) closest = problems;
    }
    return closest ?? [];
  });
}

function freeMapDiff(
  path: string,
  expected: Record<string, unknown>,
  actual: Record<string, unknown>,
): string[] {
  const kinds = new Set(Object.values(expected).map(kindOf));
  if (kinds.size === 0) return [];
  return Object.entries(actual)
    .filter(([, v]) => !kinds.has(kindOf(v)))
    .map(([k, v]) => `${path}.${k}: expected ${[...kinds].join(' or ')}, got ${kindOf(v)}`);
}
