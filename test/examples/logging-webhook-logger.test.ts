import { describe, expect, it } from 'vitest';
import { lines, runExample } from '../support/run-example.js';

describe('examples/logging/webhook-logger', () => {
  it('retries the busy collector, delivers every record in one authorized batch, and exits after flush', async () => {
    expect(lines(await runExample('logging/webhook-logger'))).toEqual([
      'webhook: 503 Service Unavailable ("busy"); attempt 2 in 0 ms',
      'collector: a POST of 3 records (authorized: true)',
      '  success openai/gpt-4o-mini stream=false "No rain today."',
      '  success anthropic/claude-haiku-4-5 stream=true "Sun all day."',
      '  failure openai/gpt-4o-mini stream=false RateLimitError',
      'stats: {"waiting":0,"sending":0,"delivered":3,"failed":0,"dropped":0,"requests":2}',
    ]);
  });
});
