import type { ProviderRequest } from '../../context/types.js';
import { codeOfStatus, type ProviderErrorCode, providerError } from '../../errors/from-status.js';
import { InvalidResponseError } from '../../errors/invalid-response-error.js';
import { Secret } from '../../secrets/secret.js';
import { requestIdOf } from '../../transport/headers.js';
import type { ChatCompletion, ChatRequest, Choice, JsonObject } from '../../types/openai.js';
import type {
  BuildRequestInput,
  ProviderAdapter,
  ProviderFailure,
  ResolvedProvider,
} from '../provider.js';
import { type EmbeddingProfile, openAIEmbeddings } from './embeddings.js';
import { isForeignFinishReason, normalizeFinishReason, normalizeReasoning } from './normalize.js';
import { OpenAIStreamDecoder } from './stream.js';

/** What sets one OpenAI-compatible server apart from OpenAI. */
export interface CompatibleProfile {
  name: string;
  defaultApiBase: string;
  /** The environment variable for the key. */
  apiKeyEnv?: string;
  /** Environment variables for the base URL, in order of preference. */
  apiBaseEnv?: readonly string[];
  /** Whether the server needs a key. @default true for its public URL, false elsewhere */
  keyRequired?: boolean;
  /** Ask for the usage chunk with `stream_options.include_usage`. @default true */
  includeUsage?: boolean;
  /** Request fields the server names differently (Mistral: `seed` → `random_seed`). */
  renamedParams?: Readonly<Record<string, string>>;
  /** The server's word for `tool_choice: 'required'` (Mistral: `any`). */
  requiredToolChoice?: string;
  /** A local runtime: tokens cost nothing unless priced otherwise. */
  localRuntime?: boolean;
  /**
   * Builds the URL of an endpoint (`chat/completions`, `embeddings`): Azure puts the deployment
   * and api-version in it. @default `${apiBase}/${endpoint}`
   */
  url?(provider: ResolvedProvider, endpoint: OpenAIEndpoint): string;
  /** The auth header (Azure: `api-key`). @default Authorization: Bearer */
  authHeader?(key: Secret): [string, Secret];
  /** The embeddings endpoint's differences from OpenAI's, or `false` where it has none. @default OpenAI's */
  embeddings?: EmbeddingProfile | false;
}

/** The OpenAI endpoints shallot calls, as paths under the base URL. */
export type OpenAIEndpoint = 'chat/completions' | 'embeddings';

interface OpenAIErrorObject {
  message?: unknown;
  type?: unknown;
  code?: unknown;
  param?: unknown;
}

/**
 * An adapter for OpenAI's own API or any server that speaks its format: the request is the
 * OpenAI body itself (streams ask for the usage chunk), and answers are read defensively
 * (reasoning fields, content arrays, foreign finish reasons, flat error bodies).
 */
export function openAICompatible(profile: CompatibleProfile): ProviderAdapter {
  const adapter: ProviderAdapter = {
    name: profile.name,
    defaultApiBase: profile.defaultApiBase,
    apiKeyEnv: profile.apiKeyEnv,
    apiBaseEnv: profile.apiBaseEnv ?? [],
    localRuntime: profile.localRuntime ?? false,
    requiresKey(apiBase) {
      return profile.keyRequired ?? apiBase.startsWith(profile.defaultApiBase);
    },
    buildRequest: (input) => buildRequest(profile, input),
    parseResponse(body, provider) {
      const completion = body as ChatCompletion | null;
      if (
        completion === null ||
        typeof completion !== 'object' ||
        !Array.isArray(completion.choices)
      ) {
        throw new InvalidResponseError({
          provider: provider.name,
          model: provider.model,
          body,
          message: `${provider.name}/${provider.model}: the response is not a chat.completion (no choices array).`,
        });
      }
      // Only what is well-formed is normalized; the transport checks the whole shape after.
      for (const choice of completion.choices as unknown[]) {
        if (choice === null || typeof choice !== 'object') continue;
        const message = (choice as Choice).message as unknown;
        if (message !== null && typeof message === 'object' && !Array.isArray(message)) {
          normalizeReasoning(message as Choice['message']);
        }
        const raw = (choice as Choice).finish_reason as unknown;
        if (isForeignFinishReason(raw)) {
          (choice as Choice).provider_finish_reason = raw;
          (choice as Choice).finish_reason = normalizeFinishReason(raw);
        }
      }
      return completion;
    },
    createStreamDecoder(provider) {
      return new OpenAIStreamDecoder(provider, adapter);
    },
    embeddings:
      profile.embeddings === false
        ? undefined
        : openAIEmbeddings({
            ...profile.embeddings,
            url: (provider) => endpointUrl(profile, provider, 'embeddings'),
            headers: (provider, headers) =>
              openAIHeaders(profile, provider, headers, 'application/json'),
          }),
    findError(body) {
      if (body === null || typeof body !== 'object') return undefined;
      const fields = body as { error?: unknown; object?: unknown };
      if (fields.object === 'error') return body;
      return fields.error ?? undefined;
    },
    mapError(failure: ProviderFailure) {
      const error = readErrorObject(failure.body);
      const message =
        typeof error?.message === 'string' && error.message !== ''
          ? error.message
          : failure.text.slice(0, 500) || 'no error message';
      return providerError({
        status: failure.status,
        provider: failure.provider,
        model: failure.model,
        message,
        providerCode: stringOf(error?.code) ?? stringOf(error?.type),
        body: failure.body,
        headers: failure.headers,
        requestId: requestIdOf(failure.headers),
        apiKeyEnv: failure.apiKeyEnv,
        code: codeOf(failure.status, error),
        // An exhausted quota is a rate limit that waiting will not lift.
        retryable: isQuota(error) ? false : undefined,
      });
    },
  };
  return adapter;
}

