import { ValidationError } from '../../errors/validation-error.js';
import type { ChatRequest, FunctionTool, JsonObject, JsonValue } from '../../types/openai.js';
import { toGeminiConversation } from './messages.js';

/** OpenAI parameters this module maps onto Gemini's own fields. */
const MAPPED = new Set([
  'model',
  'messages',
  'stream',
  'temperature',
  'top_p',
  'top_k',
  'max_tokens',
  'max_completion_tokens',
  'n',
  'stop',
  'seed',
  'presence_penalty',
  'frequency_penalty',
  'tools',
  'tool_choice',
  'response_format',
  'reasoning_effort',
  'generationConfig',
  // Checked below: only `false` / empty values pass.
  'logprobs',
  'top_logprobs',
  'logit_bias',
]);

/** OpenAI hints with no Gemini field; dropping them does not change the answer. */
const DROPPED = new Set([
  'user',
  'stream_options',
  'parallel_tool_calls',
  'store',
  'service_tier',
  'safety_identifier',
  'prompt_cache_key',
  'prediction',
]);

/** Gemini-native request fields, passed through unchanged. */
const NATIVE_REQUEST = ['safetySettings', 'toolConfig', 'cachedContent'] as const;

/** Gemini-native `generationConfig` fields, accepted at the top level of the request. */
const NATIVE_GENERATION = [
  'thinkingConfig',
  'topK',
  'responseModalities',
  'mediaResolution',
  'speechConfig',
  'imageConfig',
] as const;

/**
 * `reasoning_effort` as a thinking budget, as Google's own OpenAI-compatible endpoint maps
 * it. `minimal` counts as `low`: Gemini 2.5 Pro cannot think less than that.
 */
const THINKING_BUDGETS: Readonly<Record<string, number>> = {
  none: 0,
  minimal: 1024,
  low: 1024,
  medium: 8192,
  high: 24576,
};

/** Every Gemini-native parameter a request may carry, in Gemini's own camelCase. */
export const GEMINI_NATIVE_PARAMETERS: readonly string[] = [
  ...NATIVE_REQUEST,
  ...NATIVE_GENERATION,
  'generationConfig',
];

const NATIVE_NAMES = GEMINI_NATIVE_PARAMETERS.join(', ');

/**
 * The body of a `generateContent` request for an OpenAI request.
 *
 * @throws ValidationError for a parameter Gemini cannot honour, before any network call.
 */
export function toGeminiBody(request: ChatRequest): JsonObject {
  checkParameters(request);
  const { system, contents } = toGeminiConversation(request.messages);
  const body: JsonObject = { contents: contents as unknown as JsonValue };
  if (system.length > 0) body.systemInstruction = { parts: system };
  if (request.tools !== undefined && request.tools.length > 0) {
    body.tools = [{ functionDeclarations: request.tools.map(toDeclaration) }];
  }
  if (request.tool_choice !== undefined) body.toolConfig = toToolConfig(request.tool_choice);
  const generation = toGenerationConfig(request);
  if (Object.keys(generation).length > 0) body.generationConfig = generation;
  for (const key of NATIVE_REQUEST) {
    if (request[key] !== undefined) body[key] = request[key] as JsonValue;
  }
  return body;
}

