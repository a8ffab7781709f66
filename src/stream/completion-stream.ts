import type { CallContext } from '../context/context.js';
import { AbortError } from '../errors/abort-error.js';
import { InvalidResponseError } from '../errors/invalid-response-error.js';
import { toShallotError } from '../errors/normalize.js';
import type { ShallotError } from '../errors/shallot-error.js';
import { TimeoutError } from '../errors/timeout-error.js';
import { ValidationError } from '../errors/validation-error.js';
import { chunkProblem } from '../shapes/check.js';
import { isChunk } from '../shapes/fast-check.js';
import type { ChatCompletion, ChatCompletionChunk } from '../types/openai.js';
import { StreamAssembler } from './assembler.js';
import type { ChunkSource } from './chunk-source.js';

const DONE: IteratorReturnResult<undefined> = Object.freeze({ done: true, value: undefined });

/**
 * The stream `completion({ stream: true })` resolves to: an async iterable of OpenAI
 * `chat.completion.chunk` objects, handed over as soon as the response head arrives.
 *
 * This is the one stream mechanism of shallot. Every chunk goes to the context's chunk
 * listeners as the caller receives it; at the end the complete response is assembled once,
 * set on `ctx.response`, and the call ends. A `break`, an abort, a timeout or a cut
 * connection ends the call once, with a typed error carrying the partial response.
 *
 * @example
 * const stream = await shallot.completion({ model, messages, stream: true });
 * for await (const chunk of stream) process.stdout.write(chunk.choices[0]?.delta.content ?? '');
 */
