import {
  type AttemptFailure,
  attemptRecordOf,
  type CacheStatus,
  type CallbackKwargs,
  type CallRecord,
  type Context,
  callRecordOf,
  type LogEventType,
  maskSecrets,
  type ResolvedProvider,
  showHeaders,
} from '../../src/kit/index.js';
import { deepCopy } from './copy.js';

/**
 * LiteLLM's `kwargs` for one event, built from the context, without its record (see
 * {@link kwargsFor}). The result shares objects with the context: every callback gets a deep
 * copy of it, never this object itself.
 */
export function buildKwargs(
  ctx: Context,
  event: LogEventType,
  attemptFailure?: AttemptFailure,
): CallbackKwargs {
  const prepared = ctx.providerRequest;
  const provider = prepared ? ctx.provider : resolvedOrUndefined(ctx);
  const body = prepared?.body;
  const embedding = ctx.kind === 'embedding';
  const { model: _model, messages: _messages, input: _input, ...optional } = body ?? ctx.request;
  // An embedding's input stands where a completion's messages do, as in LiteLLM's embedding().
  const content = embedding ? ctx.request.input : ctx.request.messages;
  const kwargs: CallbackKwargs = {
    model: provider?.model ?? ctx.request.model,
    messages: content,
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
    call_type: embedding ? 'aembedding' : 'acompletion',
    log_event_type: event,
    litellm_call_id: ctx.callId,
    attempt: ctx.attempt,
    input: embedding ? ctx.request.input : (body?.messages ?? ctx.request.messages),
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
    return kwargs;
  }
  if (event === 'successful_api_call') {
    kwargs.completion_start_time = new Date(ctx.timings.firstToken ?? end);
    if (ctx.kind === 'completion' && ctx.isStream && ctx.response) {
      kwargs.complete_streaming_response = ctx.response;
    }
  } else if (ctx.error) {
    kwargs.exception = ctx.error;
    kwargs.traceback_exception = tracebackOf(ctx.error);
  }
  return kwargs;
}

/**
 * The call record an event's kwargs carry as `standard_logging_object`: the call's (built
 * once, when first read), or for a failed attempt that another follows, that attempt's
 * (taken now, while the context still describes it). None for the pre and post API events.
 */
export function recordSource(
  ctx: Context,
  event: LogEventType,
  attemptFailure?: AttemptFailure,
): (() => CallRecord) | undefined {
  if (event === 'pre_api_call' || event === 'post_api_call') return undefined;
  if (attemptFailure) {
    const record = attemptRecordOf(ctx, attemptFailure);
    return () => record;
  }
  return () => callRecordOf(ctx);
}

/**
 * One callback's own kwargs: a deep copy of `base` with `secrets` masked, with
 * `async_complete_streaming_response` the same object as its `complete_streaming_response`,
 * and its `standard_logging_object` copied from `record` when the callback first reads it.
 * Most callbacks never read the record; they pay nothing for it.
 */
export function kwargsFor(
  base: CallbackKwargs,
  record: (() => CallRecord) | undefined,
  secrets: readonly string[],
): CallbackKwargs {
  const kwargs = deepCopy(base, secrets);
  // Linked after the copy: the copy would give each key an answer of its own, and LiteLLM's
  // two keys are one object (its async success path sets the second).
  if (kwargs.complete_streaming_response !== undefined) {
    kwargs.async_complete_streaming_response = kwargs.complete_streaming_response;
  }
  if (record !== undefined) {
    // The same accessor functions for every kwargs, and the source in a hidden slot: a new
    // getter per object would give every kwargs its own hidden class (measured: 9 µs a call).
    Object.defineProperty(kwargs, RECORD_SOURCE, { value: record, writable: true });
    Object.defineProperty(kwargs, 'standard_logging_object', LAZY_RECORD);
  }
  return kwargs;
}

const RECORD_SOURCE = Symbol('shallot.recordSource');

type LazyKwargs = CallbackKwargs & { [RECORD_SOURCE]?: () => CallRecord };

const LAZY_RECORD: PropertyDescriptor = {
  configurable: true,
  enumerable: true,
  get(this: LazyKwargs) {
    // The record is masked already: copying it is enough.
    const source = this[RECORD_SOURCE];
    const copy = source ? deepCopy(source()) : undefined;
    setOwn(this, copy);
    return copy;
  },
  set(this: LazyKwargs, value: CallRecord | undefined) {
    setOwn(this, value);
  },
};

function setOwn(kwargs: CallbackKwargs, record: CallRecord | undefined): void {
  Object.defineProperty(kwargs, 'standard_logging_object', {
    configurable: true,
    enumerable: true,
    writable: true,
    value: record,
  });
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
  return key ? maskSecrets(text, [key]) : text;
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
