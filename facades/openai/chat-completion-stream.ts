import type { Caller } from './caller.js';
import { APIUserAbortError, OpenAIError } from './errors.js';
import { EventStream } from './event-stream.js';
import type { RequestOptions } from './request-options.js';
import { accumulate, asOpenAISnapshot, finalize, type Snapshot } from './snapshot.js';
import { Stream } from './stream.js';
import {
  type ChatCompletionStreamEvents,
  type Emit,
  emitChunkEvents,
  type StreamEventState,
} from './stream-events.js';
import type {
  ChatCompletion,
  ChatCompletionChunk,
  ChatCompletionMessage,
  ChatCompletionMessageFunctionToolCall,
  ChatCompletionMessageParam,
  ChatCompletionSnapshot,
  ChatCompletionStreamParams,
  CompletionUsage,
} from './types.js';

/**
 * What `chat.completions.stream()` returns, as openai-node's `ChatCompletionStream`: the
 * stream runs on its own as soon as it is made, emitting events as chunks arrive, and gives
 * the whole answer at the end (`finalChatCompletion()`, `finalContent()`, ...). Iterating it
 * gives the chunks that arrive from then on; `abort()` cancels it.
 *
 * @example
 * const stream = openai.chat.completions.stream({ model: 'gpt-4o-mini', messages });
 * stream.on('content', (delta) => process.stdout.write(delta));
 * const completion = await stream.finalChatCompletion();
 */
