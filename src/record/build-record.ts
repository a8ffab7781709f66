import type { AttemptFailure, Context, EmbeddingContext } from '../context/context.js';
import { normalizeUsage } from '../cost/usage.js';
import { secretsOfCall } from '../secrets/call-secrets.js';
import { scrubText } from '../secrets/mask.js';
import type { ChatCompletion, Usage } from '../types/openai.js';
import { toJsonSafe } from './json-safe.js';
import { CALL_RECORD_VERSION, type CallRecord } from './schema.js';

const REDACTED = '[redacted]' as const;

/**
 * The call record of a finished call, built once and shared by every reader. Built from an
 * allow-list: nothing reaches it that is not named here, and no key or auth header at all.
 */
export function callRecordOf(ctx: Context): CallRecord {
  // Kept on the context (`CallContext.record`) rather than in a WeakMap: one ephemeron per
  // call made every garbage collection slower.
  const holder = ctx as Context & { record?: CallRecord };
  let record = holder.record;
  if (record === undefined) {
    record = buildCallRecord(ctx, secretsOfCall(ctx));
    holder.record = record;
  }
  return record;
}

/**
 * The record of one failed attempt that another attempt follows (a retry, a fallback): the
 * call so far, with that attempt's number and error. Built fresh each time, never the call's.
 */
export function attemptRecordOf(ctx: Context, failed: AttemptFailure): CallRecord {
  return buildCallRecord(ctx, secretsOfCall(ctx), failed);
}

/**
 * The record, independent of the context: the caller's and the provider's data (metadata,
 * params, messages, response) copied JSON-safe with `secrets` masked, the rest built here in
 * one fixed shape, its strings that could hold a secret scrubbed.
 */
function buildCallRecord(
  ctx: Context,
  secrets: readonly string[],
  failed?: AttemptFailure,
): CallRecord {
  const { start, firstToken, end = Date.now() } = ctx.timings;
  const prepared = ctx.providerRequest !== undefined;
  const provider = prepared ? ctx.provider : undefined;
  const metadata = toJsonSafe(ctx.metadata, secrets) as Record<string, unknown>;
  const error = failed?.error ?? ctx.error;
  const response = ctx.kind === 'completion' ? ctx.response : undefined;
  const scrub = (text: string) => (secrets.length > 0 ? scrubText(text, secrets) : text);
  const scrubOrNull = (text: string | null | undefined) =>
    typeof text === 'string' ? scrub(text) : null;
  return {
    schema_version: CALL_RECORD_VERSION,
    id: ctx.callId,
    trace_id: ctx.traceId,
    attempt: failed?.attempt ?? ctx.attempt,
    status: failed === undefined && ctx.status === 'success' ? 'success' : 'failure',
    call_type: ctx.kind,
    model: scrub(failed?.model ?? ctx.request.model),
    provider: provider?.name ?? null,
    provider_model: scrubOrNull(provider?.model),
    api_base: scrubOrNull(provider?.apiBase),
    stream: ctx.isStream,
    start_time: new Date(start).toISOString(),
    first_token_time: firstToken === undefined ? null : new Date(firstToken).toISOString(),
    end_time: new Date(end).toISOString(),
    latency_ms: end - start,
    time_to_first_token_ms: firstToken === undefined ? null : firstToken - start,
    usage: recordUsage(ctx.usage ?? error?.partialResponse?.usage),
    response_cost: finiteOrNull(ctx.cost?.total),
    saved_cost: finiteOrNull(ctx.cost?.saved),
    cache_hit: ctx.cacheStatus === 'hit',
    cache_key_hash: scrubOrNull(ctx.cacheKey),
    metadata,
    tags: tagsOf(metadata),
    user: scrubOrNull(ctx.request.user),
    params: toJsonSafe(paramsOf(ctx), secrets) as Record<string, unknown>,
    messages:
      ctx.kind === 'embedding'
        ? null
        : ctx.redaction.messages
          ? REDACTED
          : (toJsonSafe(ctx.request.messages, secrets) as unknown[]),
    response:
      response === undefined
        ? null
        : ctx.redaction.response
          ? REDACTED
          : (toJsonSafe(response, secrets, { credentialKeys: false }) as Record<string, unknown>),
    finish_reason: scrubOrNull(finishReasonOf(response)),
    request_id: scrubOrNull(ctx.providerResponse?.requestId),
    error: error
      ? {
          class: error.name,
          code: error.code,
          status: error.status ?? null,
          provider: error.provider ?? null,
          message: scrub(error.message),
          retryable: error.retryable,
        }
      : null,
    ...routeOf(metadata),
    ...(ctx.kind === 'embedding' ? { embedding: embeddingCounts(ctx) } : {}),
  };
}

