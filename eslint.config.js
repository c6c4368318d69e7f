// Lint rules, including the dependency direction of DESIGN.md:
// shared <- store <- queue <- modules <- api; channels and dialogue depend only on shared.
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
);
