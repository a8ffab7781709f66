import type {
  LanguageModelV3,
  LanguageModelV3CallOptions,
  LanguageModelV3GenerateResult,
  LanguageModelV3StreamResult,
} from '@ai-sdk/provider';
import type { Client } from '../../index.js';
import { completionParamsOf } from './call-params.js';
import { generateResultOf } from './generate-result.js';
import { CallObserver } from './observe.js';
import { partsStream } from './parts-stream.js';

/** Image URLs every provider but these takes as they are; for these the AI SDK downloads them. */
const DOWNLOADS_IMAGES = ['gemini/', 'gemini-', 'ollama/'];

const HTTP_URL = /^https?:\/\/.*$/;

/**
 * An AI SDK language model (specification v3) whose every call is a shallot `completion()`,
 * through the client's whole onion: middleware, callbacks, cost, cache, router, limits,
 * resilience and sinks. Make one with `createShallot()`.
 */
export class ShallotLanguageModel implements LanguageModelV3 {
  readonly specificationVersion = 'v3';
  /** The provider's name in the AI SDK's telemetry and step results. */
  readonly provider = 'shallot';
  /** The model as shallot names it: `provider/model` (`anthropic/claude-sonnet-4-5`) or a bare name. */
  readonly modelId: string;
  /**
   * Image URLs sent as they are (http and https); other files, and images for Gemini and
   * Ollama (which take none by URL), are downloaded by the AI SDK and sent as data.
   */
  readonly supportedUrls: Record<string, RegExp[]>;
  readonly #client: Client;
  readonly #settings: Readonly<Record<string, unknown>>;

  /** @internal Made by `createShallot()`, which checks the settings. */
  constructor(modelId: string, client: Client, settings: Readonly<Record<string, unknown>>) {
    this.modelId = modelId;
    this.#client = client;
    this.#settings = settings;
    const downloads = DOWNLOADS_IMAGES.some((prefix) => modelId.startsWith(prefix));
    this.supportedUrls = downloads ? {} : { 'image/*': [HTTP_URL] };
  }

  /** One plain `completion()`; a failure is thrown as the `ShallotError` it is. */
  async doGenerate(options: LanguageModelV3CallOptions): Promise<LanguageModelV3GenerateResult> {
    const observer = new CallObserver();
    const { params, warnings } = completionParamsOf(
      this.modelId,
      options,
      this.#settings,
      observer.layer,
    );
    // `stream` is left out rather than false: the body then holds only what the call set.
    const answer = await this.#client.completion(params as typeof params & { stream?: false });
    return generateResultOf(answer, warnings, observer);
  }

  /**
   * One streamed `completion()`, resolved when the response head arrives (a failure before it
   * is thrown as the `ShallotError` it is), its chunks as the AI SDK's stream parts.
   */
  async doStream(options: LanguageModelV3CallOptions): Promise<LanguageModelV3StreamResult> {
    const observer = new CallObserver();
    const { params, warnings } = completionParamsOf(
      this.modelId,
      options,
      this.#settings,
      observer.layer,
    );
    const stream = await this.#client.completion({ ...params, stream: true });
    const body = observer.requestBody();
    const headers = observer.responseHeaders();
    return {
      stream: partsStream(stream, {
        warnings,
        includeRawChunks: options.includeRawChunks === true,
        observer,
        abortSignal: options.abortSignal,
      }),
      ...(body === undefined ? {} : { request: { body } }),
      ...(headers === undefined ? {} : { response: { headers } }),
    };
  }
}