/**
 * The model group and deployment id a router wrote into the metadata (as LiteLLM's router
 * does: `model_group`, `model_info.id`), as record fields; nothing for a call no router sent.
 */
function routeOf(metadata: Record<string, unknown>): Pick<CallRecord, 'model_group' | 'model_id'> {
  const group = metadata.model_group;
  if (typeof group !== 'string') return {};
  const info = metadata.model_info;
  const id = info !== null && typeof info === 'object' ? (info as { id?: unknown }).id : undefined;
  return typeof id === 'string' ? { model_group: group, model_id: id } : { model_group: group };
}

/** An embedding call's counts for its record: how many inputs, tokens and what width. */
function embeddingCounts(ctx: EmbeddingContext): NonNullable<CallRecord['embedding']> {
  const first = ctx.response?.data[0]?.embedding;
  const tokens = ctx.usage?.prompt_tokens;
  return {
    inputs: ctx.inputCount,
    cached_inputs: ctx.cachedInputs,
    input_tokens:
      typeof tokens === 'number' && Number.isInteger(tokens) && tokens >= 0 ? tokens : null,
    estimated_tokens: ctx.usageEstimated,
    dimensions: ctx.request.dimensions ?? null,
    width: widthOf(first),
  };
}

/** A vector's width, base64 ones counted in float32 values. */
function widthOf(vector: unknown): number | null {
  if (typeof vector === 'string') return Math.floor((vector.length * 3) / 4 / 4);
  if (Array.isArray(vector) || vector instanceof Float32Array) return vector.length;
  return null;
}

function finiteOrNull(value: number | null | undefined): number | null {
  return typeof value === 'number' && Number.isFinite(value) ? value : null;
}

/** Usage in the record's shape, by the same per-provider rules as cost. */
function recordUsage(usage: Usage | undefined | null): CallRecord['usage'] {
  const normalized = normalizeUsage(usage);
  if (normalized === undefined) return null;
  const total = usage?.total_tokens;
  return {
    prompt_tokens: normalized.promptTokens,
    completion_tokens: normalized.completionTokens,
    total_tokens:
      typeof total === 'number' ? total : normalized.promptTokens + normalized.completionTokens,
    cached_tokens: normalized.cachedTokens,
    cache_write_tokens: normalized.cacheWriteTokens + normalized.cacheWrite1hTokens,
    reasoning_tokens: normalized.reasoningTokens,
  };
}

/** The request's parameters but the model and the content (messages, or an embedding's input). */
function paramsOf(ctx: Context): Record<string, unknown> {
  if (ctx.kind === 'embedding') {
    const { model: _model, input: _input, ...params } = ctx.request;
    return params;
  }
  const { model: _model, messages: _messages, ...params } = ctx.request;
  return params;
}

function tagsOf(metadata: Record<string, unknown>): string[] {
  const tags = metadata.tags;
  return Array.isArray(tags) ? tags.filter((tag): tag is string => typeof tag === 'string') : [];
}

function finishReasonOf(response: ChatCompletion | undefined): string | null {
  return response?.choices[0]?.finish_reason ?? null;
}
