import type { LanguageModelV3StreamPart, SharedV3Warning } from '@ai-sdk/provider';
import { type ChatCompletionChunk, type CompletionStream, isShallotError } from '../../index.js';
import type { CallObserver } from './observe.js';
import { StreamPartsBuilder } from './stream-parts.js';

/** What {@link partsStream} needs besides the stream. */
export interface PartsStreamOptions {
  warnings: SharedV3Warning[];
  includeRawChunks: boolean;
  observer: CallObserver;
  /** The AI SDK's signal: a failure after it aborted is the abort, which errors the stream. */
  abortSignal: AbortSignal | undefined;
}

/**
 * A shallot stream as the AI SDK's stream of parts, read as the AI SDK reads it (each pull
 * reads chunks until one makes a part). Its call ends as any shallot stream's does, once:
 * at the last chunk, at a failure, or when the AI SDK cancels the parts stream (an
 * `AbortError`, as a `break` would). A failure after the AI SDK's `abortSignal` fired errors
 * the parts stream with shallot's `AbortError`, which `streamText` turns into its `abort`
 * part; any other failure is an `error` part followed by `finish` with the reason `error`.
 */
export function partsStream(
  stream: CompletionStream,
  options: PartsStreamOptions,
): ReadableStream<LanguageModelV3StreamPart> {
  const { observer, abortSignal } = options;
  const builder = new StreamPartsBuilder(options.includeRawChunks);
  const chunks = stream[Symbol.asyncIterator]();
  return new ReadableStream<LanguageModelV3StreamPart>({
    start(controller) {
      for (const part of builder.start(options.warnings)) controller.enqueue(part);
    },
    async pull(controller) {
      const enqueue = (parts: LanguageModelV3StreamPart[]) => {
        for (const part of parts) controller.enqueue(part);
      };
      for (;;) {
        let read: IteratorResult<ChatCompletionChunk, undefined>;
        try {
          read = await chunks.next();
        } catch (error) {
          if (abortSignal?.aborted) return controller.error(error);
          const usage = isShallotError(error) ? error.partialResponse?.usage : undefined;
          enqueue(builder.fail(error, usage, observer.metadata()));
          return controller.close();
        }
        if (read.done) {
          const answer = await stream.finalResponse();
          enqueue(builder.finish(answer.usage, observer.metadata()));
          return controller.close();
        }
        const parts = builder.parts(read.value);
        if (parts.length > 0) return enqueue(parts);
      }
    },
    async cancel() {
      await chunks.return?.();
    },
  });
}
