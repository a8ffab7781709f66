import type { ProviderRequest } from '../../context/types.js';
import type { JsonObject, JsonValue } from '../../types/openai.js';
import type {
  BuildEmbeddingRequestInput,
  EmbeddingAdapter,
  EmbeddingBatch,
  ResolvedProvider,
} from '../provider.js';
import {
  EmbeddingAnswerReader,
  IndexedSlots,
  readTokenCount,
} from '../shared/embedding-vectors.js';

/** OpenAI's documented limit on the inputs of one `/v1/embeddings` request. */
export const OPENAI_EMBEDDING_BATCH = 2048;

/**
 * Request fields never copied from the call: `input` is sent as the batch's items, `model`
 * as the provider's model id, and `encoding_format` says how the caller wants the vectors,
 * not how they travel (they travel as base64 wherever that is float32).
 */
const NOT_PASSED = new Set(['model', 'input', 'encoding_format']);

/** What sets one OpenAI-compatible server's embeddings endpoint apart from OpenAI's. */
export interface EmbeddingProfile {
  /** The most inputs one request may carry. @default 2048 */
  maxBatchSize?: number;
  /** Whether the server takes token-id inputs. @default true */
  acceptsTokens?: boolean;
  /** Request fields the server names differently (Voyage: `dimensions` → `output_dimension`). */
  renamedParams?: Readonly<Record<string, string>>;
  /** Request fields the server does not take, left out of the body (Voyage: `user`). @default none */
  droppedParams?: readonly string[];
  /**
   * The request field that picks the vectors' element type (Voyage, Mistral: `output_dtype`).
   * Set to anything but `'float'`, the base64 would not hold float32s, so the request asks for
   * plain JSON numbers instead. @default none
   */
  dtypeParam?: string;
}

/** {@link openAIEmbeddings}' settings: the profile, and how to reach the server. */
export interface OpenAIEmbeddingsOptions extends EmbeddingProfile {
  /** The endpoint's URL (`${apiBase}/embeddings`; Azure's deployment URL). */
  url(provider: ResolvedProvider): string;
  /** The request's headers: content type, accept, auth, the provider's and the call's own. */
  headers(
    provider: ResolvedProvider,
    callHeaders: Record<string, string> | undefined,
  ): ProviderRequest['headers'];
}

/**
 * OpenAI's `POST /v1/embeddings`, for OpenAI and every server that speaks it.
 *
 * The body is `{ model, input: items, encoding_format: 'base64', ...params }`: the call's other
 * parameters (`dimensions`, `user`, `input_type`, ...) pass through, renamed or dropped as the
 * profile says. Base64 is asked for always (a quarter of the bytes of JSON floats, and no
 * float parsing); a server that ignores it and answers arrays of numbers is read all the same,
 * item by item. Vectors are put in input order by their `index`, whatever order the server
 * listed them in. `usage.prompt_tokens` (or `total_tokens` where it is the only count, as at
 * Voyage) is the prompt tokens; a count that is not a non-negative integer counts as absent.
 *
 * @example
 * const embeddings = openAIEmbeddings({
 *   url: (provider) => `${provider.apiBase}/embeddings`,
 *   headers: (provider, callHeaders) => ({ 'content-type': 'application/json', ...callHeaders }),
 * });
 */
export function openAIEmbeddings(options: OpenAIEmbeddingsOptions): EmbeddingAdapter {
  return {
    maxBatchSize: options.maxBatchSize ?? OPENAI_EMBEDDING_BATCH,
    acceptsTokens: options.acceptsTokens ?? true,
    buildRequest: (input) => buildEmbeddingRequest(options, input),
    parseResponse: parseOpenAIEmbeddings,
  };
}

function buildEmbeddingRequest(
  options: OpenAIEmbeddingsOptions,
  { request, items, provider, headers }: BuildEmbeddingRequestInput,
): ProviderRequest {
  const body: JsonObject = { model: provider.model, input: items as JsonValue };
  const renamed = options.renamedParams;
  for (const key of Object.keys(request)) {
    const value = request[key];
    if (value === undefined || NOT_PASSED.has(key) || options.droppedParams?.includes(key)) {
      continue;
    }
    // An own `__proto__` key (from a parsed gateway request) would set the body's prototype.
    if (key === '__proto__') continue;
    const name = renamed !== undefined && Object.hasOwn(renamed, key) ? renamed[key] : key;
    body[name as string] = value as JsonValue;
  }
  if (asksForFloat32(options, request)) body.encoding_format = 'base64';
  return {
    url: options.url(provider),
    method: 'POST',
    headers: options.headers(provider, headers),
    body,
  };
}

/** False where the caller picked another element type than float32 (`output_dtype: 'int8'`). */
function asksForFloat32(options: EmbeddingProfile, request: Record<string, unknown>): boolean {
  const dtype = options.dtypeParam === undefined ? undefined : request[options.dtypeParam];
  return dtype === undefined || dtype === null || dtype === 'float';
}

/**
 * Reads `{ object: 'list', data: [{ object: 'embedding', index, embedding }], model, usage }`
 * holding `count` vectors; anything else is an `InvalidResponseError` naming the field.
 */
export function parseOpenAIEmbeddings(
  body: unknown,
  provider: ResolvedProvider,
  count: number,
): EmbeddingBatch {
  const reader = new EmbeddingAnswerReader(provider, body);
  const root = reader.object(body, 'the body');
  const data = reader.list(reader.field(root, 'data'), count, 'data');
  const slots = new IndexedSlots<Float32Array | number[]>(count, reader);
  data.forEach((entry, position) => {
    const field = `data[${position}]`;
    const item = reader.object(entry, field);
    const index = reader.index(reader.field(item, 'index'), count, `${field}.index`);
    slots.put(index, reader.vector(reader.field(item, 'embedding'), `${field}.embedding`), field);
  });
  const model = reader.field(root, 'model');
  return {
    vectors: slots.all('data'),
    promptTokens: promptTokensOf(reader, root),
    model: typeof model === 'string' && model !== '' ? model : undefined,
  };
}

function promptTokensOf(
  reader: EmbeddingAnswerReader,
  root: Record<string, unknown>,
): number | undefined {
  const usage = reader.field(root, 'usage');
  if (usage === null || typeof usage !== 'object' || Array.isArray(usage)) return undefined;
  const fields = usage as Record<string, unknown>;
  return (
    readTokenCount(reader.field(fields, 'prompt_tokens')) ??
    readTokenCount(reader.field(fields, 'total_tokens'))
  );
}
