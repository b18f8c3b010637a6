// ESLint for the TypeScript sources, tests and scripts: typescript-eslint's type-checked rules
// (floating promises, unsafe `any`, misused promises), with formatting left to Prettier
// (eslint-config-prettier turns off the rules that would disagree with it). `npm run lint` runs
// both side by side (npm-run-all2's run-p: a cold run takes as long as ESLint alone, ~30 s here
// against ~38 s one after the other); .ci/run runs it before the tests. Prettier reads TypeScript
// with its babel-ts parser (.prettierrc.json): the same formatting of every file here, and a
// quarter less CPU than its typescript parser took from ESLint's 2 cores (lint 33.5 -> 30.3 s).
//
// typescript-eslint needs TypeScript's JavaScript API, which the native TypeScript 7 compiler does
// not ship: the `typescript` package here is 6.0 for ESLint (and editors), and `npm run typecheck`
// runs TypeScript 7 from the `typescript-7` alias.
import js from '@eslint/js';
import prettier from 'eslint-config-prettier';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/**', 'dist.*/**', 'release/**', 'node_modules/**', '.cache/**', '.tools/**', 'coverage/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      // `const { id: _id, ...rest } = r` drops a field on purpose; `_x` marks a parameter a
      // signature needs but this implementation does not use.
      '@typescript-eslint/no-unused-vars': [
        'error',
        { ignoreRestSiblings: true, argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' },
      ],
      // node:test's test()/describe()/it() return promises the runner itself awaits.
      '@typescript-eslint/no-floating-promises': [
        'error',
        {
          allowForKnownSafeCalls: [
            { from: 'package', package: 'node:test', name: ['test', 'it', 'describe', 'suite'] },
          ],
        },
      ],
    },
  },
  {
    // Plain JavaScript build scripts: no type information, Node globals.
    files: ['**/*.mjs', '**/*.js', '**/*.cjs'],
    ...tseslint.configs.disableTypeChecked,
    // Keep disableTypeChecked's parserOptions (projectService off): replacing languageOptions
    // wholesale would drop them and every .mjs file would fail to parse.
    languageOptions: {
      ...tseslint.configs.disableTypeChecked.languageOptions,
      globals: {
        process: 'readonly',
        console: 'readonly',
        URL: 'readonly',
        setTimeout: 'readonly',
        clearTimeout: 'readonly',
        setImmediate: 'readonly',
        Buffer: 'readonly',
      },
    },
  },
  prettier,
);
