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
  try {
    for await (const chunk of stream as AsyncIterable<ChatCompletionChunk>) {
      if (!response.write(`data: ${JSON.stringify(chunk)}\n\n`)) await drained(response);
    }
    response.end('data: [DONE]\n\n');
  } catch (error) {
    if (!response.destroyed) response.end(`data: ${JSON.stringify(toHttpError(error).body)}\n\n`);
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
