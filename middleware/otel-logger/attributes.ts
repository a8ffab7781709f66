import type { Attributes } from '@opentelemetry/api';
import type { CallRecord, ChatCompletion, ChatRequest, Context } from '../../src/kit/index.js';

/** The GenAI operation every shallot call is. */
export const OPERATION = 'chat';

/** The operation name of an embedding call, as the GenAI conventions name it. */
export const EMBEDDINGS_OPERATION = 'embeddings';

/** shallot's provider names that the GenAI conventions spell another way. */
const CONVENTION_NAMES: Readonly<Record<string, string>> = {
  azure: 'azure.ai.openai',
  gemini: 'gcp.gemini',
  mistral: 'mistral_ai',
  xai: 'x_ai',
};

/** `gen_ai.provider.name` for one of shallot's provider names. */
export function conventionName(provider: string): string {
  return CONVENTION_NAMES[provider] ?? provider;
}

/** Who a call goes to, fixed when its span starts. */
export interface CallTarget {
  /** `gen_ai.provider.name`, undefined when the model names no known provider. */
  provider: string | undefined;
  /** The model id the provider receives (the caller's name when the provider is unknown). */
  model: string;
  /** The attributes every span and metric of the call carries. */
  common: Attributes;
}

/** The provider, model and server of the call as it starts. */
export function targetOf(ctx: Context): CallTarget {
  let provider: CallTarget['provider'];
  let model = ctx.request.model;
  let server: Attributes = {};
  try {
    const resolved = ctx.provider;
    provider = conventionName(resolved.name);
    model = resolved.model;
    // A mocked call sends nothing, so it has no server.
    if (ctx.options.mockResponse === undefined) server = serverOf(resolved.apiBase);
  } catch {
    // An unknown provider: the call fails with a ValidationError, which the span records.
  }
  return {
    provider,
    model,
    common: {
      'gen_ai.operation.name': ctx.kind === 'embedding' ? EMBEDDINGS_OPERATION : OPERATION,
      'gen_ai.provider.name': provider,
      'gen_ai.request.model': model,
      ...server,
    },
  };
}

/** `server.address` and `server.port` of a base URL; never its credentials or path. */
export function serverOf(apiBase: string): Attributes {
  try {
    const url = new URL(apiBase);
    const port = url.port === '' ? (url.protocol === 'https:' ? 443 : 80) : Number(url.port);
    return { 'server.address': url.hostname, 'server.port': port };
  } catch {
    return {};
  }
}

/** The span's attributes when the call starts: its target and its request parameters. */
export function startAttributes(ctx: Context, target: CallTarget): Attributes {
  const common = {
    ...target.common,
    'gen_ai.system': target.provider,
    'shallot.call.id': ctx.callId,
    'shallot.trace.id': ctx.traceId,
  };
  if (ctx.kind === 'embedding') {
    return {
      ...common,
      'gen_ai.request.encoding_formats': [ctx.encoding],
      'gen_ai.embeddings.dimension.count': numberOf(ctx.request.dimensions),
      'shallot.embeddings.input.count': ctx.inputCount,
    };
  }
  const request = ctx.request;
  return {
    ...common,
    'gen_ai.request.stream': ctx.isStream,
    'gen_ai.request.temperature': numberOf(request.temperature),
    'gen_ai.request.top_p': numberOf(request.top_p),
    'gen_ai.request.top_k': numberOf(request.top_k),
    'gen_ai.request.max_tokens': numberOf(request.max_completion_tokens ?? request.max_tokens),
    'gen_ai.request.seed': numberOf(request.seed),
    'gen_ai.request.frequency_penalty': numberOf(request.frequency_penalty),
    'gen_ai.request.presence_penalty': numberOf(request.presence_penalty),
    'gen_ai.request.choice.count': request.n === 1 ? undefined : numberOf(request.n),
    'gen_ai.request.stop_sequences': stopSequences(request.stop),
    'gen_ai.output.type': outputType(request),
  };
}

/**
 * The span's attributes when the call ends, from its record and the answer's id, model and
 * finish reasons (which the record does not keep apart from the redactable response). A cache
 * hit consumed no tokens, so it carries no `gen_ai.usage.*`.
 */
export function endAttributes(
  record: CallRecord,
  response: ChatCompletion | undefined,
): Attributes {
  const usage = record.cache_hit ? null : record.usage;
  const ttfc = record.stream ? record.time_to_first_token_ms : null;
  return {
    'gen_ai.response.id': response?.id,
    'gen_ai.response.model': response?.model,
    'gen_ai.response.finish_reasons': finishReasons(record, response),
    'gen_ai.response.time_to_first_chunk': ttfc === null ? undefined : ttfc / 1000,
    'gen_ai.usage.input_tokens': usage?.prompt_tokens,
    'gen_ai.usage.output_tokens': usage?.completion_tokens,
    'gen_ai.usage.cache_read.input_tokens': positive(usage?.cached_tokens),
    'gen_ai.usage.cache_creation.input_tokens': positive(usage?.cache_write_tokens),
    'gen_ai.usage.reasoning.output_tokens': positive(usage?.reasoning_tokens),
    'shallot.cost.usd': record.response_cost ?? undefined,
    'shallot.cost.saved_usd': record.saved_cost ?? undefined,
    'shallot.cache.hit': record.cache_hit,
    'shallot.attempts': record.attempt,
    'shallot.provider.request_id': record.request_id ?? undefined,
    'shallot.model_group': record.model_group,
    'shallot.model_id': record.model_id,
    'error.type': record.error?.class,
  };
}

/** The model group and deployment id a router put in the metadata, for an attempt's span. */
export function routeAttributes(metadata: Record<string, unknown>): Attributes {
  const group = metadata.model_group;
  if (typeof group !== 'string') return {};
  const info = metadata.model_info;
  const id = info !== null && typeof info === 'object' ? (info as { id?: unknown }).id : undefined;
  return {
    'shallot.model_group': group,
    'shallot.model_id': typeof id === 'string' ? id : undefined,
  };
}

function finishReasons(record: CallRecord, response: ChatCompletion | undefined) {
  const reasons = (response?.choices ?? [])
    .map((choice) => choice.finish_reason)
    .filter((reason): reason is NonNullable<typeof reason> => typeof reason === 'string');
  if (reasons.length > 0) return reasons;
  return record.finish_reason === null ? undefined : [record.finish_reason];
}

function outputType(request: ChatRequest): string | undefined {
  const type = request.response_format?.type;
  if (type === 'json_object' || type === 'json_schema') return 'json';
  return type === 'text' ? 'text' : undefined;
}

function stopSequences(stop: ChatRequest['stop']): string[] | undefined {
  if (typeof stop === 'string') return [stop];
  return Array.isArray(stop) ? stop.filter((item) => typeof item === 'string') : undefined;
}

function numberOf(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

function positive(value: number | undefined): number | undefined {
  return value !== undefined && value > 0 ? value : undefined;
}
