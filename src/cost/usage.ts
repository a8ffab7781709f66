import type { NormalizedUsage } from './types.js';

/**
 * Usage rules, per provider. Each provider counts tokens its own way; cost needs one shape:
 * every prompt token in `promptTokens`, every generated token in `completionTokens`, and the
 * cached, cache-written and reasoning tokens as parts of those.
 *
 * - OpenAI Chat (and Azure, and the OpenAI-compatible family): `prompt_tokens` includes
 *   `prompt_tokens_details.cached_tokens`; `completion_tokens` includes
 *   `completion_tokens_details.reasoning_tokens`. DeepSeek reports its cache hits as
 *   `prompt_cache_hit_tokens`, also part of `prompt_tokens`.
 * - OpenAI Responses: `input_tokens` includes `input_tokens_details.cached_tokens`;
 *   `output_tokens` includes `output_tokens_details.reasoning_tokens`.
 * - Anthropic: `input_tokens` EXCLUDES `cache_read_input_tokens` and
 *   `cache_creation_input_tokens`, so the prompt is their sum. `cache_creation` splits the
 *   writes by TTL (`ephemeral_5m_input_tokens`, `ephemeral_1h_input_tokens`), priced apart.
 *   `output_tokens` includes thinking.
 * - Gemini: `promptTokenCount` includes `cachedContentTokenCount`; tool-use prompt tokens
 *   (`toolUsePromptTokenCount`) come on top. `thoughtsTokenCount` is counted APART from
 *   `candidatesTokenCount`: the output is their sum, and the thoughts are its reasoning part.
 *
 * shallot's own responses carry OpenAI Chat usage (the providers translate to it); the other
 * shapes are read so that `completionCost()` can price a provider's raw usage too.
 */
export function normalizeUsage(usage: unknown): NormalizedUsage | undefined {
  if (usage === null || typeof usage !== 'object') return undefined;
  const raw = usage as Record<string, unknown>;
  if ('prompt_tokens' in raw || 'completion_tokens' in raw) return fromOpenAIChat(raw);
  if ('promptTokenCount' in raw || 'candidatesTokenCount' in raw) return fromGemini(raw);
  if ('cache_read_input_tokens' in raw || 'cache_creation_input_tokens' in raw)
    return fromAnthropic(raw);
  if ('input_tokens' in raw || 'output_tokens' in raw) {
    // Responses usage has input details or a total; Anthropic's has neither.
    return 'input_tokens_details' in raw || 'total_tokens' in raw
      ? fromOpenAIResponses(raw)
      : fromAnthropic(raw);
  }
  return undefined;
}

function fromOpenAIChat(raw: Record<string, unknown>): NormalizedUsage {
  const prompt = details(raw, 'prompt_tokens_details');
  const completion = details(raw, 'completion_tokens_details');
  // `cache_write_tokens` counts every write (as the providers' usage turns them into this
  // shape); `cache_write_1h_tokens` is the part written for an hour, priced apart.
  const written = count(prompt.cache_write_tokens);
  const oneHour = Math.min(written, count(prompt.cache_write_1h_tokens));
  return {
    promptTokens: count(raw.prompt_tokens),
    completionTokens: count(raw.completion_tokens),
    cachedTokens: count(prompt.cached_tokens ?? raw.prompt_cache_hit_tokens),
    cacheWriteTokens: written - oneHour,
    cacheWrite1hTokens: oneHour,
    reasoningTokens: count(completion.reasoning_tokens),
  };
}

function fromOpenAIResponses(raw: Record<string, unknown>): NormalizedUsage {
  const input = details(raw, 'input_tokens_details');
  const output = details(raw, 'output_tokens_details');
  return {
    promptTokens: count(raw.input_tokens),
    completionTokens: count(raw.output_tokens),
    cachedTokens: count(input.cached_tokens),
    cacheWriteTokens: count(input.cache_write_tokens),
    cacheWrite1hTokens: 0,
    reasoningTokens: count(output.reasoning_tokens),
  };
}

function fromAnthropic(raw: Record<string, unknown>): NormalizedUsage {
  const read = count(raw.cache_read_input_tokens);
  const written = count(raw.cache_creation_input_tokens);
  const byTtl = details(raw, 'cache_creation');
  const oneHour = Math.min(written, count(byTtl.ephemeral_1h_input_tokens));
  return {
    promptTokens: count(raw.input_tokens) + read + written,
    completionTokens: count(raw.output_tokens),
    cachedTokens: read,
    cacheWriteTokens: written - oneHour,
    cacheWrite1hTokens: oneHour,
    reasoningTokens: count(details(raw, 'output_tokens_details').thinking_tokens),
  };
}

function fromGemini(raw: Record<string, unknown>): NormalizedUsage {
  const thoughts = count(raw.thoughtsTokenCount);
  return {
    promptTokens: count(raw.promptTokenCount) + count(raw.toolUsePromptTokenCount),
    completionTokens: count(raw.candidatesTokenCount) + thoughts,
    cachedTokens: count(raw.cachedContentTokenCount),
    cacheWriteTokens: 0,
    cacheWrite1hTokens: 0,
    reasoningTokens: thoughts,
  };
}

function details(raw: Record<string, unknown>, field: string): Record<string, unknown> {
  const value = raw[field];
  return value !== null && typeof value === 'object' ? (value as Record<string, unknown>) : {};
}

function count(value: unknown): number {
  return typeof value === 'number' && Number.isFinite(value) && value > 0 ? value : 0;
}
