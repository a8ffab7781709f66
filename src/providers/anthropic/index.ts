import type { ProviderRequest } from '../../context/types.js';
import type { BuildRequestInput, ProviderAdapter } from '../provider.js';
import { findAnthropicError, mapAnthropicError } from './errors.js';
import { anthropicBody } from './request.js';
import { parseAnthropicMessage } from './response.js';
import { AnthropicStreamDecoder } from './stream.js';

/** Anthropic's public API. */
export const ANTHROPIC_API_BASE = 'https://api.anthropic.com/v1';

const ANTHROPIC_ORIGIN = 'https://api.anthropic.com';

/** The API version every request names; the wire format below is this version's. */
export const ANTHROPIC_VERSION = '2023-06-01';

/**
 * Anthropic Messages (`POST {apiBase}/messages`), translated to and from the OpenAI format.
 * The key goes in `x-api-key`, with `anthropic-version: 2023-06-01`; it is required only for
 * Anthropic's own host. A bare-origin `apiBase` gets `/v1` added.
 *
 * Request: system and developer messages become the top-level `system` (joined with blank
 * lines; blocks when a part carries `cache_control`); tool results become `tool_result`
 * blocks, consecutive ones in one user turn; assistant `tool_calls` become `tool_use` blocks,
 * after any `thinking_blocks` the message carries (LiteLLM's field, sent back unchanged);
 * images as base64 (`data:` URLs) or `url` sources (http(s) URLs); PDF and plain-text
 * `file_data` as documents. `max_tokens` is required by Anthropic: `max_tokens`, else
 * `max_completion_tokens`, else 4096 (`ANTHROPIC_DEFAULT_MAX_TOKENS`; plus the thinking
 * budget when `thinking` is on). `stop` → `stop_sequences`, `user` → `metadata.user_id`,
 * `tool_choice` `required` → `any`, `parallel_tool_calls: false` →
 * `disable_parallel_tool_use` (both sent only with tools), `response_format` → `output_config.format` (json_object as
 * the schema `{type:'object'}`).
 *
 * Dropped, as hints Anthropic has no counterpart for: `seed`, `presence_penalty`,
 * `frequency_penalty`, `logit_bias`, `top_logprobs`, `stream_options`, `strict` on tools, and
 * `name` on messages. System messages anywhere in the list all go to the top-level `system`.
 * Refused with a ValidationError: `n > 1`, `logprobs: true`, `temperature > 1`,
 * `reasoning_effort` (use `thinking`), audio parts and the `function` role. Any other
 * parameter passes through unchanged, so Anthropic's own (`thinking`, `top_k`,
 * `service_tier`, `output_config`, `container`, ...) work; an OpenAI-only one Anthropic does
 * not know comes back as its 400, a BadRequestError.
 *
 * Response: text joined into `content`, `tool_use` as tool calls, thinking as
 * `reasoning_content` and `thinking_blocks`; `stop_reason` mapped (raw value in
 * `provider_finish_reason`); usage with cache reads and writes counted into `prompt_tokens`.
 * Streams decode as {@link AnthropicStreamDecoder} describes.
 */
export const anthropic: ProviderAdapter = {
  name: 'anthropic',
  defaultApiBase: ANTHROPIC_API_BASE,
  apiKeyEnv: 'ANTHROPIC_API_KEY',
  apiBaseEnv: ['ANTHROPIC_API_BASE', 'ANTHROPIC_BASE_URL'],

  requiresKey(apiBase) {
    return apiBase.startsWith(ANTHROPIC_ORIGIN);
  },

  buildRequest({ request, provider, headers, stream }: BuildRequestInput): ProviderRequest {
    const requestHeaders: ProviderRequest['headers'] = {
      'content-type': 'application/json',
      accept: stream ? 'text/event-stream' : 'application/json',
      'anthropic-version': ANTHROPIC_VERSION,
      ...provider.headers,
      ...headers,
    };
    if (provider.apiKey) requestHeaders['x-api-key'] = provider.apiKey;
    return {
      url: messagesUrl(provider.apiBase),
      method: 'POST',
      headers: requestHeaders,
      body: anthropicBody(request, provider.model, stream),
    };
  },

  parseResponse: parseAnthropicMessage,

  createStreamDecoder(provider) {
    return new AnthropicStreamDecoder(provider);
  },

  findError: findAnthropicError,

  mapError: mapAnthropicError,
};

/**
 * `{apiBase}/messages`. A bare origin (`https://api.anthropic.com`, as Anthropic's own SDKs
 * take `ANTHROPIC_BASE_URL`) gets the `/v1` the API lives under.
 */
function messagesUrl(apiBase: string): string {
  const base = apiBase.replace(/\/+$/, '');
  return /^https?:\/\/[^/]+$/i.test(base) ? `${base}/v1/messages` : `${base}/messages`;
}
