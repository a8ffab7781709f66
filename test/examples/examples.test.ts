import { readFile, rm } from 'node:fs/promises';
import { dirname } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runExample as example } from '../support/run-example.js';

describe.concurrent('examples', () => {
  it('demo (npm start) shows each layer on the way in and out, for mocked, HTTP, streamed and failing calls', async () => {
    const output = await example('demo');
    expect(output).toContain('┌ timing     → openai/gpt-4o-mini');
    expect(output).toContain('⤷ ended: success, 26 tokens, $0.00001,');
    expect(output).toContain('│ │ ┌ attempt 1 → POST mockResponse (no network)');
    expect(output).toContain('answer: A TypeScript LLM client built as an onion of middleware.');
    expect(output).toMatch(/POST http:\/\/127\.0\.0\.1:\d+\/v1\/chat\/completions/);
    expect(output).toContain('answer: You said: Hello, onion!');
    expect(output).toContain('chunks: [][You][ said:][ Stream][ me,][ layer][ by][ layer][∅][∅]');
    expect(output).toContain('RateLimitError (retryable: true, retry after 2000 ms)');
    expect(output.match(/⤷ successCallback: /g)).toHaveLength(4);
    expect(output).toMatch(
      /5\. Question 2 again[^\n]*\n┌ timing {5}→ local\/echo-1\n│ ┌ guardrail[^\n]*\n│ └ guardrail {2}← finish_reason: stop\n└ timing {5}← answer ready\n {2}⤷ ended: success, 18 tokens, \$0, \d+ ms, cache hit\n/,
    );
    expect(output).toContain('  ⤷ successCallback: echo-1, 24 tokens\n\n4. A failing call');
    expect(output).toContain('  ⤷ failureCallback: RateLimitError');
    expect(output).toMatch(
      /success local\/echo-1 +stream=true +chunks=10 +You said: Stream me, layer by layer/,
    );
    expect(output).toMatch(/failure local\/echo-1 +stream=false chunks=0 +RateLimitError/);
  });

  it('compose-middleware answers from a layer without calling next, and runs per-call layers', async () => {
    const output = await example('compose-middleware');
    expect(output.split('\n')).toEqual([
      '→ local/echo-1 temperature=0.2',
      '← chatcmpl-echo (answered)',
      'first: You said: What is an onion?',
      'second (from memo): You said: What is an onion? id=memo',
      '→ local/echo-1 temperature=1',
      '← chatcmpl-echo (answered)',
      'third: You said: And a shallot?',
      '',
    ]);
  });

  it('embeddings embeds through the same onion: callbacks, cost, a nearest document, per-input cache, a mock', async () => {
    const output = await example('embeddings');
    expect(output.split('\n')).toEqual([
      'Embed four documents:',
      '  aembedding: 4 input(s), 0 from the cache, 21 tokens paid, $0.00000042',
      '  4 vectors of 26 dimensions',
      'Embed a query as a Float32Array, and find the nearest document:',
      '  aembedding: 1 input(s), 0 from the cache, 2 tokens paid, $0.00000004',
      '  nearest: "A shallot is a small onion" (cosine 0.911)',
      'Embed the four again with one new document (only the new one is sent):',
      '  aembedding: 5 input(s), 4 from the cache, 7 tokens paid, $0.00000014',
      'A test double: mockResponse with one vector per input, no server at all:',
      '  [[0.1,0.2],[0.3,0.4]]',
      '  aembedding: 2 input(s), 0 from the cache, 2 tokens paid, $0.00000004',
      '',
    ]);
  });

  it('router sends each attempt to a deployment of the group, retries elsewhere, cools the one that fails, and uses the backup last', async () => {
    const output = await example('router');
    expect(output.split('\n')).toEqual([
      'Six calls to gpt-4o (weighted shuffle by rpm; us is down):',
      'call 1',
      '  attempt 1: gpt-4o → eu answered',
      'call 2',
      '  attempt 1: gpt-4o → us failed (ServiceUnavailableError)',
      '  attempt 2: gpt-4o → eu answered',
      'call 3',
      '  attempt 1: gpt-4o → eu answered',
      'call 4',
      '  attempt 1: gpt-4o → eu answered',
      'call 5',
      '  attempt 1: gpt-4o → us failed (ServiceUnavailableError)',
      '  attempt 2: gpt-4o → eu answered',
      'call 6',
      '  attempt 1: gpt-4o → eu answered',
      'Health:',
      '  eu      healthy',
      '  us      cooling for 60 s',
      '  backup  healthy',
      'With eu over its limit too, the backup (order 1) answers:',
      '  attempt 1: gpt-4o → eu answered',
      '  attempt 1: gpt-4o → backup answered',
      'A group whose only deployment is cooling fails at once, before any request:',
      '  NoDeploymentAvailableError: solo, back in 60 s',
      '',
    ]);
  });

  it('limits refuses a user over rpm and a team over its budget, before any request, and shows what is left', async () => {
    const output = await example('limits');
    expect(output.split('\n')).toEqual([
      'alice (team search) makes four calls; her limit is three a minute:',
      '  answered, $0.00027; alice has 2 request(s) left this minute',
      '  answered, $0.00027; alice has 1 request(s) left this minute',
      '  answered, $0.00027; alice has 0 request(s) left this minute',
      "  RateLimitError: over per-user's 3 requests a minute, retry within a minute",
      'bob, on the same team, finds its daily $0.001 spent (less than a call could cost left):',
      '  BudgetExceededError: per-team:search has spent $0.00081 of $0.001',
      'What the team has used, from the store:',
      '  spent $0.00081 of $0.001',
      '',
    ]);
  });

  it('streaming ends every call once: read, break, finalResponse and abort', async () => {
    const output = await example('streaming');
    expect(output).toContain('text: You said: one two three four five');
    expect(output).toContain('usage: {"prompt_tokens":14,"completion_tokens":9,"total_tokens":23}');
    expect(output).toContain('(call ended: failure, AbortError)\n  read 3 chunks');
    expect(output).toContain('AbortError; partial text: "You"');
    expect(output.match(/call ended/g)).toHaveLength(4);
  });

  it('cost prices usage with completionCost(), and every call through the cost layer, with prices of your own', async () => {
    expect((await example('cost')).trimEnd().split('\n')).toEqual([
      'bundled prices: 2386 models, from model_prices_and_context_window.json of 2026-08-01',
      // claude-sonnet-4-5: $3/M in, $0.30/M cache reads, $15/M out
      'claude-sonnet-4-5: $0.016500 (input $0.003000, cache reads $0.006000, output $0.007500)',
      'acme/llm-1: null (no price for "acme/llm-1" in the bundl...)',
      // the mock counts about 4 characters a token: 5 prompt tokens, then 2, 6, 5 and 6 answer tokens
      'gpt-4o-mini: response_cost 0.000002',
      'acme/llm-1: response_cost 0.000023',
      'acme/llm-2: response_cost 0.000030',
      'gpt-4o-mini: response_cost 0.000061',
    ]);
  });

  it('cache answers a repeat for free, replays it as a stream, and takes per-call controls', async () => {
    // local/echo-1 priced at $1/M in, $2/M out: 13 prompt and 8 completion tokens
    expect((await example('cache')).trimEnd().split('\n')).toEqual([
      'First call (a miss, sent to the server):',
      '  success: cache_hit=false response_cost=$0.000029 saved=-',
      'Same request again (a hit):',
      '  success: cache_hit=true response_cost=$0 saved=$0.000029',
      'Same request, streamed (the cached answer, replayed as chunks):',
      '  success: cache_hit=true response_cost=$0 saved=$0.000029',
      '  text: You said: Cache me if you can',
      'Per-call controls, as LiteLLM names them:',
      '  success: cache_hit=null response_cost=$0.000029 saved=-',
      '  success: cache_hit=false response_cost=$0.000029 saved=-',
    ]);
  });

  it('providers sends one request to five providers in their own wire formats and gets one shape back', async () => {
    expect((await example('providers')).trimEnd().split('\n')).toEqual([
      'openai/gpt-4o-mini             → You said: Which layer am I? (stop)',
      '  openai: 20 tokens, $0.000006, sent model/messages/max_tokens',
      'anthropic/claude-haiku-4-5     → You said: Which layer am I? (stop)',
      '  anthropic: 20 tokens, $0.000048, sent model/system/messages/max_tokens',
      'gemini/gemini-2.5-flash        → You said: Which layer am I? (stop)',
      '  gemini: 20 tokens, $0.000021, sent contents/systemInstruction/generationConfig',
      'ollama/llama3.2                → You said: Which layer am I? (stop)',
      '  ollama: 20 tokens, $0.000000, sent model/messages/options/stream',
      'groq/llama-3.3-70b-versatile   → You said: Which layer am I? (stop)',
      '  groq: 20 tokens, $0.000013, sent model/messages/max_tokens',
    ]);
  });

  it('resilience retries, falls back by kind of failure, recovers a stalled stream and tells every attempt to the callbacks', async () => {
    const output = await example('resilience');
    const sections = output.split(/\n(?=\d\. )/);
    expect(sections[0]?.split('\n').slice(1)).toEqual([
      '  pre     attempt 1 gpt-4o-mini',
      '  failure attempt 1 gpt-4o-mini: ServiceUnavailableError (another attempt follows)',
      '  pre     attempt 2 gpt-4o-mini',
      '  failure attempt 2 gpt-4o-mini: ServiceUnavailableError (another attempt follows)',
      '  pre     attempt 3 gpt-4o-mini',
      '  success attempt 3 gpt-4o-mini, $0.000005',
      '  → You said: Are you there?',
    ]);
    expect(sections[1]).toContain(
      '  failure attempt 1 gpt-4o: ServiceUnavailableError (another attempt follows)\n  pre     attempt 2 gpt-4.1-mini\n  success attempt 2 gpt-4.1-mini',
    );
    expect(sections[2]).toContain(
      '  pre     attempt 2 gpt-4.1-nano\n  success attempt 2 gpt-4.1-nano',
    );
    expect(sections[3]).toContain(
      '  failure attempt 1 gpt-5-mini: TimeoutError (another attempt follows)',
    );
    expect(sections[3]).toContain('  → You said: Are you there?');
    expect(sections[4]).toContain('  failure attempt 4 gpt-4.1: AllFallbacksFailedError\n');
    expect(sections[4]).toContain('  → AllFallbacksFailedError: 4 attempts');
    expect(sections[5]?.split('\n').slice(1)).toEqual([
      '  pre     attempt 1 gpt-4o',
      '  failure attempt 1 gpt-4o: ServiceUnavailableError (another attempt follows)',
      '  failure attempt 1 gpt-4o: AbortError',
      '  → AbortError: no attempt after the cancel',
      '',
    ]);
  });

  it('hostile-server: a prototype index is retried, an echoed key masked, a silent server and a huge body end on time with typed errors', async () => {
    const lines = (await example('hostile-server')).split('\n');
    expect(lines[0]).toBe(
      '1. a "__proto__" choice index, then a retry: Hi! (Array.prototype untouched: true)',
    );
    expect(lines[1]).toMatch(/^2\. the key echoed in an error event: InternalServerError/);
    expect(lines[2]).toBe(
      '  openai/gpt-4o-mini: an error in the stream: bad key sk-l****6789. The provider failed; retry later.',
    );
    expect(lines[3]).toMatch(/^3\. .*: TimeoutError \(retryable: true\), after ~[3-9]00 ms$/);
    expect(lines[4]).toBe(
      '  openai/gpt-4o-mini: the call took longer than its totalTimeout of 300 ms.',
    );
    expect(lines[5]).toMatch(/^4\. a 64 MiB answer: InvalidResponseError \(retryable: true\)/);
    expect(lines[6]).toContain('larger than maxResponseBytes (1 MiB)');
    expect(lines.join('\n')).not.toContain('sk-local-demo-key-0123456789');
  });

  it('report logs calls to a JSONL file and builds its offline HTML report, spend by user', async () => {
    // The mock counts about 4 characters a token; gpt-4o costs $2.50/M in, $10/M out.
    const output = (await example('report')).trimEnd().split('\n');
    expect(output.slice(0, -1)).toEqual([
      'calls: 6 (1 failed), 0 lines skipped',
      'tokens: 19 in, 22 out',
      '  bob  $0.000067',
      '  ann  $0.000061',
      '  cid  $0.000003',
    ]);
    const [, path] = output.at(-1)?.match(/^report: (.+\.html) \(\d+ KiB, opens offline\)$/) ?? [];
    const html = await readFile(path as string, 'utf8');
    expect(html).toContain('<script type="application/json" id="shallot-data">');
    await rm(dirname(path as string), { recursive: true, force: true });
  });

  it('custom-cache answers with the public kit alone: a stream replayed chunk for chunk, callbacks and listeners outside still firing', async () => {
    expect((await example('custom-cache')).split('\n')).toEqual([
      'first stream:  |You| said:| Stream| me| twice|∅|∅',
      'second stream: |You| said:| Stream| me| twice|∅|∅',
      'replayed chunk for chunk: true',
      'plain call from the stored stream: You said: Stream me twice',
      'requests to the server: 1',
      '  8 chunks',
      '  8 chunks',
      '  success, cache_hit: false',
      '  success, cache_hit: true',
      '  success, cache_hit: true',
      '',
    ]);
  });

  it('ai-sdk runs generateText, streamText with a tool loop, generateObject and embedMany through the onion; a 429 is not retried by the AI SDK', async () => {
    expect((await example('ai-sdk')).split('\n')).toEqual([
      '1. generateText: one model string per provider, each in its own wire format',
      '  openai/gpt-4o-mini          You said: Hi! (13 tokens)',
      '    ⤷ successCallback: gpt-4o-mini, $0.000004, user ann',
      '  anthropic/claude-haiku-4-5  You said: Hi! (13 tokens)',
      '    ⤷ successCallback: claude-haiku-4-5, $0.000029, user ann',
      '  gemini/gemini-2.5-flash     You said: Hi! (13 tokens)',
      '    ⤷ successCallback: gemini-2.5-flash, $0.000013, user ann',
      '2. streamText: the text as it comes',
      '  [You][ said:][ Stream][ me,][ layer][ by][ layer]',
      '    ⤷ successCallback: gpt-4o-mini, $0.000008, user -',
      '3. streamText with a tool, in a loop of at most three steps',
      '  tool input: weather',
      '    {"city":"Paris"}',
      '  tool result: {"city":"Paris","celsius":18}',
      '  step: tool-calls, $0.000006',
      '  step: stop, $0.000006',
      '  answer: It is 18 °C in Paris.',
      '    ⤷ successCallback: gpt-4o-mini, $0.000006, user ann',
      '    ⤷ successCallback: gpt-4o-mini, $0.000006, user ann',
      '4. generateObject with a zod schema (mockResponse: no request at all)',
      '  {"name":"shallot","layers":7}',
      '    ⤷ successCallback: gpt-4o-mini, $0.000006, user -',
      '5. embedMany: one shallot call for every value',
      '  3 vectors of 26 dimensions, 6 tokens',
      '    ⤷ successCallback: text-embedding-3-small, $0.00000012, user -',
      "6. A 429: shallot's error as it is, which the AI SDK's maxRetries does not repeat",
      '  RateLimitError (retryable: true), thrown unwrapped after one attempt',
      '    ⤷ failureCallback: attempt 1, RateLimitError',
      '',
    ]);
  });

  it('openai-facade runs openai code on the onion: create, a stream, stream(), errors, a refusal and embeddings, each seen by the callbacks', async () => {
    expect((await example('openai-facade')).trimEnd().split('\n')).toEqual([
      '1. chat.completions.create, with metadata for the callbacks:',
      '   You said: Hello, onion!',
      '   ⤷ acompletion echo-1 for alice: $0.000024',
      '2. A stream, read with for await:',
      '   You said: Stream me, layer by layer',
      '   ⤷ acompletion echo-1 for -: $0.000033',
      '3. The stream() helper: content events, then the whole answer:',
      '   deltas ["You"," said:"," one"," two"," three"]; usage 18 tokens',
      '   ⤷ acompletion echo-1 for -: $0.000024',
      '4. Errors are openai-node classes, with shallot’s error as cause:',
      '   RateLimitError 429 rate_limit_exceeded; shallot: rate_limit, retry after 2000 ms',
      '   ⤷ acompletion echo-1 for -: RateLimitError',
      '5. What shallot refuses is refused before any request, as a 400:',
      '   BadRequestError 400, param messages[0].role',
      '6. Embeddings:',
      '   2 vectors of 26 numbers',
      '   ⤷ aembedding letters for -: $0.000004',
    ]);
  });
});
