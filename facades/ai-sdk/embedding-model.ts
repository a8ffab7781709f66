import type {
  EmbeddingModelV3,
  EmbeddingModelV3CallOptions,
  EmbeddingModelV3Result,
} from '@ai-sdk/provider';
import type { Client, EmbeddingParams } from '../../index.js';
import { CallObserver } from './observe.js';
import { definedHeaders, mergeSettings, shallotOptionsOf, withLayer } from './settings.js';

/** How the AI SDK may call an embedding model, as `createShallot()` set it. */
export interface EmbeddingCallLimits {
  maxEmbeddingsPerCall: number;
  supportsParallelCalls: boolean;
}

/**
 * An AI SDK embedding model (specification v3) whose every call is a shallot `embedding()`,
 * through the client's onion (callbacks with `call_type: 'aembedding'`, cost, the per-input
 * cache, resilience, sinks). shallot splits a call into the provider's batches itself, so by
 * default the AI SDK hands it all the values of an `embedMany` at once: one call, one
 * callback event, one cost. Make one with `createShallot()`.
 */
export class ShallotEmbeddingModel implements EmbeddingModelV3 {
  readonly specificationVersion = 'v3';
  /** The provider's name in the AI SDK's telemetry. */
  readonly provider = 'shallot';
  /** The model as shallot names it (`openai/text-embedding-3-small`, `gemini/gemini-embedding-001`). */
  readonly modelId: string;
  /** How many values the AI SDK puts in one call; `embedMany` splits larger lists. */
  readonly maxEmbeddingsPerCall: number;
  /** Whether `embedMany` may run its calls at once. */
  readonly supportsParallelCalls: boolean;
  readonly #client: Client;
  readonly #settings: Readonly<Record<string, unknown>>;

  /** @internal Made by `createShallot()`, which checks the settings. */
  constructor(
    modelId: string,
    client: Client,
    settings: Readonly<Record<string, unknown>>,
    limits: EmbeddingCallLimits,
  ) {
    this.modelId = modelId;
    this.#client = client;
    this.#settings = settings;
    this.maxEmbeddingsPerCall = limits.maxEmbeddingsPerCall;
    this.supportsParallelCalls = limits.supportsParallelCalls;
  }

  /** One `embedding()` of the values, as `number[]` vectors in their order; a failure is thrown as the `ShallotError` it is. */
  async doEmbed(options: EmbeddingModelV3CallOptions): Promise<EmbeddingModelV3Result> {
    const observer = new CallObserver();
    const merged = mergeSettings(
      this.#settings,
      { headers: definedHeaders(options.headers) },
      shallotOptionsOf(options.providerOptions, 'embedding', this.modelId),
    );
    const params = {
      ...merged,
      model: this.modelId,
      input: options.values,
      encodingFormat: 'float',
      middleware: withLayer(merged, observer.layer),
    } as EmbeddingParams & { encodingFormat: 'float' };
    if (options.abortSignal !== undefined) params.signal = options.abortSignal;
    const answer = await this.#client.embedding(params);
    const providerMetadata = observer.metadata();
    const headers = observer.responseHeaders();
    return {
      embeddings: answer.data.map((item) => item.embedding),
      usage: { tokens: answer.usage.prompt_tokens },
      ...(providerMetadata === undefined ? {} : { providerMetadata }),
      ...(headers === undefined ? {} : { response: { headers } }),
      warnings: [],
    };
  }
}
