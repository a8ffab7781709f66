import { readFileSync } from 'node:fs';
import { describe, expect, expectTypeOf, it } from 'vitest';
import type { z } from 'zod';
import type { CompletionOptions } from '../../../src/client/params.js';
import type { CallOptions, ContextFieldOption } from '../../../src/context/types.js';
import { ValidationError } from '../../../src/errors/validation-error.js';
import { Secret } from '../../../src/secrets/secret.js';
import { parseCompletionParams, parseWithZod } from '../../../src/validation/parse-params.js';
import { OPTION_KEYS, type optionsSchema } from '../../../src/validation/request-schema.js';

const messages = [{ role: 'user' as const, content: 'Hi' }];
const mockError = new Error('boom');

/** A valid value for every option: a new option of `CompletionOptions` fails to compile here until it has one. */
const EVERY_OPTION: Required<CompletionOptions> = {
  apiKey: 'sk-test-0123456789',
  apiBase: 'http://127.0.0.1:8000/v1',
  apiVersion: '2024-10-21',
  headers: { 'x-team': 'search' },
  metadata: { user: 'ada' },
  timeout: 1000,
  signal: new AbortController().signal,
  mockResponse: mockError,
  middleware: [async (_ctx, next) => next()],
  traceId: 'trace-1',
  inputCostPerToken: 0.000001,
  outputCostPerToken: 0.000002,
  pricing: { inputCostPerToken: 0.000001 },
  numRetries: 1,
  fallbacks: ['openai/gpt-4o'],
  totalTimeout: 5000,
  firstChunkTimeout: 2000,
  chunkTimeout: 3000,
  redact: { messages: true },
  cache: { 'no-cache': true, ttl: 60 },
};

/** The options the README's "Calls" table lists, in the order it lists them. */
function readmeOptions(): string[] {
  const readme = readFileSync(new URL('../../../README.md', import.meta.url), 'utf8');
  const section = readme.slice(readme.indexOf('\n## Calls\n'));
  const table = section.slice(section.indexOf('\n| option'));
  const rows = table.split('\n').slice(1);
  const options: string[] = [];
  for (const row of rows) {
    if (row === '') break;
    const firstCell = row.split('|')[1] ?? '';
    if (/^\s*-+\s*$/.test(firstCell)) continue;
    for (const match of firstCell.matchAll(/`([^`]+)`/g)) options.push(match[1] as string);
  }
  return options;
}

describe('call options: one specification', () => {
  it('the schema, ctx.options and the fix messages are checked against CompletionOptions when compiled', () => {
    // The schema's keys are checked where it is built (`satisfies`), the fix messages and the
    // fast path's checks by their `keyof CompletionOptions` types; these hold the rest.
    expectTypeOf<keyof CallOptions>().toEqualTypeOf<
      Exclude<keyof CompletionOptions, ContextFieldOption>
    >();
    type Writable<T> = T extends ReadonlyArray<infer Item> ? Item[] : T;
    type SchemaInput = z.input<typeof optionsSchema>;
    /** Options whose type allows a value the schema's type does not. */
    type Unaccepted = {
      [Option in keyof CompletionOptions]-?: Writable<
        CompletionOptions[Option]
      > extends SchemaInput[Option]
        ? never
        : Option;
    }[keyof CompletionOptions];
    expectTypeOf<Unaccepted>().toEqualTypeOf<never>();
    expect(OPTION_KEYS).toEqual(new Set(Object.keys(EVERY_OPTION)));
  });

  it('the README lists every option in its "Calls" table, once, and no option that does not exist', () => {
    const listed = readmeOptions();
    expect(listed.length).toBeGreaterThan(0);
    expect([...listed].sort()).toEqual([...OPTION_KEYS].sort());
  });

  it('ctx.options holds every option but metadata, middleware and traceId, converting only the key and the cache controls', () => {
    const parsed = parseCompletionParams({ model: 'm', messages, ...EVERY_OPTION });
    const { apiKey, cache, metadata, middleware, traceId, ...unchanged } = EVERY_OPTION;
    expect(parsed.options).toEqual({
      ...unchanged,
      apiKey: expect.any(Secret),
      cache: { noCache: true, ttl: 60 },
    });
    expect(parsed.options.apiKey?.reveal()).toBe(apiKey);
    expect(parsed.options.mockResponse).toBe(mockError);
    expect(parsed.options.signal).toBe(EVERY_OPTION.signal);
    expect(parsed.metadata).toEqual(metadata);
    expect(parsed.middleware).toEqual(middleware);
    expect(parsed.traceId).toBe(traceId);
    expect(cache).toEqual({ 'no-cache': true, ttl: 60 });
  });

  it.each([...OPTION_KEYS])('a bad %s is named with its fix, before any network call', (option) => {
    let error: unknown;
    try {
      parseWithZod({ model: 'm', messages, [option]: Symbol('bad') });
    } catch (thrown) {
      error = thrown;
    }
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as Error).message).toMatch(new RegExp(`${option}: [^\\n]+\\. Pass `));
  });
});
