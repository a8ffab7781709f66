import type { ProviderV3 } from '@ai-sdk/provider';
import shallot, { type Client, describeValue, optionError, ValidationError } from '../../index.js';
import { ShallotEmbeddingModel } from './embedding-model.js';
import { ShallotLanguageModel } from './language-model.js';
import {
  isPlainObject,
  mergeSettings,
  refuseCallFilledKeys,
  type SettingsKind,
  type ShallotCallSettings,
  type ShallotEmbeddingSettings,
} from './settings.js';

/** Options of {@link createShallot}. */
export interface ShallotProviderSettings {
  /**
   * The client every call runs through, with its middleware, callbacks, cache, prices and
   * providers. @default the default client (`import shallot from 'shallot'`)
   */
  client?: Client;
  /** shallot's options and provider parameters for every completion call; a model's own settings and a call's `providerOptions.shallot` go over them. */
  settings?: ShallotCallSettings;
  /** shallot's options and provider parameters for every embedding call; a model's own settings and a call's `providerOptions.shallot` go over them. */
  embeddingSettings?: ShallotEmbeddingSettings;
  /**
   * How many values `embedMany` puts in one call. shallot splits a call into the provider's
   * own batches, so the default hands it every value at once: one call, one callback event.
   * @default Infinity
   */
  maxEmbeddingsPerCall?: number;
  /** Whether `embedMany` may run its calls (when it splits) at once. @default true */
  supportsParallelCalls?: boolean;
}

/**
 * The AI SDK provider `createShallot()` returns: call it with a model (`shallot('openai/gpt-4o-mini')`)
 * for a language model, or use its methods, named as the AI SDK's own providers name them.
 */
export interface ShallotProvider extends ProviderV3 {
  /** A language model; `settings` go over the provider's for its calls. */
  (modelId: string, settings?: ShallotCallSettings): ShallotLanguageModel;
  /** A language model; `settings` go over the provider's for its calls. */
  languageModel(modelId: string, settings?: ShallotCallSettings): ShallotLanguageModel;
  /** The same as {@link languageModel}: every shallot model speaks chat completions. */
  chat(modelId: string, settings?: ShallotCallSettings): ShallotLanguageModel;
  /** An embedding model; `settings` go over the provider's `embeddingSettings` for its calls. */
  embeddingModel(modelId: string, settings?: ShallotEmbeddingSettings): ShallotEmbeddingModel;
  /** The same as {@link embeddingModel}. */
  embedding(modelId: string, settings?: ShallotEmbeddingSettings): ShallotEmbeddingModel;
  /** @deprecated The AI SDK's old name: use {@link embeddingModel}. */
  textEmbeddingModel(modelId: string, settings?: ShallotEmbeddingSettings): ShallotEmbeddingModel;
  /** @deprecated The AI SDK's old name: use {@link embedding}. */
  textEmbedding(modelId: string, settings?: ShallotEmbeddingSettings): ShallotEmbeddingModel;
  /** Not offered: shallot makes completions and embeddings only. Throws a `ValidationError`. */
  imageModel(modelId: string): never;
}

/**
 * A Vercel AI SDK provider whose models run every call through a shallot client: `generateText`,
 * `streamText`, `generateObject`, `embed` and `embedMany` get shallot's middleware, callbacks,
 * cost, cache, router, limits, retries and sinks, and every provider shallot speaks (OpenAI,
 * Anthropic, Gemini, Azure, Ollama and OpenAI-compatible servers), by one model string.
 *
 * Retries are shallot's (`numRetries`, `fallbacks`, the router): its errors reach the AI SDK
 * as the `ShallotError`s they are, which the AI SDK's own retry (`maxRetries`) never repeats.
 * A call's `providerOptions.shallot` takes shallot's options (`metadata`, `traceId`,
 * `numRetries`, `cache`, `mockResponse`, ...) and provider parameters (`top_k`, `thinking`, ...).
 *
 * @throws ValidationError for a bad option, when called.
 * @example
 * import { generateText } from 'ai';
 * import { createClient } from 'shallot';
 * import { createShallot } from 'shallot/ai-sdk';
 *
 * const shallot = createShallot({ client: createClient({ numRetries: 2 }) });
 * const { text } = await generateText({
 *   model: shallot('anthropic/claude-haiku-4-5'),
 *   prompt: 'Say hi',
 *   providerOptions: { shallot: { metadata: { user: 'ann' } } },
 * });
 */
