import type { Attributes } from '@opentelemetry/api';
import type {
  CallRecord,
  ChatCompletion,
  ChatMessage,
  ResponseMessage,
} from '../../src/kit/index.js';

/** One part of a message in the GenAI conventions' `gen_ai.*.messages` shape. */
type Part = Record<string, unknown> & { type: string };

/** A message in the GenAI conventions' shape. */
interface GenAiMessage {
  role: string;
  parts: Part[];
  finish_reason?: string;
}

/**
 * `gen_ai.input.messages` and `gen_ai.output.messages` (JSON, the conventions' parts shape),
 * taken from the call record: a part the record redacted is left out, never written.
 */
export function contentAttributes(record: CallRecord): Attributes {
  const attributes: Attributes = {};
  if (Array.isArray(record.messages)) {
    const messages = record.messages as ChatMessage[];
    attributes['gen_ai.input.messages'] = JSON.stringify(messages.map(inputMessage));
  }
  if (record.response !== null && record.response !== '[redacted]') {
    const response = record.response as unknown as ChatCompletion;
    const output = (response.choices ?? []).map((choice) =>
      outputMessage(choice.message, choice.finish_reason),
    );
    attributes['gen_ai.output.messages'] = JSON.stringify(output);
  }
  return attributes;
}

function inputMessage(message: ChatMessage): GenAiMessage {
  if (message.role === 'tool') {
    return {
      role: 'tool',
      parts: [
        { type: 'tool_call_response', id: message.tool_call_id, response: text(message.content) },
      ],
    };
  }
  const parts = contentParts(message.content);
  if (message.role === 'assistant') parts.push(...toolCallParts(message.tool_calls));
  return { role: message.role, parts };
}

function outputMessage(message: ResponseMessage | undefined, finishReason: unknown): GenAiMessage {
  const reasoning = message?.reasoning_content;
  const parts: Part[] =
    typeof reasoning === 'string' ? [{ type: 'reasoning', content: reasoning }] : [];
  parts.push(...contentParts(message?.content), ...toolCallParts(message?.tool_calls));
  return {
    role: message?.role ?? 'assistant',
    parts,
    ...(typeof finishReason === 'string' ? { finish_reason: finishReason } : {}),
  };
}

function contentParts(content: unknown): Part[] {
  if (typeof content === 'string') return [{ type: 'text', content }];
  if (!Array.isArray(content)) return [];
  return content.map((part: { type?: unknown; text?: unknown; image_url?: { url?: unknown } }) => {
    if (part.type === 'text') return { type: 'text', content: part.text };
    if (part.type === 'image_url')
      return { type: 'uri', modality: 'image', uri: part.image_url?.url };
    return { type: typeof part.type === 'string' ? part.type : 'unknown' };
  });
}

function toolCallParts(calls: ResponseMessage['tool_calls'] | undefined): Part[] {
  return (calls ?? []).map((call) => ({
    type: 'tool_call',
    id: call.id,
    name: call.function.name,
    arguments: parsedOrText(call.function.arguments),
  }));
}

function text(content: unknown): unknown {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return content;
  return content.map((part: { text?: unknown }) => part.text).join('');
}

function parsedOrText(value: string): unknown {
  try {
    return JSON.parse(value);
  } catch {
    // arguments cut mid-way (finish_reason 'length') stay as the text the model wrote
    return value;
  }
}
