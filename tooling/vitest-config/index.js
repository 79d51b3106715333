// Shared vitest preset for every nnkit package: resolves workspace packages to their
// TypeScript sources (the "@nnkit/source" export condition), runs in Node, one fork
// per file so each test file gets a fresh tfjs engine.
import { defaultServerConditions, defaultClientConditions } from 'vite';
import { defineConfig, mergeConfig } from 'vitest/config';

const conditions = ['@nnkit/source'];

/** @param {import('vitest/config').UserConfig} [overrides] */
export function nnkitVitestConfig(overrides = {}) {
  const ci = !!process.env.CI;
  return mergeConfig(
    defineConfig({
      resolve: { conditions: [...conditions, ...defaultClientConditions] },
      ssr: { resolve: { conditions: [...conditions, ...defaultServerConditions], externalConditions: conditions } },
      test: {
        environment: 'node',
        include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
        pool: 'forks',
        maxWorkers: ci ? 2 : undefined,
        passWithNoTests: true,
        testTimeout: 180_000,
        hookTimeout: 180_000,
        reporters: [ci ? 'dot' : 'default', 'json'],
        outputFile: { json: '.vitest/results.json' },
      },
    }),
    overrides,
  );
}
