import { InvalidResponseError } from '../../errors/invalid-response-error.js';
import { INDEX_LIMIT, isIndexBelow } from '../../shapes/limits.js';
import type { ChunkDelta, FinishReason } from '../../types/openai.js';
import type { ResolvedProvider } from '../provider.js';

/**
 * The differences between OpenAI and the servers that speak its format, read defensively
 * (providers.md §7): reasoning under three names, Mistral's content arrays, finish reasons
 * of their own, tool-call deltas without an index.
 */

const FINISH_REASONS: Readonly<Record<string, FinishReason>> = {
  stop: 'stop',
  length: 'length',
  tool_calls: 'tool_calls',
  content_filter: 'content_filter',
  function_call: 'function_call',
  model_length: 'length',
  insufficient_system_resource: 'error',
  error: 'error',
};

/** A finish reason in OpenAI's vocabulary; anything else becomes `other`. */
export function normalizeFinishReason(raw: unknown): FinishReason | null {
  if (typeof raw !== 'string' || raw === '') return null;
  // Own keys only: a finish reason of "constructor" from the wire is `other`, not a function.
  return Object.hasOwn(FINISH_REASONS, raw) ? (FINISH_REASONS[raw] as FinishReason) : 'other';
}

/** True when a finish reason had to be translated, so the raw value must be kept beside it. */
export function isForeignFinishReason(raw: unknown): raw is string {
  return (
    typeof raw === 'string' &&
    raw !== '' &&
    !(Object.hasOwn(FINISH_REASONS, raw) && FINISH_REASONS[raw] === raw)
  );
}

/**
 * Moves a message's or a delta's reasoning into `reasoning_content` (DeepSeek and vLLM call it
 * that; Groq, OpenRouter and Ollama's /v1 call it `reasoning`), and flattens Mistral's content
 * arrays: text parts into `content`, thinking parts into `reasoning_content`.
 */
export function normalizeReasoning(target: ChunkDelta | Record<string, unknown>): void {
  const fields = target as Record<string, unknown>;
  if (typeof fields.reasoning === 'string' && fields.reasoning_content === undefined) {
    fields.reasoning_content = fields.reasoning;
    delete fields.reasoning;
  }
  if (Array.isArray(fields.content)) {
    let text = '';
    let reasoning = '';
    for (const part of fields.content as Array<Record<string, unknown> | null>) {
      if (part === null || typeof part !== 'object') continue;
      if (part.type === 'text' && typeof part.text === 'string') text += part.text;
      if (part.type === 'thinking') reasoning += textOfThinking(part.thinking);
    }
    fields.content = text;
    if (reasoning !== '')
      fields.reasoning_content = `${(fields.reasoning_content as string | undefined) ?? ''}${reasoning}`;
  }
}

function textOfThinking(thinking: unknown): string {
  if (typeof thinking === 'string') return thinking;
  if (!Array.isArray(thinking)) return '';
  return thinking.map((part) => (typeof part?.text === 'string' ? part.text : '')).join('');
}

/**
 * Gives every streamed tool-call fragment an `index`: some servers (Gemini's OpenAI endpoint,
 * Mistral) leave it out. A fragment with a new id starts the next call; one without an id
 * continues the last. An index the server did send must be a whole number below
 * {@link INDEX_LIMIT}; anything else is an `InvalidResponseError`.
 */
export class ToolCallIndexer {
  readonly #ids: string[] = [];

  assign(fragments: unknown[], provider: Pick<ResolvedProvider, 'name' | 'model'>): void {
    for (const item of fragments) {
      if (item === null || typeof item !== 'object') continue;
      const fragment = item as { index?: unknown; id?: unknown };
      const id = typeof fragment.id === 'string' ? fragment.id : '';
      if (fragment.index !== undefined && fragment.index !== null) {
        if (!isIndexBelow(fragment.index, INDEX_LIMIT)) throw badIndex(fragment.index, provider);
        if (id) this.#ids[fragment.index] = id;
        continue;
      }
      const known = id ? this.#ids.indexOf(id) : this.#ids.length - 1;
      if (known >= 0) {
        fragment.index = known;
      } else if (this.#ids.length < INDEX_LIMIT) {
        fragment.index = this.#ids.length;
        this.#ids.push(id);
      } else {
        throw badIndex(this.#ids.length, provider);
      }
    }
  }
}

function badIndex(index: unknown, { name, model }: Pick<ResolvedProvider, 'name' | 'model'>) {
  return new InvalidResponseError({
    provider: name,
    model,
    message: `${name}/${model}: a streamed tool call has the index ${JSON.stringify(index) ?? String(index)}; expected a whole number from 0 to ${INDEX_LIMIT - 1}.`,
  });
}
