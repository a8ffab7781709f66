import type { ProviderRequest } from '../../context/types.js';
import { ValidationError } from '../../errors/validation-error.js';
import type { EmbeddingItem } from '../../types/embedding.js';
import type { JsonObject, JsonValue } from '../../types/openai.js';
import type {
  BuildEmbeddingRequestInput,
  EmbeddingAdapter,
  EmbeddingBatch,
  ResolvedProvider,
} from '../provider.js';
import { EmbeddingAnswerReader, readTokenCount } from '../shared/embedding-vectors.js';
import { ollamaHeaders, ollamaUrl } from './endpoint.js';

/**
 * Ollama documents no limit. A request holds all its texts in one runner pass and one
 * timeout, and a local model embeds a few hundred short texts in seconds: 256 keeps each
 * request (and its retry) short without many more round trips.
 */
const OLLAMA_EMBEDDING_BATCH = 256;

/** `/api/embed` parameters sent as the caller gave them. */
const PASSED_THROUGH = ['dimensions', 'truncate', 'keep_alive', 'options'] as const;

/**
 * Ollama's native `POST /api/embed`: `{ model, input: texts, dimensions?, truncate?,
 * keep_alive?, options? }`, answered with `{ model, embeddings: number[][], prompt_eval_count }`.
 *
 * - Texts only (no token ids); 256 a request (Ollama documents no limit).
 * - `dimensions`, `truncate`, `keep_alive` and `options` pass through; `user` and any other
 *   parameter are dropped, as on the chat path.
 * - Vectors come as JSON numbers, in input order; `prompt_eval_count` is the prompt tokens.
 */
export const ollamaEmbeddings: EmbeddingAdapter = {
  maxBatchSize: OLLAMA_EMBEDDING_BATCH,
  acceptsTokens: false,

  buildRequest({ request, items, provider, headers }: BuildEmbeddingRequestInput): ProviderRequest {
    const body: JsonObject = { model: provider.model, input: items.map(textOf) };
    for (const key of PASSED_THROUGH) {
      if (request[key] !== undefined) body[key] = request[key] as JsonValue;
    }
    return {
      url: ollamaUrl(provider, '/api/embed'),
      method: 'POST',
      headers: ollamaHeaders(provider, headers, 'application/json'),
      body,
    };
  },

  parseResponse(body: unknown, provider: ResolvedProvider, count: number): EmbeddingBatch {
    const reader = new EmbeddingAnswerReader(provider, body);
    const root = reader.object(body, 'the body');
    const embeddings = reader.list(reader.field(root, 'embeddings'), count, 'embeddings');
    const vectors = embeddings.map((entry, position) =>
      reader.floats(entry, `embeddings[${position}]`),
    );
    const model = reader.field(root, 'model');
    return {
      vectors,
      promptTokens: readTokenCount(reader.field(root, 'prompt_eval_count')),
      model: typeof model === 'string' && model !== '' ? model : undefined,
    };
  },
};

/** The text of an item: `/api/embed` takes text, never token ids. */
function textOf(item: EmbeddingItem): string {
  if (typeof item === 'string') return item;
  throw ValidationError.forField(
    'input',
    'expected texts (Ollama embeds text, not token ids), received a list of token ids. Pass the texts themselves.',
  );
}
