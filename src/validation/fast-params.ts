/**
 * The fast path of parameter validation: the common call (string-content messages, the usual
 * sampling parameters, the usual options) checked by hand in well under a microsecond. Any
 * parameter it does not know, and any value it does not accept (a message field holding an
 * object, metadata that is not JSON data), sends the call to the slow path instead: the walk
 * of `json-params.ts`, then the zod schemas, which stay the one definition of what is valid
 * and the one source of error messages. So the fast path never rejects and never accepts what
 * the slow path would not: it only answers early for the cases it is sure of.
 * `fast-params.test.ts` holds it to that.
 */

import type { CompletionOptions } from '../client/params.js';
import { isFlatJsonObject, isJsonData } from './json-params.js';
import { hasBothParts } from './request-schema.js';

type Check = (value: unknown) => boolean;

const isFiniteNumber = (value: unknown): value is number =>
  typeof value === 'number' && Number.isFinite(value);
const between =
  (low: number, high: number): Check =>
  (value) =>
    isFiniteNumber(value) && value >= low && value <= high;
const positiveInteger: Check = (value) =>
  isFiniteNumber(value) && Number.isInteger(value) && value > 0;
const nonNegativeInteger: Check = (value) =>
  isFiniteNumber(value) && Number.isInteger(value) && value >= 0;
const positiveNumber: Check = (value) => isFiniteNumber(value) && value > 0;
const isBoolean: Check = (value) => typeof value === 'boolean';
const isString: Check = (value) => typeof value === 'string';
const nonEmptyString: Check = (value) => typeof value === 'string' && value !== '';
/**
 * An http(s) URL of the plainest form (letters, digits and `.-` in the host, a port, a path of
 * unreserved characters): one zod's `z.url({ protocol: /^https?$/ })` accepts unchanged. Any
 * other spelling goes to zod, which decides.
 */
const PLAIN_HTTP_URL = /^https?:\/\/[A-Za-z0-9.-]+(?::[0-9]{1,5})?(?:\/[A-Za-z0-9._~%/-]*)?$/;
/** The last URL {@link plainHttpUrl} accepted: calls mostly repeat one `apiBase`. */
let lastPlainUrl = '';
const plainHttpUrl: Check = (value) => {
  if (typeof value !== 'string') return false;
  if (value === lastPlainUrl) return true;
  if (!PLAIN_HTTP_URL.test(value) || !URL.canParse(value)) return false;
  lastPlainUrl = value;
  return true;
};

/** Request parameters the fast path checks (others go to zod). */
const REQUEST_CHECKS: Readonly<Record<string, Check>> = {
  model: (value) => nonEmptyString(value) && hasBothParts(value as string),
  messages: areSimpleMessages,
  temperature: between(0, 2),
  top_p: between(0, 1),
  max_tokens: positiveInteger,
  max_completion_tokens: positiveInteger,
  n: positiveInteger,
  seed: (value) => isFiniteNumber(value) && Number.isInteger(value),
  user: isString,
  stream: isBoolean,
  logprobs: isBoolean,
  parallel_tool_calls: isBoolean,
  presence_penalty: between(-2, 2),
  frequency_penalty: between(-2, 2),
  stream_options: isStreamOptions,
};

/** shallot options the fast path checks: the common ones, named as `CompletionOptions` names them (others go to zod). */
const OPTION_CHECKS: Readonly<Partial<Record<keyof CompletionOptions, Check>>> = {
  apiKey: nonEmptyString,
  apiBase: plainHttpUrl,
  traceId: nonEmptyString,
  metadata: (value) => isPlainObject(value) && (isFlatJsonObject(value) || isJsonData(value)),
  timeout: positiveNumber,
  totalTimeout: positiveNumber,
  firstChunkTimeout: positiveNumber,
  chunkTimeout: positiveNumber,
  numRetries: nonNegativeInteger,
  signal: (value) => value instanceof AbortSignal,
  mockResponse: isString,
  cache: areCacheControls,
  // A gateway passes its own layers with every call.
  middleware: (value) =>
    Array.isArray(value) && value.every((layer) => typeof layer === 'function'),
};

/** The cache controls the fast path accepts, each with its check (any other key goes to zod). */
const CACHE_CHECKS: Readonly<Record<string, Check>> = {
  noCache: isBoolean,
  noStore: isBoolean,
  ttl: positiveNumber,
  sMaxAge: (value) => isFiniteNumber(value) && value >= 0,
  namespace: nonEmptyString,
  'no-cache': isBoolean,
  'no-store': isBoolean,
  's-maxage': (value) => isFiniteNumber(value) && value >= 0,
};

