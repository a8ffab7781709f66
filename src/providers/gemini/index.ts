import type { ProviderRequest } from '../../context/types.js';
import type { BuildRequestInput, ProviderAdapter } from '../provider.js';
import { geminiEmbeddings } from './embeddings.js';
import { geminiHeaders, geminiUrl } from './endpoint.js';
import { findGeminiError, mapGeminiError } from './errors.js';
import { GEMINI_NATIVE_PARAMETERS, toGeminiBody } from './request.js';
import { toChatCompletion } from './response.js';
import { GeminiStreamDecoder } from './stream.js';

/** The Gemini API (Generative Language API), `v1beta`, where new features appear first. */
export const GEMINI_API_BASE = 'https://generativelanguage.googleapis.com/v1beta';

/**
 * Google Gemini through the Generative Language API (`gemini/gemini-2.5-flash`). The key goes
 * in `x-goog-api-key`, never in the URL; it is required only on Google's own host.
 *
 * Request mapping (OpenAI → Gemini):
 * - `system`/`developer` messages → `systemInstruction` (all of them, in order, wherever they
 *   are); `assistant` → `model` turns; tool results → `functionResponse` parts of one `user`
 *   turn, named after the assistant call with that `tool_call_id`, the response being the
 *   content's JSON object, else `{ result: content }`.
 * - Images: a `data:` URL → `inlineData`; an https (or gs) URL → `fileData`, its mime type
 *   guessed from the extension (.png .jpg .jpeg .webp .heic .heif .gif .pdf), otherwise a
 *   ValidationError. Audio → `inlineData`; a `file` part only as a `data:` URL.
 * - Thought signatures: a tool call's `thought_signature` (the field responses carry; Google's
 *   OpenAI-compatible `extra_content.google.thought_signature` is read too) goes back as the
 *   `functionCall` part's `thoughtSignature`, which Gemini 3 requires when replaying calls.
 *   Signatures on text parts are not kept.
 * - `tools` → `functionDeclarations` with `parametersJsonSchema`; `tool_choice` auto/required/
 *   none/named → AUTO/ANY/NONE/ANY + `allowedFunctionNames`.
 * - `generationConfig`: temperature, top_p, `top_k`, max_tokens (or max_completion_tokens),
 *   stop, n, seed, presence/frequency penalties, JSON mode (`responseMimeType`, plus
 *   `responseJsonSchema` for json_schema), `reasoning_effort` → `thinkingConfig.thinkingBudget`
 *   (none 0, minimal/low 1024, medium 8192, high 24576).
 * - Gemini-native fields pass through: `safetySettings`, `toolConfig`, `cachedContent` into
 *   the body; `thinkingConfig`, `topK`, `responseModalities`, `mediaResolution`,
 *   `speechConfig`, `imageConfig` and a whole `generationConfig` object into
 *   `generationConfig`, over the mapped values.
 * - Dropped hints: `user`, `stream_options`, `parallel_tool_calls`, `store`, `service_tier`,
 *   `safety_identifier`, `prompt_cache_key`, `prediction`.
 * - ValidationError before any call: `logprobs: true`, `top_logprobs`, a non-empty
 *   `logit_bias`, and any other parameter (Gemini answers unknown fields with a 400).
 *
 * Responses: one choice per candidate; `thought: true` parts → `reasoning_content`;
 * function calls → `tool_calls` with generated ids when Gemini sends none; finish reasons
 * per providers.md §8.1, the raw value in `provider_finish_reason`.
 *
 * Embeddings: `batchEmbedContents`, see {@link geminiEmbeddings}.
 */
export const gemini: ProviderAdapter = {
  name: 'gemini',
  defaultApiBase: GEMINI_API_BASE,
  apiKeyEnv: 'GEMINI_API_KEY',
  apiBaseEnv: ['GEMINI_API_BASE'],
  // `taskType` is the embeddings' task (`RETRIEVAL_QUERY`, ...), in Gemini's own spelling.
  nativeParameters: [...GEMINI_NATIVE_PARAMETERS, 'taskType'],

  requiresKey(apiBase) {
    return apiBase.startsWith('https://generativelanguage.googleapis.com');
  },

  buildRequest({ request, provider, headers, stream }: BuildRequestInput): ProviderRequest {
    const method = stream ? 'streamGenerateContent?alt=sse' : 'generateContent';
    return {
      url: geminiUrl(provider, method),
      method: 'POST',
      headers: geminiHeaders(provider, headers),
      body: toGeminiBody(request),
    };
  },

  parseResponse: toChatCompletion,

  createStreamDecoder(provider) {
    return new GeminiStreamDecoder(provider);
  },

  findError: findGeminiError,

  mapError: mapGeminiError,

  embeddings: geminiEmbeddings,
};