function buildRequest(
  profile: CompatibleProfile,
  { request, provider, headers, stream }: BuildRequestInput,
): ProviderRequest {
  const body: JsonObject = {};
  for (const key of Object.keys(request)) {
    const value = request[key];
    if (value === undefined) continue;
    const renamed = profile.renamedParams;
    const name = renamed !== undefined && Object.hasOwn(renamed, key) ? renamed[key] : key;
    body[name as string] = value as JsonObject[string];
  }
  body.model = provider.model;
  if (profile.requiredToolChoice && request.tool_choice === 'required')
    body.tool_choice = profile.requiredToolChoice;
  if (stream) {
    body.stream = true;
    if (profile.includeUsage ?? true)
      body.stream_options = {
        include_usage: true,
        ...(request.stream_options as ChatRequest['stream_options']),
      };
  } else {
    delete body.stream_options;
  }
  return {
    url: endpointUrl(profile, provider, 'chat/completions'),
    method: 'POST',
    headers: openAIHeaders(
      profile,
      provider,
      headers,
      stream ? 'text/event-stream' : 'application/json',
    ),
    body,
  };
}

/** The URL of one of the server's endpoints: the profile's, else under the base URL. */
function endpointUrl(
  profile: CompatibleProfile,
  provider: ResolvedProvider,
  endpoint: OpenAIEndpoint,
): string {
  return profile.url?.(provider, endpoint) ?? `${trimSlash(provider.apiBase)}/${endpoint}`;
}

/**
 * The headers of a request to an OpenAI-compatible server: JSON in, `accept` out, the
 * provider's and the call's own headers, the key (as the profile sends it), and OpenAI's
 * organization and project.
 */
function openAIHeaders(
  profile: CompatibleProfile,
  provider: ResolvedProvider,
  headers: Record<string, string> | undefined,
  accept: string,
): ProviderRequest['headers'] {
  const requestHeaders: ProviderRequest['headers'] = {
    'content-type': 'application/json',
    accept,
    ...provider.headers,
    ...headers,
  };
  if (provider.apiKey) {
    const [name, value] = profile.authHeader?.(provider.apiKey) ?? [
      'authorization',
      new Secret(`Bearer ${provider.apiKey.reveal()}`),
    ];
    requestHeaders[name] = value;
  }
  if (provider.options.organization)
    requestHeaders['openai-organization'] = provider.options.organization;
  if (provider.options.project) requestHeaders['openai-project'] = provider.options.project;
  return requestHeaders;
}

function codeOf(status: number, error: OpenAIErrorObject | undefined): ProviderErrorCode {
  const code = stringOf(error?.code);
  const type = stringOf(error?.type);
  if (code === 'context_length_exceeded') return 'context_window_exceeded';
  if (code === 'content_filter' || code === 'content_policy_violation') {
    return 'content_policy_violation';
  }
  if (isQuota(error)) return 'rate_limit';
  if (status > 0) return codeOfStatus(status);
  // An error inside a stream carries no status: read it from the type, or a numeric code.
  const numeric = Number(code);
  if (Number.isInteger(numeric) && numeric >= 400) return codeOfStatus(numeric);
  if (type === 'rate_limit_exceeded' || code === 'rate_limit_exceeded') return 'rate_limit';
  if (type === 'invalid_request_error') return 'bad_request';
  if (type === 'authentication_error') return 'authentication';
  return 'internal_server';
}

/** `insufficient_quota`: the plan's credit is spent. */
function isQuota(error: OpenAIErrorObject | undefined): boolean {
  return (
    stringOf(error?.code) === 'insufficient_quota' || stringOf(error?.type) === 'insufficient_quota'
  );
}

function readErrorObject(body: unknown): OpenAIErrorObject | undefined {
  if (body === null || typeof body !== 'object') return undefined;
  const fields = body as { error?: unknown; object?: unknown };
  if (fields.object === 'error') return body as OpenAIErrorObject;
  const error = fields.error;
  if (typeof error === 'string') return { message: error };
  if (error !== null && typeof error === 'object') return error as OpenAIErrorObject;
  return undefined;
}

function stringOf(value: unknown): string | undefined {
  if (typeof value === 'string' && value !== '') return value;
  if (typeof value === 'number') return String(value);
  return undefined;
}

/** A base URL without its trailing slashes. */
export function trimSlash(url: string): string {
  return url.endsWith('/') ? url.replace(/\/+$/, '') : url;
}
