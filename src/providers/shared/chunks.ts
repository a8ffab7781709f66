import type { ChatCompletionChunk, ChunkDelta, FinishReason, Usage } from '../../types/openai.js';

/** The id, model and creation time every chunk of one stream repeats. */
export interface StreamIdentity {
  id: string;
  model: string;
  created: number;
}

/** One OpenAI `chat.completion.chunk` for choice 0 (or `index`), as a decoder emits it. */
export function makeChunk(
  identity: StreamIdentity,
  delta: ChunkDelta,
  finishReason: FinishReason | null = null,
  usage?: Usage,
  index = 0,
): ChatCompletionChunk {
  const chunk: ChatCompletionChunk = {
    id: identity.id,
    object: 'chat.completion.chunk',
    created: identity.created,
    model: identity.model,
    choices: [{ index, delta, finish_reason: finishReason }],
  };
  if (usage !== undefined) chunk.usage = usage;
  return chunk;
}

/** Seconds since the epoch, as OpenAI's `created`. */
export function nowSeconds(): number {
  return Math.floor(Date.now() / 1000);
}
