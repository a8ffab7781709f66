import { z } from 'zod';
import { CHOICE_LIMIT, INDEX_LIMIT } from './limits.js';

/**
 * The shapes shallot relies on in an answer, a streamed chunk and a cache entry: the one
 * definition of what is well-formed. Objects are loose (providers add fields all the time,
 * and they are kept); every field shallot reads has its type, and every index its bound.
 * `fast-check.ts` answers the same questions by hand on the hot path; a test holds the two to
 * the same answers.
 */

const optionalString = z.string().nullable().optional();
const optionalNumber = z.number().nullable().optional();
const index = (limit: number) =>
  z
    .number()
    .int()
    .min(0)
    .max(limit - 1);

/** Token usage: counts are numbers (or null); the details are objects. */
export const usageShape = z
  .looseObject({
    prompt_tokens: optionalNumber,
    completion_tokens: optionalNumber,
    total_tokens: optionalNumber,
    prompt_tokens_details: z.looseObject({}).nullable().optional(),
    completion_tokens_details: z.looseObject({}).nullable().optional(),
  })
  .nullable()
  .optional();

const logprobs = z
  .looseObject({ content: z.array(z.unknown()).nullable().optional() })
  .nullable()
  .optional();

const toolFunction = z
  .looseObject({ name: optionalString, arguments: optionalString })
  .nullable()
  .optional();

const toolCallDelta = z.looseObject({
  index: index(INDEX_LIMIT).nullable().optional(),
  id: optionalString,
  type: optionalString,
  function: toolFunction,
});

const delta = z.looseObject({
  role: optionalString,
  content: optionalString,
  refusal: optionalString,
  reasoning_content: optionalString,
  thinking_blocks: z.array(z.unknown()).nullable().optional(),
  tool_calls: z.array(toolCallDelta).max(INDEX_LIMIT).nullable().optional(),
});

const chunkChoice = z.looseObject({
  index: index(CHOICE_LIMIT).nullable().optional(),
  delta: delta.nullable().optional(),
  finish_reason: optionalString,
  provider_finish_reason: optionalString,
  logprobs,
});

/** One `chat.completion.chunk`, as the caller, the assembler and the cache read it. */
export const chunkShape = z.looseObject({
  id: optionalString,
  model: optionalString,
  created: optionalNumber,
  system_fingerprint: optionalString,
  choices: z.array(chunkChoice).max(CHOICE_LIMIT),
  usage: usageShape,
});

const toolCall = z.looseObject({
  id: optionalString,
  type: optionalString,
  function: toolFunction,
});

const message = z.looseObject({
  role: optionalString,
  content: optionalString,
  refusal: optionalString,
  reasoning_content: optionalString,
  thinking_blocks: z.array(z.unknown()).nullable().optional(),
  tool_calls: z.array(toolCall).max(INDEX_LIMIT).nullable().optional(),
});

const choice = z.looseObject({
  index: index(CHOICE_LIMIT).nullable().optional(),
  message,
  finish_reason: optionalString,
  provider_finish_reason: optionalString,
  logprobs,
});

/** One `chat.completion`, as the caller, the cost and the records read it. */
export const completionShape = z.looseObject({
  id: optionalString,
  model: optionalString,
  created: optionalNumber,
  system_fingerprint: optionalString,
  choices: z.array(choice).max(CHOICE_LIMIT),
  usage: usageShape,
});

/** A cache entry as a store hands it back: version 1, its time, the answer and any chunks. */
export const cacheEntryShape = z.looseObject({
  v: z.literal(1),
  createdAt: z.number(),
  response: completionShape,
  chunks: z.array(chunkShape).optional(),
});