/** `cache: { noCache: true }` and its kin: a plain object of known controls, each well typed. */
function areCacheControls(value: unknown): boolean {
  if (!isPlainObject(value)) return false;
  for (const key of Object.keys(value)) {
    const check = Object.hasOwn(CACHE_CHECKS, key) ? CACHE_CHECKS[key] : undefined;
    const control = value[key];
    if (check === undefined || (control !== undefined && !check(control))) return false;
  }
  return true;
}

/** `stream_options: { include_usage: true }`: OpenAI's two flags, booleans (anything else goes to zod). */
function isStreamOptions(value: unknown): boolean {
  if (!isPlainObject(value)) return false;
  for (const key of Object.keys(value)) {
    if (key !== 'include_usage' && key !== 'include_obfuscation') return false;
    if (typeof value[key] !== 'boolean') return false;
  }
  return true;
}

const SIMPLE_ROLES = new Set(['system', 'developer', 'user', 'assistant']);

/**
 * Messages of the simplest shape: a known role other than tool, string content, and no field
 * that holds an object (nor a BigInt or a `__proto__` key), so nothing below them to walk.
 */
function areSimpleMessages(value: unknown): boolean {
  if (!Array.isArray(value) || value.length === 0) return false;
  for (const message of value) {
    if (!isPlainObject(message)) return false;
    const { role, content } = message as { role?: unknown; content?: unknown };
    if (typeof role !== 'string' || !SIMPLE_ROLES.has(role) || typeof content !== 'string') {
      return false;
    }
    if ((message as { tool_calls?: unknown }).tool_calls !== undefined) return false;
    if (!isFlatJsonObject(message)) return false;
  }
  return true;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== 'object') return false;
  const prototype = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}

/** Every parameter the fast path knows, with its check and whether it is the request's. */
interface KnownParameter {
  check: Check;
  /** A request parameter (sent to the provider), else one of shallot's options. */
  request: boolean;
}

const CHECKS: ReadonlyMap<string, KnownParameter> = new Map<string, KnownParameter>([
  ...Object.entries(REQUEST_CHECKS).map(([key, check]): [string, KnownParameter] => [
    key,
    { check, request: true },
  ]),
  ...Object.entries(OPTION_CHECKS).map(([key, check]): [string, KnownParameter] => [
    key,
    { check: check as Check, request: false },
  ]),
]);

/** The common call's request and options, split and copied; `undefined` sends it to zod. */
export function parseCommonParams(
  params: Record<string, unknown>,
): { request: Record<string, unknown>; options: Record<string, unknown> } | undefined {
  const request: Record<string, unknown> = {};
  const options: Record<string, unknown> = {};
  // Own keys only; a `__proto__` key (JSON.parse makes one) is no parameter of the map's, so
  // it goes to zod, which refuses it.
  const keys = Object.keys(params);
  for (let index = 0; index < keys.length; index++) {
    const key = keys[index] as string;
    const value = params[key];
    if (value === undefined) continue;
    const known = CHECKS.get(key);
    if (known === undefined || !known.check(value)) return undefined;
    if (known.request) request[key] = value;
    else options[key] = value;
  }
  if (request.model === undefined || request.messages === undefined) return undefined;
  // Copies, as zod's parse gives: a layer that edits the request never edits the caller's.
  request.messages = (request.messages as Array<Record<string, unknown>>).map((message) => ({
    ...message,
  }));
  if (options.metadata !== undefined) options.metadata = extensibleCopy(options.metadata as object);
  if (request.stream_options !== undefined) {
    request.stream_options = { ...(request.stream_options as object) };
  }
  return { request, options };
}

const NOTHING = {};

/**
 * A shallow copy, as `{ ...source }` makes it (own enumerable keys; a `__proto__` key stays an
 * own key, never a prototype), that layers may add to cheaply. On Node 20 a property added to
 * an object made by a lone spread costs about a microsecond (its shape is copied, not shared,
 * so no transition is ever cached); two spreads give an ordinary object: 0.06 µs. The limits
 * layer adds `metadata.limits` to every call's copy.
 */
function extensibleCopy(source: object): Record<string, unknown> {
  return { ...NOTHING, ...source };
}
