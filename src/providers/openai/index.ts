import { openAICompatible } from './compatible.js';

/** OpenAI's public API. */
export const OPENAI_API_BASE = 'https://api.openai.com/v1';

/**
 * OpenAI Chat Completions, and every server that speaks it (vLLM, LM Studio, llama.cpp, a
 * LiteLLM proxy, ...) when given an `apiBase`. The request is the OpenAI format itself;
 * streams ask for `stream_options.include_usage` so the usage chunk arrives.
 */
export const openai = openAICompatible({
  name: 'openai',
  defaultApiBase: OPENAI_API_BASE,
  apiKeyEnv: 'OPENAI_API_KEY',
  apiBaseEnv: ['OPENAI_API_BASE', 'OPENAI_BASE_URL'],
});
