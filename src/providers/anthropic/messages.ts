import { ValidationError } from '../../errors/validation-error.js';
import type {
  AssistantMessage,
  ChatMessage,
  ContentPart,
  JsonObject,
  JsonValue,
} from '../../types/openai.js';
import { parseArguments, parseDataUrl, textOf } from '../shared/content.js';

/**
 * OpenAI messages as Anthropic turns: system and developer text lifted to the top-level
 * `system`, consecutive tool results grouped into one user turn of `tool_result` blocks,
 * assistant tool calls as `tool_use` blocks after any `thinking_blocks`.
 *
 * @throws ValidationError naming the message field Anthropic cannot take.
 */
export function convertMessages(messages: readonly ChatMessage[]): {
  system: string | JsonObject[] | undefined;
  messages: JsonObject[];
} {
  const systemBlocks: JsonObject[] = [];
  const turns: JsonObject[] = [];
  let toolResults: JsonObject[] | undefined;
  messages.forEach((message, index) => {
    const field = `messages[${index}]`;
    if (message.role !== 'tool') toolResults = undefined;
    switch (message.role) {
      case 'system':
      case 'developer':
        systemBlocks.push(...textBlocks(message.content));
        break;
      case 'user':
        turns.push({ role: 'user', content: userContent(message.content, field) });
        break;
      case 'assistant': {
        const content = assistantContent(message, field);
        if (content !== undefined) turns.push({ role: 'assistant', content });
        break;
      }
      case 'tool':
        if (toolResults === undefined) {
          toolResults = [];
          turns.push({ role: 'user', content: toolResults });
        }
        toolResults.push({
          type: 'tool_result',
          tool_use_id: message.tool_call_id,
          content: textOf(message.content),
        });
        break;
      default:
        throw ValidationError.forField(
          `${field}.role`,
          `expected system, developer, user, assistant or tool for Anthropic, received "${message.role}". Send a function result as a tool message with its tool_call_id.`,
        );
    }
  });
  return { system: systemOf(systemBlocks), messages: turns };
}

/** A string (the blocks' text joined with blank lines), or blocks where one carries `cache_control`. */
function systemOf(blocks: JsonObject[]): string | JsonObject[] | undefined {
  if (blocks.length === 0) return undefined;
  if (blocks.some((block) => block.cache_control !== undefined)) return blocks;
  return blocks.map((block) => block.text as string).join('\n\n');
}

function textBlocks(content: string | ContentPart[]): JsonObject[] {
  if (typeof content === 'string') return content === '' ? [] : [{ type: 'text', text: content }];
  const blocks: JsonObject[] = [];
  for (const part of content) {
    if (part.type === 'text' && part.text !== '') {
      blocks.push(withCacheControl({ type: 'text', text: part.text }, part));
    }
  }
  return blocks;
}

function userContent(content: string | ContentPart[], field: string): string | JsonValue[] {
  if (typeof content === 'string') return content;
  return content.map((part, index): JsonValue => {
    const partField = `${field}.content[${index}]`;
    switch (part.type) {
      case 'text':
        return withCacheControl({ type: 'text', text: part.text }, part);
      case 'image_url':
        return withCacheControl(imageBlock(part.image_url.url, `${partField}.image_url.url`), part);
      case 'file':
        return withCacheControl(documentBlock(part.file, `${partField}.file`), part);
      case 'input_audio':
        throw ValidationError.forField(
          `${partField}.type`,
          'expected text, image_url or file for Anthropic, received "input_audio". Transcribe the audio and send the text.',
        );
      default:
        // An Anthropic-native block (`document`, `image` with a `source`): sent as given.
        return part as JsonValue;
    }
  });
}

function imageBlock(url: string, field: string): JsonObject {
  const inline = parseDataUrl(url);
  if (inline !== undefined) {
    return {
      type: 'image',
      source: { type: 'base64', media_type: inline.mimeType, data: inline.data },
    };
  }
  if (/^https?:\/\//i.test(url)) return { type: 'image', source: { type: 'url', url } };
  throw ValidationError.forField(
    field,
    `expected a data:image/...;base64, URL or an http(s) URL, received ${JSON.stringify(url.slice(0, 40))}. Encode the image as base64.`,
  );
}

function documentBlock(file: { file_id?: string; file_data?: string }, field: string): JsonObject {
  const inline = file.file_data === undefined ? undefined : parseDataUrl(file.file_data);
  if (inline?.mimeType === 'application/pdf') {
    return {
      type: 'document',
      source: { type: 'base64', media_type: 'application/pdf', data: inline.data },
    };
  }
  if (inline?.mimeType === 'text/plain') {
    const text = Buffer.from(inline.data, 'base64').toString('utf8');
    return { type: 'document', source: { type: 'text', media_type: 'text/plain', data: text } };
  }
  throw ValidationError.forField(
    field,
    `expected file_data as a data:application/pdf;base64, or data:text/plain;base64, URL, received ${inline ? `a ${inline.mimeType} file` : 'no inline data'}. For an uploaded file, send Anthropic's own { type: 'document', source: { type: 'file', file_id } } part.`,
  );
}

/** Thinking blocks first (sent back unchanged, as extended thinking requires), then text, then tool calls. */
function assistantContent(
  message: AssistantMessage,
  field: string,
): string | JsonValue[] | undefined {
  const thinking = (message as { thinking_blocks?: unknown }).thinking_blocks;
  const calls = message.tool_calls ?? [];
  const content = message.content;
  if (!Array.isArray(thinking) && calls.length === 0 && typeof content === 'string') {
    return content === '' ? undefined : content;
  }
  const blocks: JsonValue[] = Array.isArray(thinking) ? [...(thinking as JsonValue[])] : [];
  if (typeof content === 'string') blocks.push(...textBlocks(content));
  else if (Array.isArray(content)) blocks.push(...textBlocks(content));
  calls.forEach((call, index) => {
    const argumentsField = `${field}.tool_calls[${index}].function.arguments`;
    blocks.push({
      type: 'tool_use',
      id: call.id,
      name: call.function.name,
      input: parseArguments(call.function.arguments, argumentsField) as JsonObject,
    });
  });
  return blocks.length === 0 ? undefined : blocks;
}

/** Keeps a caller's prompt-caching marker (`cache_control`) on the block made from `source`. */
export function withCacheControl(block: JsonObject, source: object): JsonObject {
  const marker = (source as { cache_control?: JsonValue }).cache_control;
  return marker === undefined ? block : { ...block, cache_control: marker };
}
