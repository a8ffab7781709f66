import { OpenAIError } from './errors.js';

/**
 * What `chat.completions.create({ stream: true })` resolves to, as openai-node's `Stream`: an
 * async iterable of chunks, read once, with the `controller` that cancels it. `break` cancels
 * the request; `controller.abort()` ends the iteration quietly, as in openai-node.
 *
 * @example
 * const stream = await openai.chat.completions.create({ model, messages, stream: true });
 * for await (const chunk of stream) process.stdout.write(chunk.choices[0]?.delta?.content ?? '');
 */
export class Stream<Item> implements AsyncIterable<Item> {
  /** Aborts the request and ends the iteration. */
  readonly controller: AbortController;
  readonly #iterator: () => AsyncIterator<Item>;

  /** @param iterator makes the stream's one iterator; called once per reader. */
  constructor(iterator: () => AsyncIterator<Item>, controller: AbortController) {
    this.#iterator = iterator;
    this.controller = controller;
  }

  [Symbol.asyncIterator](): AsyncIterator<Item> {
    return this.#iterator();
  }

  /** `controller.abort()`: ends the iteration quietly and closes the request (not in openai-node's `Stream`). */
  abort(): void {
    this.controller.abort();
  }

  /** Two streams of the same items, each read at its own pace (the items are held until both read them). */
  tee(): [Stream<Item>, Stream<Item>] {
    const left: Array<Promise<IteratorResult<Item>>> = [];
    const right: Array<Promise<IteratorResult<Item>>> = [];
    const source = this.#iterator();
    const reader = (queue: Array<Promise<IteratorResult<Item>>>): AsyncIterator<Item> => ({
      next: () => {
        if (queue.length === 0) {
          const result = source.next();
          left.push(result);
          right.push(result);
        }
        return queue.shift() as Promise<IteratorResult<Item>>;
      },
    });
    return [
      new Stream(() => reader(left), this.controller),
      new Stream(() => reader(right), this.controller),
    ];
  }

  /**
   * The items as a `ReadableStream` of bytes, one JSON line each: what openai-node's
   * `toReadableStream()` makes, for sending a stream on to a browser.
   */
  toReadableStream(): ReadableStream<Uint8Array> {
    const encoder = new TextEncoder();
    let iterator: AsyncIterator<Item> | undefined;
    return new ReadableStream<Uint8Array>({
      start: () => {
        iterator = this[Symbol.asyncIterator]();
      },
      pull: async (controller) => {
        try {
          const read = await (iterator as AsyncIterator<Item>).next();
          if (read.done) controller.close();
          else controller.enqueue(encoder.encode(`${JSON.stringify(read.value)}\n`));
        } catch (error) {
          controller.error(error);
        }
      },
      cancel: async () => {
        await iterator?.return?.();
      },
    });
  }
}

/** The error of a second read, in openai-node's words. */
export function consumedError(): OpenAIError {
  return new OpenAIError(
    'Cannot iterate over a consumed stream, use `.tee()` to split the stream.',
  );
}
