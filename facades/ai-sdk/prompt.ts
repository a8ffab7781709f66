import type {
  LanguageModelV3FilePart,
  LanguageModelV3Message,
  LanguageModelV3Prompt,
  LanguageModelV3ToolResultOutput,
  SharedV3Warning,
} from '@ai-sdk/provider';
import type {
  AssistantMessage,
  ChatMessage,
  ContentPart,
  JsonValue,
  TextContentPart,
  ToolCall,
  ToolMessage,
} from '../../index.js';
import { ValidationError } from '../../index.js';
import { replayedReasoning, replayedSignature } from './replay.js';

type AssistantParts = Extract<LanguageModelV3Message, { role: 'assistant' }>['content'];
type ToolParts = Extract<LanguageModelV3Message, { role: 'tool' }>['content'];
type UserParts = Extract<LanguageModelV3Message, { role: 'user' }>['content'];

/** Audio media types and the `input_audio.format` OpenAI's format names them by. */
const AUDIO_FORMATS: Readonly<Record<string, string>> = {
  'audio/wav': 'wav',
  'audio/x-wav': 'wav',
  'audio/mpeg': 'mp3',
  'audio/mp3': 'mp3',
};

/**
 * The AI SDK's prompt as OpenAI chat messages, which shallot translates to each provider's
 * format: system messages as they are; user text, images (`image_url`, an http(s) URL or a
 * `data:` URL), audio (`input_audio`) and other files (`file.file_data` as a `data:` URL);
 * assistant text, tool calls (their input as a JSON string) and reasoning replayed for the
 * providers that need it (Anthropic's thinking blocks, Gemini's thought signatures, kept in
 * `providerOptions.shallot` by the results this facade made); tool results as `tool` messages.
 * What OpenAI's format cannot carry is left out with a warning.
 *
 * @throws ValidationError naming the prompt part that cannot be sent.
 */
export function toChatMessages(
  prompt: LanguageModelV3Prompt,
  warnings: SharedV3Warning[],
  modelId: string,
): ChatMessage[] {
  const messages: ChatMessage[] = [];
  prompt.forEach((message, index) => {
    const field = `prompt[${index}]`;
    switch (message.role) {
      case 'system':
        messages.push({ role: 'system', content: message.content });
        return;
      case 'user':
        messages.push({ role: 'user', content: userContent(message.content, field, modelId) });
        return;
      case 'assistant':
        messages.push(assistantMessage(message.content, field, warnings, modelId));
        return;
      case 'tool':
        messages.push(...toolMessages(message.content));
        return;
      default:
        throw ValidationError.forField(
          `${field}.role`,
          `expected system, user, assistant or tool, received ${JSON.stringify((message as { role: unknown }).role)}.`,
          modelId,
        );
    }
  });
  return messages;
}

function userContent(parts: UserParts, field: string, modelId: string): string | ContentPart[] {
  const only = parts[0];
  if (parts.length === 1 && only?.type === 'text') return only.text;
  return parts.map((part, index) =>
    part.type === 'text'
      ? ({ type: 'text', text: part.text } satisfies TextContentPart)
      : filePart(part, `${field}.content[${index}]`, modelId),
  );
}

function filePart(part: LanguageModelV3FilePart, field: string, modelId: string): ContentPart {
  const { mediaType, data } = part;
  if (mediaType.startsWith('image/')) {
    const url = data instanceof URL ? data.href : dataUrl(imageType(mediaType), data);
    return { type: 'image_url', image_url: { url } };
  }
  if (data instanceof URL) {
    throw ValidationError.forField(
      `${field}.data`,
      `expected the file's bytes or base64, received the URL ${data.origin}${data.pathname}: only images are sent by URL. Download the file first, or let the AI SDK download it.`,
      modelId,
    );
  }
  const audioFormat = AUDIO_FORMATS[mediaType];
  if (audioFormat !== undefined) {
    return { type: 'input_audio', input_audio: { data: base64Of(data), format: audioFormat } };
  }
  const file: { file_data: string; filename?: string } = { file_data: dataUrl(mediaType, data) };
  if (part.filename !== undefined) file.filename = part.filename;
  return { type: 'file', file };
}

/** A concrete image type for a `data:` URL: the AI SDK may give the wildcard `image/*`. */
function imageType(mediaType: string): string {
  return mediaType === 'image/*' ? 'image/jpeg' : mediaType;
}

function dataUrl(mediaType: string, data: string | Uint8Array): string {
  return `data:${mediaType};base64,${base64Of(data)}`;
}

/** The AI SDK gives file data as bytes or as base64 already. */
function base64Of(data: string | Uint8Array): string {
  return typeof data === 'string' ? data : Buffer.from(data).toString('base64');
}

function assistantMessage(
  parts: AssistantParts,
  field: string,
  warnings: SharedV3Warning[],
  modelId: string,
): AssistantMessage {
  let text = '';
  const thinkingBlocks: JsonValue[] = [];
  const toolCalls: ToolCall[] = [];
  parts.forEach((part, index) => {
    const partField = `${field}.content[${index}]`;
    switch (part.type) {
      case 'text':
        text += part.text;
        return;
      case 'reasoning':
        thinkingBlocks.push(...replayedReasoning(part.providerOptions, partField, modelId));
        return;
      case 'tool-call': {
        const call: ToolCall & { thought_signature?: string } = {
          id: part.toolCallId,
          type: 'function',
          function: { name: part.toolName, arguments: argumentsOf(part.input) },
        };
        const signature = replayedSignature(part.providerOptions, partField, modelId);
        if (signature !== undefined) call.thought_signature = signature;
        toolCalls.push(call);
        return;
      }
      default:
        warnings.push({
          type: 'other',
          message: `${partField}: an assistant ${part.type} part is not sent (OpenAI's chat format has no place for it).`,
        });
    }
  });
  const message: AssistantMessage & { thinking_blocks?: JsonValue[] } = {
    role: 'assistant',
    content: toolCalls.length > 0 && text === '' ? null : text,
  };
  if (toolCalls.length > 0) message.tool_calls = toolCalls;
  if (thinkingBlocks.length > 0) message.thinking_blocks = thinkingBlocks;
  return message;
}

/** A tool call's input as the JSON string OpenAI's format carries. */
function argumentsOf(input: unknown): string {
  if (typeof input === 'string') return input;
  return JSON.stringify(input ?? {});
}

function toolMessages(parts: ToolParts): ToolMessage[] {
  const messages: ToolMessage[] = [];
  for (const part of parts) {
    // An approval answers a provider-executed tool, which this facade does not offer.
    if (part.type !== 'tool-result') continue;
    messages.push({
      role: 'tool',
      tool_call_id: part.toolCallId,
      content: toolResultContent(part.output),
    });
  }
  return messages;
}

function toolResultContent(output: LanguageModelV3ToolResultOutput): string | TextContentPart[] {
  switch (output.type) {
    case 'text':
    case 'error-text':
      return output.value;
    case 'execution-denied':
      return output.reason ?? 'Tool call execution denied.';
    case 'json':
    case 'error-json':
      return JSON.stringify(output.value);
    case 'content': {
      const texts = output.value.filter((part) => part.type === 'text');
      // Files in a tool result have no place in OpenAI's format: the whole result goes as JSON.
      if (texts.length < output.value.length) return JSON.stringify(output.value);
      return texts.map((part) => ({ type: 'text', text: part.text }));
    }
  }
}
