import { describe, expect, it, vi } from 'vitest';
import { itWithRedis, REDIS_URL } from '../support/redis.js';
import { lines, runExample } from '../support/run-example.js';

const legacy = (name: string) => runExample(`legacy/${name}`);

describe.concurrent('the LiteLLM callback examples, ported (examples/legacy/)', () => {
  it('custom-handler: pre, post, and the async success twin once', async () => {
    expect(lines(await legacy('custom-handler'))).toEqual([
      'Pre-API Call',
      'Post-API Call',
      'On Async Success',
    ]);
  });

  it('callback-function: the caller gets its answer first, then the function prints kwargs, response and times', async () => {
    const output = await legacy('callback-function');
    expect(output.indexOf('response Hello! How can I help?')).toBe(0);
    expect(output).toContain('LITELLM: in custom callback function');
    expect(output).toContain("log_event_type: 'successful_api_call'");
    expect(output).toContain('metadata: {}');
    expect(output).toMatch(/completion_response \{\n {2}id: 'chatcmpl-mock-/);
    expect(output).toMatch(/start_time \d{4}-\d\d-\d\dT/);
    expect(output).toMatch(/end_time \d{4}-\d\d-\d\dT/);
  });

  it('async-callback: the async function and the async handler each fire once', async () => {
    expect(lines(await legacy('async-callback'))).toEqual([
      'On Async Success!',
      'On Async Success',
    ]);
  });

  it('kwargs: each event carries its documented keys, the key masked', async () => {
    const output = lines(await legacy('kwargs'));
    const keysOf = (event: string) =>
      output
        .find((line) => line.startsWith(`${event}: `))
        ?.split(': ')[1]
        ?.split(', ');
    expect(keysOf('pre_api_call')).toEqual(
      expect.arrayContaining([
        'model',
        'messages',
        'optional_params',
        'litellm_params',
        'start_time',
        'input',
        'api_key',
        'additional_args',
      ]),
    );
    expect(keysOf('post_api_call')).toContain('original_response');
    expect(keysOf('successful_api_call')).toEqual(
      expect.arrayContaining([
        'end_time',
        'completion_start_time',
        'response_cost',
        'cache_hit',
        'standard_logging_object',
      ]),
    );
    expect(keysOf('failed_api_call')).toEqual(
      expect.arrayContaining(['exception', 'traceback_exception', 'end_time']),
    );
    expect(output).toContain('  api_key (masked): sk-d****6789');
    expect(output).toContain('  exception: RateLimitError');
  });

  it('complete-streaming-response: the assembled answer arrives after the last chunk', async () => {
    const output = lines(await legacy('complete-streaming-response'));
    expect(output.at(-1)).toBe(
      'Complete Streaming Response: {"role":"assistant","content":"Onions grow in layers."}',
    );
    expect(output.slice(0, 2)).toEqual([
      '0 {"role":"assistant","content":""}',
      '1 {"content":"Onions"}',
    ]);
  });

  it('metadata: reaches kwargs.litellm_params.metadata and not the provider', async () => {
    expect(lines(await legacy('metadata'))).toEqual([
      "metadata: { hello: 'world' }",
      'sent to the provider: {"model":"gpt-3.5-turbo","messages":[{"content":"Hello, how are you?","role":"user"}]}',
    ]);
  });

  it('cost-tracking: response_cost on the success of a regular and a streamed call', async () => {
    // gpt-3.5-turbo at $0.50/M in, $1.50/M out; the mock reports 5 prompt and 3 completion tokens.
    expect(lines(await legacy('cost-tracking'))).toEqual([
      'regular response_cost 0.000007',
      'streamed response_cost 0.000007',
    ]);
  });

  it('transformed-input: the input callback prints the exact body sent', async () => {
    const output = await legacy('transformed-input');
    expect(output).toContain('params to model {');
    expect(output).toContain("model: 'gpt-3.5-turbo'");
    expect(output).toContain('max_tokens: 256');
  });

  it('analytics-sink: every response is posted to the local analytics endpoint before the script ends', async () => {
    expect(lines(await legacy('analytics-sink'))).toEqual(['LLM Response: Tracked!']);
  });
});

// Alone, after the others: the example's cache gives Redis 1000 ms to answer a read, and its
// first read loads ioredis and connects, which nine examples starting at once can make slower.
describe('the LiteLLM cache-hits example, ported (examples/legacy/), run on its own', () => {
  itWithRedis(
    'cache-hits (needs Redis): four events, pre, post, success, success, the second a cache hit',
    async () => {
      // The example's store reads REDIS_URL first: the server the tests found.
      vi.stubEnv('REDIS_URL', REDIS_URL);
      const output = await legacy('cache-hits').finally(() => vi.unstubAllEnvs());
      expect(lines(output)).toEqual([
        'On Success',
        'Value of Cache hit: false',
        'customHandler_caching.states pre-cache hit: pre,post,success',
        'On Success',
        'Value of Cache hit: true',
        'customHandler_caching.states post-cache hit: pre,post,success,success',
      ]);
    },
  );
});
