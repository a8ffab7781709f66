import { ValidationError } from '../../errors/validation-error.js';
import type {
  ChatRequest,
  FunctionTool,
  JsonObject,
  JsonValue,
  ToolChoice,
} from '../../types/openai.js';
import { convertMessages, withCacheControl } from './messages.js';

/**
 * The `max_tokens` sent when the request sets neither `max_tokens` nor
 * `max_completion_tokens`: Anthropic requires one. With extended thinking on, the thinking
 * budget is added to it, since Anthropic counts thinking inside the cap.
 */
export const ANTHROPIC_DEFAULT_MAX_TOKENS = 4096;

/** OpenAI parameters translated or dropped here; any other parameter passes through unchanged. */
const TRANSLATED = new Set([
  'model',
  'messages',
  'max_tokens',
  'max_completion_tokens',
  'stop',
  'tools',
  'tool_choice',
  'parallel_tool_calls',
  'user',
  'response_format',
  'n',
  'logprobs',
  'top_logprobs',
  'reasoning_effort',
  'stream',
  'stream_options',
  // Anthropic has no counterpart; these are sampling hints, dropped rather than refused.
  'seed',
  'presence_penalty',
  'frequency_penalty',
  'logit_bias',
]);

/**
 * The Anthropic Messages body for an OpenAI Chat request.
 *
 * @throws ValidationError for what Anthropic cannot honour (`n > 1`, `logprobs`, a temperature
 * above 1, `reasoning_effort`, audio parts, the `function` role, unparseable tool arguments).
 */
export function anthropicBody(request: ChatRequest, model: string, stream: boolean): JsonObject {
  rejectUnsupported(request);
  const body: JsonObject = {};
  for (const key of Object.keys(request)) {
    const value = request[key];
    if (!TRANSLATED.has(key) && value !== undefined) body[key] = value as JsonValue;
  }
  body.model = model;
  const { system, messages } = convertMessages(request.messages);
  if (system !== undefined) body.system = system;
  body.messages = messages;
  body.max_tokens = maxTokensOf(request);
  const stop = request.stop;
  if (typeof stop === 'string') body.stop_sequences = [stop];
  else if (Array.isArray(stop) && stop.length > 0) body.stop_sequences = stop;
  if (request.tools !== undefined && request.tools.length > 0) {
    body.tools = request.tools.map(convertTool);
    const toolChoice = convertToolChoice(request.tool_choice, request.parallel_tool_calls);
    if (toolChoice !== undefined) body.tool_choice = toolChoice;
  }
  if (request.user !== undefined && request.user !== '') body.metadata = { user_id: request.user };
  const schema = outputSchemaOf(request);
  if (schema !== undefined) {
    const native = body.output_config;
    const config =
      native !== null && typeof native === 'object' && !Array.isArray(native) ? native : {};
    body.output_config = { ...config, format: { type: 'json_schema', schema } };
  }
  if (stream) body.stream = true;
  return body;
}

function rejectUnsupported(request: ChatRequest): void {
  if (request.n !== undefined && request.n > 1) {
    throw ValidationError.forField(
      'n',
      `expected 1 (Anthropic returns one choice per call), received ${request.n}. Make ${request.n} calls instead.`,
    );
  }
  if (request.logprobs === true) {
    throw ValidationError.forField(
      'logprobs',
      'expected false or unset (Anthropic returns no log probabilities), received true. Remove logprobs.',
    );
  }
  if (request.temperature !== undefined && request.temperature > 1) {
    throw ValidationError.forField(
      'temperature',
      `expected a number from 0 to 1 for Anthropic, received ${request.temperature}. Pass at most 1.`,
    );
  }
  const effort = request.reasoning_effort;
  if (effort !== undefined && effort !== 'none') {
    throw ValidationError.forField(
      'reasoning_effort',
      `expected unset for Anthropic, received ${JSON.stringify(effort)}. Pass Anthropic's thinking: { type: 'enabled', budget_tokens: 2048 } instead.`,
    );
  }
}

function maxTokensOf(request: ChatRequest): number {
  const given = request.max_tokens ?? request.max_completion_tokens;
  if (given !== undefined) return given;
  const thinking = request.thinking as { budget_tokens?: unknown } | undefined;
  const budget = thinking?.budget_tokens;
  return typeof budget === 'number'
    ? budget + ANTHROPIC_DEFAULT_MAX_TOKENS
    : ANTHROPIC_DEFAULT_MAX_TOKENS;
}

function convertTool(tool: FunctionTool): JsonObject {
  const definition = tool.function;
  const converted: JsonObject = {
    name: definition.name,
    input_schema: definition.parameters ?? { type: 'object', properties: {} },
  };
  if (definition.description !== undefined) converted.description = definition.description;
  return withCacheControl(converted, tool);
}

function convertToolChoice(
  choice: ToolChoice | undefined,
  parallel: boolean | undefined,
): JsonObject | undefined {
  let converted: JsonObject | undefined;
  if (choice === 'auto') converted = { type: 'auto' };
  else if (choice === 'required') converted = { type: 'any' };
  else if (choice === 'none') converted = { type: 'none' };
  else if (choice?.type === 'function') converted = { type: 'tool', name: choice.function.name };
  else if (choice !== undefined) converted = choice as JsonObject; // Anthropic's own shape
  // `none` takes no flag: no tool runs at all, in parallel or not.
  if (parallel === false && converted?.type !== 'none') {
    converted = { ...(converted ?? { type: 'auto' }), disable_parallel_tool_use: true };
  }
  return converted;
}

function outputSchemaOf(request: ChatRequest): JsonValue | undefined {
  const format = request.response_format;
  if (format?.type === 'json_schema') return format.json_schema.schema ?? { type: 'object' };
  if (format?.type === 'json_object') return { type: 'object' };
  return undefined;
}
