import type { WireFormat } from './support.js';

/**
 * Small, valid bodies in each wire format, to mutate in the hostile tests: one text answer
 * "Hi", streamed and not.
 */

const openaiChunk = (choices: unknown[], extra: Record<string, unknown> = {}) => ({
  id: 'chatcmpl-hostile',
  object: 'chat.completion.chunk',
  created: 1,
  model: 'gpt-4o-mini',
  choices,
  ...extra,
});

/** An SSE body from payloads (objects are JSON-encoded), each with an optional `event:` name. */
export function sseOf(...events: Array<unknown | { event: string; data: unknown }>): string {
  return events
    .map((item) => {
      const named = item as { event?: unknown; data?: unknown };
      const data = typeof named.event === 'string' && 'data' in named ? named.data : item;
      const text = typeof data === 'string' ? data : JSON.stringify(data);
      return `${typeof named.event === 'string' ? `event: ${named.event}\n` : ''}data: ${text}\n\n`;
    })
    .join('');
}

/** An NDJSON body from objects or raw lines. */
export function ndjsonOf(...lines: unknown[]): string {
  return lines.map((line) => (typeof line === 'string' ? line : JSON.stringify(line))).join('\n');
}

/** The stream events of a valid answer "Hi" in each format, as objects (before framing). */
export function streamEvents(format: WireFormat): unknown[] {
  switch (format) {
    case 'openai':
      return [
        openaiChunk([
          { index: 0, delta: { role: 'assistant', content: 'H' }, finish_reason: null },
        ]),
        openaiChunk([{ index: 0, delta: { content: 'i' }, finish_reason: 'stop' }]),
        openaiChunk([], { usage: { prompt_tokens: 3, completion_tokens: 1, total_tokens: 4 } }),
      ];
    case 'anthropic':
      return [
        {
          type: 'message_start',
          message: {
            id: 'msg_hostile',
            model: 'claude-haiku-4-5',
            usage: { input_tokens: 3, output_tokens: 1 },
          },
        },
        { type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } },
        { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: 'Hi' } },
        { type: 'content_block_stop', index: 0 },
        { type: 'message_delta', delta: { stop_reason: 'end_turn' }, usage: { output_tokens: 1 } },
        { type: 'message_stop' },
      ];
    case 'gemini':
      return [
        { candidates: [{ content: { parts: [{ text: 'H' }], role: 'model' }, index: 0 }] },
        {
          candidates: [
            { content: { parts: [{ text: 'i' }], role: 'model' }, finishReason: 'STOP', index: 0 },
          ],
          usageMetadata: { promptTokenCount: 3, candidatesTokenCount: 1, totalTokenCount: 4 },
          modelVersion: 'gemini-2.5-flash',
        },
      ];
    case 'ollama':
      return [
        { model: 'llama3.2', message: { role: 'assistant', content: 'H' }, done: false },
        { model: 'llama3.2', message: { role: 'assistant', content: 'i' }, done: false },
        {
          model: 'llama3.2',
          message: { role: 'assistant', content: '' },
          done: true,
          done_reason: 'stop',
          prompt_eval_count: 3,
          eval_count: 1,
        },
      ];
  }
}

/** A stream body in `format` from its events (objects, or raw text for one event's data). */
export function streamBody(format: WireFormat, events: unknown[]): string {
  if (format === 'ollama') return `${ndjsonOf(...events)}\n`;
  const body = sseOf(...events);
  return format === 'openai' ? `${body}data: [DONE]\n\n` : body;
}

/** The plain (non-streamed) answer "Hi" in each format. */
export function plainAnswer(format: WireFormat): Record<string, unknown> {
  switch (format) {
    case 'openai':
      return {
        id: 'chatcmpl-hostile',
        object: 'chat.completion',
        created: 1,
        model: 'gpt-4o-mini',
        choices: [
          { index: 0, message: { role: 'assistant', content: 'Hi' }, finish_reason: 'stop' },
        ],
        usage: { prompt_tokens: 3, completion_tokens: 1, total_tokens: 4 },
      };
    case 'anthropic':
      return {
        id: 'msg_hostile',
        type: 'message',
        role: 'assistant',
        model: 'claude-haiku-4-5',
        content: [{ type: 'text', text: 'Hi' }],
        stop_reason: 'end_turn',
        usage: { input_tokens: 3, output_tokens: 1 },
      };
    case 'gemini':
      return {
        candidates: [
          { content: { parts: [{ text: 'Hi' }], role: 'model' }, finishReason: 'STOP', index: 0 },
        ],
        usageMetadata: { promptTokenCount: 3, candidatesTokenCount: 1, totalTokenCount: 4 },
        modelVersion: 'gemini-2.5-flash',
      };
    case 'ollama':
      return {
        model: 'llama3.2',
        created_at: '2025-01-15T10:32:00Z',
        message: { role: 'assistant', content: 'Hi' },
        done: true,
        done_reason: 'stop',
        prompt_eval_count: 3,
        eval_count: 1,
      };
  }
}

/** An error event inside a stream, in `format`, whose message is `message`. */
export function streamErrorEvent(format: WireFormat, message: string): unknown {
  switch (format) {
    case 'openai':
      return { error: { message, type: 'server_error', code: null } };
    case 'anthropic':
      return { event: 'error', data: { type: 'error', error: { type: 'api_error', message } } };
    case 'gemini':
      return { error: { code: 500, message, status: 'INTERNAL' } };
    case 'ollama':
      return { error: message };
  }
}

/** The content type a stream in `format` is served with. */
export function streamContentType(format: WireFormat): string {
  return format === 'ollama' ? 'application/x-ndjson' : 'text/event-stream';
}

/** The valid bodies of each format, for {@link warmUp}. */
export function validBodies(format: WireFormat) {
  return {
    plain: JSON.stringify(plainAnswer(format)),
    stream: streamBody(format, streamEvents(format)),
    streamType: streamContentType(format),
  };
}
