import type { EmbeddingInput, EmbeddingItem } from '../types/embedding.js';

/**
 * The items of an embedding input, one per vector the call returns: a text alone is one item,
 * a list of token ids is one item, and a list of texts or of token lists is one item each.
 */
export function embeddingItems(input: EmbeddingInput): EmbeddingItem[] {
  if (typeof input === 'string') return [input];
  if (input.length > 0 && typeof input[0] === 'number') return [input as readonly number[]];
  return input as EmbeddingItem[];
}

/** `items` split into runs of at most `size`, in order. */
export function batchesOf<T>(items: readonly T[], size: number): T[][] {
  const batches: T[][] = [];
  for (let start = 0; start < items.length; start += size) {
    batches.push(items.slice(start, start + size));
  }
  return batches;
}
