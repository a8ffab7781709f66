import type { ProviderRequest } from '../context/types.js';
import { type FailureKind, kindOfStatus, providerError } from '../errors/from-status.js';
import { InvalidResponseError } from '../errors/invalid-response-error.js';
import { Secret } from '../secrets/secret.js';
import { requestIdOf } from '../transport/headers.js';
import type { ChatCompletion, ChatCompletionChunk, JsonObject } from '../types/openai.js';
import type {
  BuildRequestInput,
  ProviderAdapter,
  ProviderFailure,
  ResolvedProvider,
  StreamDecoder,
  WireEvent,
} from './provider.js';

/** OpenAI's public API. */
export const OPENAI_API_BASE = 'https://api.openai.com/v1';

interface OpenAIErrorObject {
  message?: unknown;
  type?: unknown;
  code?: unknown;
  param?: unknown;
}

/**
 * OpenAI Chat Completions, and every server that speaks it (vLLM, LM Studio, llama.cpp,
 * a LiteLLM proxy, ...) when given an `apiBase`. The request is the OpenAI format itself;
 * streams ask for `stream_options.include_usage` so the usage chunk arrives.
 */
export const openai: ProviderAdapter = {
  name: 'openai',
  defaultApiBase: OPENAI_API_BASE,
  apiKeyEnv: 'OPENAI_API_KEY',
  apiBaseEnv: ['OPENAI_API_BASE', 'OPENAI_BASE_URL'],

  requiresKey(apiBase) {
    return apiBase.startsWith(OPENAI_API_BASE);
  },

  buildRequest({ request, provider, headers, stream }: BuildRequestInput): ProviderRequest {
    const body: JsonObject = {};
    for (const key of Object.keys(request)) {
      const value = request[key];
      if (value !== undefined) body[key] = value as JsonObject[string];
    }
    body.model = provider.model;
    if (stream) {
      body.stream = true;
      body.stream_options = { include_usage: true, ...request.stream_options };
    } else {
      delete body.stream_options;
    }
    const requestHeaders: ProviderRequest['headers'] = {
      'content-type': 'application/json',
      accept: stream ? 'text/event-stream' : 'application/json',
      ...provider.headers,
      ...headers,
    };
    if (provider.apiKey) {
      requestHeaders.authorization = new Secret(`Bearer ${provider.apiKey.reveal()}`);
    }
    if (provider.options.organization) {
      requestHeaders['openai-organization'] = provider.options.organization;
    }
    if (provider.options.project) requestHeaders['openai-project'] = provider.options.project;
    return {
      url: `${trimSlash(provider.apiBase)}/chat/completions`,
      method: 'POST',
      headers: requestHeaders,
      body,
    };
  },

  parseResponse(body, provider): ChatCompletion {
    if (
      body === null ||
      typeof body !== 'object' ||
      !Array.isArray((body as ChatCompletion).choices)
    ) {
      throw new InvalidResponseError({
        provider: provider.name,
        model: provider.model,
        body,
        message: `${provider.name}/${provider.model}: the response is not a chat.completion (no choices array).`,
      });
    }
    return body as ChatCompletion;
  },

  createStreamDecoder(provider) {
    return new OpenAIStreamDecoder(provider);
  },

  findError(body) {
    if (body === null || typeof body !== 'object') return undefined;
    return (body as { error?: unknown }).error ?? undefined;
  },

  mapError(failure: ProviderFailure) {
    const error = readErrorObject(failure.body);
    const message =
      typeof error?.message === 'string' && error.message !== ''
        ? error.message
        : failure.text.slice(0, 500) || 'no error message';
    const providerCode = stringOf(error?.code) ?? stringOf(error?.type);
    return providerError({
      status: failure.status,
      provider: failure.provider,
      model: failure.model,
      message,
      providerCode,
      body: failure.body,
      headers: failure.headers,
      requestId: requestIdOf(failure.headers),
      apiKeyEnv: failure.apiKeyEnv,
      kind: openaiKind(failure.status, error),
    });
  },
};

/** Decodes OpenAI's data-only SSE: one chunk per event, `[DONE]` at the end. */
class OpenAIStreamDecoder implements StreamDecoder {
  done = false;
  #sawFinish = false;
  readonly #provider: ResolvedProvider;

  constructor(provider: ResolvedProvider) {
    this.#provider = provider;
  }

  /** Complete at `[DONE]`, or after a finish reason for servers that skip `[DONE]`. */
  get complete(): boolean {
    return this.done || this.#sawFinish;
  }

  decode(event: WireEvent): ChatCompletionChunk | undefined {
    const data = event.data;
    if (data === '[DONE]') {
      this.done = true;
      return undefined;
    }
    let chunk: ChatCompletionChunk & { error?: unknown };
    try {
      chunk = JSON.parse(data);
    } catch {
      const { name, model } = this.#provider;
      throw new InvalidResponseError({
        provider: name,
        model,
        body: data.slice(0, 500),
        message: `${name}/${model}: a stream event is not valid JSON: ${JSON.stringify(data.slice(0, 80))}.`,
      });
    }
    if (chunk.error !== undefined && chunk.error !== null) {
      throw openai.mapError({
        status: 0,
        body: chunk,
        text: data,
        headers: {},
        provider: this.#provider.name,
        model: this.#provider.model,
        apiKeyEnv: this.#provider.apiKeyEnv,
      });
    }
    const choices = chunk.choices;
    if (choices) {
      for (let index = 0; index < choices.length; index++) {
        if (choices[index]?.finish_reason) this.#sawFinish = true;
      }
    }
    return chunk;
  }
}

function openaiKind(status: number, error: OpenAIErrorObject | undefined): FailureKind {
  const code = stringOf(error?.code);
  const type = stringOf(error?.type);
  if (code === 'context_length_exceeded') return 'context_window';
  if (code === 'content_filter' || code === 'content_policy_violation') return 'content_policy';
  if (code === 'insufficient_quota' || type === 'insufficient_quota') return 'quota';
  if (status > 0) return kindOfStatus(status);
  // An error inside a stream carries no status: read it from the type.
  if (type === 'rate_limit_exceeded' || code === 'rate_limit_exceeded') return 'rate_limit';
  if (type === 'invalid_request_error') return 'bad_request';
  if (type === 'authentication_error') return 'authentication';
  return 'server';
}

function readErrorObject(body: unknown): OpenAIErrorObject | undefined {
  if (body === null || typeof body !== 'object') return undefined;
  const error = (body as { error?: unknown }).error;
  if (typeof error === 'string') return { message: error };
  if (error !== null && typeof error === 'object') return error as OpenAIErrorObject;
  return undefined;
}

function stringOf(value: unknown): string | undefined {
  if (typeof value === 'string' && value !== '') return value;
  if (typeof value === 'number') return String(value);
  return undefined;
}

function trimSlash(url: string): string {
  return url.endsWith('/') ? url.replace(/\/+$/, '') : url;
}
