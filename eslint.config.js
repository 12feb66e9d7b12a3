// ESLint (flat config) with typescript-eslint's recommended rules; formatting is prettier's job (npm run format).
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/', 'node_modules/', 'coverage/', 'test/fuzz-corpus/', '.bench-data/', '.scratch/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      globals: {
        process: 'readonly',
        Buffer: 'readonly',
        console: 'readonly',
        setTimeout: 'readonly',
        clearTimeout: 'readonly',
        setInterval: 'readonly',
        clearInterval: 'readonly',
        URL: 'readonly',
        TextEncoder: 'readonly',
        TextDecoder: 'readonly',
        AbortController: 'readonly',
        AbortSignal: 'readonly',
        structuredClone: 'readonly',
        queueMicrotask: 'readonly',
        setImmediate: 'readonly',
      },
    },
    rules: {
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' },
      ],
      // This tool matches control characters on purpose (escaping them in output, refusing them in names and URLs).
      'no-control-regex': 'off',
    },
  },
  {
    // Tests and benchmarks parse JSON reports and drive child processes: `any` is the honest type there.
    files: ['test/**', 'bench/**', 'demo/**', 'build/**'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
);
