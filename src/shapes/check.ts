import type { z } from 'zod';
import { fromBase64 } from '../embedding/vectors.js';
import { describeValue } from '../validation/describe-value.js';
import { isCacheEntry, isChunk, isCompletion } from './fast-check.js';
import { cacheEntryShape, chunkShape, completionShape } from './schemas.js';

/**
 * What is wrong with an answer, a chunk or a cache entry, in one line, or `undefined` when it
 * is well-formed: the hand check answers, and zod, asked only when the hand check says no,
 * names the first bad field. Where the two disagree, zod is right.
 */

/** The first problem of a `chat.completion.chunk`, or undefined. */
export function chunkProblem(chunk: unknown): string | undefined {
  return isChunk(chunk) ? undefined : problemOf(chunkShape, chunk);
}

/** The first problem of a `chat.completion`, or undefined. */
export function completionProblem(completion: unknown): string | undefined {
  return isCompletion(completion) ? undefined : problemOf(completionShape, completion);
}

/** The first problem of a cache entry, or undefined. */
export function cacheEntryProblem(entry: unknown): string | undefined {
  return isCacheEntry(entry) ? undefined : problemOf(cacheEntryShape, entry);
}

function problemOf(shape: z.ZodType, value: unknown): string | undefined {
  const result = shape.safeParse(value, { reportInput: true });
  if (result.success) return undefined;
  const issue = result.error.issues[0] as z.core.$ZodIssue;
  const path = pathOf(issue.path);
  const received = describeValue((issue as { input?: unknown }).input);
  const said = issue.message.replace(/^Invalid input: /, '').replace(/, received \w+$/, '');
  return `${path === '' ? 'the value' : path}: ${said}, received ${received}`;
}

function pathOf(path: readonly PropertyKey[]): string {
  let text = '';
  for (const part of path) {
    if (typeof part === 'number') text += `[${part}]`;
    else text += text === '' ? String(part) : `.${String(part)}`;
  }
  return text;
}

/** The first problem of an embedding input's cache entry, or undefined. */
export function embeddingEntryProblem(entry: unknown): string | undefined {
  if (entry === null || typeof entry !== 'object') return 'the value: expected an object';
  const fields = entry as Record<string, unknown>;
  if (fields.v !== 1) return 'v: expected 1';
  if (typeof fields.createdAt !== 'number' || !Number.isFinite(fields.createdAt)) {
    return 'createdAt: expected a number';
  }
  if (typeof fields.embedding !== 'string' || fromBase64(fields.embedding) === undefined) {
    return 'embedding: expected float32 values in base64';
  }
  const tokens = fields.tokens;
  if (typeof tokens !== 'number' || !Number.isInteger(tokens) || tokens < 0) {
    return 'tokens: expected a whole number of tokens';
  }
  return undefined;
}