function checkParameters(request: ChatRequest): void {
  for (const key of Object.keys(request)) {
    if (request[key] === undefined || MAPPED.has(key) || DROPPED.has(key)) continue;
    if ((NATIVE_REQUEST as readonly string[]).includes(key)) continue;
    if ((NATIVE_GENERATION as readonly string[]).includes(key)) continue;
    throw ValidationError.forField(
      key,
      `Gemini has no such parameter, received ${describe(request[key])}. Remove it, or use a Gemini-native field (${NATIVE_NAMES}).`,
    );
  }
  if (request.logprobs === true || request.top_logprobs !== undefined) {
    throw ValidationError.forField(
      request.logprobs === true ? 'logprobs' : 'top_logprobs',
      'the gemini provider does not return log probabilities, received a request for them. Remove logprobs and top_logprobs.',
    );
  }
  if (request.logit_bias !== undefined && Object.keys(request.logit_bias).length > 0) {
    throw ValidationError.forField(
      'logit_bias',
      `Gemini has no token bias, received ${describe(request.logit_bias)}. Remove logit_bias.`,
    );
  }
  if (request.generationConfig !== undefined && !isPlainObject(request.generationConfig)) {
    throw ValidationError.forField(
      'generationConfig',
      `expected an object of Gemini generationConfig fields, received ${describe(request.generationConfig)}.`,
    );
  }
}

function toDeclaration(tool: FunctionTool): JsonObject {
  const declaration: JsonObject = { name: tool.function.name };
  if (tool.function.description !== undefined) {
    declaration.description = tool.function.description;
  }
  // Plain JSON Schema: `parameters` would want Google's upper-case OpenAPI subset.
  if (tool.function.parameters !== undefined) {
    declaration.parametersJsonSchema = tool.function.parameters;
  }
  return declaration;
}

function toToolConfig(choice: unknown): JsonObject {
  if (choice === 'auto') return { functionCallingConfig: { mode: 'AUTO' } };
  if (choice === 'required') return { functionCallingConfig: { mode: 'ANY' } };
  if (choice === 'none') return { functionCallingConfig: { mode: 'NONE' } };
  const named = choice as { type?: unknown; function?: { name?: unknown } };
  if (named.type === 'function' && typeof named.function?.name === 'string') {
    return { functionCallingConfig: { mode: 'ANY', allowedFunctionNames: [named.function.name] } };
  }
  throw ValidationError.forField(
    'tool_choice',
    `expected "auto", "required", "none" or { type: 'function', function: { name } }, received ${describe(choice)}. Gemini has no other tool choice.`,
  );
}

function toGenerationConfig(request: ChatRequest): JsonObject {
  const config: JsonObject = {};
  const set = (key: string, value: unknown) => {
    if (value !== undefined && value !== null) config[key] = value as JsonValue;
  };
  set('temperature', request.temperature);
  set('topP', request.top_p);
  set('topK', request.top_k);
  set('maxOutputTokens', request.max_tokens ?? request.max_completion_tokens);
  set('stopSequences', typeof request.stop === 'string' ? [request.stop] : request.stop);
  set('candidateCount', request.n);
  set('seed', request.seed);
  set('presencePenalty', request.presence_penalty);
  set('frequencyPenalty', request.frequency_penalty);
  const format = request.response_format;
  if (format?.type === 'json_object' || format?.type === 'json_schema') {
    config.responseMimeType = 'application/json';
    if (format.type === 'json_schema') set('responseJsonSchema', format.json_schema.schema);
  }
  if (request.reasoning_effort !== undefined) {
    config.thinkingConfig = { thinkingBudget: thinkingBudgetOf(request.reasoning_effort) };
  }
  // Native fields win over the mapped ones: the caller asked for them by Gemini's own name.
  for (const key of NATIVE_GENERATION) set(key, request[key]);
  if (isPlainObject(request.generationConfig)) Object.assign(config, request.generationConfig);
  return config;
}

function thinkingBudgetOf(effort: unknown): number {
  const budget = typeof effort === 'string' ? THINKING_BUDGETS[effort] : undefined;
  if (budget !== undefined) return budget;
  throw ValidationError.forField(
    'reasoning_effort',
    `expected one of ${Object.keys(THINKING_BUDGETS).join(', ')}, received ${describe(effort)}. For an exact budget, pass thinkingConfig: { thinkingBudget }.`,
  );
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function describe(value: unknown): string {
  const json = JSON.stringify(value) ?? String(value);
  return json.length > 60 ? `${json.slice(0, 60)}...` : json;
}
