// ESLint 9 flat config for the whole monorepo. Each package's `lint` script runs `eslint src` from its
// folder (ESLint finds this file by walking up); the root `lint:root` covers tooling/scripts.
// typescript-eslint's `recommended` set without type information, to stay fast.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

/** Plain JS error constructors that packages must not throw (use the nnkit hierarchy from @nnkit/tensor). */
const NON_NNKIT_THROW =
  'ThrowStatement > NewExpression[callee.name=/^(Error|RangeError|TypeError|SyntaxError|EvalError|ReferenceError)$/]';
const NON_NNKIT_THROW_CALL =
  'ThrowStatement > CallExpression[callee.name=/^(Error|RangeError|TypeError|SyntaxError|EvalError|ReferenceError)$/]';
const NNKIT_ONLY_MESSAGE =
  'Throw an nnkit error (ShapeError, ArgumentError, DTypeError, StateError, FormatError, StorageError, NotSupportedError… from @nnkit/tensor), not a plain JS error.';

export default tseslint.config(
  {
    ignores: [
      '**/node_modules/**',
      '**/dist/**',
      '**/.turbo/**',
      '**/.vitest/**',
      '**/coverage/**',
      '**/out/**',
      '**/__fixtures__/**',
      '**/*.d.ts',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      ecmaVersion: 2022,
      sourceType: 'module',
      globals: {
        // Node and browser globals used across src, tests and tooling.
        console: 'readonly',
        process: 'readonly',
        globalThis: 'readonly',
        performance: 'readonly',
        setTimeout: 'readonly',
        clearTimeout: 'readonly',
        setInterval: 'readonly',
        clearInterval: 'readonly',
        setImmediate: 'readonly',
        queueMicrotask: 'readonly',
        structuredClone: 'readonly',
        TextEncoder: 'readonly',
        TextDecoder: 'readonly',
        URL: 'readonly',
        Blob: 'readonly',
        fetch: 'readonly',
        Buffer: 'readonly',
        window: 'readonly',
        document: 'readonly',
        navigator: 'readonly',
        localStorage: 'readonly',
        indexedDB: 'readonly',
        Worker: 'readonly',
        AbortController: 'readonly',
        WebAssembly: 'readonly',
      },
    },
    rules: {
      // Noisy for numeric code and tfjs interop; tuned off rather than rewriting code.
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-non-null-assertion': 'off',
      '@typescript-eslint/no-unsafe-function-type': 'off',
      '@typescript-eslint/no-empty-object-type': 'off',
      '@typescript-eslint/no-this-alias': 'off',
      '@typescript-eslint/no-namespace': 'off',
      '@typescript-eslint/no-unused-expressions': 'off',
      '@typescript-eslint/no-require-imports': 'off',
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none', ignoreRestSiblings: true },
      ],
      'no-undef': 'off', // TypeScript checks names; plain .js/.mjs tooling relies on the globals above.
      'no-constant-condition': ['error', { checkLoops: false }],
      'no-empty': ['error', { allowEmptyCatch: true }],
      'no-control-regex': 'off',
      'prefer-const': ['error', { destructuring: 'all' }],
    },
  },
  {
    // Library sources throw only the nnkit error hierarchy (issue: one error hierarchy).
    files: ['packages/*/src/**/*.ts'],
    ignores: ['packages/*/src/**/*.test.ts', 'packages/*/src/**/test-utils/**'],
    rules: {
      'no-restricted-syntax': [
        'error',
        { selector: NON_NNKIT_THROW, message: NNKIT_ONLY_MESSAGE },
        { selector: NON_NNKIT_THROW_CALL, message: NNKIT_ONLY_MESSAGE },
      ],
    },
  },
);
