// Mutation testing of the modules that carry shallot's promises (see docs/testing.md).
// `npm run mutate` runs it, then writes mutation/results.md from the JSON report.

/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  testRunner: 'vitest',
  vitest: { configFile: 'mutation/vitest.config.mjs' },
  // Each test is traced to the mutants it reaches, so a mutant runs only the tests that reach it.
  coverageAnalysis: 'perTest',
  // Importing shallot builds the default client, so every layer's factory code also runs at
  // load time. Without this, each such mutant reruns the whole suite with a fresh module graph
  // (361 of them, three hours on two cores); with it, a mutant that tests reach runs only those
  // tests, and one that runs only at load time (a module-level table or pattern) is listed as
  // ignored in mutation/results.md. `npx stryker run --ignoreStatic false` tests them all.
  ignoreStatic: true,
  mutate: [
    'src/stream/**/*.ts',
    'middleware/callbacks/**/*.ts',
    'src/legacy/**/*.ts',
    'src/cost/**/*.ts',
    '!src/cost/price-table.generated.ts',
    'middleware/cost/**/*.ts',
    'src/cache/key.ts',
    'src/secrets/**/*.ts',
    'middleware/resilience/**/*.ts',
  ],
  // Not needed to run the tests: the build, profiles and reports.
  ignorePatterns: ['dist', '.prof', 'reports', 'coverage', '*.cpuprofile', '*.tgz'],
  // Two cores, shared with other work.
  concurrency: 2,
  // Generous: the machine is busy, and a mutant that only slows a test down is not a hang.
  timeoutMS: 30_000,
  timeoutFactor: 3,
  dryRunTimeoutMinutes: 20,
  reporters: ['progress', 'clear-text', 'json'],
  jsonReporter: { fileName: 'reports/mutation/mutation.json' },
  clearTextReporter: { allowColor: false, logTests: false, reportMutants: false },
  thresholds: { high: 90, low: 85, break: null },
  tempDirName: '.stryker-tmp',
  // Stryker rewrites the paths of a tsconfig's `extends` and `references` with TypeScript's JS
  // API, which TypeScript 7 (native) no longer has; ours has neither, so point it at no file.
  tsconfigFile: 'no-tsconfig-to-rewrite.json',
};
