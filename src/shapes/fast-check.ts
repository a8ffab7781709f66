import { CHOICE_LIMIT, INDEX_LIMIT } from './limits.js';

/**
 * The shapes of `schemas.ts`, checked by hand: a few type tests per chunk instead of a zod
 * parse, because every chunk of every stream goes through here. They must give zod's answer
 * for every value; `test/src/shapes/shapes.test.ts` and the fuzz suite hold them to it. Where
 * they say no, zod is asked again for the message (see `check.ts`).
 */

type Fields = Record<string, unknown>;

function isObject(value: unknown): value is Fields {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

const isOptionalObject = (value: unknown) =>
  value === undefined || value === null || isObject(value);
const isOptionalString = (value: unknown) =>
  value === undefined || value === null || typeof value === 'string';
const isOptionalNumber = (value: unknown) =>
  value === undefined || value === null || (typeof value === 'number' && Number.isFinite(value));
const isOptionalIndex = (value: unknown, limit: number) =>
  value === undefined ||
  value === null ||
  (typeof value === 'number' && Number.isInteger(value) && value >= 0 && value < limit);
const isOptionalArray = (value: unknown) =>
  value === undefined || value === null || Array.isArray(value);

/** {@link usageShape} by hand. */
export function isUsage(usage: unknown): boolean {
  if (usage === undefined || usage === null) return true;
  if (!isObject(usage)) return false;
  return (
    isOptionalNumber(usage.prompt_tokens) &&
    isOptionalNumber(usage.completion_tokens) &&
    isOptionalNumber(usage.total_tokens) &&
    isOptionalObject(usage.prompt_tokens_details) &&
    isOptionalObject(usage.completion_tokens_details)
  );
}

function isLogprobs(logprobs: unknown): boolean {
  if (logprobs === undefined || logprobs === null) return true;
  return isObject(logprobs) && isOptionalArray(logprobs.content);
}

function isToolFunction(fn: unknown): boolean {
  if (fn === undefined || fn === null) return true;
  return isObject(fn) && isOptionalString(fn.name) && isOptionalString(fn.arguments);
}

function areToolCalls(calls: unknown, withIndex: boolean): boolean {
  if (calls === undefined || calls === null) return true;
  if (!Array.isArray(calls) || calls.length > INDEX_LIMIT) return false;
  for (let position = 0; position < calls.length; position++) {
    const call = calls[position];
    if (
      !isObject(call) ||
      (withIndex && !isOptionalIndex(call.index, INDEX_LIMIT)) ||
      !isOptionalString(call.id) ||
      !isOptionalString(call.type) ||
      !isToolFunction(call.function)
    ) {
      return false;
    }
  }
  return true;
}

/** The fields a delta and a message share. */
function isMessageLike(message: Fields, withIndex: boolean): boolean {
  return (
    isOptionalString(message.role) &&
    isOptionalString(message.content) &&
    isOptionalString(message.refusal) &&
    isOptionalString(message.reasoning_content) &&
    isOptionalArray(message.thinking_blocks) &&
    areToolCalls(message.tool_calls, withIndex)
  );
}

/** The fields a chunk's choice and an answer's choice share. */
function isChoiceLike(choice: Fields): boolean {
  return (
    isOptionalIndex(choice.index, CHOICE_LIMIT) &&
    isOptionalString(choice.finish_reason) &&
    isOptionalString(choice.provider_finish_reason) &&
    isLogprobs(choice.logprobs)
  );
}

/** The top-level fields a chunk and an answer share, choices aside. */
function isAnswerLike(answer: Fields): boolean {
  return (
    isOptionalString(answer.id) &&
    isOptionalString(answer.model) &&
    isOptionalNumber(answer.created) &&
    isOptionalString(answer.system_fingerprint) &&
    Array.isArray(answer.choices) &&
    answer.choices.length <= CHOICE_LIMIT &&
    isUsage(answer.usage)
  );
}

/** {@link chunkShape} by hand. */
export function isChunk(chunk: unknown): boolean {
  if (!isObject(chunk) || !isAnswerLike(chunk)) return false;
  const choices = chunk.choices as unknown[];
  for (let position = 0; position < choices.length; position++) {
    const choice = choices[position];
    if (!isObject(choice) || !isChoiceLike(choice)) return false;
    const delta = choice.delta;
    if (delta !== undefined && delta !== null && !(isObject(delta) && isMessageLike(delta, true))) {
      return false;
    }
  }
  return true;
}

/** {@link completionShape} by hand. */
export function isCompletion(completion: unknown): boolean {
  if (!isObject(completion) || !isAnswerLike(completion)) return false;
  const choices = completion.choices as unknown[];
  for (let position = 0; position < choices.length; position++) {
    const choice = choices[position];
    if (!isObject(choice) || !isChoiceLike(choice)) return false;
    const message = choice.message;
    if (!isObject(message) || !isMessageLike(message, false)) return false;
  }
  return true;
}

/** {@link cacheEntryShape} by hand. */
export function isCacheEntry(entry: unknown): boolean {
  if (!isObject(entry) || entry.v !== 1) return false;
  if (typeof entry.createdAt !== 'number' || !Number.isFinite(entry.createdAt)) return false;
  if (!isCompletion(entry.response)) return false;
  const chunks = entry.chunks;
  if (chunks === undefined) return true;
  if (!Array.isArray(chunks)) return false;
  for (let position = 0; position < chunks.length; position++) {
    if (!isChunk(chunks[position])) return false;
  }
  return true;
}
