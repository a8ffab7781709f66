import { ValidationError } from '../../errors/validation-error.js';
import type { ChatMessage, ContentPart } from '../../types/openai.js';

/** The text of a message's content: a string, or its text parts joined. */
export function textOf(content: ChatMessage['content'] | undefined): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  let text = '';
  for (const part of content as ContentPart[]) if (part.type === 'text') text += part.text;
  return text;
}

/** A `data:<mime>;base64,<data>` URL split in two; undefined for any other URL. */
export function parseDataUrl(url: string): { mimeType: string; data: string } | undefined {
  const match = /^data:([^;,]+);base64,(.*)$/s.exec(url);
  return match ? { mimeType: match[1] as string, data: match[2] as string } : undefined;
}

/**
 * Tool-call arguments (a JSON string in the OpenAI format) as the object Anthropic, Gemini
 * and Ollama want. An empty string is `{}`.
 *
 * @throws ValidationError naming the field, for arguments that are not a JSON object.
 */
export function parseArguments(json: string, field: string): Record<string, unknown> {
  if (json.trim() === '') return {};
  try {
    const value: unknown = JSON.parse(json);
    if (value !== null && typeof value === 'object' && !Array.isArray(value))
      return value as Record<string, unknown>;
  } catch {
    // reported below
  }
  throw ValidationError.forField(
    field,
    `expected a JSON object in a string, received ${JSON.stringify(json.slice(0, 60))}. Pass the arguments the model produced, unchanged.`,
  );
}

/** A tool call id for providers that send none (Gemini, Ollama): `call_` and 24 random characters. */
export function newToolCallId(): string {
  return `call_${crypto.randomUUID().replaceAll('-', '').slice(0, 24)}`;
}
