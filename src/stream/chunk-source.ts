import type { ChatCompletionChunk } from '../types/openai.js';

const DONE: IteratorReturnResult<undefined> = Object.freeze({ done: true, value: undefined });

/**
 * Where a {@link CompletionStream} takes its chunks from. Beyond the async iterator, `poll()`
 * hands over a chunk that is already decoded, synchronously, or `undefined` when the source
 * has to wait (or has ended, or failed: `next()` then says which). The stream reads through
 * `poll()` while it can, so most chunks cost no promise of their own inside shallot.
 */
export interface ChunkSource extends AsyncIterator<ChatCompletionChunk, void, undefined> {
  poll(): ChatCompletionChunk | undefined;
}

/**
 * A source that decodes in batches: `fill()` reads once from the network (or wherever) and
 * appends what it decoded with `push()`; `finish()` and `fail()` end it. Chunks decoded before
 * a failure are handed over first, in order, and the failure after them.
 */
export abstract class BufferedChunkSource implements ChunkSource {
  #chunks: ChatCompletionChunk[] = [];
  #head = 0;
  #ended = false;
  #failure: { error: unknown } | undefined;

  /** Reads once and pushes what it decoded; ends the source with `finish()` or `fail()`. */
  protected abstract fill(): Promise<void>;

  /** Called once when the source ends early (the consumer stopped): release what it holds. */
  protected abstract cancel(): void;

  protected push(chunk: ChatCompletionChunk): void {
    this.#chunks.push(chunk);
  }

  protected finish(): void {
    this.#ended = true;
  }

  protected fail(error: unknown): void {
    this.#failure ??= { error };
    this.#ended = true;
  }

  protected get ended(): boolean {
    return this.#ended;
  }

  /** How many decoded chunks wait for the consumer. */
  protected get buffered(): number {
    return this.#chunks.length - this.#head;
  }

  poll(): ChatCompletionChunk | undefined {
    const chunks = this.#chunks;
    if (this.#head >= chunks.length) return undefined;
    const chunk = chunks[this.#head++] as ChatCompletionChunk;
    if (this.#head === chunks.length) {
      chunks.length = 0;
      this.#head = 0;
    }
    return chunk;
  }

  next(): Promise<IteratorResult<ChatCompletionChunk, void>> {
    const chunk = this.poll();
    if (chunk !== undefined) return Promise.resolve({ done: false, value: chunk });
    if (this.#failure !== undefined) return Promise.reject(this.#failure.error);
    if (this.#ended) return Promise.resolve(DONE);
    // One promise per wait, no async frame: `fill()` settles once something happened.
    return this.fill().then(this.#again, this.#failThenAgain);
  }

  readonly #again = (): Promise<IteratorResult<ChatCompletionChunk, void>> => this.next();

  readonly #failThenAgain = (
    error: unknown,
  ): Promise<IteratorResult<ChatCompletionChunk, void>> => {
    this.fail(error);
    return this.next();
  };

  async return(): Promise<IteratorResult<ChatCompletionChunk, void>> {
    if (!this.#ended) {
      this.#ended = true;
      this.#chunks.length = 0;
      this.cancel();
    }
    return DONE;
  }
}

/** Chunks a layer already has (a cache hit, a mock, a JSON answer to a stream request). */
export class ReplaySource implements ChunkSource {
  readonly #chunks: readonly ChatCompletionChunk[];
  #index = 0;

  constructor(chunks: readonly ChatCompletionChunk[]) {
    this.#chunks = chunks;
  }

  poll(): ChatCompletionChunk | undefined {
    return this.#index < this.#chunks.length ? this.#chunks[this.#index++] : undefined;
  }

  async next(): Promise<IteratorResult<ChatCompletionChunk, void>> {
    const chunk = this.poll();
    return chunk === undefined ? DONE : { done: false, value: chunk };
  }

  async return(): Promise<IteratorResult<ChatCompletionChunk, void>> {
    this.#index = this.#chunks.length;
    return DONE;
  }
}