export function createShallot(options: ShallotProviderSettings = {}): ShallotProvider {
  if (!isPlainObject(options as unknown)) {
    throw ValidationError.forField(
      'createShallot options',
      `expected an object such as { client }, received ${describeValue(options)}.`,
    );
  }
  const client = options.client ?? shallot;
  if (typeof client?.completion !== 'function' || typeof client.embedding !== 'function') {
    throw optionError('createShallot', 'client', 'a client from createClient()', client);
  }
  const defaults = checkedSettings(options.settings, 'completion', 'settings');
  const embeddingDefaults = checkedSettings(
    options.embeddingSettings,
    'embedding',
    'embeddingSettings',
  );
  const limits = {
    maxEmbeddingsPerCall: checkedLimit(options.maxEmbeddingsPerCall),
    supportsParallelCalls: checkedFlag(options.supportsParallelCalls),
  };

  const languageModel = (modelId: string, settings?: ShallotCallSettings) =>
    new ShallotLanguageModel(
      checkedModel(modelId),
      client,
      mergeSettings(defaults, checkedSettings(settings, 'completion', 'settings', modelId)),
    );
  const embeddingModel = (modelId: string, settings?: ShallotEmbeddingSettings) =>
    new ShallotEmbeddingModel(
      checkedModel(modelId),
      client,
      mergeSettings(embeddingDefaults, checkedSettings(settings, 'embedding', 'settings', modelId)),
      limits,
    );
  const provider = (modelId: string, settings?: ShallotCallSettings) =>
    languageModel(modelId, settings);
  return Object.assign(provider, {
    specificationVersion: 'v3' as const,
    languageModel,
    chat: languageModel,
    embeddingModel,
    embedding: embeddingModel,
    textEmbeddingModel: embeddingModel,
    textEmbedding: embeddingModel,
    imageModel(modelId: string): never {
      throw ValidationError.forField(
        'imageModel',
        `shallot/ai-sdk makes language and embedding models only; ${JSON.stringify(modelId)} cannot be an image model. Use the AI SDK's own provider for images.`,
        modelId,
      );
    },
  });
}

function checkedModel(modelId: unknown): string {
  if (typeof modelId === 'string' && modelId.trim() !== '') return modelId;
  throw ValidationError.forField(
    'modelId',
    `expected a model such as 'openai/gpt-4o-mini' or 'anthropic/claude-haiku-4-5', received ${describeValue(modelId)}.`,
  );
}

function checkedSettings(
  settings: unknown,
  kind: SettingsKind,
  option: string,
  modelId?: string,
): Readonly<Record<string, unknown>> {
  if (settings === undefined) return {};
  const where = modelId === undefined ? 'createShallot' : `model ${modelId}`;
  if (!isPlainObject(settings)) {
    throw optionError(
      where,
      option,
      'an object of shallot options and provider parameters',
      settings,
    );
  }
  refuseCallFilledKeys(settings, kind, `${where} ${option}`, modelId);
  return { ...settings };
}

function checkedLimit(limit: unknown): number {
  if (limit === undefined) return Number.POSITIVE_INFINITY;
  if (limit === Number.POSITIVE_INFINITY || (Number.isSafeInteger(limit) && (limit as number) > 0))
    return limit as number;
  throw optionError(
    'createShallot',
    'maxEmbeddingsPerCall',
    'a positive integer or Infinity',
    limit,
  );
}

function checkedFlag(flag: unknown): boolean {
  if (flag === undefined) return true;
  if (typeof flag === 'boolean') return flag;
  throw optionError('createShallot', 'supportsParallelCalls', 'a boolean', flag);
}
