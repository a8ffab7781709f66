import { describe, expect, it } from 'vitest';
import { lines, runExample } from '../support/run-example.js';

describe('examples/logging/console-logger', () => {
  it('prints one line per call: plain, streamed, failing and a cache hit', async () => {
    // The mock counts about 4 characters a token; gpt-4o-mini costs $0.15/M in, $0.60/M out.
    expect(lines(await runExample('logging/console-logger'))).toEqual([
      expect.stringMatching(/^✓ openai\/gpt-4o-mini {2}\d+ ms {2}5→4 tokens {2}\$0\.000003$/),
      expect.stringMatching(
        /^✓ openai\/gpt-4o-mini {2}\d+ ms {2}4→7 tokens {2}\$0\.000005 {2}stream \(first token \d+ ms\)$/,
      ),
      expect.stringMatching(
        /^✗ openai\/gpt-4o-mini {2}\d+ ms {2}InternalServerError \(500\): openai\/gpt-4o-mini: mockResponse raised: upstream overloaded$/,
      ),
      expect.stringMatching(
        /^✓ openai\/gpt-4o-mini {2}\d+ ms {2}5→4 tokens {2}\$0 {2}cache hit \(saved \$0\.000003\)$/,
      ),
    ]);
  });
});
