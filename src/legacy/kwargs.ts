import type { Metadata } from '../context/types.js';
import type { ShallotError } from '../errors/shallot-error.js';
import type { CallRecord } from '../record/schema.js';
import type { EmbeddingInput } from '../types/embedding.js';
import type { ChatCompletion, ChatMessage, JsonObject } from '../types/openai.js';

/** The four events a call logs, as LiteLLM names them in `kwargs.log_event_type`. */
export type LogEventType =
  | 'pre_api_call'
  | 'post_api_call'
  | 'successful_api_call'
  | 'failed_api_call';

/**
 * What every callback receives: LiteLLM's `kwargs`, with its key names, so a callback
 * ported from LiteLLM's documentation reads the same keys. Each callback gets its own copy.
 * The key is always masked, and so are credential headers.
 */
export interface CallbackKwargs {
  /** The model id the provider received (`gpt-4o-mini` for `openai/gpt-4o-mini`). */
  model: string;
  /** A completion's messages; an embedding call's input (as LiteLLM's `embedding()` logs it). */
  messages: ChatMessage[] | EmbeddingInput;
  /** The request's parameters other than model and messages (or input), as sent. */
  optional_params: Record<string, unknown>;
  litellm_params: {
    /** `completion({ metadata })`; an empty object when none was given. */
    metadata: Metadata;
    api_base: string | null;
    custom_llm_provider: string | null;
    litellm_call_id: string;
    litellm_trace_id: string;
  };
  start_time: Date;
  /** Set on the stream, success and failure events. */
  end_time?: Date | null;
  /** When the first chunk (or the whole answer) arrived; set on success. */
  completion_start_time?: Date | null;
  stream: boolean;
  user: string | null;
  /** `acompletion` or `aembedding`: every shallot call is asynchronous. */
  call_type: 'acompletion' | 'aembedding';
  log_event_type: LogEventType;
  litellm_call_id: string;
  /** The attempt number (from 1) that this event belongs to; 0 if no attempt started. */
  attempt: number;
  /** The exact prompt sent: the provider body's messages; an embedding call's input as sent (the inputs a cache did not answer). */
  input: unknown;
  /** The key, masked (`sk-p****wxyz`); null when the call had none. */
  api_key: string | null;
  additional_args: {
    /** The exact body sent to the provider. */
    complete_input_dict?: JsonObject;
    /** The request headers, credentials masked. */
    headers?: Record<string, string>;
    api_base?: string;
  };
  /** The raw response text; null for streams, whose answer is `complete_streaming_response`. */
  original_response?: string | null;
  /** The assembled answer, on the success event of a stream. */
  complete_streaming_response?: ChatCompletion;
  /**
   * The same object as `complete_streaming_response`, under the name LiteLLM's async success
   * path gives it; set for every callback on the success event of a stream, sync or async.
   *
   * @example
   * async asyncLogSuccessEvent(kwargs) {
   *   const answer = kwargs.async_complete_streaming_response; // === kwargs.complete_streaming_response
   * }
   */
  async_complete_streaming_response?: ChatCompletion;
  /** US dollars; 0 for a cache hit; null until the call ended, or when the model has no price. */
  response_cost: number | null;
  /** True for an answer from the cache, false for a miss, null when no cache layer ran. */
  cache_hit: boolean | null;
  /** True on the failure event of an attempt that another attempt follows (a retry, a fallback); false otherwise. */
  will_retry: boolean;
  /** The failure, on the failure event. */
  exception?: ShallotError;
  /** The failure's stack, on the failure event. */
  traceback_exception?: string;
  /** The call record, on the success and failure events. */
  standard_logging_object?: CallRecord;
}
