import type { CallContext, Context } from '../context/context.js';
import type { ChatCompletionChunk } from '../types/openai.js';
import { ReplaySource } from './chunk-source.js';
import { CompletionStream } from './completion-stream.js';

/**
 * Answers a streamed call with chunks a layer already has (a cache hit, say): the caller gets
 * a stream like any other, and every chunk and end listener runs on the replay.
 */
export function replayStream(
  ctx: Context,
  chunks: readonly ChatCompletionChunk[],
): CompletionStream {
  return new CompletionStream(ctx as CallContext, new ReplaySource(chunks));
}
