// ESLint flat config: typescript-eslint's recommended rules, and the one architectural rule the
// compiler cannot check: the VS Code client reaches the server's code only through its doorways.
import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

/** Server modules the client may import: the doorways and the shared protocol. */
const CLIENT_DOORWAYS = [
  {
    regex:
      '^(\\.\\./)+server/src/(?!(core/index|core/frameworks/index|sessions/index|sessions/redis/index|protocol)\\.ts$)',
    message:
      'Import server code through server/src/core/index.ts, server/src/core/frameworks/index.ts (types), server/src/sessions/index.ts, server/src/sessions/redis/index.ts (types) or server/src/protocol.ts.',
  },
];
const FRAMEWORKS_TYPES_ONLY = {
  regex: '^(\\.\\./)+server/src/core/frameworks/index\\.ts$',
  allowTypeImports: true,
  message:
    'The framework readers (and the YAML parser) must not be evaluated during activation: `import type` from here, values in client/src/frameworkConnections.ts (loaded on first use).',
};
const REDIS_TYPES_ONLY = {
  regex: '^(\\.\\./)+server/src/sessions/redis/index\\.ts$',
  allowTypeImports: true,
  message:
    'ioredis must not be evaluated during activation: `import type` from here, values through client/src/redisRuntime.ts (loaded on first use).',
};

export default tseslint.config(
  { ignores: ['dist/**', 'out/**', 'node_modules/**', '.cache/**', 'test/fixtures/**', '.vscode-test/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' },
      ],
      '@typescript-eslint/no-namespace': 'off',
      'no-constant-condition': ['error', { checkLoops: false }],
      'no-empty': ['error', { allowEmptyCatch: true }],
      eqeqeq: ['error', 'always'],
    },
  },
  {
    // The pure core and the headless adapters never see VS Code.
    files: ['server/src/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { paths: [{ name: 'vscode', message: 'server/ runs without VS Code.' }] }],
    },
  },
  {
    // The Redis part is what the client loads on first use. Were it to import the decoders, esbuild
    // would wrap them in lazy initialisers too, and the bundle's evaluation at activation would take
    // about 2 ms more (measured): decoding happens outside redis/.
    files: ['server/src/sessions/redis/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [{ name: 'vscode', message: 'server/ runs without VS Code.' }],
          patterns: [
            {
              regex:
                '^\\.\\./(sessionFormats|sessionShape|compression|phpSerialize|igbinary|msgpack|phpValue|canonicalJson|index)\\.ts$',
              message: 'No decoding in redis/ (the client loads it lazily; see the comment in eslint.config.mjs).',
            },
          ],
        },
      ],
    },
  },
  {
    // The client imports the server only through its doorways (and the shared protocol). The Redis
    // doorway (ioredis) is for types only: its values are loaded on first use, via redisRuntime.ts.
    files: ['client/src/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        { patterns: [...CLIENT_DOORWAYS, REDIS_TYPES_ONLY, FRAMEWORKS_TYPES_ONLY] },
      ],
    },
  },
  {
    // The modules the client loads with import() (never during activation).
    files: ['client/src/redisRuntime.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': ['error', { patterns: [...CLIENT_DOORWAYS, FRAMEWORKS_TYPES_ONLY] }],
    },
  },
  {
    files: ['client/src/frameworkConnections.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': ['error', { patterns: [...CLIENT_DOORWAYS, REDIS_TYPES_ONLY] }],
    },
  },
  {
    files: ['test/e2e/**/*.{ts,mjs}', 'test/**/*.mjs', 'scripts/**/*.mjs'],
    languageOptions: { globals: { ...globals.node, ...globals.mocha, ...globals.browser } },
  },
  {
    // The benchmarks' peers: plain CommonJS scripts, run as processes the way a user would write them.
    files: ['test/bench/peers/*.cjs'],
    languageOptions: { sourceType: 'commonjs', globals: globals.node },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
);
