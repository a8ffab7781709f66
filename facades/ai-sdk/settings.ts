import type { SharedV3ProviderOptions } from '@ai-sdk/provider';
import {
  type CompletionOptions,
  describeValue,
  type EmbeddingOptions,
  type GeminiNativeParams,
  type Middleware,
  ValidationError,
} from '../../index.js';

/**
 * shallot's options and provider parameters for the completion calls of a model: what
 * `completion()` takes besides `model`, `messages`, `stream` and `signal` (which the AI SDK's
 * prompt and `abortSignal` give). camelCase keys are shallot's options (`numRetries`,
 * `fallbacks`, `metadata`, `cache`, `mockResponse`, `middleware`, ...); snake_case keys are
 * provider parameters sent as they are (`top_k`, `reasoning_effort`, `thinking`, ...).
 *
 * @example
 * shallot('anthropic/claude-sonnet-4-5', { numRetries: 2, thinking: { type: 'enabled', budget_tokens: 2048 } })
 */
export type ShallotCallSettings = Omit<CompletionOptions, 'signal'> &
  GeminiNativeParams & { [param: Lowercase<string>]: unknown };

/**
 * shallot's options and provider parameters for the embedding calls of a model: what
 * `embedding()` takes besides `model`, `input`, `signal` and `encodingFormat` (always `'float'`,
 * the AI SDK's `number[]`).
 *
 * @example
 * shallot.embedding('gemini/gemini-embedding-001', { taskType: 'RETRIEVAL_DOCUMENT', dimensions: 768 })
 */
export type ShallotEmbeddingSettings = Omit<EmbeddingOptions, 'signal' | 'encodingFormat'> & {
  /** Gemini's task type (`RETRIEVAL_QUERY`, `RETRIEVAL_DOCUMENT`, ...), in Gemini's camelCase. */
  taskType?: string;
  [param: Lowercase<string>]: unknown;
};

/** The key of `providerOptions` (and of `providerMetadata`) that belongs to shallot. */
export const PROVIDER_KEY = 'shallot';

/** Which call settings are for: the keys the AI SDK fills differ. */
export type SettingsKind = 'completion' | 'embedding';

/** The keys each kind of AI SDK call fills itself (its model, prompt or values, and abortSignal), which no settings may set. */
const CALL_FILLED_KEYS: Readonly<Record<SettingsKind, readonly string[]>> = {
  completion: ['model', 'messages', 'stream', 'signal'],
  embedding: ['model', 'input', 'signal', 'encodingFormat', 'encoding_format'],
};

/**
 * Refuses settings that set a key the AI SDK call fills itself; `where` names them in the error
 * (`providerOptions.shallot`, `createShallot settings`).
 *
 * @throws ValidationError naming the key.
 */
export function refuseCallFilledKeys(
  settings: Readonly<Record<string, unknown>>,
  kind: SettingsKind,
  where: string,
  modelId?: string,
): void {
  for (const key of CALL_FILLED_KEYS[kind]) {
    if (Object.hasOwn(settings, key)) {
      throw ValidationError.forField(
        `${where}.${key}`,
        'is set by the AI SDK call itself (its model, prompt or values, and abortSignal); remove it.',
        modelId,
      );
    }
  }
}

/**
 * The call's `providerOptions.shallot`, checked: a plain object that sets no key the AI SDK
 * call fills, and no `middleware` (which JSON cannot hold: give it in the model's settings).
 * Its values are checked by `completion()` or `embedding()` themselves.
 *
 * @throws ValidationError naming `providerOptions.shallot` or the key.
 */
export function shallotOptionsOf(
  providerOptions: SharedV3ProviderOptions | undefined,
  kind: SettingsKind,
  modelId: string,
): Record<string, unknown> {
  const where = `providerOptions.${PROVIDER_KEY}`;
  const options = providerOptions?.[PROVIDER_KEY];
  if (options === undefined) return {};
  if (!isPlainObject(options)) {
    throw ValidationError.forField(
      where,
      `expected an object of shallot options and provider parameters, such as { metadata: { user: 'ann' }, numRetries: 2 }, received ${describeValue(options)}.`,
      modelId,
    );
  }
  refuseCallFilledKeys(options, kind, where, modelId);
  if (Object.hasOwn(options, 'middleware')) {
    throw ValidationError.forField(
      `${where}.middleware`,
      "expected no middleware here (providerOptions are JSON): give it in the model's settings, shallot(model, { middleware }).",
      modelId,
    );
  }
  return options;
}

/**
 * Settings given at several levels (the provider's, the model's, the call's), merged: a later
 * level's value replaces an earlier one's, but `metadata` and `headers` objects are merged key
 * by key and `middleware` lists are joined, the earlier level's layers outside.
 */
export function mergeSettings(
  ...levels: ReadonlyArray<Readonly<Record<string, unknown>> | undefined>
): Record<string, unknown> {
  const merged: Record<string, unknown> = {};
  for (const level of levels) {
    if (level === undefined) continue;
    for (const key of Object.keys(level)) {
      const value = level[key];
      if (value === undefined) continue;
      merged[key] = mergedValue(key, merged[key], value);
    }
  }
  return merged;
}

function mergedValue(key: string, earlier: unknown, later: unknown): unknown {
  if ((key === 'metadata' || key === 'headers') && isPlainObject(earlier) && isPlainObject(later))
    return { ...earlier, ...later };
  if (key === 'middleware' && Array.isArray(earlier) && Array.isArray(later))
    return [...earlier, ...later];
  return later;
}

/**
 * The middleware list of merged settings, with `layer` outermost: it sees the call whichever
 * of the others answers it.
 *
 * @throws ValidationError when the settings' `middleware` is not a list.
 */
export function withLayer(settings: Record<string, unknown>, layer: Middleware): Middleware[] {
  const given = settings.middleware;
  if (given === undefined) return [layer];
  if (!Array.isArray(given)) {
    throw ValidationError.forField(
      'middleware',
      `expected an array of (ctx, next) => {} functions, received ${describeValue(given)}.`,
    );
  }
  return [layer, ...(given as Middleware[])];
}

/** True for an object made by `{}` or `Object.create(null)`: no class instance, array or function. */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return false;
  const prototype = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}

/** The AI SDK's call headers without the unset ones; none when nothing is left. */
export function definedHeaders(
  headers: Readonly<Record<string, string | undefined>> | undefined,
): Record<string, string> | undefined {
  if (headers === undefined) return undefined;
  const defined: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers))
    if (value !== undefined) defined[name] = value;
  return Object.keys(defined).length > 0 ? defined : undefined;
}
