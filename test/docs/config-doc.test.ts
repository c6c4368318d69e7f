import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';

// docs/config.md promises "every environment variable and its default". This keeps the promise:
// it reads src/config.ts as text (what it reads from `env`, with which default and range) and the
// table under "## Environment variables" in docs/config.md, and fails when they disagree.

const source = readFileSync(new URL('../../src/config.ts', import.meta.url), 'utf8');
const doc = readFileSync(new URL('../../docs/config.md', import.meta.url), 'utf8');

const NAME = '([A-Z][A-Z0-9_]*)';

/** Every variable name src/config.ts reads: `env.X`, `env['X']`, and `helper(env, 'X', ...)`. */
function variablesReadByCode(text: string): Set<string> {
  const patterns = [
    new RegExp(`\\benv\\.${NAME}\\b`, 'g'),
    new RegExp(`\\benv\\[\\s*['"]${NAME}['"]\\s*\\]`, 'g'),
    // int, num, bool, zone, and any helper added later with the same (env, 'NAME', ...) shape.
    new RegExp(`\\b\\w+\\(\\s*env\\s*,\\s*['"]${NAME}['"]`, 'g'),
  ];
  const names = new Set<string>();
  for (const pattern of patterns) for (const m of text.matchAll(pattern)) names.add(m[1]!);
  return names;
}

interface DocRow {
  name: string;
  defaultCell: string;
  validCell: string;
}

/** The rows of the table in the "## Environment variables" section, by variable name. */
function documentedVariables(markdown: string): Map<string, DocRow> {
  const start = markdown.indexOf('\n## Environment variables\n');
  assert.ok(start >= 0, 'docs/config.md has no "## Environment variables" section');
  const rest = markdown.slice(start + 1);
  const end = rest.indexOf('\n## ', 1);
  const section = end < 0 ? rest : rest.slice(0, end);
  const rows = new Map<string, DocRow>();
  for (const line of section.split('\n')) {
    if (!line.startsWith('|')) continue;
    const cells = line
      .slice(1, line.trimEnd().endsWith('|') ? line.trimEnd().length - 1 : undefined)
      .split(/(?<!\\)\|/)
      .map((c) => c.trim());
    const name = /^`([A-Z][A-Z0-9_]*)`$/.exec(cells[0] ?? '')?.[1];
    if (!name) continue; // the header and the separator row
    assert.ok(!rows.has(name), `docs/config.md lists ${name} twice`);
    assert.equal(cells.length, 4, `docs/config.md: the row of ${name} should have 4 cells`);
    rows.set(name, { name, defaultCell: cells[1]!, validCell: cells[3]! });
  }
  return rows;
}

/** `86_400`, `86400` and `86,400` are the same number. */
const normalise = (text: string) => text.replace(/[_,\s]/g, '');

const codeSpan = (cell: string) => /^`([^`]*)`$/.exec(cell)?.[1];

describe('docs/config.md', () => {
  const read = variablesReadByCode(source);
  // Parsed inside each test, so a malformed table is reported as a failing test.
  const table = () => documentedVariables(doc);

  it('finds the variables src/config.ts reads (the extraction itself works)', () => {
    for (const known of ['PORT', 'DATABASE_URL', 'TILLER_DB_SCHEMA', 'TILLER_TIME_SCALE']) {
      assert.ok(read.has(known), `expected to find ${known} in src/config.ts`);
    }
  });

  it('lists every variable src/config.ts reads', () => {
    const documented = table();
    const missing = [...read].filter((name) => !documented.has(name));
    assert.deepEqual(missing, [], 'add these to the table in docs/config.md');
  });

  it('lists no variable src/config.ts does not read', () => {
    const extra = [...table().keys()].filter((name) => !read.has(name));
    assert.deepEqual(extra, [], 'remove these from docs/config.md, or read them in src/config.ts');
  });

  it('shows the defaults the code uses', () => {
    const defaults = [
      // int/num/bool/zone(env, 'NAME', fallback, ...)
      ...source.matchAll(new RegExp(`\\b\\w+\\(\\s*env\\s*,\\s*'${NAME}'\\s*,\\s*([^,)]+)`, 'g')),
      // env.NAME || 'literal'
      ...source.matchAll(new RegExp(`\\benv\\.${NAME}\\s*\\|\\|\\s*('[^']+')`, 'g')),
    ];
    assert.ok(defaults.length >= 10, 'expected to find the defaults in src/config.ts');
    const documented = table();
    for (const [, name, literal] of defaults) {
      const row = documented.get(name!);
      if (!row) continue; // reported by the test above
      const expected = normalise(literal!.replace(/^'(.*)'$/, '$1'));
      const shown = codeSpan(row.defaultCell);
      assert.equal(
        shown === undefined ? undefined : normalise(shown),
        expected,
        `docs/config.md: the default of ${name} is ${expected}`,
      );
    }
  });

  it('shows the ranges of the integer settings', () => {
    const ranges = [
      ...source.matchAll(
        new RegExp(
          `\\bint\\(\\s*env\\s*,\\s*'${NAME}'\\s*,\\s*[^,]+,\\s*([^,]+),\\s*([^,)]+)\\)`,
          'g',
        ),
      ),
    ];
    assert.ok(ranges.length >= 5, 'expected to find the int() calls in src/config.ts');
    const documented = table();
    for (const [, name, min, max] of ranges) {
      const row = documented.get(name!);
      if (!row) continue;
      const range = `${normalise(min!)}–${normalise(max!)}`;
      assert.match(
        normalise(row.validCell),
        new RegExp(`(^|\\D)${range}(\\D|$)`),
        `docs/config.md: ${name} accepts integers ${range}, the table says "${row.validCell}"`,
      );
    }
  });
});
