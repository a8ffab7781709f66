import type { Dispatcher } from 'undici';
import { IncompleteStreamError } from '../errors/incomplete-stream-error.js';
import { InvalidResponseError } from '../errors/invalid-response-error.js';
import { ShallotError } from '../errors/shallot-error.js';
import type { StreamDecoder, WireEvent } from '../providers/provider.js';
import { BufferedChunkSource } from '../stream/chunk-source.js';
import { formatBytes } from './read-body.js';

type Body = Dispatcher.ResponseData['body'];

/** Who is streaming, for error messages. */
export interface StreamOrigin {
  provider: string;
  model: string;
}

/** What a stream body may hold in memory at once. */
export interface StreamLimits {
  /** The most bytes one event (SSE) or line (NDJSON) may take before it is complete. */
  maxEventBytes: number;
}

/** How long the rest of a body after its terminal marker may take to end, in milliseconds. */
const DRAIN_GRACE_MS = 1000;
/** How many bytes after the terminal marker are read, and dropped, before the body is cut. */
const DRAIN_LIMIT_BYTES = 64 * 1024;
/** How much of a body that is not an event stream its error quotes. */
const PREVIEW_CHARS = 120;

/**
 * A stream body read one network piece at a time: the bytes are decoded as text with one
 * streaming `TextDecoder` (a character split across pieces survives) and handed to `take`,
 * which decodes the framing (SSE, NDJSON) into chunks. The stream ends at the decoder's
 * terminal marker; a body that ends before it is a truncation, and one that ends without a
 * single event is not an event stream at all. Bytes are counted before they are decoded: an
 * event that grows past `maxEventBytes` fails the stream. After the marker, the rest of the
 * body is read and dropped in the background (a second at most, then it is cut) so the socket
 * goes back to the pool; on any other early exit the body is destroyed.
 */
export abstract class BodySource extends BufferedChunkSource {
  protected readonly decoder: StreamDecoder;
  protected readonly origin: StreamOrigin;
  readonly #body: Body;
  // A manual iterator: leaving a for-await loop would destroy the body and its socket.
  readonly #reader: AsyncIterator<Uint8Array>;
  readonly #text = new TextDecoder();
  readonly #maxEventBytes: number;
  /** Bytes read since the last complete event: what the framing may be holding. */
  #pendingBytes = 0;
  #sawEvent = false;
  #preview = '';

  constructor(body: Body, decoder: StreamDecoder, origin: StreamOrigin, limits: StreamLimits) {
    super();
    this.#body = body;
    this.#reader = body[Symbol.asyncIterator]() as AsyncIterator<Uint8Array>;
    this.decoder = decoder;
    this.origin = origin;
    this.#maxEventBytes = limits.maxEventBytes;
  }

  /** Decodes a piece of the body's text; pushes each chunk, and nothing after the terminal marker. */
  protected abstract take(text: string): void;

  /** Decodes what is left when the body ended without the terminal marker. */
  protected abstract takeLast(text: string): void;

  /** What a complete body ends with, for the truncation message: `'its terminal marker'`. */
  protected abstract readonly ending: string;

  /**
   * Decodes one complete event and pushes its chunk. A decoder that throws anything but a
   * shallot error met a shape it did not expect: that is the provider's malformed event.
   */
  protected decodeEvent(event: WireEvent): void {
    this.completedFraming();
    let chunk: ReturnType<StreamDecoder['decode']>;
    try {
      chunk = this.decoder.decode(event);
    } catch (error) {
      if (error instanceof ShallotError) throw error;
      const { provider, model } = this.origin;
      throw new InvalidResponseError({
        provider,
        model,
        cause: error,
        body: event.data.slice(0, 500),
        message: `${provider}/${model}: a stream event could not be read (${(error as Error)?.message ?? String(error)}): ${JSON.stringify(event.data.slice(0, 80))}.`,
      });
    }
    if (chunk !== undefined) this.push(chunk);
  }

  /** Marks a complete piece of framing (an event, a comment, a line): nothing of it is held any more. */
  protected completedFraming(): void {
    this.#pendingBytes = 0;
    this.#sawEvent = true;
  }

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
        if (!this.#sawEvent) throw this.#notAStream();
        if (!this.decoder.complete) throw this.truncated();
        this.finish();
        return;
      }
      const size = read.value.byteLength;
      if (this.#pendingBytes + size > this.#maxEventBytes) throw this.#eventTooLarge();
      this.#pendingBytes += size;
      const text = this.#text.decode(read.value, { stream: true });
      if (!this.#sawEvent && this.#preview.length < PREVIEW_CHARS) this.#preview += text;
      this.take(text);
      if (this.decoder.done) {
        this.finish();
        void drainRest(this.#reader, this.#body);
      }
    } catch (error) {
      if (!this.#body.destroyed) this.#body.destroy();
      throw error;
    }
  }

  protected cancel(): void {
    if (!this.#body.destroyed) this.#body.destroy();
  }

  #eventTooLarge(): InvalidResponseError {
    const { provider, model } = this.origin;
    const limit = formatBytes(this.#maxEventBytes);
    return new InvalidResponseError({
      provider,
      model,
      message: `${provider}/${model}: one stream event grew past maxEventBytes (${limit}) before it was complete. Raise createClient({ maxEventBytes }) if the provider really sends events this large.`,
    });
  }

  #notAStream(): InvalidResponseError {
    const { provider, model } = this.origin;
    const preview = this.#preview.slice(0, PREVIEW_CHARS);
    return new InvalidResponseError({
      provider,
      model,
      body: preview,
      message: `${provider}/${model}: the answer to a stream request is not ${this.ending === 'its final line' ? 'a stream of JSON lines' : 'an event stream'}: ${JSON.stringify(preview)}.`,
    });
  }
}

/**
 * Reads the rest of a body whose answer is complete, so that its socket can be reused; a body
 * that does not end within a second, or goes on past 64 KiB, is cut instead (its socket then
 * closes), so that nothing a hostile server holds open keeps the process alive.
 */
async function drainRest(reader: AsyncIterator<Uint8Array>, body: Body): Promise<void> {
  const cut = () => {
    if (!body.destroyed) body.destroy();
  };
  const timer = setTimeout(cut, DRAIN_GRACE_MS);
  timer.unref();
  let bytes = 0;
  try {
    for (;;) {
      const read = await reader.next();
      if (read.done) break;
      bytes += read.value.byteLength;
      if (bytes > DRAIN_LIMIT_BYTES) {
        cut();
        break;
      }
    }
  } catch {
    // the response is complete for the caller; a late socket error changes nothing
  } finally {
    clearTimeout(timer);
  }
}
