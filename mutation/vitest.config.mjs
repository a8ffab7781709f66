// The test run Stryker uses (see stryker.config.mjs and docs/testing.md): the project's own,
// less the tests that cannot kill a mutant, cannot hold under instrumentation, or only repeat
// what other tests check at a cost that every surviving mutant would pay again.
import { relative } from 'node:path';
import { configDefaults, defineConfig, mergeConfig } from 'vitest/config';
import { BaseSequencer } from 'vitest/node';
import base from '../vitest.config.ts';

/**
 * Runs the file that failed last first (it likely kills the next mutant of the same code too),
 * then the quickest files first: Stryker stops at the first failing test, so a mutant that is
 * caught is caught sooner. The default order runs the slowest files first.
 */
class QuickestFirst extends BaseSequencer {
  async sort(files) {
    const stateOf = (file) =>
      this.ctx.cache.getFileTestResults(
        `${file.project.name}:${relative(this.ctx.config.root, file.moduleId)}`,
      );
    const rank = (file) => {
      const state = stateOf(file);
      if (state === undefined) return [1, 0];
      return [state.failed ? 0 : 1, state.duration];
    };
    return [...files].sort((a, b) => {
      const [failedA, durationA] = rank(a);
      const [failedB, durationB] = rank(b);
      return failedA - failedB || durationA - durationB;
    });
  }
}

export default mergeConfig(
  base,
  defineConfig({
    test: {
      exclude: [
        ...configDefaults.exclude,
        // They run shallot in another process (examples, the installed package, a consumer
        // project) or test the bench, where Stryker cannot switch a mutant on.
        'test/examples/**',
        'test/install/**',
        'test/newcomer/**',
        'test/bench/**',
        // They bound event-loop delay at 100 ms over thousands of calls or hostile indexes,
        // which instrumented code (a counter on every branch) misses on a busy machine.
        'test/adversarial/fuzz.test.ts',
        'test/adversarial/indexes.test.ts',
        // Soak tests (10,000 calls; 2,000 calls; a 200,000-chunk stream read slowly, and a
        // child process): each reaches nearly every mutant of the default stack and takes
        // 10 to 40 s, several minutes instrumented, for every mutant that survives.
        'test/middleware/callbacks/load.test.ts',
        'test/middleware/resilience/faults.test.ts',
        'test/adversarial/bodies.test.ts',
      ],
      sequence: { sequencer: QuickestFirst },
      // One module graph for every file, not one per file: a mutant reached by 800 tests in 60
      // files no longer imports shallot 60 times (the suite runs in 20 s instead of 90 s).
      isolate: false,
      // Instrumented code is several times slower.
      testTimeout: 60_000,
    },
  }),
);
