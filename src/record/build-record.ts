import type { AttemptFailure, Context } from '../context/context.js';
import { normalizeUsage } from '../cost/usage.js';
import { secretsOfCall } from '../secrets/call-secrets.js';
import type { ChatCompletion, ChatRequest, Usage } from '../types/openai.js';
import { toJsonSafe } from './json-safe.js';
import { CALL_RECORD_VERSION, type CallRecord } from './schema.js';

const records = new WeakMap<Context, CallRecord>();
const REDACTED = '[redacted]' as const;

/**
 * The call record of a finished call, built once and shared by every reader. Built from an
 * allow-list: nothing reaches it that is not named here, and no key or auth header at all.
 */
export function callRecordOf(ctx: Context): CallRecord {
  let record = records.get(ctx);
  if (record === undefined) {
    record = toJsonSafe(buildCallRecord(ctx), secretsOfCall(ctx)) as CallRecord;
    records.set(ctx, record);
  }
  return record;
}

/**
 * The record of one failed attempt that another attempt follows (a retry, a fallback): the
 * call so far, with that attempt's number and error. Built fresh each time, never the call's.
 */
export function attemptRecordOf(ctx: Context, failed: AttemptFailure): CallRecord {
  return toJsonSafe(buildCallRecord(ctx, failed), secretsOfCall(ctx)) as CallRecord;
}

/**
 * The record with the context's own objects in it (messages, response, metadata): the caller
 * makes it JSON-safe, masked and independent of the context in one pass.
 */
function buildCallRecord(ctx: Context, failed?: AttemptFailure): CallRecord {
  const { start, firstToken, end = Date.now() } = ctx.timings;
  const prepared = ctx.providerRequest !== undefined;
  const provider = prepared ? ctx.provider : undefined;
  const metadata = ctx.metadata as Record<string, unknown>;
  const error = failed?.error ?? ctx.error;
  const response = ctx.response;
  return {
    schema_version: CALL_RECORD_VERSION,
    id: ctx.callId,
    trace_id: ctx.traceId,
    attempt: failed?.attempt ?? ctx.attempt,
    status: failed === undefined && ctx.status === 'success' ? 'success' : 'failure',
    call_type: 'completion',
    model: failed?.model ?? ctx.request.model,
    provider: provider?.name ?? null,
    provider_model: provider?.model ?? null,
    api_base: provider?.apiBase ?? null,
    stream: ctx.isStream,
    start_time: new Date(start).toISOString(),
    first_token_time: firstToken === undefined ? null : new Date(firstToken).toISOString(),
    end_time: new Date(end).toISOString(),
    latency_ms: end - start,
    time_to_first_token_ms: firstToken === undefined ? null : firstToken - start,
    usage: recordUsage(ctx.usage ?? error?.partialResponse?.usage),
    response_cost: ctx.cost?.total ?? null,
    saved_cost: ctx.cost?.saved ?? null,
    cache_hit: ctx.cacheStatus === 'hit',
    cache_key_hash: ctx.cacheKey ?? null,
    metadata,
    tags: tagsOf(metadata),
    user: typeof ctx.request.user === 'string' ? ctx.request.user : null,
    params: paramsOf(ctx.request),
    messages: ctx.redaction.messages ? REDACTED : (ctx.request.messages as unknown[]),
    response:
      response === undefined
        ? null
        : ctx.redaction.response
          ? REDACTED
          : (response as unknown as Record<string, unknown>),
    finish_reason: finishReasonOf(response),
    request_id: ctx.providerResponse?.requestId ?? null,
    error: error
      ? {
          class: error.name,
          code: error.code,
          status: error.status ?? null,
          provider: error.provider ?? null,
          message: error.message,
          retryable: error.retryable,
        }
      : null,
  };
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

function paramsOf(request: ChatRequest): Record<string, unknown> {
  const { model: _model, messages: _messages, ...params } = request;
  return params;
}

function tagsOf(metadata: Record<string, unknown>): string[] {
  const tags = metadata.tags;
  return Array.isArray(tags) ? tags.filter((tag): tag is string => typeof tag === 'string') : [];
}

function finishReasonOf(response: ChatCompletion | undefined): string | null {
  return response?.choices[0]?.finish_reason ?? null;
}
