import type { ProviderRequest } from '../../context/types.js';
import { codeOfStatus, type ProviderErrorCode, providerError } from '../../errors/from-status.js';
import { requestIdOf } from '../../transport/headers.js';
import type { BuildRequestInput, ProviderAdapter, ProviderFailure } from '../provider.js';
import { ollamaEmbeddings } from './embeddings.js';
import { ollamaHeaders, ollamaUrl } from './endpoint.js';
import { ollamaBody } from './request.js';
import { parseOllamaResponse } from './response.js';
import { OllamaStreamDecoder } from './stream.js';

/** A local Ollama server's default address. */
export const OLLAMA_API_BASE = 'http://localhost:11434';

/** Ollama's hosted API, the one address that needs a key. */
const OLLAMA_CLOUD = 'https://ollama.com';

/**
 * Ollama's native `POST /api/chat`, streamed as NDJSON.
 *
 * - Messages: text parts are joined; images must be `data:` URLs and go, as raw base64, in
 *   the message's `images` (an https URL is a ValidationError: Ollama fetches nothing); a tool
 *   result carries the `tool_name` of the assistant call it answers.
 * - `response_format` becomes `format` (`'json'` or the schema); `max_tokens`,
 *   `temperature`, `top_p`, `top_k`, `stop`, `seed` and the penalties go in `options`, over
 *   any `options` the caller passed. `reasoning_effort` becomes `think` unless `think` is given.
 * - Passed through as given: `think`, `keep_alive`, `options`.
 * - Rejected with a ValidationError: `n > 1`, `tool_choice` other than `auto` or `none`
 *   (`none` sends no tools), a non-empty `logit_bias`, audio and file parts.
 * - Dropped as hints or unsupported: `user`, `parallel_tool_calls`, `logprobs`,
 *   `top_logprobs`, `stream_options`, message `name`s, and any other unknown parameter.
 * - The key (`OLLAMA_API_KEY`) is sent as a Bearer token only when one is configured; only
 *   `https://ollama.com` requires one.
 *
 * Embeddings: `POST /api/embed`, see {@link ollamaEmbeddings}.
 */
export const ollama: ProviderAdapter = {
  name: 'ollama',
  defaultApiBase: OLLAMA_API_BASE,
  apiKeyEnv: 'OLLAMA_API_KEY',
  apiBaseEnv: ['OLLAMA_API_BASE'],
  streamFraming: 'ndjson',
  localRuntime: true,

  requiresKey(apiBase) {
    return apiBase.startsWith(OLLAMA_CLOUD);
  },

  buildRequest({ request, provider, headers, stream }: BuildRequestInput): ProviderRequest {
    return {
      url: ollamaUrl(provider, '/api/chat'),
      method: 'POST',
      headers: ollamaHeaders(
        provider,
        headers,
        stream ? 'application/x-ndjson' : 'application/json',
      ),
      body: ollamaBody(request, provider.model, stream),
    };
  },

  parseResponse: parseOllamaResponse,

  createStreamDecoder(provider) {
    return new OllamaStreamDecoder(provider, (failure) => ollama.mapError(failure));
  },

  findError(body) {
    if (body === null || typeof body !== 'object') return undefined;
    return (body as { error?: unknown }).error ?? undefined;
  },

  embeddings: ollamaEmbeddings,

  mapError(failure: ProviderFailure) {
    const said = errorText(failure);
    const code = ollamaCode(failure.status, said);
    // The usual 404 is a model this server has not pulled: say how to get it.
    const message =
      code === 'not_found' && /model/i.test(said)
        ? `${said.replace(/[.\s]+$/, '')}. Pull it first: ollama pull ${failure.model}`
        : said;
    return providerError({
      status: failure.status,
      provider: failure.provider,
      model: failure.model,
      message,
      body: failure.body,
      headers: failure.headers,
      requestId: requestIdOf(failure.headers),
      apiKeyEnv: failure.apiKeyEnv,
      code,
    });
  },
};

/** The text of `{"error": "..."}`, or of whatever body came instead (a proxy's page, say). */
function errorText(failure: ProviderFailure): string {
  const error =
    failure.body !== null && typeof failure.body === 'object'
      ? (failure.body as { error?: unknown }).error
      : undefined;
  if (typeof error === 'string' && error !== '') return error;
  if (error !== null && typeof error === 'object') {
    const nested = (error as { message?: unknown }).message;
    if (typeof nested === 'string' && nested !== '') return nested;
  }
  return failure.text.slice(0, 500) || 'no error message';
}

/**
 * Ollama's errors carry only text: an error status decides, and without one (an error line in
 * a stream, or an error inside a 200) the text does.
 */
function ollamaCode(status: number, message: string): ProviderErrorCode {
  if (/context (length|window)|exceeds .*context/i.test(message)) return 'context_window_exceeded';
  if (status >= 300) return codeOfStatus(status);
  if (/not found/i.test(message)) return 'not_found';
  if (/rate limit|too many requests/i.test(message)) return 'rate_limit';
  return 'internal_server';
}
