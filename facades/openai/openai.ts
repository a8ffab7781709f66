import type { Client } from '../../index.js';
import { Caller } from './caller.js';
import { Chat } from './chat-completions.js';
import {
  callDefaults,
  checkOptions,
  type FacadeSetup,
  type OpenAIOptions,
  setUp,
} from './client-options.js';
import { Embeddings } from './embeddings.js';
import * as errors from './errors.js';
import { Models } from './models.js';
import type { RequestOptions as FacadeRequestOptions } from './request-options.js';
import type * as Types from './types.js';

/** The options `withOptions()` may change without a new client: the rest say where to connect. */
const PER_CALL: ReadonlySet<string> = new Set(['timeout', 'maxRetries', 'metadata', 'models']);

/**
 * A setup handed from `withOptions()` to the constructor it calls, so that the derived facade
 * shares its parent's client without a constructor parameter users could see.
 */
let inherited: FacadeSetup | undefined;

/**
 * openai-node's client, with shallot's onion underneath: change the import, keep the code.
 * Every call runs through a shallot client (its middleware, callbacks, cost, cache, router,
 * limits and sinks): the one given as `client`, or one made from `apiKey` and `baseURL`.
 *
 * @example
 * import OpenAI from 'shallot/openai';
 * const openai = new OpenAI({ client: shallotClient });
 * const completion = await openai.chat.completions.create({ model: 'gpt-4o-mini', messages });
 */
export class OpenAI {
  static OpenAI = OpenAI;
  /** openai-node's default timeout, which is shallot's: 10 minutes. */
  static DEFAULT_TIMEOUT = 600_000;
  static OpenAIError = errors.OpenAIError;
  static APIError = errors.APIError;
  static APIConnectionError = errors.APIConnectionError;
  static APIConnectionTimeoutError = errors.APIConnectionTimeoutError;
  static APIUserAbortError = errors.APIUserAbortError;
  static NotFoundError = errors.NotFoundError;
  static ConflictError = errors.ConflictError;
  static RateLimitError = errors.RateLimitError;
  static BadRequestError = errors.BadRequestError;
  static AuthenticationError = errors.AuthenticationError;
  static InternalServerError = errors.InternalServerError;
  static PermissionDeniedError = errors.PermissionDeniedError;
  static UnprocessableEntityError = errors.UnprocessableEntityError;

  /** The shallot client every call runs through: add callbacks, layers or a cache to it. */
  readonly client: Client;
  /** Chat Completions: `chat.completions.create()` and `chat.completions.stream()`. */
  readonly chat: Chat;
  /** Embeddings: `embeddings.create()`. */
  readonly embeddings: Embeddings;
  /** The models this facade lists: `models.list()`, `models.retrieve()`. */
  readonly models: Models;
  /** The base URL, as given (null with a client of the caller's, or when the default applies). */
  baseURL: string | null;
  /** The timeout given, in milliseconds; the client's applies when none was. */
  timeout: number | undefined;
  /** The retries given; the client's apply when none were. */
  maxRetries: number | undefined;
  organization: string | null;
  project: string | null;
  readonly #options: OpenAIOptions;

  /**
   * @throws ValidationError naming the option, for one the facade does not take (`fetch`,
   * `logLevel`, ... with what to do instead), a bad value, or `apiKey`/`baseURL` with `client`.
   */
  constructor(options: OpenAIOptions = {}) {
    const setup = inherited ?? setUp(options);
    inherited = undefined;
    this.#options = { ...options };
    this.client = setup.client;
    const caller = new Caller(setup.client, setup.shape);
    this.chat = new Chat(caller);
    this.embeddings = new Embeddings(caller);
    this.models = new Models(options.models);
    this.baseURL = options.baseURL ?? null;
    this.timeout = options.timeout;
    this.maxRetries = options.maxRetries;
    this.organization = options.organization ?? null;
    this.project = options.project ?? null;
  }

  /**
   * A facade with these options over this one's, as openai-node's `withOptions()`. Changing only
   * `timeout`, `maxRetries`, `metadata` or `models` keeps the same shallot client; changing
   * where or as whom to connect (`apiKey`, `baseURL`, ...) makes a facade with a client of its
   * own, or is refused over a client of the caller's.
   *
   * @example
   * const patient = openai.withOptions({ timeout: 120_000, maxRetries: 5 });
   */
  withOptions(options: Partial<OpenAIOptions>): OpenAI {
    const merged = { ...this.#options, ...options };
    const ownClient = this.#options.client === undefined;
    const reconnects = Object.keys(options).some((name) => !PER_CALL.has(name));
    if (!ownClient || reconnects) return new OpenAI(merged);
    checkOptions(merged);
    inherited = {
      client: this.client,
      shape: { modelPrefix: 'openai/', defaults: callDefaults(merged) },
    };
    return new OpenAI(merged);
  }
}

/**
 * openai-node's types under the class's name, for code that writes `OpenAI.ChatCompletion` or
 * `OpenAI.Chat.ChatCompletionMessageParam`.
 */
export declare namespace OpenAI {
  export type RequestOptions = FacadeRequestOptions;
  export type ChatCompletion = Types.ChatCompletion;
  export type ChatCompletionChunk = Types.ChatCompletionChunk;
  export type ChatCompletionCreateParams = Types.ChatCompletionCreateParams;
  export type ChatCompletionCreateParamsNonStreaming = Types.ChatCompletionCreateParamsNonStreaming;
  export type ChatCompletionCreateParamsStreaming = Types.ChatCompletionCreateParamsStreaming;
  export type ChatCompletionMessage = Types.ChatCompletionMessage;
  export type ChatCompletionMessageParam = Types.ChatCompletionMessageParam;
  export type ChatCompletionMessageToolCall = Types.ChatCompletionMessageToolCall;
  export type ChatCompletionTool = Types.ChatCompletionTool;
  export type ChatCompletionToolChoiceOption = Types.ChatCompletionToolChoiceOption;
  export type CompletionUsage = Types.CompletionUsage;
  export type CreateEmbeddingResponse = Types.CreateEmbeddingResponse;
  export type Embedding = Types.Embedding;
  export type EmbeddingCreateParams = Types.EmbeddingCreateParams;
  export type Model = Types.Model;
  export namespace Chat {
    export type ChatCompletion = Types.ChatCompletion;
    export type ChatCompletionChunk = Types.ChatCompletionChunk;
    export type ChatCompletionCreateParams = Types.ChatCompletionCreateParams;
    export type ChatCompletionMessage = Types.ChatCompletionMessage;
    export type ChatCompletionMessageParam = Types.ChatCompletionMessageParam;
    export type ChatCompletionMessageToolCall = Types.ChatCompletionMessageToolCall;
    export type ChatCompletionTool = Types.ChatCompletionTool;
  }
}
