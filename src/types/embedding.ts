/**
 * OpenAI's embeddings shapes, which shallot uses for every provider, as it uses the chat
 * format for completions.
 */

/** One item of an embedding call's input: a text, or a list of token ids. */
export type EmbeddingItem = string | readonly number[];

/** What `input` accepts, as OpenAI does: a text, texts, a token list, or token lists. */
export type EmbeddingInput =
  | string
  | readonly string[]
  | readonly number[]
  | readonly (readonly number[])[];

/**
 * What the caller gets each vector as:
 * - `'float'`: `number[]` (OpenAI's default, and shallot's);
 * - `'float32'`: a `Float32Array` (no copy into a JS array: the fastest, and 4 bytes a value);
 * - `'base64'`: the little-endian float32 bytes in base64, as OpenAI returns them.
 */
export type EmbeddingEncoding = 'float' | 'float32' | 'base64';

/** A vector as {@link EmbeddingEncoding} makes it. */
export type EmbeddingVector = number[] | Float32Array | string;

/**
 * The validated request of an embedding call (`ctx.request` when `ctx.kind === 'embedding'`):
 * OpenAI's snake_case fields, and any provider parameter passed through (`input_type` for
 * Voyage and Cohere, `task_type` for Gemini, `truncate` for Ollama).
 */
export interface EmbeddingRequest {
  /** `provider/model`, as for completions. */
  model: string;
  /** The input, as the caller gave it. */
  input: EmbeddingInput;
  /** The width of each vector, for models that can shorten theirs. */
  dimensions?: number;
  /** A stable id of the end user, sent to providers that take it. */
  user?: string;
  [param: string]: unknown;
}

/** One vector of an embedding response. */
export interface Embedding<Vector extends EmbeddingVector = number[]> {
  object: 'embedding';
  /** The position of its input. */
  index: number;
  embedding: Vector;
}

/** Token usage of an embedding call. */
export interface EmbeddingUsage {
  prompt_tokens: number;
  total_tokens: number;
}

/** An embedding call's answer, in OpenAI's format whatever the provider. */
export interface EmbeddingResponse<Vector extends EmbeddingVector = number[]> {
  object: 'list';
  /** One vector per input item, in input order. */
  data: Array<Embedding<Vector>>;
  /** The model that answered, as the provider named it. */
  model: string;
  usage: EmbeddingUsage;
}

/** What `mockResponse` of `embedding()` takes besides an `Error`: a whole response (returned as given), or one vector per input. */
export type EmbeddingMockResponse =
  | EmbeddingResponse<EmbeddingVector>
  | ReadonlyArray<readonly number[] | Float32Array>;
