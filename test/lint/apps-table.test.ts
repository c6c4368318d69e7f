import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'node:test';

// The `apps` table belongs to the auth module: every other module reads and writes an app's
// settings through modules/auth/app-directory.ts (docs/modules.md). ESLint sees imports, not SQL,
// so this reads the sources instead. A statement that must stay (one statement on the hot path,
// where a read through the directory would cost a round trip) carries the marker
// `boundary-exempt: apps` with its reason, and docs/modules.md lists it.

const root = fileURLToPath(new URL('../../', import.meta.url));
const modulesDir = join(root, 'src/modules');
const OWNER = 'auth';
const TOUCHES_APPS = /\b(?:FROM|JOIN|UPDATE|INTO)\s+apps\b/i;
const MARKER = 'boundary-exempt: apps';

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sources(path);
    return entry.name.endsWith('.ts') ? [path] : [];
  });
}

/** Files outside the owner that touch `apps` in SQL, and whether each says why. */
function appsReaders(): { file: string; exempt: boolean }[] {
  return sources(modulesDir)
    .filter((file) => !relative(modulesDir, file).startsWith(`${OWNER}/`))
    .map((file) => ({ file: relative(root, file), text: readFileSync(file, 'utf8') }))
    .filter(({ text }) => TOUCHES_APPS.test(text))
    .map(({ file, text }) => ({ file, exempt: text.includes(MARKER) }));
}

describe('the apps table belongs to the auth module', () => {
  it('the check recognises SQL on apps (and not words that merely contain it)', () => {
    assert.ok(TOUCHES_APPS.test('SELECT timezone FROM apps WHERE id = $1'));
    assert.ok(TOUCHES_APPS.test('tasks t JOIN apps a ON a.id = t.app_id'));
    assert.ok(TOUCHES_APPS.test('UPDATE apps SET encryption = $2'));
    assert.ok(!TOUCHES_APPS.test('SELECT token_hash FROM app_tokens'));
    assert.ok(!TOUCHES_APPS.test('// apps keep their settings'));
  });

  it('no other module touches it without a stated exemption', () => {
    const offenders = appsReaders()
      .filter((r) => !r.exempt)
      .map((r) => r.file);
    assert.deepEqual(
      offenders,
      [],
      `read the app's settings through modules/auth/app-directory.ts, or mark the statement ` +
        `"${MARKER} — <why>" and list it in docs/modules.md`,
    );
  });

  it('every exemption is listed in docs/modules.md', () => {
    const doc = readFileSync(join(root, 'docs/modules.md'), 'utf8');
    for (const { file } of appsReaders().filter((r) => r.exempt)) {
      const name = file.split('/').pop()!;
      assert.ok(doc.includes(name), `docs/modules.md does not list the exemption in ${file}`);
    }
  });
});
