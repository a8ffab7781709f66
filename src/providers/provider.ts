import type { ProviderRequest } from '../context/types.js';
import type { ShallotError } from '../errors/shallot-error.js';
import type { Secret } from '../secrets/secret.js';
import type { EmbeddingItem, EmbeddingRequest } from '../types/embedding.js';
import type { ChatCompletion, ChatCompletionChunk, ChatRequest } from '../types/openai.js';

/** Per-provider settings on a client (`createClient({ providers: { openai: {...} } })`). */
export interface ProviderOptions {
  /** The API key. Falls back to the provider's environment variable (`OPENAI_API_KEY`). */
  apiKey?: string;
  /** The base URL. Falls back to the provider's environment variable, then its public URL. */
  apiBase?: string;
  /** Extra headers sent with every request to this provider. */
  headers?: Record<string, string>;
  /** The API version (Azure). */
  apiVersion?: string;
  /** OpenAI's `OpenAI-Organization` header. */
  organization?: string;
  /** OpenAI's `OpenAI-Project` header. */
  project?: string;
}

/** A provider, with its settings resolved for one call. */
export interface ResolvedProvider {
  /** The provider's name: `openai`, or the name of a configured OpenAI-compatible endpoint. */
  name: string;
  /** The model id the provider receives (the `provider/` prefix removed). */
  model: string;
  /** The base URL the request goes to. */
  apiBase: string;
  /** The key, if one was found. */
  apiKey: Secret | undefined;
  /** The environment variable that would hold the key, for error messages. */
  apiKeyEnv: string | undefined;
  /** Headers from the provider's settings. */
  headers: Record<string, string>;
  /** The API version, from the call or the provider's settings (Azure). */
  apiVersion: string | undefined;
  /** The provider's settings as configured on the client. */
  options: ProviderOptions;
  /** False for an OpenAI-compatible endpoint the client named itself. */
  builtIn: boolean;
  /** The wire format. */
  adapter: ProviderAdapter;
}

/** One server-sent event or NDJSON line, as the transport hands it to a decoder. */
export interface WireEvent {
  /** The SSE `event:` field; undefined when the server sent none. */
  event?: string | undefined;
  /** The `data:` payload (SSE) or the whole line (NDJSON). */
  data: string;
}

/** Turns one provider's stream events into OpenAI chunks. One decoder per stream. */
export interface StreamDecoder {
  /** The next chunk for this event, if it makes one. Throws a typed error for an error event. */
  decode(event: WireEvent): ChatCompletionChunk | undefined;
  /** True once the terminal marker (`[DONE]`, `message_stop`, ...) has arrived. */
  readonly done: boolean;
  /** True when the stream may end here without being truncated. */
  readonly complete: boolean;
}

/** A non-2xx answer, or an error object inside a 200, handed to the provider's error mapper. */
export interface ProviderFailure {
  status: number;
  /** The body, parsed where it was JSON, with secrets masked. */
  body: unknown;
  /** The body's raw text, with secrets masked. */
  text: string;
  headers: Record<string, string>;
  provider: string;
  model: string;
  /** The environment variable for the key, for the fix in an authentication error's message. */
  apiKeyEnv: string | undefined;
}

/** Everything a provider needs to build its HTTP request. */
export interface BuildRequestInput {
  request: ChatRequest;
  provider: ResolvedProvider;
  /** Extra headers from the call. */
  headers: Record<string, string> | undefined;
  stream: boolean;
}

/** A provider's wire format: request transform, response and stream parsers, error mapping. */
export interface ProviderAdapter {
  readonly name: string;
  /** The public base URL. */
  readonly defaultApiBase: string;
  /** The environment variable for the key. */
  readonly apiKeyEnv: string | undefined;
  /** Environment variables for the base URL, in order of preference. */
  readonly apiBaseEnv: readonly string[];
  /** Whether a call to `apiBase` needs a key (a local compatible server usually does not). */
  requiresKey(apiBase: string): boolean;
  /** How a stream is framed on the wire. @default 'sse' */
  readonly streamFraming?: 'sse' | 'ndjson';
  /** A local runtime (Ollama, LM Studio, vLLM): tokens cost nothing unless priced otherwise. */
  readonly localRuntime?: boolean;
  /**
   * Request parameters this provider takes in its own camelCase (Gemini's `topK`): passed
   * through, where any other camelCase key of a call is refused as a typo. @default none
   */
  readonly nativeParameters?: readonly string[];
  buildRequest(input: BuildRequestInput): ProviderRequest;
  /** Turns a parsed 2xx body into a `chat.completion`. */
  parseResponse(body: unknown, provider: ResolvedProvider): ChatCompletion;
  createStreamDecoder(provider: ResolvedProvider): StreamDecoder;
  /** Maps a failure to the error taxonomy. */
  mapError(failure: ProviderFailure): ShallotError;
  /** Finds an error object inside a 2xx body or a stream event, if there is one. */
  findError(body: unknown): unknown;
  /** The provider's embeddings endpoint; none when it has no embeddings. */
  readonly embeddings?: EmbeddingAdapter;
}

/** Everything a provider needs to build one embeddings request (one batch of a call). */
export interface BuildEmbeddingRequestInput {
  /** The call's request: `model`, `dimensions`, `user` and provider parameters. Its `input` is not sent: `items` is. */
  request: EmbeddingRequest;
  /** The inputs of this request, in order: at most the adapter's `maxBatchSize`. */
  items: readonly EmbeddingItem[];
  provider: ResolvedProvider;
  /** Extra headers from the call. */
  headers: Record<string, string> | undefined;
}

/** One embeddings answer, read and checked. */
export interface EmbeddingBatch {
  /**
   * One vector per item sent, in the items' order (whatever order the server listed them in):
   * a `Float32Array` where the server sent base64, the parsed numbers where it sent floats.
   */
  vectors: Array<Float32Array | number[]>;
  /** Input tokens the provider counted; undefined where it counts none (Gemini). */
  promptTokens: number | undefined;
  /** The model the server says answered, where it says. */
  model: string | undefined;
}

/**
 * A provider's embeddings wire format. The shared code batches the items, checks widths
 * against `dimensions` and builds the OpenAI-format response; the adapter only speaks the wire.
 */
export interface EmbeddingAdapter {
  /** The most items one request may carry (OpenAI: 2,048); a bigger call is split into batches. */
  readonly maxBatchSize: number;
  /** Whether the server takes token-id inputs (OpenAI does; Gemini and Ollama take text only). */
  readonly acceptsTokens: boolean;
  buildRequest(input: BuildEmbeddingRequestInput): ProviderRequest;
  /**
   * Reads a parsed 2xx body holding `count` vectors. Treats it as hostile: a missing,
   * duplicate or out-of-range index, a vector that is not numbers or valid base64, or a count
   * other than `count` is an `InvalidResponseError` naming the field.
   */
  parseResponse(body: unknown, provider: ResolvedProvider, count: number): EmbeddingBatch;
}
