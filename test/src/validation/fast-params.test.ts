import { describe, expect, it } from 'vitest';
import { parseCompletionParams, parseWithZod } from '../../../src/validation/parse-params.js';

const messages = [
  { role: 'system', content: 'Be brief.' },
  { role: 'user', content: 'Hi', name: 'ada' },
  { role: 'assistant', content: 'Hello!' },
];
const signal = new AbortController().signal;
const loop: Record<string, unknown> = { name: 'loop' };
loop.self = loop;
let deep: Record<string, unknown> = {};
for (let level = 0; level < 200; level++) deep = { next: deep };

/** Calls the fast path takes, calls it hands to zod, and calls zod refuses. */
const CASES: Record<string, Record<string, unknown>> = {
  minimal: { model: 'gpt-4o-mini', messages },
  'every checked parameter': {
    model: 'openai/gpt-4o',
    messages,
    temperature: 2,
    top_p: 0,
    max_tokens: 10,
    max_completion_tokens: 5,
    n: 1,
    seed: -3,
    user: 'u-1',
    stream: true,
    logprobs: false,
    parallel_tool_calls: true,
    presence_penalty: -2,
    frequency_penalty: 2,
  },
  'every checked option': {
    model: 'gpt-4o-mini',
    messages,
    apiKey: 'sk-test-0123456789',
    apiBase: 'http://127.0.0.1:8000/v1',
    traceId: 't-1',
    metadata: { user: 'ada', nested: { a: 1 } },
    timeout: 1.5,
    totalTimeout: 10,
    firstChunkTimeout: 3,
    chunkTimeout: 4,
    numRetries: 0,
    signal,
    mockResponse: 'hi',
  },
  'undefined values are left out': { model: 'gpt-4o-mini', messages, temperature: undefined },
  'an unknown parameter (zod passes it through)': { model: 'm', messages, reasoning_effort: 'low' },
  'a tool message': {
    model: 'm',
    messages: [...messages, { role: 'tool', tool_call_id: 'c1', content: '42' }],
  },
  'content parts': {
    model: 'm',
    messages: [{ role: 'user', content: [{ type: 'text', text: 'Hi' }] }],
  },
  'assistant with tool calls': {
    model: 'm',
    messages: [
      {
        role: 'assistant',
        content: null,
        tool_calls: [{ id: 'c', type: 'function', function: { name: 'f', arguments: '{}' } }],
      },
    ],
  },
  tools: {
    model: 'm',
    messages,
    tools: [{ type: 'function', function: { name: 'f', parameters: { type: 'object' } } }],
  },
  'a mock error': { model: 'm', messages, mockResponse: new Error('boom') },
  'temperature above 2': { model: 'm', messages, temperature: 2.01 },
  'temperature NaN': { model: 'm', messages, temperature: Number.NaN },
  'max_tokens Infinity': { model: 'm', messages, max_tokens: Number.POSITIVE_INFINITY },
  'max_tokens 0': { model: 'm', messages, max_tokens: 0 },
  'n 1.5': { model: 'm', messages, n: 1.5 },
  'seed 1.5': { model: 'm', messages, seed: 1.5 },
  'empty model': { model: '', messages },
  'no model': { messages },
  'no messages': { model: 'm' },
  'empty messages': { model: 'm', messages: [] },
  'unknown role': { model: 'm', messages: [{ role: 'wizard', content: 'x' }] },
  'numeric content': { model: 'm', messages: [{ role: 'user', content: 5 }] },
  'a message that is not an object': { model: 'm', messages: ['hi'] },
  'stream as a string': { model: 'm', messages, stream: 'yes' },
  'negative numRetries': { model: 'm', messages, numRetries: -1 },
  'timeout 0': { model: 'm', messages, timeout: 0 },
  'empty apiKey': { model: 'm', messages, apiKey: '' },
  'apiBase with https, a host name and a trailing slash': {
    model: 'm',
    messages,
    apiBase: 'https://api.example.com/openai/v1/',
  },
  'apiBase with a port out of range': {
    model: 'm',
    messages,
    apiBase: 'http://127.0.0.1:99999/v1',
  },
  'apiBase with another protocol': { model: 'm', messages, apiBase: 'ftp://127.0.0.1/v1' },
  'apiBase without the slashes': { model: 'm', messages, apiBase: 'http:127.0.0.1/v1' },
  'apiBase with spaces around it': { model: 'm', messages, apiBase: ' http://127.0.0.1/v1 ' },
  'apiBase with a query and credentials': {
    model: 'm',
    messages,
    apiBase: 'http://user:pass@127.0.0.1/v1?x=1',
  },
  'cache controls, both spellings': {
    model: 'm',
    messages,
    cache: { noCache: true, 'no-store': false, ttl: 60, 's-maxage': 0, namespace: 'ns' },
  },
  'cache controls with an undefined one': { model: 'm', messages, cache: { noCache: undefined } },
  'cache controls with an unknown key (zod strips it)': {
    model: 'm',
    messages,
    cache: { noCache: true, ttlSeconds: 5 },
  },
  'cache ttl 0': { model: 'm', messages, cache: { ttl: 0 } },
  'cache namespace empty': { model: 'm', messages, cache: { namespace: '' } },
  'cache noCache as a string': { model: 'm', messages, cache: { noCache: 'yes' } },
  'cache as an array': { model: 'm', messages, cache: [true] },
  'a "__proto__" key in cache controls': {
    model: 'm',
    messages,
    cache: JSON.parse('{"noCache":true,"__proto__":{"noStore":true}}'),
  },
  'apiBase as a URL object': { model: 'm', messages, apiBase: new URL('http://127.0.0.1/v1') },
  'metadata as a class instance': { model: 'm', messages, metadata: new Map() },
  'metadata as an array': { model: 'm', messages, metadata: ['a'] },
  'signal that is not an AbortSignal': { model: 'm', messages, signal: { aborted: false } },
  'a "__proto__" key from JSON.parse': {
    model: 'm',
    ...JSON.parse('{"messages":[{"role":"user","content":"hi"}],"__proto__":{"stream":true}}'),
  },
  'a "__proto__" key in a message': {
    model: 'm',
    messages: JSON.parse('[{"role":"user","content":"hi","__proto__":{"role":"tool"}}]'),
  },
  'a "__proto__" key in metadata': {
    model: 'm',
    messages,
    metadata: JSON.parse('{"user":"ada","__proto__":{"admin":true}}'),
  },
  'a message with an object field (zod passes it through)': {
    model: 'm',
    messages: [{ role: 'user', content: 'Hi', extra: { a: 1 } }],
  },
  'a message with a BigInt field': {
    model: 'm',
    messages: [{ role: 'user', content: 'Hi', extra: 1n }],
  },
  'metadata with null and nested values': {
    model: 'm',
    messages,
    metadata: { none: null, nested: { list: [1, { a: 'b' }] } },
  },
  'a circular metadata': { model: 'm', messages, metadata: { loop } },
  'a BigInt in metadata': { model: 'm', messages, metadata: { id: 1n } },
  'a metadata 200 levels deep': { model: 'm', messages, metadata: deep },
  'a circular unknown parameter': { model: 'm', messages, extra_body: loop },
  'a BigInt unknown parameter': { model: 'm', messages, top_k: 40n },
  'a BigInt and a bad temperature: the BigInt first': {
    model: 'm',
    messages,
    top_k: 40n,
    temperature: 3,
  },
};

