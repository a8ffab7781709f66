import type { Dispatcher } from 'undici';
import { IncompleteStreamError } from '../errors/incomplete-stream-error.js';
import type { StreamDecoder } from '../providers/provider.js';
import type { ChatCompletionChunk } from '../types/openai.js';
import type { StreamOrigin } from './sse.js';

type Body = Dispatcher.ResponseData['body'];

/**
 * Reads a newline-delimited JSON body (Ollama's native stream): one object per line, a
 * partial last line kept until the next read, empty lines skipped. Each line goes to the
 * decoder as the `data` of an event; the stream ends at the decoder's terminal marker.
 */
export async function* readNdjson(
  body: Body,
  decoder: StreamDecoder,
  origin: StreamOrigin,
): AsyncGenerator<ChatCompletionChunk, void, undefined> {
  const text = new TextDecoder();
  const reader = body[Symbol.asyncIterator]() as AsyncIterator<Uint8Array>;
  let buffered = '';
  let finished = false;
  try {
    while (!decoder.done) {
      const read = await reader.next();
      if (read.done) break;
      buffered += text.decode(read.value, { stream: true });
      let newline = buffered.indexOf('\n');
      while (newline >= 0 && !decoder.done) {
        const line = buffered.slice(0, newline).trim();
        buffered = buffered.slice(newline + 1);
        if (line !== '') {
          const chunk = decoder.decode({ event: undefined, data: line });
          if (chunk !== undefined) yield chunk;
        }
        newline = buffered.indexOf('\n');
      }
    }
    const last = (buffered + text.decode()).trim();
    if (!decoder.done && last !== '') {
      const chunk = decoder.decode({ event: undefined, data: last });
      if (chunk !== undefined) yield chunk;
    }
    if (!decoder.complete) {
      throw new IncompleteStreamError({
        provider: origin.provider,
        model: origin.model,
        message: `${origin.provider}/${origin.model}: the stream ended before its final line; the answer is incomplete.`,
      });
    }
    finished = true;
  } finally {
    if (!finished && !body.destroyed) body.destroy();
  }
}
