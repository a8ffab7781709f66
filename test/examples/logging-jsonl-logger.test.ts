import { describe, expect, it } from 'vitest';
import { lines, runExample } from '../support/run-example.js';

describe('examples/logging/jsonl-logger', () => {
  it('logs concurrent calls to a file, reads every line back valid, and sums them up', async () => {
    // The mock counts about 4 characters a token; gpt-4o-mini costs $0.15/M in, $0.60/M out.
    expect(lines(await runExample('logging/jsonl-logger'))).toEqual([
      'lines: 4, each a valid call record',
      'statuses: 3 success, 1 failure',
      'streamed: 1',
      'errors: RateLimitError',
      'total cost: $0.000010',
    ]);
  });
});
