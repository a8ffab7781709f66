import type {
  Client,
  CompletionParams,
  CompletionStream,
  EmbeddingParams,
  StreamingParams,
} from '../../index.js';
import { type CallShape, callParams } from './call-params.js';
import { APIUserAbortError } from './errors.js';
import type { RequestOptions } from './request-options.js';
import { consumedError, Stream } from './stream.js';
import { toOpenAIError } from './to-openai-error.js';
import type { ChatCompletion, ChatCompletionChunk, CreateEmbeddingResponse } from './types.js';

/**
 * Runs a facade's requests as calls of its shallot client: the body and the request options
 * become `completion()` or `embedding()` parameters, and a failure becomes openai-node's error.
 */
export class Caller {
  /** The shallot client every request runs through. */
  readonly client: Client;
  readonly #shape: CallShape;

  constructor(client: Client, shape: CallShape) {
    this.client = client;
    this.#shape = shape;
  }

  /** A plain chat completion. */
  async complete(body: unknown, options: RequestOptions | undefined): Promise<ChatCompletion> {
    const params = callParams(body, options, this.#shape);
    if (options?.signal) params.signal = options.signal;
    try {
      const answer = await this.client.completion(
        params as unknown as CompletionParams & { stream?: false },
      );
      return answer as unknown as ChatCompletion;
    } catch (error) {
      throw toOpenAIError(error);
    }
  }

  /**
   * A streamed chat completion, resolved when the response head arrives. Its controller cancels
   * the call (it is the call's `signal`), and so does the request's `signal`.
   */
  async stream(
    body: unknown,
    options: RequestOptions | undefined,
  ): Promise<Stream<ChatCompletionChunk>> {
    const params = callParams(body, options, this.#shape);
    const controller = new AbortController();
    const unlink = linkSignal(options?.signal, controller);
    params.signal = controller.signal;
    let source: CompletionStream;
    try {
      source = await this.client.completion(params as unknown as StreamingParams);
    } catch (error) {
      unlink();
      throw toOpenAIError(error);
    }
    const hideUsage = !asksForUsage(body);
    let consumed = false;
    return new Stream(() => {
      if (consumed) throw consumedError();
      consumed = true;
      return chunksOf(source, controller, hideUsage, unlink);
    }, controller);
  }

  /** An embedding call. */
  async embed(
    body: unknown,
    options: RequestOptions | undefined,
  ): Promise<CreateEmbeddingResponse> {
    const params = callParams(body, options, this.#shape);
    if (options?.signal) params.signal = options.signal;
    try {
      const answer = await this.client.embedding(params as unknown as EmbeddingParams);
      return answer as unknown as CreateEmbeddingResponse;
    } catch (error) {
      throw toOpenAIError(error);
    }
  }
}

/**
 * The chunks of a shallot stream as openai-node hands them over: an abort (the controller, the
 * request's signal) ends the iteration quietly; a `break` cancels the request; any other
 * failure is thrown as openai-node's error. The usage chunk shallot asks every OpenAI stream
 * for is kept from a caller who did not ask for it (`stream_options.include_usage`), as the
 * API would not send it; shallot's layers still count it.
 */
async function* chunksOf(
  source: CompletionStream,
  controller: AbortController,
  hideUsage: boolean,
  unlink: () => void,
): AsyncGenerator<ChatCompletionChunk> {
  let finished = false;
  try {
    for await (const chunk of source) {
      if (hideUsage && chunk.choices.length === 0 && chunk.usage) continue;
      yield chunk as unknown as ChatCompletionChunk;
    }
    finished = true;
  } catch (error) {
    if (controller.signal.aborted) return;
    throw toOpenAIError(error);
  } finally {
    unlink();
    if (!finished) controller.abort();
  }
}

/** Whether the body asked for the usage chunk of a stream. */
function asksForUsage(body: unknown): boolean {
  const streamOptions = (body as { stream_options?: { include_usage?: unknown } | null })
    .stream_options;
  return streamOptions?.include_usage === true;
}

/**
 * Aborts `controller` when `signal` does. @returns what removes the link.
 * @throws APIUserAbortError when the signal is already aborted, as openai-node does.
 */
function linkSignal(signal: AbortSignal | null | undefined, controller: AbortController) {
  if (!signal) return ignore;
  if (signal.aborted) throw new APIUserAbortError();
  const abort = () => controller.abort();
  signal.addEventListener('abort', abort, { once: true });
  return () => signal.removeEventListener('abort', abort);
}

function ignore(): void {}
