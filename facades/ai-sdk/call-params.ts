import type {
  LanguageModelV3CallOptions,
  LanguageModelV3FunctionTool,
  SharedV3Warning,
} from '@ai-sdk/provider';
import type {
  CompletionParams,
  FunctionTool,
  JsonObject,
  Middleware,
  ResponseFormat,
  ToolChoice,
} from '../../index.js';
import { toChatMessages } from './prompt.js';
import { definedHeaders, mergeSettings, shallotOptionsOf, withLayer } from './settings.js';

/** A completion call's parameters, and the warnings the AI SDK shows for what was left out. */
export interface PreparedCompletion {
  params: CompletionParams;
  warnings: SharedV3Warning[];
}

/**
 * Providers whose models want `max_completion_tokens` (OpenAI's reasoning models refuse
 * `max_tokens`); the others get `max_tokens`, which every OpenAI-compatible server knows.
 */
const COMPLETION_TOKENS_PROVIDERS = ['openai/', 'azure/'];

/**
 * The `completion()` parameters of an AI SDK call: the model's settings, then the call's
 * standard settings in OpenAI's names, then its `providerOptions.shallot`, each level over the
 * one before (see `mergeSettings`); the messages, the call's `abortSignal` as `signal`, and
 * `layer` outermost of the call's middleware.
 *
 * @throws ValidationError for a prompt part or a `providerOptions.shallot` key that cannot be sent.
 */
export function completionParamsOf(
  modelId: string,
  options: LanguageModelV3CallOptions,
  settings: Readonly<Record<string, unknown>>,
  layer: Middleware,
): PreparedCompletion {
  const warnings: SharedV3Warning[] = [];
  const messages = toChatMessages(options.prompt, warnings, modelId);
  const merged = mergeSettings(
    settings,
    standardSettingsOf(modelId, options, warnings),
    shallotOptionsOf(options.providerOptions, 'completion', modelId),
  );
  const params = {
    ...merged,
    model: modelId,
    messages,
    middleware: withLayer(merged, layer),
  } as CompletionParams;
  if (options.abortSignal !== undefined) params.signal = options.abortSignal;
  return { params, warnings };
}

/** The AI SDK's standard call settings, in OpenAI's names; unset ones are left out. */
function standardSettingsOf(
  modelId: string,
  options: LanguageModelV3CallOptions,
  warnings: SharedV3Warning[],
): Record<string, unknown> {
  const maxTokens = COMPLETION_TOKENS_PROVIDERS.some((prefix) => modelId.startsWith(prefix))
    ? 'max_completion_tokens'
    : 'max_tokens';
  const stop = options.stopSequences;
  const standard: Record<string, unknown> = {
    [maxTokens]: options.maxOutputTokens,
    temperature: options.temperature,
    top_p: options.topP,
    top_k: options.topK,
    presence_penalty: options.presencePenalty,
    frequency_penalty: options.frequencyPenalty,
    stop: stop !== undefined && stop.length > 0 ? stop : undefined,
    seed: options.seed,
    response_format: responseFormatOf(options.responseFormat),
    headers: definedHeaders(options.headers),
  };
  const tools = functionTools(options.tools, warnings);
  if (tools.length > 0) {
    standard.tools = tools;
    standard.tool_choice = toolChoiceOf(options.toolChoice);
  }
  return standard;
}

function responseFormatOf(
  format: LanguageModelV3CallOptions['responseFormat'],
): ResponseFormat | undefined {
  if (format === undefined || format.type === 'text') return undefined;
  if (format.schema === undefined) return { type: 'json_object' };
  const jsonSchema: { name: string; schema: JsonObject; description?: string } = {
    name: format.name ?? 'response',
    schema: format.schema as JsonObject,
  };
  if (format.description !== undefined) jsonSchema.description = format.description;
  return { type: 'json_schema', json_schema: jsonSchema };
}

function functionTools(
  tools: LanguageModelV3CallOptions['tools'],
  warnings: SharedV3Warning[],
): FunctionTool[] {
  const functions: FunctionTool[] = [];
  for (const tool of tools ?? []) {
    if (tool.type === 'function') functions.push(functionTool(tool));
    else
      warnings.push({
        type: 'unsupported',
        feature: `provider-defined tool ${tool.id}`,
        details: 'shallot sends function tools only; this tool was left out.',
      });
  }
  return functions;
}

function functionTool(tool: LanguageModelV3FunctionTool): FunctionTool {
  const definition: FunctionTool['function'] = {
    name: tool.name,
    parameters: tool.inputSchema as JsonObject,
  };
  if (tool.description !== undefined) definition.description = tool.description;
  if (tool.strict !== undefined) definition.strict = tool.strict;
  return { type: 'function', function: definition };
}

function toolChoiceOf(choice: LanguageModelV3CallOptions['toolChoice']): ToolChoice | undefined {
  if (choice === undefined) return undefined;
  if (choice.type === 'tool') return { type: 'function', function: { name: choice.toolName } };
  return choice.type;
}
