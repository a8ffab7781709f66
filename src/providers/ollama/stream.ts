import type { ShallotError } from '../../errors/shallot-error.js';
import type { ChatCompletionChunk, ChunkDelta, ToolCallDelta } from '../../types/openai.js';
import type { ProviderFailure, ResolvedProvider, StreamDecoder, WireEvent } from '../provider.js';
import { makeChunk, type StreamIdentity } from '../shared/chunks.js';
import { parseStreamObject } from '../shared/parse-object.js';
import {
  createdOf,
  finishReasonOf,
  newCompletionId,
  type OllamaChatLine,
  toOpenAIToolCall,
  usageOf,
} from './response.js';

/** Maps an error line of the stream to the error taxonomy. */
export type StreamErrorMapper = (failure: ProviderFailure) => ShallotError;

/**
 * Decodes Ollama's NDJSON stream: each line's `content` and `thinking` are deltas, tool calls
 * arrive whole in one line, and the line with `done: true` carries the finish reason and the
 * counts. A line `{"error": "..."}` is a failure after the 200.
 */
export class OllamaStreamDecoder implements StreamDecoder {
  done = false;
  readonly #provider: ResolvedProvider;
  readonly #mapError: StreamErrorMapper;
  #identity: StreamIdentity | undefined;
  #toolCallCount = 0;

  constructor(provider: ResolvedProvider, mapError: StreamErrorMapper) {
    this.#provider = provider;
    this.#mapError = mapError;
  }

  /** Only the `done: true` line ends the stream; an end before it is a truncation. */
  get complete(): boolean {
    return this.done;
  }

  decode(event: WireEvent): ChatCompletionChunk | undefined {
    const line = this.#parse(event.data);
    if (line.error !== undefined && line.error !== null) {
      const { name, model, apiKeyEnv } = this.#provider;
      throw this.#mapError({
        status: 0,
        body: line,
        text: event.data,
        headers: {},
        provider: name,
        model,
        apiKeyEnv,
      });
    }
    const first = this.#identity === undefined;
    const identity = this.#identityFor(line);
    const delta = this.#deltaOf(line, first);
    if (line.done === true) {
      this.done = true;
      const chunk = makeChunk(
        identity,
        delta,
        finishReasonOf(line.done_reason, this.#toolCallCount > 0),
        usageOf(line),
      );
      const choice = chunk.choices[0];
      if (choice !== undefined && typeof line.done_reason === 'string') {
        choice.provider_finish_reason = line.done_reason;
      }
      return chunk;
    }
    // Ollama sends lines with nothing new (an empty content next to a thinking pause): skip them.
    return Object.keys(delta).length > 0 ? makeChunk(identity, delta) : undefined;
  }

  #deltaOf(line: OllamaChatLine, first: boolean): ChunkDelta {
    const delta: ChunkDelta = first ? { role: 'assistant' } : {};
    const message = line.message;
    if (message === null || typeof message !== 'object') return delta;
    if (typeof message.content === 'string' && message.content !== '') {
      delta.content = message.content;
    }
    if (typeof message.thinking === 'string' && message.thinking !== '') {
      delta.reasoning_content = message.thinking;
    }
    if (Array.isArray(message.tool_calls) && message.tool_calls.length > 0) {
      delta.tool_calls = message.tool_calls.map((call): ToolCallDelta => {
        const whole = toOpenAIToolCall(call);
        return { index: this.#toolCallCount++, ...whole };
      });
    }
    return delta;
  }

  #identityFor(line: OllamaChatLine): StreamIdentity {
    this.#identity ??= {
      id: newCompletionId(),
      model: line.model ?? this.#provider.model,
      created: createdOf(line.created_at),
    };
    return this.#identity;
  }

  #parse(data: string): OllamaChatLine {
    return parseStreamObject<OllamaChatLine>(data, this.#provider, 'a stream line');
  }
}
