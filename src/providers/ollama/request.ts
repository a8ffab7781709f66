import { ValidationError } from '../../errors/validation-error.js';
import type {
  ChatMessage,
  ChatRequest,
  ContentPart,
  JsonObject,
  JsonValue,
  ToolCall,
} from '../../types/openai.js';
import { parseArguments, parseDataUrl, textOf } from '../shared/content.js';

/** Request parameters that Ollama understands natively and that are sent as the caller gave them. */
const PASSED_THROUGH = ['think', 'keep_alive'] as const;

/**
 * The body of `POST /api/chat` for an OpenAI request: messages with their images as raw
 * base64, tools in OpenAI's shape, `format` for JSON mode, sampling in `options`, and an
 * explicit `stream` (Ollama streams unless told `false`).
 *
 * @throws ValidationError for what Ollama cannot honour: `n > 1`, a forced tool choice,
 * `logit_bias`, an image by URL, and audio or file parts.
 */
export function ollamaBody(request: ChatRequest, model: string, stream: boolean): JsonObject {
  rejectUnsupported(request);
  const body: JsonObject = { model, messages: ollamaMessages(request.messages) };
  if (request.tools && request.tools.length > 0 && request.tool_choice !== 'none') {
    body.tools = request.tools as unknown as JsonValue[];
  }
  const format = formatOf(request.response_format);
  if (format !== undefined) body.format = format;
  const options = optionsOf(request);
  if (Object.keys(options).length > 0) body.options = options;
  for (const key of PASSED_THROUGH) {
    if (request[key] !== undefined) body[key] = request[key] as JsonValue;
  }
  const think = thinkOf(request.reasoning_effort);
  if (body.think === undefined && think !== undefined) body.think = think;
  body.stream = stream;
  return body;
}

function rejectUnsupported(request: ChatRequest): void {
  if (request.n !== undefined && request.n > 1) {
    throw ValidationError.forField(
      'n',
      `expected 1 (Ollama returns one choice), received ${request.n}. Make ${request.n} separate calls instead.`,
    );
  }
  const choice = request.tool_choice;
  if (choice !== undefined && choice !== 'auto' && choice !== 'none') {
    const received = typeof choice === 'string' ? `"${choice}"` : JSON.stringify(choice);
    throw ValidationError.forField(
      'tool_choice',
      `expected "auto" or "none" (Ollama has no tool_choice and cannot force a tool call), received ${received}. ` +
        'Drop tool_choice, and ask for the tool in the prompt or pass only that tool in tools.',
    );
  }
  if (request.logit_bias !== undefined && Object.keys(request.logit_bias).length > 0) {
    throw ValidationError.forField(
      'logit_bias',
      'expected no logit_bias (Ollama has no token bias), received an object. Remove logit_bias.',
    );
  }
}

/** OpenAI messages as Ollama's: one message each, tool results named after their call. */
function ollamaMessages(messages: readonly ChatMessage[]): JsonObject[] {
  const toolNames = new Map<string, string>();
  const result: JsonObject[] = [];
  messages.forEach((message, index) => {
    const field = `messages[${index}]`;
    switch (message.role) {
      case 'system':
      case 'developer':
        result.push({ role: 'system', content: textOf(message.content) });
        break;
      case 'user':
        result.push(userMessage(message.content, field));
        break;
      case 'assistant': {
        const converted: JsonObject = { role: 'assistant', content: textOf(message.content) };
        if (message.tool_calls && message.tool_calls.length > 0) {
          converted.tool_calls = message.tool_calls.map((call, position) => {
            toolNames.set(call.id, call.function.name);
            return ollamaToolCall(call, `${field}.tool_calls[${position}].function.arguments`);
          });
        }
        result.push(converted);
        break;
      }
      case 'tool': {
        const converted: JsonObject = { role: 'tool', content: textOf(message.content) };
        // Ollama matches a result to its call by the tool's name; the id is kept for newer servers.
        const name = toolNames.get(message.tool_call_id);
        if (name !== undefined) converted.tool_name = name;
        converted.tool_call_id = message.tool_call_id;
        result.push(converted);
        break;
      }
      case 'function':
        result.push({ role: 'tool', content: message.content ?? '', tool_name: message.name });
        break;
    }
  });
  return result;
}

function userMessage(content: string | ContentPart[], field: string): JsonObject {
  if (typeof content === 'string') return { role: 'user', content };
  const images: string[] = [];
  content.forEach((part, position) => {
    const partField = `${field}.content[${position}]`;
    if (part.type === 'text') return;
    if (part.type === 'image_url') {
      images.push(imageData(part.image_url.url, `${partField}.image_url.url`));
      return;
    }
    throw ValidationError.forField(
      partField,
      `expected a text or image_url part (Ollama takes text and images), received a part of type ${JSON.stringify(part.type)}. Remove it, or turn it into text first.`,
    );
  });
  const message: JsonObject = { role: 'user', content: textOf(content) };
  if (images.length > 0) message.images = images;
  return message;
}

/** The raw base64 of a `data:` URL: Ollama fetches nothing itself. */
function imageData(url: string, field: string): string {
  const parsed = parseDataUrl(url);
  if (parsed !== undefined) return parsed.data;
  throw ValidationError.forField(
    field,
    `expected a data:image/...;base64, URL, received ${JSON.stringify(url.slice(0, 60))}. Pass a data: URL; Ollama takes base64 images.`,
  );
}

function ollamaToolCall(call: ToolCall, field: string): JsonObject {
  return {
    function: {
      name: call.function.name,
      arguments: parseArguments(call.function.arguments, field) as JsonObject,
    },
  };
}

function formatOf(format: ChatRequest['response_format']): JsonValue | undefined {
  if (format === undefined || format.type === 'text') return undefined;
  if (format.type === 'json_object') return 'json';
  return format.json_schema.schema ?? 'json';
}

/** Sampling settings in `options`, over any `options` the caller passed. */
function optionsOf(request: ChatRequest): JsonObject {
  const caller = request.options;
  const options: JsonObject =
    caller !== null && typeof caller === 'object' && !Array.isArray(caller)
      ? { ...(caller as JsonObject) }
      : {};
  const set = (key: string, value: unknown) => {
    if (value !== undefined && value !== null) options[key] = value as JsonValue;
  };
  set('temperature', request.temperature);
  set('top_p', request.top_p);
  set('top_k', request.top_k);
  set('num_predict', request.max_tokens ?? request.max_completion_tokens);
  set('stop', typeof request.stop === 'string' ? [request.stop] : request.stop);
  set('seed', request.seed);
  set('presence_penalty', request.presence_penalty);
  set('frequency_penalty', request.frequency_penalty);
  return options;
}

/** OpenAI's `reasoning_effort` as Ollama's `think`, used when the caller gave no `think`. */
function thinkOf(effort: string | undefined): JsonValue | undefined {
  if (effort === undefined) return undefined;
  if (effort === 'none') return false;
  if (effort === 'minimal') return 'low';
  return effort;
}
