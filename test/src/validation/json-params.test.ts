import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../../src/errors/validation-error.js';
import { parseCommonParams } from '../../../src/validation/fast-params.js';
import {
  findUnsendableParams,
  isFlatJsonObject,
  MAX_PARAMETER_DEPTH,
} from '../../../src/validation/json-params.js';
import { parseCompletionParams } from '../../../src/validation/parse-params.js';

const messages = [{ role: 'user' as const, content: 'Hi' }];

/** An object `levels` objects deep (`{ next: { next: {} } }` is 3). */
function nested(levels: number): Record<string, unknown> {
  let value: Record<string, unknown> = {};
  for (let level = 1; level < levels; level++) value = { next: value };
  return value;
}

function refusal(params: Record<string, unknown>): ValidationError {
  try {
    parseCompletionParams(params);
  } catch (error) {
    expect(error).toBeInstanceOf(ValidationError);
    return error as ValidationError;
  }
  throw new Error('expected a ValidationError, and the parameters were accepted');
}

describe('parameters that cannot be sent as JSON', () => {
  it(`accepts ${MAX_PARAMETER_DEPTH} levels of nesting and refuses one more, naming the deepest field`, () => {
    expect(
      parseCompletionParams({ model: 'm', messages, metadata: nested(MAX_PARAMETER_DEPTH) })
        .metadata,
    ).toEqual(nested(MAX_PARAMETER_DEPTH));
    const error = refusal({ model: 'm', messages, metadata: nested(MAX_PARAMETER_DEPTH + 1) });
    expect(error.field).toBe(`metadata${'.next'.repeat(MAX_PARAMETER_DEPTH)}`);
    expect(error.message).toContain('Flatten the value, or pass it as a JSON string.');
  });

  it('counts the levels of arrays too, and names items by index', () => {
    let list: unknown[] = [];
    for (let level = 1; level <= MAX_PARAMETER_DEPTH; level++) list = [list];
    expect(refusal({ model: 'm', messages, extra_body: list }).field).toBe(
      `extra_body${'[0]'.repeat(MAX_PARAMETER_DEPTH)}`,
    );
  });

  it('accepts a value shared twice, which is no cycle, and sends both copies', () => {
    const shared = { type: 'string' };
    const parsed = parseCompletionParams({
      model: 'm',
      messages,
      response_format: {
        type: 'json_schema',
        json_schema: { name: 'pair', schema: { properties: { a: shared, b: shared } } },
      },
    });
    expect(JSON.stringify(parsed.request.response_format)).toContain(
      '"a":{"type":"string"},"b":{"type":"string"}',
    );
  });

  it('names the field that closes a cycle, through an array as through an object', () => {
    const list: unknown[] = ['a'];
    list.push(list);
    const error = refusal({ model: 'm', messages, stop_sequences: list });
    expect(error.field).toBe('stop_sequences[1]');
    expect(error.message).toBe(
      'stop_sequences[1]: refers back to an object that contains it, and a cycle cannot be sent as JSON. Remove the reference, or pass a copy without it.',
    );
  });

  it('trusts a toJSON method, as JSON.stringify does: a Date in metadata is fine', () => {
    const at = new Date(0);
    expect(parseCompletionParams({ model: 'm', messages, metadata: { at } }).metadata).toEqual({
      at,
    });
  });

  it('lists one problem per parameter, with the model named on the error', () => {
    const loop: Record<string, unknown> = {};
    loop.self = loop;
    const error = refusal({ model: 'm', messages, top_k: 1n, metadata: { loop } });
    expect(error.issues.map((issue) => issue.field)).toEqual(['top_k', 'metadata.loop.self']);
    expect(error.model).toBe('m');
  });

  it('does not walk the options that are not data: signal, middleware and an Error to raise', () => {
    const raised = new Error('boom') as Error & { self?: unknown };
    raised.self = raised;
    const parsed = parseCompletionParams({
      model: 'm',
      messages,
      signal: new AbortController().signal,
      middleware: [async () => {}],
      mockResponse: raised,
    });
    expect(parsed.options.mockResponse).toBe(raised);
  });
});

describe('own properties only', () => {
  it('reads no inherited parameter: a params object built on defaults sends only its own fields', () => {
    const defaults = { stream: true, temperature: 1.9, metadata: { from: 'prototype' } };
    const params = Object.assign(Object.create(defaults) as Record<string, unknown>, {
      model: 'm',
      messages,
    });
    const parsed = parseCompletionParams(params);
    expect(parsed.request).toEqual({ model: 'm', messages });
    expect(parsed.metadata).toEqual({});
  });

  it('refuses a "__proto__" key at the top, in a message and in metadata, on either path', () => {
    const proto = JSON.parse('{"__proto__":{"stream":true}}') as Record<string, unknown>;
    expect(refusal({ model: 'm', messages, ...proto }).field).toBe('__proto__');
    expect(refusal({ model: 'm', messages: [{ ...messages[0], ...proto }] }).field).toBe(
      'messages[0].__proto__',
    );
    expect(refusal({ model: 'm', messages, metadata: proto }).field).toBe('metadata.__proto__');
    expect(Object.keys(Object.prototype)).toEqual([]);
  });

  it('keeps "constructor" and "prototype" keys as the ordinary data they are', () => {
    const metadata = JSON.parse('{"constructor":{"prototype":{"admin":true}}}');
    const parsed = parseCompletionParams({ model: 'm', messages, metadata, prototype: 'x' });
    expect(Object.hasOwn(parsed.metadata, 'constructor')).toBe(true);
    expect(parsed.request).toMatchObject({ prototype: 'x' });
    expect(({} as Record<string, unknown>).admin).toBeUndefined();
  });

  it('finds nothing to refuse in JSON data, and one issue when there is', () => {
    expect(findUnsendableParams({ model: 'm', messages, metadata: { a: [1, null] } })).toEqual([]);
    expect(findUnsendableParams({ n: 1n })).toEqual([
      {
        field: 'n',
        message: 'n: is a BigInt, which JSON cannot hold. Pass a number, or the value as a string.',
      },
    ]);
  });
});

describe('the fast path stays fast', () => {
  it('takes string messages and flat or nested JSON metadata itself', () => {
    expect(parseCommonParams({ model: 'm', messages, metadata: { user: 'u-1' } })).toBeDefined();
    expect(
      parseCommonParams({ model: 'm', messages, metadata: { tags: ['a'], at: { x: 1 } } }),
    ).toBeDefined();
  });

  it('hands anything it cannot vouch for to the slow path', () => {
    const loop: Record<string, unknown> = {};
    loop.self = loop;
    const proto = JSON.parse('{"__proto__":{}}') as Record<string, unknown>;
    for (const params of [
      { model: 'm', messages, metadata: { loop } },
      { model: 'm', messages, metadata: proto },
      { model: 'm', messages: [{ ...messages[0], ...proto }] },
      { model: 'm', messages: [{ ...messages[0], id: 1n }] },
    ]) {
      expect(parseCommonParams(params)).toBeUndefined();
    }
  });

  it('judges a flat object by its own fields: scalars and null are flat, an object or a BigInt is not', () => {
    expect(isFlatJsonObject({ a: 'x', b: 1, c: true, d: null, e: undefined })).toBe(true);
    expect(isFlatJsonObject({ a: null, b: {} })).toBe(false);
    expect(isFlatJsonObject({ a: 1n })).toBe(false);
    expect(isFlatJsonObject(JSON.parse('{"__proto__":1}'))).toBe(false);
  });
});