export class ChatCompletionStream
  extends EventStream<ChatCompletionStreamEvents>
  implements AsyncIterable<ChatCompletionChunk>
{
  /** The request's messages, then the answer's message once it is complete. */
  readonly messages: ChatCompletionMessageParam[];
  readonly #params: ChatCompletionStreamParams;
  #snapshot: Snapshot | undefined;
  #completion: ChatCompletion | undefined;
  readonly #eventState: StreamEventState = { choices: [] };
  readonly #emit: Emit = (event, ...args) => this.emit(event, ...args);

  /** @internal Made by `chat.completions.stream()`. */
  constructor(caller: Caller, params: ChatCompletionStreamParams, options?: RequestOptions) {
    super();
    this.#params = params;
    this.messages = Array.isArray(params?.messages) ? [...params.messages] : [];
    this.run(() => this.#read(caller, options));
  }

  /** The answer so far; undefined before the first chunk and after the end. */
  get currentChatCompletionSnapshot(): ChatCompletionSnapshot | undefined {
    return this.#snapshot && asOpenAISnapshot(this.#snapshot);
  }

  async #read(caller: Caller, options: RequestOptions | undefined): Promise<void> {
    const signal = options?.signal;
    const abort = () => this.controller.abort();
    if (signal?.aborted) abort();
    else signal?.addEventListener('abort', abort, { once: true });
    try {
      const stream = await caller.stream(
        { ...this.#params, stream: true },
        { ...options, signal: this.controller.signal },
      );
      this.emit('connect');
      for await (const chunk of stream) {
        this.#snapshot = accumulate(this.#snapshot, chunk);
        this.emit('chunk', chunk, asOpenAISnapshot(this.#snapshot));
        emitChunkEvents(chunk, this.#snapshot, this.#eventState, this.#params, this.#emit);
      }
      if (stream.controller.signal.aborted) throw new APIUserAbortError();
    } finally {
      signal?.removeEventListener('abort', abort);
    }
    if (this.#snapshot === undefined)
      throw new OpenAIError('request ended without sending any chunks');
    const completion = finalize(this.#snapshot);
    this.#snapshot = undefined;
    this.#answered(completion);
  }

  /** Records the answer and emits its events, then the final ones, as openai-node does. */
  #answered(completion: ChatCompletion): void {
    this.#completion = completion;
    this.emit('chatCompletion', completion);
    const message = completion.choices[0]?.message;
    if (message !== undefined) {
      this.messages.push(message as ChatCompletionMessageParam);
      this.emit('message', message as ChatCompletionMessageParam);
      for (const call of message.tool_calls ?? []) {
        if (call.type === 'function') this.emit('functionToolCall', call.function);
      }
    }
    this.emit('finalChatCompletion', completion);
    if (message !== undefined) this.emit('finalMessage', message);
    if (message?.content) this.emit('finalContent', message.content);
    const call = lastFunctionCall(message);
    if (call !== undefined) this.emit('finalFunctionToolCall', call);
    if (completion.usage) this.emit('totalUsage', usageOf(completion));
  }

  /** The whole answer, once the stream has ended. @throws its error, or `APIUserAbortError` */
  async finalChatCompletion(): Promise<ChatCompletion> {
    await this.done();
    if (this.#completion === undefined) {
      throw new OpenAIError('stream ended without producing a ChatCompletion');
    }
    return this.#completion;
  }

  /** The answer's message, once the stream has ended. */
  async finalMessage(): Promise<ChatCompletionMessage> {
    const message = (await this.finalChatCompletion()).choices[0]?.message;
    if (message === undefined) {
      throw new OpenAIError(
        'stream ended without producing a ChatCompletionMessage with role=assistant',
      );
    }
    return { ...message, content: message.content ?? null, refusal: message.refusal ?? null };
  }

  /** The answer's text (null when it had none), once the stream has ended. */
  async finalContent(): Promise<string | null> {
    return (await this.finalMessage()).content ?? null;
  }

  /** The answer's last function tool call, once the stream has ended. */
  async finalFunctionToolCall(): Promise<
    ChatCompletionMessageFunctionToolCall.Function | undefined
  > {
    return lastFunctionCall((await this.finalChatCompletion()).choices[0]?.message);
  }

  /** The tokens the answer used, once the stream has ended (zeros when the stream had no usage). */
  async totalUsage(): Promise<CompletionUsage> {
    await this.done();
    return usageOf(this.#completion);
  }

  /** The answers this stream produced: one, once it has ended. */
  allChatCompletions(): ChatCompletion[] {
    return this.#completion === undefined ? [] : [this.#completion];
  }

  [Symbol.asyncIterator](): AsyncIterator<ChatCompletionChunk> {
    const waiting: ChatCompletionChunk[] = [];
    const readers: Array<{
      resolve: (chunk?: ChatCompletionChunk) => void;
      reject: (error: unknown) => void;
    }> = [];
    let finished = false;
    const settle = (error?: unknown) => {
      finished = true;
      for (const reader of readers.splice(0)) {
        if (error === undefined) reader.resolve();
        else reader.reject(error);
      }
    };
    this.on('chunk', (chunk) => {
      const reader = readers.shift();
      if (reader) reader.resolve(chunk);
      else waiting.push(chunk);
    });
    this.on('end', () => settle());
    this.on('abort', settle);
    this.on('error', settle);
    return {
      next: async () => {
        const ready = waiting.shift();
        if (ready !== undefined) return { done: false, value: ready };
        if (finished) return { done: true, value: undefined };
        const chunk = await new Promise<ChatCompletionChunk | undefined>((resolve, reject) =>
          readers.push({ resolve, reject }),
        );
        return chunk === undefined
          ? { done: true, value: undefined }
          : { done: false, value: chunk };
      },
      return: async () => {
        this.abort();
        return { done: true, value: undefined };
      },
    };
  }

  /** The chunks as a `ReadableStream` of JSON lines, for a browser. */
  toReadableStream(): ReadableStream<Uint8Array> {
    return new Stream(() => this[Symbol.asyncIterator](), this.controller).toReadableStream();
  }
}

function lastFunctionCall(
  message: ChatCompletionMessage | undefined,
): ChatCompletionMessageFunctionToolCall.Function | undefined {
  const calls = message?.tool_calls ?? [];
  for (let at = calls.length - 1; at >= 0; at--) {
    const call = calls[at];
    if (call?.type === 'function') return call.function;
  }
  return undefined;
}

function usageOf(completion: ChatCompletion | undefined): CompletionUsage {
  const usage = completion?.usage;
  return {
    prompt_tokens: usage?.prompt_tokens ?? 0,
    completion_tokens: usage?.completion_tokens ?? 0,
    total_tokens: usage?.total_tokens ?? 0,
  };
}
