import { z } from 'zod';

/** The version of the call record's shape; bumped on any incompatible change. */
export const CALL_RECORD_VERSION = 1;

const usage = z.object({
  prompt_tokens: z.number().int().nonnegative(),
  completion_tokens: z.number().int().nonnegative(),
  total_tokens: z.number().int().nonnegative(),
  /** Prompt tokens served from the provider's prompt cache (part of `prompt_tokens`). */
  cached_tokens: z.number().int().nonnegative(),
  /** Prompt tokens written into the provider's prompt cache. */
  cache_write_tokens: z.number().int().nonnegative(),
  /** Hidden reasoning tokens (part of `completion_tokens`). */
  reasoning_tokens: z.number().int().nonnegative(),
});

/** What an embedding call's record holds instead of messages and a response: counts, never vectors. */
const embedding = z.object({
  /** Inputs in the call: one vector each. */
  inputs: z.number().int().nonnegative(),
  /** Inputs a cache answered. */
  cached_inputs: z.number().int().nonnegative(),
  /** Input tokens paid for (those of the inputs sent), as `usage.prompt_tokens`. */
  input_tokens: z.number().int().nonnegative().nullable(),
  /** True when the provider counted no tokens and `input_tokens` is a tokenizer estimate. */
  estimated_tokens: z.boolean(),
  /** The width the call asked for, if it asked. */
  dimensions: z.number().int().positive().nullable(),
  /** The width of the vectors returned; null when none came back. */
  width: z.number().int().nonnegative().nullable(),
});

const error = z.object({
  class: z.string(),
  code: z.string(),
  status: z.number().int().nullable(),
  provider: z.string().nullable(),
  message: z.string(),
  retryable: z.boolean(),
});

/**
 * The call record: one JSON-serialisable, versioned object per finished call, built from an
 * allow-list of the context's fields. It is `kwargs.standard_logging_object` for callbacks,
 * and what every logging sink writes. Keys are snake_case, as in LiteLLM's standard logging
 * payload, because records land in JSON logs and SQL columns.
 */
export const callRecordSchema = z.object({
  schema_version: z.literal(CALL_RECORD_VERSION),
  id: z.string(),
  trace_id: z.string(),
  attempt: z.number().int().nonnegative(),
  status: z.enum(['success', 'failure']),
  /** `completion` or `embedding`. */
  call_type: z.enum(['completion', 'embedding']),
  /** The model as the caller named it. */
  model: z.string(),
  provider: z.string().nullable(),
  /** The model id the provider received. */
  provider_model: z.string().nullable(),
  api_base: z.string().nullable(),
  stream: z.boolean(),
  start_time: z.iso.datetime(),
  first_token_time: z.iso.datetime().nullable(),
  end_time: z.iso.datetime(),
  latency_ms: z.number().nonnegative(),
  time_to_first_token_ms: z.number().nonnegative().nullable(),
  usage: usage.nullable(),
  /** US dollars; null when the model has no known price. */
  response_cost: z.number().nullable(),
  /** US dollars a cache hit saved; null when not a hit. */
  saved_cost: z.number().nullable(),
  cache_hit: z.boolean(),
  cache_key_hash: z.string().nullable(),
  metadata: z.record(z.string(), z.unknown()),
  tags: z.array(z.string()),
  user: z.string().nullable(),
  /** The request's parameters other than model and messages, without secrets. */
  params: z.record(z.string(), z.unknown()),
  /** The messages of a completion; null for an embedding, whose inputs the record never holds. */
  messages: z.union([z.array(z.unknown()), z.literal('[redacted]')]).nullable(),
  response: z.union([z.record(z.string(), z.unknown()), z.literal('[redacted]')]).nullable(),
  finish_reason: z.string().nullable(),
  request_id: z.string().nullable(),
  error: error.nullable(),
  /** The model group a router sent the call to (`metadata.model_group`); absent without a router. */
  model_group: z.string().optional(),
  /** The id of the deployment that served the attempt (`metadata.model_info.id`); absent without a router. */
  model_id: z.string().optional(),
  /** An embedding call's counts (absent from a completion's record). The vectors never are. */
  embedding: embedding.optional(),
});

/** One finished call, as every sink and `kwargs.standard_logging_object` see it. */
export type CallRecord = z.infer<typeof callRecordSchema>;
