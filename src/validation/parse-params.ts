import type { z } from 'zod';
import type { CacheControls } from '../cache/types.js';
import type { Middleware } from '../call/middleware.js';
import type {
  CallOptions,
  ContextFieldOption,
  ConvertedCallOption,
  Metadata,
} from '../context/types.js';
import { ValidationError } from '../errors/validation-error.js';
import { Secret } from '../secrets/secret.js';
import type { ChatRequest } from '../types/openai.js';
import { describeIssues } from './describe-issues.js';
import { parseCommonParams } from './fast-params.js';
import { findUnsendableParams } from './json-params.js';
import { findMistypedParams, LITELLM_OPTION_ALIASES } from './param-names.js';
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
  const model = Object.hasOwn(params, 'model') ? params.model : undefined;
  const modelName = typeof model === 'string' ? model : undefined;
  const unsendable = findUnsendableParams(params);
  if (unsendable.length > 0) throw new ValidationError(unsendable, modelName);
  const mistyped = findMistypedParams(params);
  if (mistyped.length > 0) throw new ValidationError(mistyped, modelName);
  // Plain objects are safe here: a `__proto__` key was refused above, so every key written is
  // an own field (null-prototype objects would cost zod a dictionary lookup per field).
  const requestInput: Record<string, unknown> = {};
  const optionsInput: Record<string, unknown> = {};
  for (const key of Object.keys(params)) {
    const value = params[key];
    if (value === undefined) continue;
    const option = OPTION_KEYS.has(key) ? key : aliasedOption(key, params, modelName);
    if (option !== undefined) optionsInput[option] = value;
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

/**
 * The option a LiteLLM spelling stands for (`mock_response`: `mockResponse`), none for any
 * other key. @throws ValidationError when the call also gives the option under its own name.
 */
function aliasedOption(
  key: string,
  params: Record<string, unknown>,
  model: string | undefined,
): string | undefined {
  if (!Object.hasOwn(LITELLM_OPTION_ALIASES, key)) return undefined;
  const option = LITELLM_OPTION_ALIASES[key] as string;
  if (Object.hasOwn(params, option) && params[option] !== undefined) {
    throw ValidationError.forField(
      key,
      `is LiteLLM's spelling of ${option}, which this call also sets. Keep one of them.`,
      model,
    );
  }
  return option;
}

/** Options the context holds in fields of its own (`ctx.metadata`, the call chain, `ctx.traceId`). */
const CONTEXT_FIELD_OPTIONS: Readonly<Record<ContextFieldOption, true>> = {
  metadata: true,
  middleware: true,
  traceId: true,
};

/** How each option that `ctx.options` holds in another form than the caller's gets that form. */
const CONVERSIONS: {
  readonly [Option in ConvertedCallOption]: (
    value: NonNullable<ParsedOptions[Option]>,
    raw: Record<string, unknown>,
  ) => CallOptions[Option];
} = {
  apiKey: (key) => new Secret(key),
  cache: cacheControls,
  // The caller's own value, not zod's copy: an Error stays the caller's instance.
  mockResponse: (_copy, raw) => raw.mockResponse as CallOptions['mockResponse'],
};

/** shallot's options of a call, converted: what every kind of call's parameters hold besides the request. */
export interface ParsedCallOptions {
  options: CallOptions;
  metadata: Metadata;
  traceId: string | undefined;
  middleware: Middleware[] | undefined;
}

/**
 * The parsed parameters from a validated request and options (`raw`: the caller's own values).
 * Every option goes to `ctx.options` as it is, but those the context holds elsewhere and those
 * with a {@link CONVERSIONS} entry; `mockResponse` is the caller's own value, not zod's copy, so
 * that an Error stays the caller's instance.
 */
function assemble(
  request: Record<string, unknown>,
  parsed: ParsedOptions,
  raw: Record<string, unknown>,
): ParsedParams {
  return { request: request as unknown as ChatRequest, ...callOptionsOf(parsed, raw) };
}

function callOptionsOf(parsed: ParsedOptions, raw: Record<string, unknown>): ParsedCallOptions {
  const callOptions: Record<string, unknown> = {};
  // `parsed` holds option names only (zod drops unknown keys, the fast path takes only the
  // options it checks), so the lookups below never meet a key of Object.prototype.
  for (const key in parsed) {
    const option = key as keyof ParsedOptions;
    const value = parsed[option];
    if (value === undefined || CONTEXT_FIELD_OPTIONS[option as ContextFieldOption]) continue;
    const convert = CONVERSIONS[option as ConvertedCallOption] as
      | ((value: unknown, raw: Record<string, unknown>) => unknown)
      | undefined;
    callOptions[option] = convert === undefined ? value : convert(value, raw);
  }
  return {
    // The schema has exactly CompletionOptions' keys (checked where it is built) and accepts
    // only values of each option's type; zod's output type of `fallbacks` is only wider.
    options: callOptions as CallOptions,
    metadata: parsed.metadata ?? {},
    traceId: parsed.traceId,
    middleware: parsed.middleware as Middleware[] | undefined,
  };
}

/**
 * Checks and converts shallot's options of a call of another kind than `completion()`
 * (`embedding()`), given apart from its request: `options` holds option names only, LiteLLM's
 * spellings already resolved. `mockResponse` is left to the caller to check.
 *
 * @throws ValidationError naming every bad option.
 */
export function parseCallOptions(
  options: Record<string, unknown>,
  model: string | undefined,
): ParsedCallOptions {
  const { mockResponse, ...checked } = options;
  const result = optionsSchema.safeParse(checked, PARSE_OPTIONS);
  if (!result.success) throw new ValidationError(describeIssues(result.error.issues), model);
  const parsed = callOptionsOf(result.data, options);
  if (mockResponse !== undefined)
    parsed.options.mockResponse = mockResponse as CallOptions['mockResponse'];
  return parsed;
}

/** The option a LiteLLM spelling stands for, or undefined; exported for `embedding()`'s parser. @internal */
export function optionNameOf(
  key: string,
  params: Record<string, unknown>,
  model: string | undefined,
): string | undefined {
  return OPTION_KEYS.has(key) ? key : aliasedOption(key, params, model);
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
