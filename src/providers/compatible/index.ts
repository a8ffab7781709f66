import { ValidationError } from '../../errors/validation-error.js';
import { openAICompatible } from '../openai/compatible.js';
import type { ProviderAdapter } from '../provider.js';

/** Voyage AI on the OpenAI wire; its chat path is closed in the preset below. */
const voyage = openAICompatible({
  name: 'voyage',
  defaultApiBase: 'https://api.voyageai.com/v1',
  apiKeyEnv: 'VOYAGE_API_KEY',
  apiBaseEnv: ['VOYAGE_API_BASE'],
  embeddings: {
    maxBatchSize: 1000,
    acceptsTokens: false,
    renamedParams: { dimensions: 'output_dimension' },
    droppedParams: ['user'],
    dtypeParam: 'output_dtype',
  },
});

/**
 * The OpenAI-compatible family, one preset each: the base URL, the key's environment
 * variable, and each server's quirks (providers.md §7). Every one of them is read by the
 * same defensive decoder (reasoning fields, usage on the finish chunk or in `x_groq`, tool-call
 * deltas without an index, flat error bodies, `: keep-alive` comments).
 */
export const COMPATIBLE_PRESETS: Readonly<Record<string, ProviderAdapter>> = {
  /** Groq: usage on the finish chunk and in `x_groq`; 498 (flex capacity) is retryable. */
  groq: openAICompatible({
    name: 'groq',
    defaultApiBase: 'https://api.groq.com/openai/v1',
    apiKeyEnv: 'GROQ_API_KEY',
    apiBaseEnv: ['GROQ_API_BASE'],
  }),
  /** Mistral: `random_seed` for `seed`, `any` for `tool_choice: 'required'`, content arrays for reasoning. */
  mistral: openAICompatible({
    name: 'mistral',
    defaultApiBase: 'https://api.mistral.ai/v1',
    apiKeyEnv: 'MISTRAL_API_KEY',
    apiBaseEnv: ['MISTRAL_API_BASE'],
    renamedParams: { seed: 'random_seed' },
    requiredToolChoice: 'any',
    // 128 texts keep a batch of short texts inside Mistral's 16,384-token budget a request.
    embeddings: {
      maxBatchSize: 128,
      acceptsTokens: false,
      renamedParams: { dimensions: 'output_dimension' },
      droppedParams: ['user'],
      dtypeParam: 'output_dtype',
    },
  }),
  /** DeepSeek: `reasoning_content`, cache-hit usage fields, keep-alive comments while queued. */
  deepseek: openAICompatible({
    name: 'deepseek',
    defaultApiBase: 'https://api.deepseek.com',
    apiKeyEnv: 'DEEPSEEK_API_KEY',
    apiBaseEnv: ['DEEPSEEK_API_BASE'],
  }),
  /** Together AI: the plain OpenAI shape, `org/model` ids. */
  together_ai: openAICompatible({
    name: 'together_ai',
    defaultApiBase: 'https://api.together.xyz/v1',
    apiKeyEnv: 'TOGETHERAI_API_KEY',
    apiBaseEnv: ['TOGETHERAI_API_BASE'],
    embeddings: { acceptsTokens: false },
  }),
  /** OpenRouter: `: OPENROUTER PROCESSING` comments, `reasoning` deltas, `org/model` ids. */
  openrouter: openAICompatible({
    name: 'openrouter',
    defaultApiBase: 'https://openrouter.ai/api/v1',
    apiKeyEnv: 'OPENROUTER_API_KEY',
    apiBaseEnv: ['OPENROUTER_API_BASE'],
  }),
  /** xAI (Grok). */
  xai: openAICompatible({
    name: 'xai',
    defaultApiBase: 'https://api.x.ai/v1',
    apiKeyEnv: 'XAI_API_KEY',
    apiBaseEnv: ['XAI_API_BASE'],
  }),
  /** A vLLM server: the key is optional; errors come flat from older versions. */
  hosted_vllm: openAICompatible({
    name: 'hosted_vllm',
    defaultApiBase: 'http://localhost:8000/v1',
    apiKeyEnv: 'HOSTED_VLLM_API_KEY',
    apiBaseEnv: ['HOSTED_VLLM_API_BASE', 'VLLM_API_BASE'],
    keyRequired: false,
    localRuntime: true,
  }),
  /** LM Studio: no key; errors can come as a string inside a 200. */
  lm_studio: openAICompatible({
    name: 'lm_studio',
    defaultApiBase: 'http://localhost:1234/v1',
    apiKeyEnv: 'LM_STUDIO_API_KEY',
    apiBaseEnv: ['LM_STUDIO_API_BASE'],
    keyRequired: false,
    localRuntime: true,
  }),
  /**
   * Voyage AI's embeddings (`voyage-3.5`, ...): `dimensions` as `output_dimension`, 1,000 texts
   * a request, usage as `total_tokens` only; `input_type`, `truncation` and `output_dtype` pass
   * through. It has no chat endpoint: a chat call is a ValidationError naming `model`.
   */
  voyage: {
    ...voyage,
    buildRequest({ provider }) {
      throw ValidationError.forField(
        'model',
        `voyage serves embeddings only, received a chat call to voyage/${provider.model}. Call embedding() with this model, or use another provider for chat.`,
        `voyage/${provider.model}`,
      );
    },
  },
  /**
   * Cohere's OpenAI compatibility API: chat, and embeddings at 96 texts a request (the Embed
   * API's limit) with `encoding_format` float or base64.
   */
  cohere: openAICompatible({
    name: 'cohere',
    defaultApiBase: 'https://api.cohere.ai/compatibility/v1',
    apiKeyEnv: 'COHERE_API_KEY',
    apiBaseEnv: ['COHERE_API_BASE'],
    embeddings: { maxBatchSize: 96, acceptsTokens: false, droppedParams: ['user'] },
  }),
};
