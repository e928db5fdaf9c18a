// Type-aware lint with the architecture's boundaries: only libs/ touches kafkajs, the schema
// registry client and avsc; domain code imports no I/O at all.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const ioModules = [
  'kafkajs',
  '@kafkajs/*',
  'avsc',
  'ioredis',
  'pino',
  'prom-client',
  'testcontainers',
  'node:*',
  'fs',
  'net',
  'http',
  'https',
  'child_process',
];

export default tseslint.config(
  {
    ignores: [
      '**/node_modules/**',
      '.local/**',
      '.turbo/**',
      'reports/**',
      'schemas/src/generated/**',
      'coverage/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: {
        projectService: { allowDefaultProject: ['*.js', '*.ts'] },
        tsconfigRootDir: import.meta.dirname,
      },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      // An async function without await is a normal way to satisfy a Promise-returning interface.
      '@typescript-eslint/require-await': 'off',
      '@typescript-eslint/switch-exhaustiveness-check': 'error',
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-restricted-syntax': [
        'error',
        { selector: "NewExpression[callee.name='Function']", message: 'no new Function' },
        { selector: "CallExpression[callee.name='eval']", message: 'no eval' },
      ],
    },
  },
  {
    files: ['services/**/*.ts', 'test/**/*.ts', 'schemas/**/*.ts', 'infra/**/*.ts', 'scripts/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['kafkajs', '@kafkajs/*', 'avsc'],
              message: 'Only libs/ may import kafkajs, the schema registry client or avsc.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['services/*/src/domain/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: [...ioModules, '!node:crypto'],
              message: 'Domain code is pure: no I/O imports (node:crypto hashing is allowed).',
            },
            {
              group: ['@clearway/kafka', '@clearway/redis', '@clearway/observability', '@clearway/config'],
              message: 'Domain code is pure: no I/O libraries.',
            },
          ],
        },
      ],
      'no-restricted-globals': [
        'error',
        { name: 'process', message: 'Domain code does not read the environment.' },
        { name: 'fetch', message: 'Domain code does no I/O.' },
      ],
      'no-restricted-properties': [
        'error',
        { object: 'Math', property: 'random', message: 'Domain code is deterministic: use a keyed hash.' },
        { object: 'Date', property: 'now', message: 'Domain code takes time as data.' },
      ],
    },
  },
  { files: ['**/*.js'], ...tseslint.configs.disableTypeChecked },
);
