import type { z } from 'zod';
import type { CacheControls } from '../cache/types.js';
import type { Middleware } from '../call/middleware.js';
import type { CallOptions, Metadata, MockResponse } from '../context/types.js';
import { ValidationError } from '../errors/validation-error.js';
import { Secret } from '../secrets/secret.js';
import type { ChatRequest } from '../types/openai.js';
import { describeIssues } from './describe-issues.js';
import { parseCommonParams } from './fast-params.js';
import { findUnsendableParams } from './json-params.js';
import { OPTION_KEYS, optionsSchema, requestSchema } from './request-schema.js';

/** `completion()` parameters, split and validated. */
export interface ParsedParams {
  request: ChatRequest;
  options: CallOptions;
  metadata: Metadata;
  traceId: string | undefined;
  middleware: Middleware[] | undefined;
}

const PARSE_OPTIONS = { reportInput: true } as const;

/** shallot's options as the schema describes them. */
type ParsedOptions = z.infer<typeof optionsSchema>;

/**
 * Validates `completion()` parameters before any network call, and splits shallot's own
 * options from the OpenAI request. Only the params object's own properties are read, and
 * every value must be JSON data: no `__proto__` key, cycle or BigInt, at most
 * `MAX_PARAMETER_DEPTH` levels deep (`json-params.ts`). The common call is checked by hand
 * (`fast-params.ts`); everything else by the zod schemas, which name every bad field. The
 * caller's object is never changed: the request is a copy.
 *
 * @throws ValidationError naming every bad field and its fix.
 */
export function parseCompletionParams(params: unknown): ParsedParams {
  if (params === null || typeof params !== 'object' || Array.isArray(params)) {
    throw ValidationError.forField(
      '(params)',
      "expected an object such as { model: 'openai/gpt-4o-mini', messages: [{ role: 'user', content: 'Hi' }] }.",
    );
  }
  const common = parseCommonParams(params as Record<string, unknown>);
  if (common !== undefined)
    return assemble(common.request, common.options as ParsedOptions, common.options);
  return parseWithZod(params as Record<string, unknown>);
}

/**
 * The slow path: every value walked for what JSON cannot hold, then every parameter checked
 * against the zod schemas, every bad field named. Exported for the test that holds the fast
 * path to the same answers. @internal
 */
export function parseWithZod(params: Record<string, unknown>): ParsedParams {
  const unsendable = findUnsendableParams(params);
  if (unsendable.length > 0) {
    const model = Object.hasOwn(params, 'model') ? params.model : undefined;
    throw new ValidationError(unsendable, typeof model === 'string' ? model : undefined);
  }
  // Plain objects are safe here: a `__proto__` key was refused above, so every key written is
  // an own field (null-prototype objects would cost zod a dictionary lookup per field).
  const requestInput: Record<string, unknown> = {};
  const optionsInput: Record<string, unknown> = {};
  for (const key of Object.keys(params)) {
    const value = params[key];
    if (value === undefined) continue;
    if (OPTION_KEYS.has(key)) optionsInput[key] = value;
    else requestInput[key] = value;
  }
  const request = requestSchema.safeParse(requestInput, PARSE_OPTIONS);
  const options = optionsSchema.safeParse(optionsInput, PARSE_OPTIONS);
  if (!request.success || !options.success) {
    const issues = [...(request.error?.issues ?? []), ...(options.error?.issues ?? [])];
    const model = typeof requestInput.model === 'string' ? requestInput.model : undefined;
    throw new ValidationError(describeIssues(issues), model);
  }
  return assemble(request.data, options.data, optionsInput);
}

/** The parsed parameters from a validated request and options (`raw`: the caller's own values). */
function assemble(
  request: Record<string, unknown>,
  parsed: ParsedOptions,
  raw: Record<string, unknown>,
): ParsedParams {
  const callOptions: CallOptions = {};
  if (parsed.apiKey !== undefined) callOptions.apiKey = new Secret(parsed.apiKey);
  if (parsed.apiBase !== undefined) callOptions.apiBase = parsed.apiBase;
  if (parsed.apiVersion !== undefined) callOptions.apiVersion = parsed.apiVersion;
  if (parsed.headers !== undefined) callOptions.headers = parsed.headers;
  if (parsed.timeout !== undefined) callOptions.timeout = parsed.timeout;
  if (parsed.signal !== undefined) callOptions.signal = parsed.signal;
  if (parsed.inputCostPerToken !== undefined)
    callOptions.inputCostPerToken = parsed.inputCostPerToken;
  if (parsed.outputCostPerToken !== undefined)
    callOptions.outputCostPerToken = parsed.outputCostPerToken;
  if (parsed.pricing !== undefined) callOptions.pricing = parsed.pricing;
  if (parsed.cache !== undefined) callOptions.cache = cacheControls(parsed.cache);
  if (parsed.redact !== undefined) callOptions.redact = parsed.redact;
  if (parsed.numRetries !== undefined) callOptions.numRetries = parsed.numRetries;
  if (parsed.fallbacks !== undefined)
    callOptions.fallbacks = parsed.fallbacks as CallOptions['fallbacks'];
  if (parsed.totalTimeout !== undefined) callOptions.totalTimeout = parsed.totalTimeout;
  if (parsed.firstChunkTimeout !== undefined)
    callOptions.firstChunkTimeout = parsed.firstChunkTimeout;
  if (parsed.chunkTimeout !== undefined) callOptions.chunkTimeout = parsed.chunkTimeout;
  if (parsed.mockResponse !== undefined) {
    // The original, not zod's copy: an Error must stay the caller's instance.
    callOptions.mockResponse = raw.mockResponse as MockResponse;
  }
  return {
    request: request as unknown as ChatRequest,
    options: callOptions,
    metadata: parsed.metadata ?? {},
    traceId: parsed.traceId,
    middleware: parsed.middleware as Middleware[] | undefined,
  };
}

/** Cache controls in camelCase, from either spelling (LiteLLM's `'no-cache'` or `noCache`). */
function cacheControls(raw: Record<string, unknown>): CacheControls {
  const controls: CacheControls = {};
  const noCache = raw.noCache ?? raw['no-cache'];
  const noStore = raw.noStore ?? raw['no-store'];
  const sMaxAge = raw.sMaxAge ?? raw['s-maxage'];
  if (noCache !== undefined) controls.noCache = noCache as boolean;
  if (noStore !== undefined) controls.noStore = noStore as boolean;
  if (raw.ttl !== undefined) controls.ttl = raw.ttl as number;
  if (sMaxAge !== undefined) controls.sMaxAge = sMaxAge as number;
  if (raw.namespace !== undefined) controls.namespace = raw.namespace as string;
  return controls;
}
