import type { Caller } from './caller.js';
import { ChatCompletionStream } from './chat-completion-stream.js';
import type { RequestOptions } from './request-options.js';
import type { Stream } from './stream.js';
import type {
  ChatCompletion,
  ChatCompletionChunk,
  ChatCompletionCreateParamsBase,
  ChatCompletionCreateParamsNonStreaming,
  ChatCompletionCreateParamsStreaming,
  ChatCompletionStreamParams,
} from './types.js';

/** `openai.chat.completions`: Chat Completions through the shallot client's onion. */
export class Completions {
  readonly #caller: Caller;

  /** @internal Made by the `OpenAI` facade. */
  constructor(caller: Caller) {
    this.#caller = caller;
  }

  /**
   * Creates a chat completion, as openai-node's `create()`: the answer, or with `stream: true`
   * a {@link Stream} of chunks once the response head arrives.
   *
   * @throws BadRequestError before any request for a body shallot refuses; otherwise the
   * openai-node error of the call's failure (`RateLimitError`, `APIConnectionTimeoutError`, ...).
   * @example
   * const completion = await openai.chat.completions.create({ model: 'gpt-4o-mini', messages });
   */
  create(
    body: ChatCompletionCreateParamsNonStreaming,
    options?: RequestOptions,
  ): Promise<ChatCompletion>;
  create(
    body: ChatCompletionCreateParamsStreaming,
    options?: RequestOptions,
  ): Promise<Stream<ChatCompletionChunk>>;
  create(
    body: ChatCompletionCreateParamsBase,
    options?: RequestOptions,
  ): Promise<Stream<ChatCompletionChunk> | ChatCompletion>;
  create(
    body: ChatCompletionCreateParamsBase,
    options?: RequestOptions,
  ): Promise<Stream<ChatCompletionChunk> | ChatCompletion> {
    const streamed = body !== null && typeof body === 'object' && body.stream === true;
    return streamed ? this.#caller.stream(body, options) : this.#caller.complete(body, options);
  }

  /**
   * Streams a chat completion with openai-node's helper: events as chunks arrive, and the whole
   * answer at the end.
   *
   * @example
   * const stream = openai.chat.completions.stream({ model: 'gpt-4o-mini', messages });
   * for await (const chunk of stream) process.stdout.write(chunk.choices[0]?.delta?.content ?? '');
   * const completion = await stream.finalChatCompletion();
   */
  stream(body: ChatCompletionStreamParams, options?: RequestOptions): ChatCompletionStream {
    return new ChatCompletionStream(this.#caller, body, options);
  }
}

/** `openai.chat`. */
export class Chat {
  /** Chat Completions. */
  readonly completions: Completions;

  /** @internal Made by the `OpenAI` facade. */
  constructor(caller: Caller) {
    this.completions = new Completions(caller);
  }
}
