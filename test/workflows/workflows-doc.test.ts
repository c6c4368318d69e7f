import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { builtinTemplates } from '../../src/modules/workflows/builtin-templates.ts';
import { toMermaid } from '../../src/modules/workflows/mermaid.ts';
import { parseTemplate, validateGraph } from '../../src/modules/workflows/template-graph.ts';

// docs/workflows.md shows what the code does: the built-ins' drawings as toMermaid makes them,
// and an import example that imports.

const doc = readFileSync(new URL('../../docs/workflows.md', import.meta.url), 'utf8');
const blocks = (lang: string) =>
  [...doc.matchAll(new RegExp('```' + lang + '\\n([\\s\\S]*?)```', 'g'))].map((m) => m[1]!);

describe('docs/workflows.md', () => {
  it('draws each built-in template as toMermaid does', () => {
    assert.deepEqual(blocks('mermaid'), builtinTemplates().map(toMermaid));
  });

  it('has an import example that is a valid template', () => {
    const example = blocks('yaml').find((b) => b.startsWith('name: reminders'));
    assert.ok(example, 'the reminders.yaml example is missing');
    assert.equal(validateGraph(parseTemplate(example)).name, 'reminders');
  });
});
