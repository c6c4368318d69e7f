import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { generateErrorsDoc } from '../../scripts/errors-doc.ts';
import { statusEnvelope } from '../../src/api/families/envelope.ts';
import { defineFamily, type Family } from '../../src/api/families/family-definition.ts';
import {
  cloudFamily,
  families,
  fallbackFamily,
  familyForUrl,
  pdsFamily,
  v1Family,
} from '../../src/api/families/index.ts';
import { noAuth } from '../../src/api/auth/none.ts';
import { errorTable, type ErrorKey } from '../../src/shared/errors.ts';

// The registry of API families: every family numbers every error, prefixes are unambiguous,
// URLs find their family, and docs/errors.md is built from whatever is registered.

const keys = Object.keys(errorTable) as ErrorKey[];

describe('the API family registry', () => {
  it('has each family once, with prefixes no other family uses', () => {
    const names = families.map((f) => f.name);
    assert.deepEqual(names, [...new Set(names)]);
    const prefixes = families.flatMap((f) => f.prefixes);
    assert.deepEqual(prefixes, [...new Set(prefixes)]);
    assert.ok(families.includes(fallbackFamily));
  });

  it('gives every error of the domain table an integer code in every family', () => {
    for (const family of families) {
      for (const key of keys) {
        const code = family.wire.codeOf(key);
        assert.ok(Number.isInteger(code), `${family.name} ${key}: ${code}`);
      }
    }
  });

  it('keeps the codes clients know: cloud and Tiller mirror the HTTP status, PDS its platform codes', () => {
    for (const key of keys) {
      // A workflow's task answers AIRudder's own 10704 in the cloud family (its HTTP status: 400).
      const cloud = key === 'workflow_task_locked' ? 10704 : errorTable[key].http;
      assert.equal(cloudFamily.wire.codeOf(key), cloud, key);
      assert.equal(v1Family.wire.codeOf(key), errorTable[key].http, key);
    }
    assert.equal(pdsFamily.wire.codeOf('invalid_token'), 10812);
    assert.equal(pdsFamily.wire.codeOf('internal'), 10201);
    assert.equal(pdsFamily.wire.codeOf('robot_not_found'), -1);
  });

  it('finds the family of a URL by prefix, and the fallback for anything else', () => {
    assert.equal(familyForUrl('/service/cloud/task?x=1'), cloudFamily);
    assert.equal(familyForUrl('/service/callcenter/call/predict/auth'), pdsFamily);
    assert.equal(familyForUrl('/v1/dnc'), v1Family);
    assert.equal(familyForUrl('/nowhere'), fallbackFamily);
  });

  it('builds docs/errors.md with a code column and a section for each family it is given', async () => {
    const extra = defineFamily<unknown>({
      name: 'extra',
      title: 'Extra',
      prefixes: ['/extra'],
      envelope: statusEnvelope,
      errorCode: (key) => (key === 'not_found' ? 9404 : 9000),
      errorCodeDoc: 'the extra family numbers its errors from 9000.',
      authentication: () => noAuth(),
      wireHabits: false,
      routes: () => [],
    });
    const given = [...families, extra] as readonly Family<unknown>[];
    const page = await generateErrorsDoc(errorTable, given);
    const header = page.split('\n').find((line) => line.startsWith('| Key'));
    assert.ok(header);
    const columns = header.split('|').map((c) => c.trim());
    assert.deepEqual(columns.slice(3, 3 + given.length), [
      ...families.map((f) => `${f.title} code`),
      'Extra code',
    ]);
    const row = page.split('\n').find((line) => line.startsWith('| `not_found` '));
    assert.equal(row?.split('|').map((c) => c.trim())[3 + families.length], '9404');
    assert.match(page, /\*\*Extra\*\* \(`\/extra\/\.\.\.`\): the extra family numbers/);
  });
});
