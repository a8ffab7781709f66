import { describe, expect, it } from 'vitest';
import { lines, runExample } from '../support/run-example.js';

describe('examples/logging/pino-logger', () => {
  it('prints one pino line per call: the record merged in, info for successes, warn for a retryable failure', async () => {
    const output = lines(await runExample('logging/pino-logger'));
    const [plain, streamed, failed] = output.map((line) => JSON.parse(line));
    expect(output).toHaveLength(3);
    const common = {
      service: 'weather-bot',
      msg: 'shallot call',
      schema_version: 1,
      model: 'openai/gpt-4o-mini',
      provider: 'openai',
      messages: '[redacted]',
    };
    expect(plain).toMatchObject({
      ...common,
      level: 30,
      status: 'success',
      stream: false,
      tags: ['forecast'],
      finish_reason: 'stop',
      usage: { prompt_tokens: 5, completion_tokens: 4, total_tokens: 9 },
      response: { choices: [{ message: { content: 'No rain today.' } }] },
      error: null,
    });
    expect(streamed).toMatchObject({
      ...common,
      level: 30,
      status: 'success',
      stream: true,
      response: { choices: [{ message: { content: 'Sun all day.' } }] },
    });
    expect(failed).toMatchObject({
      ...common,
      level: 40,
      status: 'failure',
      response: null,
      error: { class: 'RateLimitError', code: 'rate_limit', status: 429, retryable: true },
    });
    // The example's pino options leave out every field that changes from run to run.
    for (const line of [plain, streamed, failed]) {
      for (const field of [
        'time',
        'pid',
        'hostname',
        'id',
        'trace_id',
        'start_time',
        'latency_ms',
      ]) {
        expect(line).not.toHaveProperty(field);
      }
    }
  });
});
