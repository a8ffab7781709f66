import { createParser, type EventSourceMessage } from 'eventsource-parser';
import type { Dispatcher } from 'undici';
import { IncompleteStreamError } from '../errors/incomplete-stream-error.js';
import { InvalidResponseError } from '../errors/invalid-response-error.js';
import type { StreamDecoder, WireEvent } from '../providers/provider.js';
import type { ChatCompletionChunk } from '../types/openai.js';

type Body = Dispatcher.ResponseData['body'];

/** Who is streaming, for error messages. */
export interface StreamOrigin {
  provider: string;
  model: string;
}

/**
 * Reads a server-sent-event body and yields the provider's chunks in OpenAI format.
 * Bytes are decoded with one streaming `TextDecoder` (a character split across network
 * chunks survives) and parsed by eventsource-parser (LF, CRLF and CR framing, comments).
 * The stream ends at the decoder's terminal marker; an end before it is a truncation.
 */
export async function* readServerSentEvents(
  body: Body,
  decoder: StreamDecoder,
  origin: StreamOrigin,
): AsyncGenerator<ChatCompletionChunk, void, undefined> {
  const text = new TextDecoder();
  const pending: EventSourceMessage[] = [];
  const parser = createParser({ onEvent: (event) => pending.push(event) });
  // A manual iterator: leaving a for-await loop would destroy the body and its socket.
  const reader = body[Symbol.asyncIterator]() as AsyncIterator<Uint8Array>;
  let finished = false;
  try {
    while (!decoder.done) {
      const read = await reader.next();
      if (read.done) break;
      parser.feed(text.decode(read.value, { stream: true }));
      for (let index = 0; index < pending.length && !decoder.done; index++) {
        const chunk = decoder.decode(toWireEvent(pending[index] as EventSourceMessage));
        if (chunk !== undefined) yield chunk;
      }
      pending.length = 0;
    }
    if (!decoder.done) {
      // A last event without its blank line still counts; a cut one is a truncation.
      parser.feed(`${text.decode()}\n\n`);
      for (const event of pending) {
        const chunk = decodeAtEnd(decoder, event, origin);
        if (chunk !== undefined) yield chunk;
      }
      pending.length = 0;
    }
    if (!decoder.complete) throw truncated(origin);
    finished = true;
  } finally {
    // After the terminal marker, read what is left in the background so the socket goes
    // back to the pool; on any other exit, destroy the body so no half-read socket is reused.
    if (finished) void drainRest(reader);
    else if (!body.destroyed) body.destroy();
  }
}

async function drainRest(reader: AsyncIterator<Uint8Array>): Promise<void> {
  try {
    while (!(await reader.next()).done) {
      // discard what follows the terminal marker
    }
  } catch {
    // the response is complete for the caller; a late socket error changes nothing
  }
}

function toWireEvent(message: EventSourceMessage): WireEvent {
  return { event: message.event, data: message.data };
}

function decodeAtEnd(
  decoder: StreamDecoder,
  message: EventSourceMessage,
  origin: StreamOrigin,
): ChatCompletionChunk | undefined {
  try {
    return decoder.decode(toWireEvent(message));
  } catch (error) {
    if (error instanceof InvalidResponseError && !decoder.complete) throw truncated(origin);
    throw error;
  }
}

function truncated(origin: StreamOrigin): IncompleteStreamError {
  return new IncompleteStreamError({
    provider: origin.provider,
    model: origin.model,
    message: `${origin.provider}/${origin.model}: the stream ended before its terminal marker; the answer is incomplete.`,
  });
}
