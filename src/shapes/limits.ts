/**
 * Bounds on the indexes a provider, a proxy or a cache entry may send. An index is used to
 * place a piece of an answer (a choice, a tool call, a content block); an absurd one must
 * never make shallot allocate or walk a huge sparse array, or reach a prototype.
 */

/** Choices of one answer: indexes 0 to 127, as OpenAI's `n` allows at most 128. */
export const CHOICE_LIMIT = 128;

/** Tool calls of one choice, and content blocks of one Anthropic message: indexes 0 to 1023. */
export const INDEX_LIMIT = 1024;

/** True for a whole number from 0 to `limit - 1`: an index shallot may use. */
export function isIndexBelow(value: unknown, limit: number): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= 0 && value < limit;
}

/** Keys that must never be written with `object[key] = value`: they reach the prototype. */
export function isPrototypeKey(key: string): boolean {
  return key === '__proto__';
}