export class CompletionStream
  implements AsyncIterable<ChatCompletionChunk>, AsyncIterator<ChatCompletionChunk, undefined>
{
  readonly #ctx: CallContext;
  #source: ChunkSource;
  #cancelAttempt: ((reason: ShallotError) => void) | undefined;
  #createdAt = Date.now();
  #recoveryError: unknown;
  /** Set when a recovery's attempt delivered a new source. */
  #adopted = false;
  readonly #assembler = new StreamAssembler();
  #iterated = false;
  #finished = false;
  #failure: ShallotError | undefined;
  #failureDelivered = false;
  #settled: Promise<ChatCompletion> | undefined;
  #unlinkAbort: (() => void) | undefined;
  readonly #onAbort = (reason: ShallotError) => {
    this.#fail(reason);
  };

  /**
   * @internal Made by the call, once, when the first attempt delivers a stream (see
   * `CallContext.deliverStream`). `cancelAttempt` stops the attempt's request (a chunk
   * timeout), leaving the call alive.
   */
  constructor(
    ctx: CallContext,
    source: ChunkSource,
    cancelAttempt?: (reason: ShallotError) => void,
  ) {
    this.#ctx = ctx;
    this.#source = source;
    this.#cancelAttempt = cancelAttempt;
    this.#unlinkAbort = ctx.aborts.onAbort(this.#onAbort);
  }

  /**
   * Carries on with another attempt's source: the stream failed before its first chunk, and
   * the call's recovery ran an attempt that delivered this one. @internal
   */
  adopt(source: ChunkSource, cancelAttempt?: (reason: ShallotError) => void): void {
    if (this.#finished) {
      // Too late: the call ended meanwhile (an abort). Release what the attempt holds.
      source.return?.()?.catch(() => {});
      return;
    }
    this.#source = source;
    this.#cancelAttempt = cancelAttempt;
    this.#createdAt = Date.now();
    this.#adopted = true;
  }

  [Symbol.asyncIterator](): AsyncIterator<ChatCompletionChunk, undefined> {
    if (this.#iterated) {
      throw ValidationError.forField(
        'stream',
        'this stream was already iterated; a stream can be read once. Use finalResponse() for the whole answer.',
      );
    }
    this.#iterated = true;
    return this;
  }

  /** The next chunk. Prefer `for await`. */
  next(): Promise<IteratorResult<ChatCompletionChunk, undefined>> {
    if (!this.#finished) {
      // A chunk the source has already decoded goes out without waiting on anything.
      const chunk = this.#source.poll();
      if (chunk !== undefined) {
        if (!isChunk(chunk)) return this.#nextAsync(this.#malformed(chunk));
        try {
          return Promise.resolve(this.#deliver(chunk));
        } catch (error) {
          return Promise.reject(this.#fail(error));
        }
      }
    }
    if (this.#finished || this.#timedReads()) return this.#nextAsync();
    // The common wait: one promise from the source, then the same checks as above.
    return this.#source.next().then(this.#afterRead, this.#afterReadFailure);
  }

  /** Whether reads wait within `firstChunkTimeout` or `chunkTimeout` (see `#read`). */
  #timedReads(): boolean {
    const { firstChunkTimeout, chunkTimeout } = this.#ctx.options;
    return firstChunkTimeout !== undefined || chunkTimeout !== undefined;
  }

  readonly #afterRead = (
    read: IteratorResult<ChatCompletionChunk>,
  ):
    | IteratorResult<ChatCompletionChunk, undefined>
    | Promise<IteratorResult<ChatCompletionChunk, undefined>> => {
    if (!this.#finished && !read.done && !isChunk(read.value)) {
      return this.#nextAsync(this.#malformed(read.value));
    }
    return this.#take(read);
  };

  readonly #afterReadFailure = (
    error: unknown,
  ): Promise<IteratorResult<ChatCompletionChunk, undefined>> => this.#nextAsync(error);

  /**
   * Reads the next chunk, waiting for the source; a failure before the first chunk reached
   * the caller may be recovered (see `#recover`). `failed` is a failure already found.
   */
  async #nextAsync(failed?: unknown): Promise<IteratorResult<ChatCompletionChunk, undefined>> {
    if (this.#finished) return this.#afterEnd();
    let failure: unknown = failed;
    let result: IteratorResult<ChatCompletionChunk> | undefined;
    while (result === undefined) {
      if (failure === undefined) {
        try {
          const read = await this.#read();
          if (read.done || isChunk(read.value)) result = read;
          else failure = this.#malformed(read.value);
        } catch (error) {
          failure = error;
        }
      }
      if (failure !== undefined) {
        if (!(await this.#recover(failure))) throw this.#fail(this.#recoveryError ?? failure);
        failure = undefined;
      }
    }
    return this.#take(result);
  }

  /** Hands over what a read gave, its chunk already checked: the end of the stream, or the chunk. */
  #take(read: IteratorResult<ChatCompletionChunk>): IteratorResult<ChatCompletionChunk, undefined> {
    if (this.#finished) return this.#afterEnd();
    if (read.done) {
      this.#succeed();
      return DONE;
    }
    try {
      return this.#deliver(read.value);
    } catch (error) {
      throw this.#fail(error);
    }
  }

  /** The error of a chunk whose shape is not a `chat.completion.chunk`'s (a hostile source). */
  #malformed(chunk: unknown): InvalidResponseError {
    const { provider, model } = this.#scope();
    const where = provider ? `${provider}/${model}` : model;
    return new InvalidResponseError({
      provider,
      model,
      message: `${where}: a streamed chunk is malformed: ${chunkProblem(chunk) ?? 'unreadable'}.`,
    });
  }

  /** Hands a chunk to the caller: assembled, and shown to every chunk listener. */
  #deliver(chunk: ChatCompletionChunk): IteratorYieldResult<ChatCompletionChunk> {
    if (this.#assembler.chunkCount === 0) this.#ctx.timings.firstToken = Date.now();
    this.#assembler.add(chunk);
    this.#ctx.emitChunk(chunk);
    return { done: false, value: chunk };
  }

  /**
   * The source's next chunk, within the call's `firstChunkTimeout` (counted from the response
   * head) or `chunkTimeout` (counted from the last chunk) when it has them.
   */
  #read(): Promise<IteratorResult<ChatCompletionChunk>> {
    const { firstChunkTimeout, chunkTimeout } = this.#ctx.options;
    const first = this.#assembler.chunkCount === 0;
    const limit = first ? firstChunkTimeout : chunkTimeout;
    if (limit === undefined) return this.#source.next();
    const wait = first ? Math.max(0, this.#createdAt + limit - Date.now()) : limit;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        const error = new TimeoutError({
          model: this.#ctx.request.model,
          message: `${this.#ctx.request.model}: ${first ? `no first chunk within firstChunkTimeout (${limit} ms)` : `no chunk for chunkTimeout (${limit} ms)`}.`,
        });
        this.#cancelAttempt?.(error);
        reject(error);
      }, wait);
      this.#source.next().then(
        (result) => {
          clearTimeout(timer);
          resolve(result);
        },
        (error: unknown) => {
          clearTimeout(timer);
          reject(error);
        },
      );
    });
  }

  /**
   * Before the first chunk reached the caller, a failure may be recovered (a retry or a
   * fallback): the call's recovery runs another attempt, which delivers its source to this
   * stream (`adopt`); the caller keeps reading the same stream object.
   */
  async #recover(error: unknown): Promise<boolean> {
    const ctx = this.#ctx;
    const recover = ctx.streamRecovery;
    if (
      recover === undefined ||
      this.#finished ||
      this.#assembler.chunkCount > 0 ||
      ctx.aborts.aborted
    ) {
      return false;
    }
    this.#adopted = false;
    let recovered = false;
    try {
      recovered = await recover(toShallotError(error, this.#scope()));
    } catch (finalError) {
      this.#recoveryError = finalError;
    }
    if (!recovered || !this.#adopted || this.#finished) return false;
    ctx.status = 'streaming';
    return true;
  }

  /** Stops the stream early (what `break` calls): the call ends with an `AbortError`. */
  async return(): Promise<IteratorResult<ChatCompletionChunk, undefined>> {
    if (!this.#finished) {
      // Nobody reads after a break: the error goes to the call's end, not to a reader.
      this.#failureDelivered = true;
      this.#fail(this.#abortError('the consumer stopped reading the stream (break or return)'));
    }
    return DONE;
  }

  /** Cancels the stream and its request: the call ends with an `AbortError`, which the next read throws. */
  abort(): void {
    if (!this.#finished) this.#fail(this.#abortError('the stream was aborted with abort()'));
  }

  #abortError(what: string): AbortError {
    const ctx = this.#ctx;
    return new AbortError({
      message: `${ctx.request.model}: ${what} after ${this.#assembler.chunkCount} chunk(s); the answer is incomplete.`,
      model: ctx.request.model,
    });
  }

  /**
   * The complete response once the stream has ended. Reads the stream itself if nobody is
   * iterating it; rejects with the call's error if the stream failed.
   */
  finalResponse(): Promise<ChatCompletion> {
    if (this.#settled === undefined) this.#settled = this.#drain();
    return this.#settled;
  }

  async #drain(): Promise<ChatCompletion> {
    if (!this.#iterated) {
      this.#iterated = true;
      while (!(await this.next()).done) {
        // reading to the end; chunk listeners see every chunk
      }
    } else if (!this.#finished) {
      await new Promise<void>((resolve) => this.#ctx.onEnd(resolve));
    }
    if (this.#failure) throw this.#failure;
    return this.#ctx.response as ChatCompletion;
  }

  #afterEnd(): IteratorResult<ChatCompletionChunk, undefined> {
    if (this.#failure && !this.#failureDelivered) {
      this.#failureDelivered = true;
      throw this.#failure;
    }
    return DONE;
  }

  #succeed(): void {
    this.#finished = true;
    this.#unlinkAbort?.();
    const response = this.#assembler.build();
    this.#ctx.response = response;
    this.#ctx.usage = response.usage;
    this.#ctx.end();
  }

  #fail(error: unknown): ShallotError {
    if (this.#finished) {
      if (this.#failure) return this.#failure;
      return toShallotError(error, this.#scope());
    }
    this.#finished = true;
    const ctx = this.#ctx;
    this.#unlinkAbort?.();
    const partialResponse = this.#assembler.build();
    const failure = toShallotError(error, { ...this.#scope(), partialResponse });
    this.#failure = failure;
    ctx.usage = partialResponse.usage;
    // Stop the transport: release the socket and any pending read.
    ctx.abort(failure);
    this.#source.return?.()?.catch(() => {});
    ctx.end(failure);
    return failure;
  }

  #scope() {
    const ctx = this.#ctx;
    return {
      provider: ctx.providerRequest ? ctx.provider.name : undefined,
      model: ctx.request.model,
      signal: ctx.aborts,
      midStream: true,
    };
  }
}
