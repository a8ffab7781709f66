import type {
  ChatCompletionChunk,
  ChunkChoice,
  ChunkDelta,
  ToolCallDelta,
} from '../../types/openai.js';
import type { ResolvedProvider, StreamDecoder, WireEvent } from '../provider.js';
import { makeChunk, nowSeconds, type StreamIdentity } from '../shared/chunks.js';
import { parseStreamObject } from '../shared/parse-object.js';
import { toOpenAIUsage } from '../shared/usage.js';
import { mapGeminiError } from './errors.js';
import { readParts, responseIdOf, toFinishReason } from './response.js';
import type { GeminiCandidate, GeminiResponse, SignedToolCall } from './wire.js';

/**
 * Decodes `streamGenerateContent?alt=sse`. Each event is a whole `GenerateContentResponse`
 * holding only what is new, so each becomes one chunk: text → `content`, thought summaries
 * → `reasoning_content`, function calls (which arrive whole) → one tool-call delta each,
 * with the full arguments. `usageMetadata` carries running totals on every event; each
 * chunk carries the latest, and the last one wins when the stream is assembled.
 *
 * Gemini sends no terminal marker: `done` stays false and the stream ends at EOF, which is
 * a clean end only after an event with a `finishReason` (`complete`).
 */
export class GeminiStreamDecoder implements StreamDecoder {
  readonly done = false;
  #complete = false;
  #identity: StreamIdentity | undefined;
  readonly #provider: ResolvedProvider;
  /** The candidates whose first delta (with `role`) went out. */
  readonly #started = new Set<number>();
  /** How many tool calls each candidate made so far: the next call's `index`. */
  readonly #toolCalls = new Map<number, number>();

  constructor(provider: ResolvedProvider) {
    this.#provider = provider;
  }

  get complete(): boolean {
    return this.#complete;
  }

  decode(event: WireEvent): ChatCompletionChunk | undefined {
    const response = this.#parse(event.data);
    if (response.error !== undefined && response.error !== null) {
      throw mapGeminiError({
        status: 0,
        body: response,
        text: event.data,
        headers: {},
        provider: this.#provider.name,
        model: this.#provider.model,
        apiKeyEnv: this.#provider.apiKeyEnv,
      });
    }
    this.#identity ??= {
      id: responseIdOf(response),
      model:
        typeof response.modelVersion === 'string' ? response.modelVersion : this.#provider.model,
      created: nowSeconds(),
    };
    const candidates = Array.isArray(response.candidates) ? response.candidates : [];
    const choices = candidates.map((candidate, position) => this.#choiceOf(candidate, position));
    const blockReason = response.promptFeedback?.blockReason;
    if (candidates.length === 0 && typeof blockReason === 'string') {
      choices.push({
        index: 0,
        delta: this.#start(0),
        finish_reason: 'content_filter',
        provider_finish_reason: blockReason,
      });
      this.#complete = true;
    }
    const usage = toOpenAIUsage(response.usageMetadata);
    if (choices.length === 0 && usage === undefined) return undefined;
    const chunk = makeChunk(this.#identity, {}, null, usage);
    chunk.choices = choices;
    return chunk;
  }

  #choiceOf(candidate: GeminiCandidate, position: number): ChunkChoice {
    const index = candidate.index ?? position;
    const parts = readParts(candidate.content?.parts);
    const delta = this.#start(index);
    // Gemini's last event often holds an empty text part that only carries a signature.
    if (parts.text !== '') delta.content = parts.text;
    if (parts.reasoning !== '') delta.reasoning_content = parts.reasoning;
    if (parts.toolCalls.length > 0) {
      let next = this.#toolCalls.get(index) ?? 0;
      delta.tool_calls = parts.toolCalls.map((call) => {
        const fragment: ToolCallDelta & SignedToolCall = {
          index: next++,
          id: call.id,
          type: 'function',
          function: { name: call.function.name, arguments: call.function.arguments },
        };
        if (call.thought_signature !== undefined)
          fragment.thought_signature = call.thought_signature;
        return fragment;
      });
      this.#toolCalls.set(index, next);
    }
    const raw = candidate.finishReason;
    const choice: ChunkChoice = { index, delta, finish_reason: null };
    if (typeof raw === 'string') {
      choice.finish_reason = toFinishReason(raw, (this.#toolCalls.get(index) ?? 0) > 0);
      choice.provider_finish_reason = raw;
      this.#complete = true;
    }
    return choice;
  }

  /** An empty delta, with `role` on the candidate's first one. */
  #start(index: number): ChunkDelta {
    if (this.#started.has(index)) return {};
    this.#started.add(index);
    return { role: 'assistant' };
  }

  #parse(data: string): GeminiResponse {
    return parseStreamObject<GeminiResponse>(data, this.#provider);
  }
}
