import { ValidationError } from '../errors/validation-error.js';
import type { EmbeddingAdapter, ResolvedProvider } from '../providers/provider.js';
import type { EmbeddingItem } from '../types/embedding.js';

/**
 * The embeddings endpoint of `provider`, with `items` checked against it.
 * @throws ValidationError when the provider has no embeddings, or takes no token-id input.
 */
export function embeddingAdapterOf(
  provider: ResolvedProvider,
  items: readonly EmbeddingItem[],
  model: string,
): EmbeddingAdapter {
  const adapter = provider.adapter.embeddings;
  if (adapter === undefined) {
    throw ValidationError.forField(
      'model',
      `${provider.name} has no embeddings endpoint. Use an embedding model of a provider that has one, such as openai/text-embedding-3-small, gemini/gemini-embedding-001, voyage/voyage-3 or ollama/nomic-embed-text.`,
      model,
    );
  }
  if (!adapter.acceptsTokens && items.some((item) => typeof item !== 'string')) {
    throw ValidationError.forField(
      'input',
      `${provider.name} embeds text only, and this input holds token ids. Pass the texts themselves.`,
      model,
    );
  }
  return adapter;
}
