import { ValidationError } from '../../errors/validation-error.js';
import type { AssistantMessage, ChatMessage, ContentPart, JsonObject } from '../../types/openai.js';
import { parseArguments, parseDataUrl, textOf } from '../shared/content.js';
import type { SignedToolCall } from './wire.js';

/** One Gemini `Content`: a turn of the conversation. Gemini knows only two roles. */
export interface GeminiContent {
  role: 'user' | 'model';
  parts: JsonObject[];
}

/** The conversation in Gemini's shape. */
export interface GeminiConversation {
  /** The system and developer messages' text, for `systemInstruction`. */
  system: JsonObject[];
  contents: GeminiContent[];
}

/** Mime types Gemini takes by reference, by file extension, for an image given as an URL. */
const MIME_BY_EXTENSION: Readonly<Record<string, string>> = {
  png: 'image/png',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  webp: 'image/webp',
  heic: 'image/heic',
  heif: 'image/heif',
  gif: 'image/gif',
  pdf: 'application/pdf',
};

/**
 * OpenAI messages as Gemini `contents`. System and developer messages, wherever they are,
 * go to `systemInstruction` in order. Tool results become `functionResponse` parts of a
 * `user` turn (consecutive results share one turn); the function's name, which Gemini
 * needs and OpenAI's tool message lacks, comes from the assistant call with that id.
 *
 * @throws ValidationError for content Gemini cannot take, naming the field.
 */
export function toGeminiConversation(messages: readonly ChatMessage[]): GeminiConversation {
  const system: JsonObject[] = [];
  const contents: GeminiContent[] = [];
  const callNames = new Map<string, string>();
  let resultTurn: GeminiContent | undefined;
  const addResult = (name: string, content: string) => {
    if (resultTurn === undefined) {
      resultTurn = { role: 'user', parts: [] };
      contents.push(resultTurn);
    }
    resultTurn.parts.push({ functionResponse: { name, response: responseObject(content) } });
  };
  messages.forEach((message, index) => {
    const field = `messages[${index}]`;
    switch (message.role) {
      case 'system':
      case 'developer': {
        const text = textOf(message.content);
        if (text !== '') system.push({ text });
        return;
      }
      case 'user':
        resultTurn = undefined;
        contents.push({ role: 'user', parts: userParts(message.content, field) });
        return;
      case 'assistant': {
        resultTurn = undefined;
        const parts = assistantParts(message, field, callNames);
        // An assistant turn with nothing in it would be an empty Content, which Gemini rejects.
        if (parts.length > 0) contents.push({ role: 'model', parts });
        return;
      }
      case 'tool': {
        const name = callNames.get(message.tool_call_id);
        if (name === undefined) {
          throw ValidationError.forField(
            `${field}.tool_call_id`,
            `expected the id of a tool call made by an earlier assistant message, received ${JSON.stringify(message.tool_call_id)}. Gemini needs the function's name, found through that call: keep the assistant message with its tool_calls before the results.`,
          );
        }
        addResult(name, textOf(message.content));
        return;
      }
      case 'function':
        addResult(message.name, message.content ?? '');
        return;
    }
  });
  return { system, contents };
}

function userParts(content: string | ContentPart[], field: string): JsonObject[] {
  if (typeof content === 'string') return [{ text: content }];
  return content.map((part, index) => userPart(part, `${field}.content[${index}]`));
}

function userPart(part: ContentPart, field: string): JsonObject {
  switch (part.type) {
    case 'text':
      return { text: part.text };
    case 'image_url':
      return mediaPart(part.image_url.url, `${field}.image_url.url`);
    case 'input_audio':
      return {
        inlineData: { mimeType: `audio/${part.input_audio.format}`, data: part.input_audio.data },
      };
    case 'file': {
      const inline = parseDataUrl(part.file.file_data ?? '');
      if (inline !== undefined) return { inlineData: inline };
      throw ValidationError.forField(
        `${field}.file`,
        'expected file_data as a data:<mime>;base64, URL, received a file_id or raw data. An OpenAI file id means nothing to Gemini: pass the file inline as a data: URL.',
      );
    }
    default:
      throw ValidationError.forField(
        `${field}.type`,
        `expected "text", "image_url", "input_audio" or "file", received ${JSON.stringify((part as { type: unknown }).type)}. Gemini takes no other content part.`,
      );
  }
}

/** A `data:` URL inline; an https or gs URL by reference, its mime type read from its extension. */
function mediaPart(url: string, field: string): JsonObject {
  const inline = parseDataUrl(url);
  if (inline !== undefined) return { inlineData: inline };
  const mimeType = /^(https?|gs):\/\//i.test(url) ? mimeTypeOfUrl(url) : undefined;
  if (mimeType !== undefined) return { fileData: { mimeType, fileUri: url } };
  throw ValidationError.forField(
    field,
    `expected a data:<mime>;base64, URL, or an https URL whose path ends in .${Object.keys(MIME_BY_EXTENSION).join(', .')}; received ${JSON.stringify(url.split(/[?#]/)[0]?.slice(0, 80))}. Gemini needs the mime type of a file it fetches: pass the image inline as a data: URL.`,
  );
}

function mimeTypeOfUrl(url: string): string | undefined {
  const path = url.split(/[?#]/)[0] ?? '';
  const extension = /\.([a-z0-9]+)$/i.exec(path)?.[1]?.toLowerCase();
  return extension === undefined ? undefined : MIME_BY_EXTENSION[extension];
}

function assistantParts(
  message: AssistantMessage,
  field: string,
  callNames: Map<string, string>,
): JsonObject[] {
  const parts: JsonObject[] = [];
  const text = textOf(message.content);
  if (text !== '') parts.push({ text });
  message.tool_calls?.forEach((call, index) => {
    callNames.set(call.id, call.function.name);
    const args = parseArguments(
      call.function.arguments,
      `${field}.tool_calls[${index}].function.arguments`,
    );
    const part: JsonObject = {
      functionCall: { name: call.function.name, args: args as JsonObject },
    };
    const signature = signatureOf(call as SignedToolCall);
    // Gemini 3 rejects a replayed function call without the signature it was issued with.
    if (signature !== undefined) part.thoughtSignature = signature;
    parts.push(part);
  });
  return parts;
}

/** The call's signature: ours (`thought_signature`), or Google's OpenAI-compatible spelling. */
function signatureOf(call: SignedToolCall): string | undefined {
  if (typeof call.thought_signature === 'string') return call.thought_signature;
  const google = call.extra_content?.google?.thought_signature;
  return typeof google === 'string' ? google : undefined;
}

/** Gemini wants a JSON object as a function's response: a JSON object as is, else `{ result }`. */
function responseObject(content: string): JsonObject {
  try {
    const value: unknown = JSON.parse(content);
    if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
      return value as JsonObject;
    }
  } catch {
    // not JSON: wrapped below
  }
  return { result: content };
}
