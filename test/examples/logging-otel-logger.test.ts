import { describe, expect, it } from 'vitest';
import { lines, runExample } from '../support/run-example.js';

describe('examples/logging/otel-logger', () => {
  it('prints the span tree of a plain, a streamed and a failing call, and the GenAI metrics', async () => {
    // The echo server counts about 4 characters a token; gpt-4o-mini costs $0.15/M in, $0.60/M out.
    expect(lines(await runExample('logging/otel-logger'))).toEqual([
      'spans:',
      '  handle request',
      '    chat gpt-4o-mini  (tokens 13→7, $0.000006, finish stop)',
      '      openai attempt 1  (HTTP 200)',
      '    chat gpt-4o-mini  (stream, tokens 11→5, $0.000005, finish stop)',
      '      openai attempt 1  (HTTP 200)',
      '    chat gpt-4o-mini  (ERROR RateLimitError)',
      '      openai attempt 1  (HTTP 429, ERROR RateLimitError)',
      'metrics:',
      '  gen_ai.client.token.usage [gen_ai.token.type=input]: count 2, sum 24 {token}',
      '  gen_ai.client.token.usage [gen_ai.token.type=output]: count 2, sum 12 {token}',
      '  gen_ai.client.operation.duration: count 2',
      '  gen_ai.client.operation.duration [error.type=RateLimitError]: count 1',
      '  gen_ai.client.operation.time_to_first_chunk: count 1',
      '  shallot.client.cost: total 0.000011 USD',
    ]);
  });
});
