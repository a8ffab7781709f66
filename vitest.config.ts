import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));

export default defineConfig({
  resolve: {
    // Tests import the package by its name, as users do; this maps it to the sources.
    alias: [
      { find: /^shallot$/, replacement: here('./index.ts') },
      { find: /^shallot\/kit$/, replacement: here('./src/kit/index.ts') },
      { find: /^shallot\/gateway$/, replacement: here('./gateway/index.ts') },
      { find: /^shallot\/openai$/, replacement: here('./facades/openai/index.ts') },
      { find: /^shallot\/ai-sdk$/, replacement: here('./facades/ai-sdk/index.ts') },
      { find: /^shallot\/middleware\/(.*)$/, replacement: here('./middleware/$1/index.ts') },
    ],
  },
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 20_000,
  },
});
