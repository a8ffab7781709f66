import type { ServerResponse } from 'node:http';
import type { ChatCompletionChunk, CompletionStream } from '../src/kit/index.js';
import { toHttpError } from './errors.js';

/**
 * Writes a stream as OpenAI's server-sent events: a `data:` line per chunk, `data: [DONE]` at
 * the end; a failure after the first byte as an error event, then the end. Waits for the
 * socket to drain when the client reads slower than the provider writes.
 */
export async function writeStream(
  stream: CompletionStream,
  response: ServerResponse,
): Promise<void> {
  response.writeHead(200, {
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-cache',
    connection: 'keep-alive',
  });
  // The events of one turn of the event loop go out as one write: a provider's read usually
  // holds many chunks, and a write each (three pieces of the chunked encoding per event, all in
  // one `writev`) cost about 40 µs of CPU a 20-chunk stream more.
  let pending = '';
  let scheduled = false;
  const flush = () => {
    scheduled = false;
    if (pending !== '' && !response.destroyed) response.write(take());
  };
  try {
    for await (const chunk of stream as AsyncIterable<ChatCompletionChunk>) {
      if (response.writableNeedDrain) await drained(response);
      pending += `data: ${JSON.stringify(chunk)}\n\n`;
      if (!scheduled) {
        scheduled = true;
        process.nextTick(flush);
      }
    }
    response.end(`${take()}data: [DONE]\n\n`);
  } catch (error) {
    if (!response.destroyed)
      response.end(`${take()}data: ${JSON.stringify(toHttpError(error).body)}\n\n`);
  }

  /** The events not yet written, now the caller's to write. */
  function take(): string {
    const text = pending;
    pending = '';
    return text;
  }
}

function drained(response: ServerResponse): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      response.off('drain', done);
      response.off('close', done);
      resolve();
    };
    response.on('drain', done);
    response.on('close', done);
  });
}
