import { defineConfig } from 'vitest/config';

// One configuration for every lib: tests run in forked processes because the native
// TensorFlow binding is not safe to load into worker threads, and each suite writes a
// JSON report that tools/test-all.mjs sums into the final "N passed, N failed" line.
export function sharedConfig() {
  return defineConfig({
    test: {
      include: ['src/**/*.test.ts'],
      pool: 'forks',
      passWithNoTests: true,
      testTimeout: 180_000,
      hookTimeout: 180_000,
      reporters: ['default', ['json', { outputFile: 'test-results.json' }]],
    },
  });
}
