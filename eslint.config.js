import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const nodeBuiltins = ['fs', 'path', 'os', 'http', 'https', 'net', 'crypto', 'child_process', 'timers', 'worker_threads', 'process', 'dns', 'stream'];

export default tseslint.config(
  { ignores: ['node_modules/', '.stack/', '.scratch/', '**/dist/', 'infra/**/*.mjs', 'bench/*.mjs', 'eslint.config.js'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: { arguments: false } }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      'no-duplicate-imports': 'off',
      'no-restricted-syntax': [
        'error',
        {
          selector: "CallExpression[callee.property.name='bulkWrite']",
          message: 'send bulk writes through bulkWriteInChunks (@aftersales/platform): FerretDB v1 wedges a database on an update command of 100 statements',
        },
      ],
    },
  },
  {
    // Workflow code is replayed: it may import only deterministic code and activity *types*.
    files: ['workflows/src/**/*.ts'],
    ignores: ['workflows/src/index.ts', 'workflows/src/**/*.test.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [...nodeBuiltins, ...nodeBuiltins.map((m) => `node:${m}`)].map((name) => ({ name, message: 'no I/O in workflow code' })),
          patterns: [
            { group: ['@temporalio/client', '@temporalio/worker', '@temporalio/activity', 'mongoose', 'mongodb', 'kafkajs', 'express', 'pino'], message: 'workflow code must stay deterministic' },
            { group: ['@aftersales/platform', '@aftersales/platform/*'], message: 'the platform package does I/O' },
            { group: ['**/services/**'], message: 'activity implementations stay in their service; import their types from workflows/' },
          ],
        },
      ],
      'no-restricted-globals': ['error', { name: 'setTimeout', message: 'use sleep() or condition() from @temporalio/workflow' }, { name: 'setInterval', message: 'use a timer loop with sleep()' }],
    },
  },
  {
    files: ['**/*.test.ts', 'tests/**/*.ts'],
    rules: { '@typescript-eslint/no-non-null-assertion': 'off' },
  },
);
