import type {
  CompletionCallContext,
  CompletionContext,
  EmbeddingCallContext,
  EmbeddingContext,
} from '../context/context.js';
import { ValidationError } from '../errors/validation-error.js';
import { chunkProblem, completionProblem } from '../shapes/check.js';
import { assembleChunks } from '../stream/assembler.js';
import { ReplaySource } from '../stream/chunk-source.js';
import { completionToChunks } from '../stream/to-chunks.js';
import type { EmbeddingResponse, EmbeddingVector } from '../types/embedding.js';
import type { ChatCompletion, ChatCompletionChunk } from '../types/openai.js';

/**
 * Answers the call from a layer, without calling `next()`: for a plain call, `completion` is
 * the answer; for `stream: true`, it is replayed as the chunks an OpenAI stream would have
 * sent (a role chunk, the text, each tool call, a finish chunk, a usage chunk). Every layer
 * outside still runs as for any call: chunk and end listeners, callbacks, cost, records.
 *
 * @throws ValidationError when `completion` is not a well-formed `chat.completion`.
 * @example
 * const memo: Middleware = async (ctx, next) => {
 *   const known = ctx.kind === 'completion' && answers.get(ctx.request.messages.at(-1)?.content);
 *   if (known) return answer(ctx, known);
 *   await next();
 * };
 */
export function answer(ctx: CompletionContext, completion: ChatCompletion): void {
  const problem = completionProblem(completion);
  if (problem !== undefined) throw ValidationError.forField('answer', `${problem}.`);
  const call = ctx as CompletionCallContext;
  if (call.isStream) call.deliverStream(new ReplaySource(completionToChunks(completion)));
  else call.deliverAnswer(completion);
}

/**
 * Answers the call from a layer with chunks it already has (a cache's stored stream): a
 * `stream: true` call gets a stream of exactly these chunks, chunk for chunk; a plain call
 * gets them assembled into one `chat.completion`. Every layer outside still runs.
 *
 * @throws ValidationError naming the first chunk that is not a well-formed `chat.completion.chunk`.
 */
export function answerWithChunks(
  ctx: CompletionContext,
  chunks: readonly ChatCompletionChunk[],
): void {
  chunks.forEach((chunk, index) => {
    const problem = chunkProblem(chunk);
    if (problem !== undefined) throw ValidationError.forField(`chunks[${index}]`, `${problem}.`);
  });
  const call = ctx as CompletionCallContext;
  if (call.isStream) call.deliverStream(new ReplaySource(chunks));
  else call.deliverAnswer(assembleChunks(chunks));
}

/**
 * Answers an embedding call from a layer, without calling `next()`: `response` is the answer
 * (its vectors in the call's `ctx.encoding`), and `response.usage.prompt_tokens` its usage.
 * Every layer outside still runs: end listeners, callbacks, cost, records.
 *
 * @throws ValidationError when `response` has no `data` list or no `usage.prompt_tokens`.
 */
export function answerEmbeddings(
  ctx: EmbeddingContext,
  response: EmbeddingResponse<EmbeddingVector>,
): void {
  if (!Array.isArray(response?.data) || typeof response.usage?.prompt_tokens !== 'number') {
    throw ValidationError.forField(
      'answer',
      'expected an embedding response with a data list and usage.prompt_tokens.',
    );
  }
  (ctx as EmbeddingCallContext).deliverEmbeddings(response);
}
