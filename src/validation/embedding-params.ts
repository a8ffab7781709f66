import { z } from 'zod';
import type { Middleware } from '../call/middleware.js';
import type { CallOptions, Metadata } from '../context/types.js';
import { ValidationError, type ValidationIssue } from '../errors/validation-error.js';
import type { EmbeddingEncoding, EmbeddingRequest } from '../types/embedding.js';
import { describeIssues } from './describe-issues.js';
import { findUnsendableParams } from './json-params.js';
import { findMistypedParams } from './param-names.js';
import { optionNameOf, parseCallOptions } from './parse-params.js';
import { hasBothParts } from './request-schema.js';

/** `embedding()` parameters, split and validated. */
export interface ParsedEmbeddingParams {
  request: EmbeddingRequest;
  encoding: EmbeddingEncoding;
  options: CallOptions;
  metadata: Metadata;
  traceId: string | undefined;
  middleware: Middleware[] | undefined;
}

const text = z.string().min(1, { message: 'is an empty text: providers refuse it' });
const tokens = z.array(z.number().int().nonnegative()).min(1);

/** The request fields of `embedding()` shallot checks; other snake_case fields pass to the provider. */
const embeddingRequestSchema = z.looseObject({
  model: z
    .string()
    .min(1)
    .refine(hasBothParts, { message: 'has an empty provider or model name around its "/"' }),
  input: z.union([text, z.array(text).min(1), tokens, z.array(tokens).min(1)], {
    message:
      'expected a text, a non-empty list of texts, a list of token ids, or lists of token ids',
  }),
  dimensions: z.number().int().positive().optional(),
  user: z.string().optional(),
  taskType: z.string().optional(),
});

const ENCODINGS: readonly EmbeddingEncoding[] = ['float', 'float32', 'base64'];

/** Request keys `embedding()` knows by name, which are not typos whatever their case. */
const KNOWN_KEYS = new Set(['model', 'input', 'dimensions', 'user', 'taskType', 'encodingFormat']);

/** Keys that make sense for `completion()` only, with the fix. */
const COMPLETION_ONLY: Readonly<Record<string, string>> = {
  messages: 'embedding() takes input (a text or a list of texts), not messages.',
  stream: 'embedding() never streams; leave stream out.',
  firstChunkTimeout: 'applies to streams, and embedding() never streams; use timeout.',
  chunkTimeout: 'applies to streams, and embedding() never streams; use timeout.',
};

/**
 * Validates `embedding()` parameters before any network call, and splits shallot's options
 * from the request, as `completion()`'s parser does: every bad field is named with its fix.
 * The caller's object is never changed.
 *
 * @throws ValidationError naming every bad field.
 */
export function parseEmbeddingParams(params: unknown): ParsedEmbeddingParams {
  if (params === null || typeof params !== 'object' || Array.isArray(params)) {
    throw ValidationError.forField(
      '(params)',
      "expected an object such as { model: 'openai/text-embedding-3-small', input: 'Hello' }.",
    );
  }
  const given = params as Record<string, unknown>;
  const model = typeof given.model === 'string' ? given.model : undefined;
  const requestInput: Record<string, unknown> = {};
  const optionsInput: Record<string, unknown> = {};
  const rest: Record<string, unknown> = {};
  const issues: ValidationIssue[] = [];
  let encoding: unknown;
  for (const key of Object.keys(given)) {
    const value = given[key];
    if (value === undefined) continue;
    if (Object.hasOwn(COMPLETION_ONLY, key)) {
      issues.push({ field: key, message: `${key}: ${COMPLETION_ONLY[key]}` });
    } else if (key === 'encodingFormat' || key === 'encoding_format') {
      if (encoding !== undefined) {
        issues.push({
          field: key,
          message: `${key}: encodingFormat is given twice; keep one spelling.`,
        });
      }
      encoding = value;
    } else if (KNOWN_KEYS.has(key)) {
      requestInput[key] = value;
    } else {
      const option = optionNameOf(key, given, model);
      if (option !== undefined) optionsInput[option] = value;
      else {
        requestInput[key] = value;
        rest[key] = value;
      }
    }
  }
  const { mockResponse: _mock, ...sendable } = given;
  issues.push(...findUnsendableParams(sendable), ...findMistypedParams(rest));
  if (encoding !== undefined && !ENCODINGS.includes(encoding as EmbeddingEncoding)) {
    issues.push({
      field: 'encodingFormat',
      message: `encodingFormat: expected 'float', 'float32' or 'base64', received ${JSON.stringify(encoding)}.`,
    });
  }
  if (issues.length > 0) throw new ValidationError(issues, model);
  const request = embeddingRequestSchema.safeParse(requestInput, { reportInput: true });
  if (!request.success) throw new ValidationError(describeIssues(request.error.issues), model);
  const mock = optionsInput.mockResponse;
  if (mock !== undefined && !isEmbeddingMock(mock)) {
    throw ValidationError.forField(
      'mockResponse',
      "expected an embedding response ({ object: 'list', data, usage }), one vector per input, or an Error.",
      model,
    );
  }
  return {
    request: request.data as EmbeddingRequest,
    encoding: (encoding as EmbeddingEncoding | undefined) ?? 'float',
    ...parseCallOptions(optionsInput, model),
  };
}

function isEmbeddingMock(mock: unknown): boolean {
  if (mock instanceof Error || Array.isArray(mock)) return true;
  return (
    mock !== null && typeof mock === 'object' && Array.isArray((mock as { data?: unknown }).data)
  );
}
