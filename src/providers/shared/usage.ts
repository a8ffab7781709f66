import { normalizeUsage } from '../../cost/usage.js';
import type { Usage } from '../../types/openai.js';

/**
 * A provider's own usage (Anthropic's, Gemini's, Ollama's...) in OpenAI's shape, by the rules
 * of `src/cost/usage.ts`: `prompt_tokens` counts every prompt token (cached and cache-written
 * ones included), `completion_tokens` every generated one (reasoning included).
 */
export function toOpenAIUsage(native: unknown): Usage | undefined {
  const usage = normalizeUsage(native);
  if (usage === undefined) return undefined;
  const result: Usage = {
    prompt_tokens: usage.promptTokens,
    completion_tokens: usage.completionTokens,
    total_tokens: usage.promptTokens + usage.completionTokens,
  };
  if (usage.cachedTokens > 0 || usage.cacheWriteTokens > 0 || usage.cacheWrite1hTokens > 0) {
    result.prompt_tokens_details = { cached_tokens: usage.cachedTokens };
    if (usage.cacheWriteTokens + usage.cacheWrite1hTokens > 0) {
      result.prompt_tokens_details.cache_write_tokens =
        usage.cacheWriteTokens + usage.cacheWrite1hTokens;
    }
    if (usage.cacheWrite1hTokens > 0)
      result.prompt_tokens_details.cache_write_1h_tokens = usage.cacheWrite1hTokens;
  }
  if (usage.reasoningTokens > 0)
    result.completion_tokens_details = { reasoning_tokens: usage.reasoningTokens };
  return result;
}
