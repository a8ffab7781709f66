import type { ChatRequest } from '../types/openai.js';

/** A model to fall back to: its name, or its name with request parameters of its own. */
export type FallbackTarget = string | ({ model: string } & Partial<Omit<ChatRequest, 'messages'>>);

/**
 * Models to try in order when a call fails: one list for every failure, or lists by kind of
 * failure (LiteLLM's `fallbacks`, `context_window_fallbacks`, `content_policy_fallbacks`).
 */
export type Fallbacks =
  | FallbackTarget[]
  | {
      /** For any failure that has no list of its own. */
      default?: FallbackTarget[];
      /** For a `ContextWindowExceededError` (a model with a bigger window, say). */
      contextWindow?: FallbackTarget[];
      /** For a `ContentPolicyViolationError`. */
      contentPolicy?: FallbackTarget[];
      /** For a `RateLimitError` once its retries are spent. */
      rateLimit?: FallbackTarget[];
    };
