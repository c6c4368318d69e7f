import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { before, describe, it } from 'node:test';
import { ESLint } from 'eslint';

// The dependency rules of eslint.config.js, run through ESLint's own API on small snippets placed
// at paths inside src/: each refusal must name the rule that refused, and each allowed import must
// pass, so a rule that stopped biting (a pattern that no longer matches, a later config object
// that replaced its options) fails here, not in review.

const root = fileURLToPath(new URL('../../', import.meta.url));
let eslint: ESLint;

before(() => {
  eslint = new ESLint({ cwd: root });
});

interface Problem {
  ruleId: string | null;
  message: string;
}

async function problems(filePath: string, code: string): Promise<Problem[]> {
  const [result] = await eslint.lintText(code, { filePath: `${root}${filePath}` });
  assert.ok(result, 'ESLint returned no result');
  return result.messages.map((m) => ({ ruleId: m.ruleId, message: m.message }));
}

const use = (source: string) => `import { x } from '${source}';\nexport const y = x;\n`;
const useType = (source: string) =>
  `import type { X } from '${source}';\nexport const y: X | undefined = undefined;\n`;

function assertRefused(found: Problem[], rule: string, text: RegExp) {
  const hit = found.find((p) => p.ruleId === rule);
  assert.ok(hit, `expected ${rule}, got ${JSON.stringify(found)}`);
  assert.match(hit.message, text);
}

describe('module boundaries (eslint.config.js)', () => {
  const BOUNDARY = '@typescript-eslint/no-restricted-imports';

  it("refuses a module importing another module's repository", async () => {
    assertRefused(
      await problems('src/modules/plans/example.ts', use('../tasks/tasks.repository.ts')),
      BOUNDARY,
      /another module's repository/,
    );
  });

  it('refuses it through a longer path and as a type import', async () => {
    assertRefused(
      await problems(
        'src/modules/recordings/example.ts',
        useType('../../modules/tasks/tasks.repository.ts'),
      ),
      BOUNDARY,
      /another module's repository/,
    );
    assertRefused(
      await problems('src/modules/webhooks/example.ts', useType('../auth/auth.repository.ts')),
      BOUNDARY,
      /another module's repository/,
    );
  });

  it("allows a module its own repository and another module's service", async () => {
    assert.deepEqual(
      await problems('src/modules/plans/example.ts', use('./plans.repository.ts')),
      [],
    );
    assert.deepEqual(
      await problems('src/modules/plans/example.ts', use('../tasks/task-access.ts')),
      [],
    );
    assert.deepEqual(
      await problems('src/modules/webhooks/example.ts', use('../auth/app-directory.ts')),
      [],
    );
  });

  it('keeps the layer rule of modules beside the boundary rule', async () => {
    // Both rules on one file: the boundary rule must not have replaced the layer rule's options.
    const found = await problems(
      'src/modules/tasks/example.ts',
      `${use('../../api/app.ts')}import { z } from '../plans/plans.repository.ts';\nexport const w = z;\n`,
    );
    assertRefused(found, 'no-restricted-imports', /never import the HTTP layer/);
    assertRefused(found, BOUNDARY, /another module's repository/);
  });

  it('refuses a repository outside modules/ (api, cli, runtime)', async () => {
    for (const file of ['src/api/example.ts', 'src/cli/example.ts']) {
      assertRefused(
        await problems(file, use('../modules/tasks/tasks.repository.ts')),
        BOUNDARY,
        /its module’s own/,
      );
    }
    assertRefused(
      await problems('src/runtime.ts', use('./modules/auth/auth.repository.ts')),
      BOUNDARY,
      /its module’s own/,
    );
  });

  it('lets config.ts depend on shared only', async () => {
    assertRefused(
      await problems('src/config.ts', use('./modules/compliance/window-rules.ts')),
      'no-restricted-imports',
      /config.ts depends only on shared/,
    );
    assertRefused(
      await problems('src/config.ts', use('./store/db.ts')),
      'no-restricted-imports',
      /config.ts depends only on shared/,
    );
    assert.deepEqual(await problems('src/config.ts', use('./shared/window-override.ts')), []);
  });

  it('lets runtime.ts build the HTTP app through api/app.ts only', async () => {
    assert.deepEqual(await problems('src/runtime.ts', use('./api/app.ts')), []);
    assert.deepEqual(await problems('src/runtime.ts', use('./modules/services.ts')), []);
    assertRefused(
      await problems('src/runtime.ts', use('./api/family.ts')),
      'no-restricted-imports',
      /through api\/app.ts only/,
    );
    assertRefused(
      await problems('src/runtime.ts', use('./cli/main.ts')),
      'no-restricted-imports',
      /the CLI calls the runtime/,
    );
  });
});
