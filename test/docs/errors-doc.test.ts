import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { generateErrorsDoc } from '../../scripts/errors-doc.ts';
import { cloudEnvelope, pdsEnvelope } from '../../src/api/envelopes.ts';
import { errorTable, type ErrorKey } from '../../src/shared/errors.ts';

// docs/errors.md is generated from the error table; this fails when someone changes the table
// (or edits the page by hand) without regenerating it.

describe('docs/errors.md', () => {
  it('is what scripts/errors-doc.ts generates from src/shared/errors.ts', async () => {
    const committed = readFileSync(new URL('../../docs/errors.md', import.meta.url), 'utf8');
    assert.equal(
      committed,
      await generateErrorsDoc(),
      'docs/errors.md is out of date: run "node scripts/errors-doc.ts --write" and commit it',
    );
  });

  it('has one row per error key, with its HTTP status and both family codes', async () => {
    const page = await generateErrorsDoc();
    for (const [key, spec] of Object.entries(errorTable)) {
      const row = page.split('\n').find((line) => line.startsWith(`| \`${key}\` `));
      assert.ok(row, `no row for ${key}`);
      const cells = row.split('|').map((c) => c.trim());
      const codes = [cloudEnvelope, pdsEnvelope].map((e) => e.codeOf(key as ErrorKey));
      assert.deepEqual(cells.slice(2, 5), [spec.http, ...codes].map(String), key);
    }
  });
});
