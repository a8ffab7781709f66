import { expect, it, vi } from 'vitest';
import { describeWithPostgres, POSTGRES_URL } from '../support/postgres.js';
import { lines, runExample } from '../support/run-example.js';

describeWithPostgres('examples/logging/postgres-logger', () => {
  it('logs calls into a table of its own, prints spend by model and by user from SQL', async () => {
    // The example reads DATABASE_URL: the server the tests found, which it drops its table from.
    vi.stubEnv('DATABASE_URL', POSTGRES_URL);
    const output = await runExample('logging/postgres-logger').finally(() => vi.unstubAllEnvs());
    // The mock counts about 4 characters a token. gpt-4o-mini: $0.15/M in, $0.60/M out;
    // gpt-4o: $2.50/M in, $10/M out. The failed gpt-4o call costs nothing.
    expect(lines(output)).toEqual([
      'spend by model:',
      '  gpt-4o       2 calls  $0.000168',
      '  gpt-4o-mini  2 calls  $0.000007',
      'spend by user:',
      '  ada          $0.000007  0 failed',
      '  bob          $0.000168  1 failed',
      'streamed: 1, errors: RateLimitError, tagged botany: 1',
    ]);
  });
});
