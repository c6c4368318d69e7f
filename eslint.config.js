// Lint rules, including the dependency direction of DESIGN.md:
// shared <- store <- queue <- modules <- api; channels and dialogue depend only on shared.
// Inside modules/, a module reaches another through its service, never its repository
// (docs/modules.md). config.ts depends only on shared; runtime.ts wires everything together.
import { readdirSync } from 'node:fs';
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const layer = (files, forbidden, why) => ({
  files,
  rules: {
    'no-restricted-imports': [
      'error',
      {
        patterns: forbidden.map((dir) => ({ group: [`**/${dir}/**`, `**/${dir}`], message: why })),
      },
    ],
  },
});

// Every folder of src/modules/ is a module; read here, so a new module is covered without an edit.
const modules = readdirSync(new URL('./src/modules/', import.meta.url), { withFileTypes: true })
  .filter((entry) => entry.isDirectory())
  .map((entry) => entry.name);

const repositoryOf = (module) => `**/modules/${module}/*.repository.ts`;
// Relative imports between sibling modules ('../tasks/tasks.repository.ts') do not contain
// "modules/", so each module also gets the sibling form.
const siblingRepositoryOf = (module) => `../${module}/*.repository.ts`;
const NOT_THE_REPOSITORY =
  "another module's repository: call that module's service instead (docs/modules.md)";

/**
 * A module may import its own repository and nobody else's. This uses the typescript-eslint
 * variant of no-restricted-imports, a rule of its own, so it adds to the layer rules above
 * instead of replacing their options (flat config replaces a rule's options per rule name).
 * Type imports count too: a row type is the table's shape.
 */
const moduleBoundary = (module) => ({
  files: [`src/modules/${module}/**`],
  rules: {
    '@typescript-eslint/no-restricted-imports': [
      'error',
      {
        patterns: [
          {
            group: modules
              .filter((other) => other !== module)
              .flatMap((other) => [repositoryOf(other), siblingRepositoryOf(other)]),
            message: NOT_THE_REPOSITORY,
          },
        ],
      },
    ],
  },
});

/** Outside modules/ (api, cli, runtime), no file reads a repository: they call services. */
const noRepositories = (files) => ({
  files,
  rules: {
    '@typescript-eslint/no-restricted-imports': [
      'error',
      {
        patterns: [
          {
            group: ['**/modules/*/*.repository.ts'],
            message: 'a repository is its module’s own: call the service (docs/modules.md)',
          },
        ],
      },
    ],
  },
});

export default tseslint.config(
  { ignores: ['node_modules/', 'data/', 'docs/', 'console/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.js'],
    languageOptions: { globals: { process: 'readonly', console: 'readonly', URL: 'readonly' } },
  },
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
    },
  },
  layer(
    ['src/shared/**'],
    ['store', 'queue', 'modules', 'api', 'channels', 'dialogue', 'cli'],
    'shared is the leaf layer',
  ),
  layer(
    ['src/store/**'],
    ['queue', 'modules', 'api', 'channels', 'dialogue', 'cli'],
    'store depends only on shared',
  ),
  layer(
    ['src/queue/**'],
    ['modules', 'api', 'channels', 'dialogue', 'cli'],
    'queue depends on store and shared',
  ),
  layer(['src/modules/**'], ['api', 'cli'], 'modules never import the HTTP layer'),
  layer(
    ['src/channels/**', 'src/dialogue/**'],
    ['store', 'queue', 'modules', 'api', 'cli'],
    'adapters depend only on shared and interfaces',
  ),
  // config.ts is read by every layer, so it may depend on nothing but shared.
  layer(
    ['src/config.ts'],
    ['store', 'queue', 'modules', 'api', 'channels', 'dialogue', 'cli', 'runtime.ts'],
    'config.ts depends only on shared',
  ),
  // runtime.ts builds the process: it may import every layer, but of the HTTP layer only the app
  // factory (api/app.ts), and never the CLI that calls it.
  {
    files: ['src/runtime.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['**/api/**', '!**/api/app.ts'],
              message: 'runtime.ts builds the HTTP app through api/app.ts only',
            },
            { group: ['**/cli/**'], message: 'the CLI calls the runtime, not the other way' },
          ],
        },
      ],
    },
  },
  ...modules.map(moduleBoundary),
  noRepositories(['src/api/**', 'src/cli/**', 'src/runtime.ts', 'src/config.ts']),
);