function outcome(parse: () => unknown): unknown {
  try {
    return { ok: parse() };
  } catch (error) {
    return { error: (error as Error).name, message: (error as Error).message };
  }
}

describe('parameter validation: the fast path and zod agree', () => {
  it.each(Object.entries(CASES))(
    '%s: the same request, options and errors either way',
    (_name, params) => {
      expect(outcome(() => parseCompletionParams(params))).toEqual(
        outcome(() => parseWithZod(params)),
      );
    },
  );

  it('the request is a copy: editing its messages leaves the caller’s untouched', () => {
    const input = [{ role: 'user' as const, content: 'Hi' }];
    const metadata = { user: 'ada' };
    const parsed = parseCompletionParams({ model: 'm', messages: input, metadata });
    parsed.request.messages[0] = { role: 'user', content: 'changed' };
    expect(input).toEqual([{ role: 'user', content: 'Hi' }]);
    expect(parsed.request.messages).not.toBe(input);
    parsed.metadata.user = 'eve';
    expect(metadata).toEqual({ user: 'ada' });
  });

  it('a message object is copied too, not shared with the caller', () => {
    const message = { role: 'user' as const, content: 'Hi' };
    const parsed = parseCompletionParams({ model: 'm', messages: [message] });
    expect(parsed.request.messages[0]).toEqual(message);
    expect(parsed.request.messages[0]).not.toBe(message);
  });
});
