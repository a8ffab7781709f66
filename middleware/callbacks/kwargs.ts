import type {
  AttemptFailure,
  CacheStatus,
  CallbackKwargs,
  Context,
  LogEventType,
  ResolvedProvider,
} from '../../index.js';
import { attemptRecordOf, callRecordOf } from '../../src/record/build-record.js';
import { scrubText } from '../../src/secrets/mask.js';
import { showHeaders } from '../../src/secrets/secret.js';

/**
 * LiteLLM's `kwargs` for one event, built from the context. The result shares objects
 * with the context: every callback gets a deep copy of it, never this object itself.
 */
export function buildKwargs(
  ctx: Context,
  event: LogEventType,
  attemptFailure?: AttemptFailure,
): CallbackKwargs {
  const prepared = ctx.providerRequest;
  const provider = prepared ? ctx.provider : resolvedOrUndefined(ctx);
  const body = prepared?.body;
  const { model: _model, messages: _messages, ...optional } = body ?? ctx.request;
  const kwargs: CallbackKwargs = {
    model: provider?.model ?? ctx.request.model,
    messages: ctx.request.messages,
    optional_params: optional,
    litellm_params: {
      metadata: ctx.metadata,
      api_base: provider?.apiBase ?? null,
      custom_llm_provider: provider?.name ?? null,
      litellm_call_id: ctx.callId,
      litellm_trace_id: ctx.traceId,
    },
    start_time: new Date(ctx.timings.start),
    stream: ctx.isStream,
    user: typeof ctx.request.user === 'string' ? ctx.request.user : null,
    call_type: 'acompletion',
    log_event_type: event,
    litellm_call_id: ctx.callId,
    attempt: ctx.attempt,
    input: body?.messages ?? ctx.request.messages,
    api_key: provider?.apiKey?.masked ?? null,
    additional_args:
      prepared && provider
        ? {
            complete_input_dict: prepared.body,
            headers: showHeaders(prepared.headers),
            api_base: provider.apiBase,
          }
        : {},
    response_cost: ctx.cost?.total ?? null,
    cache_hit: cacheHit(ctx.cacheStatus),
    will_retry: attemptFailure !== undefined,
  };
  if (event === 'pre_api_call') return kwargs;
  kwargs.original_response = ctx.isStream ? null : originalResponse(ctx, provider, event);
  if (event === 'post_api_call') return kwargs;
  const end = ctx.timings.end ?? Date.now();
  kwargs.end_time = new Date(end);
  if (attemptFailure) {
    // A failed attempt that another follows: the record is that attempt's, not the call's.
    kwargs.attempt = attemptFailure.attempt;
    kwargs.exception = attemptFailure.error;
    kwargs.traceback_exception = tracebackOf(attemptFailure.error);
    kwargs.standard_logging_object = attemptRecordOf(ctx, attemptFailure);
    return kwargs;
  }
  kwargs.standard_logging_object = callRecordOf(ctx);
  if (event === 'successful_api_call') {
    kwargs.completion_start_time = new Date(ctx.timings.firstToken ?? end);
    if (ctx.isStream && ctx.response) kwargs.complete_streaming_response = ctx.response;
  } else if (ctx.error) {
    kwargs.exception = ctx.error;
    kwargs.traceback_exception = tracebackOf(ctx.error);
  }
  return kwargs;
}

function tracebackOf(error: Error): string {
  return error.stack ?? `${error.name}: ${error.message}`;
}

/** The raw response text, the key scrubbed; a cache hit's answer as JSON. */
function originalResponse(
  ctx: Context,
  provider: ResolvedProvider | undefined,
  event: LogEventType,
): string | null {
  const text = ctx.providerResponse?.text;
  if (text === undefined) {
    return event === 'successful_api_call' && ctx.response ? JSON.stringify(ctx.response) : null;
  }
  const key = provider?.apiKey?.reveal();
  return key ? scrubText(text, [key]) : text;
}

function cacheHit(status: CacheStatus): boolean | null {
  if (status === 'hit') return true;
  if (status === 'miss') return false;
  return null;
}

function resolvedOrUndefined(ctx: Context): ResolvedProvider | undefined {
  try {
    return ctx.provider;
  } catch {
    return undefined;
  }
}
