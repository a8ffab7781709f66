import type {
  LanguageModelV3FinishReason,
  LanguageModelV3ResponseMetadata,
  LanguageModelV3Usage,
} from '@ai-sdk/provider';
import type { FinishReason, JsonObject, Usage } from '../../index.js';

const UNIFIED_FINISH_REASONS: Readonly<
  Record<FinishReason, LanguageModelV3FinishReason['unified']>
> = {
  stop: 'stop',
  length: 'length',
  tool_calls: 'tool-calls',
  function_call: 'tool-calls',
  content_filter: 'content-filter',
  error: 'error',
  other: 'other',
};

/**
 * shallot's usage (OpenAI's shape, whatever the provider: cached and cache-written tokens
 * counted in `prompt_tokens`, reasoning tokens in `completion_tokens`) in the AI SDK's shape,
 * the usage itself as `raw`. No usage is every count unknown.
 */
export function usageOf(usage: Usage | null | undefined): LanguageModelV3Usage {
  if (usage === null || usage === undefined) {
    return {
      inputTokens: {
        total: undefined,
        noCache: undefined,
        cacheRead: undefined,
        cacheWrite: undefined,
      },
      outputTokens: { total: undefined, text: undefined, reasoning: undefined },
    };
  }
  const input = count(usage.prompt_tokens);
  const output = count(usage.completion_tokens);
  const cacheRead = count(usage.prompt_tokens_details?.cached_tokens);
  const cacheWrite = count(usage.prompt_tokens_details?.cache_write_tokens);
  const reasoning = count(usage.completion_tokens_details?.reasoning_tokens);
  return {
    inputTokens: {
      total: input,
      noCache: Math.max(0, input - cacheRead - cacheWrite),
      cacheRead,
      cacheWrite,
    },
    outputTokens: { total: output, text: Math.max(0, output - reasoning), reasoning },
    raw: usage as JsonObject,
  };
}

/** A count from the usage, 0 where it is missing or not a finite number. */
function count(value: unknown): number {
  return typeof value === 'number' && Number.isFinite(value) ? value : 0;
}

/**
 * A choice's finish reason in the AI SDK's words. `raw` is the provider's own value
 * (`end_turn`, `STOP`, ...) where shallot kept it, else OpenAI's. A refusal that ended the
 * answer is a content filter, as the AI SDK's OpenAI provider reports it.
 */
export function finishReasonOf(
  reason: FinishReason | null | undefined,
  providerReason: unknown,
  refused: boolean,
): LanguageModelV3FinishReason {
  const unified =
    typeof reason === 'string' && Object.hasOwn(UNIFIED_FINISH_REASONS, reason)
      ? UNIFIED_FINISH_REASONS[reason]
      : 'other';
  const raw = typeof providerReason === 'string' ? providerReason : (reason ?? undefined);
  return { unified: refused && unified === 'stop' ? 'content-filter' : unified, raw };
}

/** The response's id, model and creation time, where they are. */
export function responseMetadataOf(answer: {
  id?: unknown;
  model?: unknown;
  created?: unknown;
}): LanguageModelV3ResponseMetadata {
  const metadata: LanguageModelV3ResponseMetadata = {};
  if (typeof answer.id === 'string' && answer.id !== '') metadata.id = answer.id;
  if (typeof answer.model === 'string' && answer.model !== '') metadata.modelId = answer.model;
  if (typeof answer.created === 'number' && answer.created > 0)
    metadata.timestamp = new Date(answer.created * 1000);
  return metadata;
}
