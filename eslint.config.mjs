// One lint configuration for the workspace: typescript-eslint's recommended and type-aware rules.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import { createNodeResolver, importX } from 'eslint-plugin-import-x';

export default tseslint.config(
  { ignores: ['**/dist/**', '**/node_modules/**', 'docs/api/**', 'runs/**', '**/*.d.ts'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    files: ['libs/*/src/**/*.ts', 'apps/*/src/**/*.ts'],
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    plugins: { 'import-x': importX },
    settings: {
      'import-x/extensions': ['.ts', '.js'],
      'import-x/parsers': { '@typescript-eslint/parser': ['.ts'] },
      'import-x/resolver-next': [createNodeResolver({ extensions: ['.ts', '.js'] })],
    },
    rules: {
      // No runtime import cycles between files (`import type` is erased, so it cannot form one): a cycle makes load
      // order decide what is defined, and says two concepts have no single owner. Other libs are reached through
      // their packages, whose graph Nx keeps acyclic.
      'import-x/no-cycle': ['error', { ignoreExternal: true }],
      // `_name` marks a value destructured away on purpose (`const { unitProb: _u, ...rest } = layer`).
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_' }],
      // Numbers and booleans print as the user expects in messages ("epoch 3", "true"); arrays, objects and
      // unknowns still need an explicit String()/JSON.stringify so "[object Object]" never reaches a message.
      '@typescript-eslint/restrict-template-expressions': ['error', { allowNumber: true, allowBoolean: true }],
    },
  },
  {
    // Tests read what the code wrote (JSON.parse of files and CLI output) and check its shape with expect(); the
    // assertion is the type check, so typing every parsed value first would be noise that hides what is tested.
    files: ['**/*.test.ts', '**/test-utils/**/*.ts'],
    rules: {
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      // Test doubles implement async interfaces (save handlers, lock bodies, async chunk sources) with nothing to await.
      '@typescript-eslint/require-await': 'off',
    },
  },
  {
    files: ['**/*.mjs', '**/*.cjs', '**/*.js'],
    ...tseslint.configs.disableTypeChecked,
    // CommonJS files (ts-register.cjs, configs) load their dependencies with require by definition.
    rules: { ...tseslint.configs.disableTypeChecked.rules, '@typescript-eslint/no-require-imports': 'off' },
    languageOptions: {
      globals: {
        process: 'readonly',
        console: 'readonly',
        require: 'readonly',
        module: 'writable',
        __dirname: 'readonly',
        URL: 'readonly',
        setTimeout: 'readonly',
        Buffer: 'readonly',
      },
    },
  },
);
