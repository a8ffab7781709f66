import type { ProviderRequest } from '../../context/types.js';
import { ValidationError } from '../../errors/validation-error.js';
import type { EmbeddingItem, EmbeddingRequest } from '../../types/embedding.js';
import type { JsonObject } from '../../types/openai.js';
import type {
  BuildEmbeddingRequestInput,
  EmbeddingAdapter,
  EmbeddingBatch,
  ResolvedProvider,
} from '../provider.js';
import { describe, EmbeddingAnswerReader } from '../shared/embedding-vectors.js';
import { geminiHeaders, geminiModelName, geminiUrl } from './endpoint.js';

/** `batchEmbedContents` refuses more: "at most 100 requests can be in one batch". */
const GEMINI_EMBEDDING_BATCH = 100;

/**
 * Request fields the embeddings body uses or may leave out: `user` is a hint Gemini has no
 * field for, and `encoding_format` says how the caller wants the vectors, not how they travel.
 */
const KNOWN = new Set([
  'model',
  'input',
  'dimensions',
  'taskType',
  'task_type',
  'title',
  'user',
  'encoding_format',
]);

/**
 * Gemini's `POST {base}/models/{model}:batchEmbedContents`, with the key in `x-goog-api-key`.
 *
 * - Each text is one request: `{ model: 'models/{model}', content: { parts: [{ text }] } }`,
 *   with `outputDimensionality` for `dimensions`, `taskType` for `taskType` (or `task_type`)
 *   and `title` for `title`.
 * - Texts only (no token ids); 100 of them a request, the API's limit.
 * - Any other parameter is a ValidationError before the call (Gemini answers unknown fields
 *   with a 400); `user` is dropped.
 * - The answer `{ embeddings: [{ values }] }` lists the vectors in request order; it reports
 *   no usage, so `promptTokens` is undefined.
 */
export const geminiEmbeddings: EmbeddingAdapter = {
  maxBatchSize: GEMINI_EMBEDDING_BATCH,
  acceptsTokens: false,

  buildRequest({ request, items, provider, headers }: BuildEmbeddingRequestInput): ProviderRequest {
    checkParameters(request);
    const model = geminiModelName(provider.model);
    const settings = settingsOf(request);
    const requests = items.map((item) => ({
      model,
      content: { parts: [{ text: textOf(item) }] },
      ...settings,
    }));
    return {
      url: geminiUrl(provider, 'batchEmbedContents'),
      method: 'POST',
      headers: { ...geminiHeaders(provider, headers), accept: 'application/json' },
      body: { requests },
    };
  },

  parseResponse(body: unknown, provider: ResolvedProvider, count: number): EmbeddingBatch {
    const reader = new EmbeddingAnswerReader(provider, body);
    const root = reader.object(body, 'the body');
    const embeddings = reader.list(reader.field(root, 'embeddings'), count, 'embeddings');
    const vectors = embeddings.map((entry, position) => {
      const field = `embeddings[${position}]`;
      return reader.floats(reader.field(reader.object(entry, field), 'values'), `${field}.values`);
    });
    return { vectors, promptTokens: undefined, model: undefined };
  },
};

/** The per-text settings every request of the batch repeats. */
function settingsOf(request: EmbeddingRequest): JsonObject {
  const settings: JsonObject = {};
  if (request.dimensions !== undefined) settings.outputDimensionality = request.dimensions;
  const taskType = request.taskType ?? request.task_type;
  if (taskType !== undefined) settings.taskType = taskType as string;
  if (request.title !== undefined) settings.title = request.title as string;
  return settings;
}

function checkParameters(request: EmbeddingRequest): void {
  for (const key of Object.keys(request)) {
    if (request[key] === undefined || KNOWN.has(key)) continue;
    throw ValidationError.forField(
      key,
      `Gemini's embeddings take no such parameter, received ${describe(request[key])}. Remove it; Gemini takes dimensions, taskType (or task_type) and title.`,
    );
  }
  for (const key of ['taskType', 'task_type', 'title']) {
    const value = request[key];
    if (value !== undefined && typeof value !== 'string') {
      throw ValidationError.forField(
        key,
        `expected a string${key === 'title' ? '' : ' such as "RETRIEVAL_DOCUMENT"'}, received ${describe(value)}.`,
      );
    }
  }
}

/** The text of an item: Gemini embeds text, never token ids. */
function textOf(item: EmbeddingItem): string {
  if (typeof item === 'string') return item;
  throw ValidationError.forField(
    'input',
    'expected texts (Gemini embeds text, not token ids), received a list of token ids. Pass the texts themselves.',
  );
}
