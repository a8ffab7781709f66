import type { Dispatcher } from 'undici';
import { IncompleteStreamError } from '../errors/incomplete-stream-error.js';
import type { StreamDecoder } from '../providers/provider.js';
import { BufferedChunkSource } from '../stream/chunk-source.js';

type Body = Dispatcher.ResponseData['body'];

/** Who is streaming, for error messages. */
export interface StreamOrigin {
  provider: string;
  model: string;
}

/**
 * A stream body read one network piece at a time: the bytes are decoded as text with one
 * streaming `TextDecoder` (a character split across pieces survives) and handed to `take`,
 * which decodes the framing (SSE, NDJSON) into chunks. The stream ends at the decoder's
 * terminal marker; a body that ends before it is a truncation. After the marker, the rest of
 * the body is read in the background so the socket goes back to the pool; on any other
 * early exit the body is destroyed, so no half-read socket is reused.
 */
export abstract class BodySource extends BufferedChunkSource {
  protected readonly decoder: StreamDecoder;
  protected readonly origin: StreamOrigin;
  readonly #body: Body;
  // A manual iterator: leaving a for-await loop would destroy the body and its socket.
  readonly #reader: AsyncIterator<Uint8Array>;
  readonly #text = new TextDecoder();

  constructor(body: Body, decoder: StreamDecoder, origin: StreamOrigin) {
    super();
    this.#body = body;
    this.#reader = body[Symbol.asyncIterator]() as AsyncIterator<Uint8Array>;
    this.decoder = decoder;
    this.origin = origin;
  }

  /** Decodes a piece of the body's text; pushes each chunk, and nothing after the terminal marker. */
  protected abstract take(text: string): void;

  /** Decodes what is left when the body ended without the terminal marker. */
  protected abstract takeLast(text: string): void;

  /** What a complete body ends with, for the truncation message: `'its terminal marker'`. */
  protected abstract readonly ending: string;

  /** The error of a body that ended before its ending. */
  protected truncated(): IncompleteStreamError {
    const { provider, model } = this.origin;
    return new IncompleteStreamError({
      provider,
      model,
      message: `${provider}/${model}: the stream ended before ${this.ending}; the answer is incomplete.`,
    });
  }

  protected async fill(): Promise<void> {
    try {
      const read = await this.#reader.next();
      if (read.done) {
        if (!this.decoder.done) this.takeLast(this.#text.decode());
        if (!this.decoder.complete) throw this.truncated();
        this.finish();
        return;
      }
      this.take(this.#text.decode(read.value, { stream: true }));
      if (this.decoder.done) {
        this.finish();
        void drainRest(this.#reader);
      }
    } catch (error) {
      if (!this.#body.destroyed) this.#body.destroy();
      throw error;
    }
  }

  protected cancel(): void {
    if (!this.#body.destroyed) this.#body.destroy();
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
