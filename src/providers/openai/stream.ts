import type { ChatCompletionChunk, Usage } from '../../types/openai.js';
import type { ProviderAdapter, ResolvedProvider, StreamDecoder, WireEvent } from '../provider.js';
import { parseStreamObject } from '../shared/parse-object.js';
import {
  isForeignFinishReason,
  normalizeFinishReason,
  normalizeReasoning,
  ToolCallIndexer,
} from './normalize.js';

/**
 * Decodes OpenAI's data-only SSE, and the variations of the servers that copy it: `[DONE]`
 * or none, usage on the finish chunk or in Groq's `x_groq`, `choices` null or missing,
 * reasoning and Mistral's content arrays, tool-call deltas without an index, and an
 * `{"error": ...}` event after the 200.
 */
export class OpenAIStreamDecoder implements StreamDecoder {
  done = false;
  #sawFinish = false;
  readonly #provider: ResolvedProvider;
  readonly #adapter: ProviderAdapter;
  readonly #indexer = new ToolCallIndexer();

  constructor(provider: ResolvedProvider, adapter: ProviderAdapter) {
    this.#provider = provider;
    this.#adapter = adapter;
  }

  /** Complete at `[DONE]`, or after a finish reason for servers that skip `[DONE]`. */
  get complete(): boolean {
    return this.done || this.#sawFinish;
  }

  decode(event: WireEvent): ChatCompletionChunk | undefined {
    const data = event.data;
    if (data === '[DONE]') {
      this.done = true;
      return undefined;
    }
    const chunk = this.#parse(data);
    if (chunk.error !== undefined && chunk.error !== null) {
      throw this.#adapter.mapError({
        status: 0,
        body: chunk,
        text: data,
        headers: {},
        provider: this.#provider.name,
        model: this.#provider.model,
        apiKeyEnv: this.#provider.apiKeyEnv,
      });
    }
    // Azure's first chunk has an empty `object`; the caller always gets OpenAI's shape.
    if (chunk.object !== 'chat.completion.chunk') chunk.object = 'chat.completion.chunk';
    if (chunk.choices === null || chunk.choices === undefined) chunk.choices = [];
    const groqUsage = (chunk.x_groq as { usage?: Usage } | null | undefined)?.usage;
    if (!chunk.usage && groqUsage) chunk.usage = groqUsage;
    // Only what is well-formed is normalized here; the stream checks each chunk's whole shape.
    if (!Array.isArray(chunk.choices)) return chunk;
    for (const choice of chunk.choices) {
      if (choice === null || typeof choice !== 'object') continue;
      const delta = choice.delta as unknown;
      if (delta === null || delta === undefined) {
        choice.delta = {};
      } else if (typeof delta === 'object' && !Array.isArray(delta)) {
        normalizeReasoning(choice.delta);
        const calls = choice.delta.tool_calls as unknown;
        if (Array.isArray(calls)) this.#indexer.assign(calls, this.#provider);
      }
      const raw = choice.finish_reason as unknown;
      if (raw) this.#sawFinish = true;
      if (isForeignFinishReason(raw)) {
        choice.provider_finish_reason = raw;
        choice.finish_reason = normalizeFinishReason(raw);
      }
    }
    return chunk;
  }

  #parse(data: string): ChatCompletionChunk & { error?: unknown; x_groq?: unknown } {
    return parseStreamObject(data, this.#provider);
  }
}
