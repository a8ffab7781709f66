import type { Dispatcher } from 'undici';
import { IncompleteStreamError } from '../errors/incomplete-stream-error.js';
import { InvalidResponseError } from '../errors/invalid-response-error.js';
import { ShallotError } from '../errors/shallot-error.js';
import type { StreamDecoder, WireEvent } from '../providers/provider.js';
import { BufferedChunkSource } from '../stream/chunk-source.js';
import { CoarseDeadlines, type Deadline } from './deadlines.js';
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
/** How often the shared drain timer looks for drains past their time, in milliseconds. */
const DRAIN_CHECK_MS = 250;
/** Decoded chunks waiting unread past which the body pauses until the consumer reads. */
const HIGH_WATER_CHUNKS = 256;
/** How many bytes after the terminal marker are read, and dropped, before the body is cut. */
const DRAIN_LIMIT_BYTES = 64 * 1024;
/** How much of a body that is not an event stream its error quotes. */
const PREVIEW_CHARS = 120;

/**
 * A stream body decoded as it arrives: each network piece is decoded as text with one
 * streaming `TextDecoder` (a character split across pieces survives) and handed to `take`,
 * which decodes the framing (SSE, NDJSON) into chunks, right in the body's `data` event, so a
 * piece that holds many events costs no promise per event. The body starts flowing at the
 * consumer's first read and pauses while more than {@link HIGH_WATER_CHUNKS} decoded chunks
 * wait unread. The stream ends at the decoder's terminal marker; a body that ends before it
 * is a truncation, and one that ends without a single event is not an event stream at all.
 * Bytes are counted before they are decoded: an event that grows past `maxEventBytes` fails
 * the stream. After the marker, the rest of the body is read and dropped (about a second and
 * 64 KiB at most, then it is cut) so the socket goes back to the pool; on any other early
 * exit the body is destroyed.
 */
export abstract class BodySource extends BufferedChunkSource {
  protected readonly decoder: StreamDecoder;
  protected readonly origin: StreamOrigin;
  readonly #body: Body;
  readonly #text = new TextDecoder();
  readonly #maxEventBytes: number;
  /** Bytes read since the last complete event: what the framing may be holding. */
  #pendingBytes = 0;
  #sawEvent = false;
  #preview = '';
  #flowing = false;
  /** Resolves the consumer's pending read, once something happened. */
  #wake: (() => void) | undefined;
  /** Set once the terminal marker was read: the rest of the body is being dropped. */
  #drain: Drain | undefined;

  constructor(body: Body, decoder: StreamDecoder, origin: StreamOrigin, limits: StreamLimits) {
    super();
    this.#body = body;
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

  /** Waits for the body's next piece (or its end, or its failure), starting it flowing at first. */
  protected fill(): Promise<void> {
    const waiting = new Promise<void>((resolve) => {
      this.#wake = resolve;
    });
    const body = this.#body;
    if (!this.#flowing) {
      this.#flowing = true;
      body.on('data', this.#onData);
      body.on('end', this.#onEnd);
      body.on('error', this.#onError);
      body.on('close', this.#onClose);
    } else if (body.isPaused()) {
      body.resume();
    }
    return waiting;
  }

  protected cancel(): void {
    this.#drain?.stop();
    if (!this.#body.destroyed) this.#body.destroy();
  }

  readonly #onData = (piece: Uint8Array): void => {
    if (this.#drain !== undefined) {
      this.#drain.read(piece.byteLength);
      return;
    }
    if (this.ended) return;
    try {
      const size = piece.byteLength;
      if (this.#pendingBytes + size > this.#maxEventBytes) throw this.#eventTooLarge();
      this.#pendingBytes += size;
      const text = this.#text.decode(piece, { stream: true });
      if (!this.#sawEvent && this.#preview.length < PREVIEW_CHARS) this.#preview += text;
      this.take(text);
      if (this.decoder.done) {
        this.finish();
        this.#drain = new Drain(this.#body);
      } else if (this.buffered > HIGH_WATER_CHUNKS) {
        this.#body.pause();
      }
    } catch (error) {
      this.#failWith(error);
    }
    this.#wakeUp();
  };

  readonly #onEnd = (): void => {
    if (this.#drain !== undefined) {
      this.#drain.stop();
      return;
    }
    if (this.ended) return;
    try {
      if (!this.decoder.done) this.takeLast(this.#text.decode());
      if (!this.#sawEvent) throw this.#notAStream();
      if (!this.decoder.complete) throw this.truncated();
      this.finish();
    } catch (error) {
      this.fail(error);
    }
    this.#wakeUp();
  };

  readonly #onError = (error: unknown): void => {
    if (this.#drain !== undefined) {
      // The answer is complete for the caller; a late socket error changes nothing.
      this.#drain.stop();
      return;
    }
    if (!this.ended) this.fail(error);
    this.#wakeUp();
  };

  /** A body closed with neither its end nor an error: destroyed under it, so it is cut short. */
  readonly #onClose = (): void => {
    this.#drain?.stop();
    if (!this.ended) this.fail(this.truncated());
    this.#wakeUp();
  };

  #failWith(error: unknown): void {
    this.fail(error);
    if (!this.#body.destroyed) this.#body.destroy();
  }

  #wakeUp(): void {
    const wake = this.#wake;
    if (wake === undefined) return;
    this.#wake = undefined;
    wake();
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

const drains = new CoarseDeadlines(DRAIN_CHECK_MS);

/**
 * The rest of a body whose answer is complete, read and dropped so that its socket can be
 * reused; a body that does not end within about a second (one shared coarse timer watches
 * every drain), or goes on past 64 KiB, is cut instead (its socket then closes), so that
 * nothing a hostile server holds open keeps the process alive.
 */
class Drain implements Deadline {
  readonly at = Date.now() + DRAIN_GRACE_MS;
  readonly #body: Body;
  #bytes = 0;

  constructor(body: Body) {
    this.#body = body;
    drains.add(this);
  }

  /** Counts a piece read after the terminal marker; past the limit, the body is cut. */
  read(bytes: number): void {
    this.#bytes += bytes;
    if (this.#bytes > DRAIN_LIMIT_BYTES) this.expire();
  }

  /** The body ended (or failed, or was cut): nothing more to watch. */
  stop(): void {
    drains.delete(this);
  }

  /** Cuts the body. @internal */
  readonly expire = (): void => {
    this.stop();
    if (!this.#body.destroyed) this.#body.destroy();
  };
}
