import type { ChatCompletion, ChatCompletionChunk, ChunkChoice } from '../types/openai.js';

/**
 * Replays a complete `chat.completion` as the chunks an OpenAI stream would have sent:
 * a role chunk, the content, each tool call whole, a finish chunk and a usage chunk. Used
 * for `mockResponse` and for servers that answer a stream request with plain JSON.
 */
export function completionToChunks(
  completion: ChatCompletion,
  contentPieces?: (content: string) => string[],
): ChatCompletionChunk[] {
  const base = { id: completion.id, created: completion.created, model: completion.model };
  const chunk = (choices: ChunkChoice[]): ChatCompletionChunk => ({
    ...base,
    object: 'chat.completion.chunk',
    choices,
  });
  const chunks: ChatCompletionChunk[] = [];
  for (let position = 0; position < completion.choices.length; position++) {
    const choice = completion.choices[position] as ChatCompletion['choices'][number];
    const index = choice.index ?? position;
    const message = choice.message;
    chunks.push(chunk([{ index, delta: { role: 'assistant', content: '' }, finish_reason: null }]));
    if (typeof message.content === 'string' && message.content !== '') {
      const pieces = contentPieces ? contentPieces(message.content) : [message.content];
      for (const content of pieces) {
        chunks.push(chunk([{ index, delta: { content }, finish_reason: null }]));
      }
    }
    if (typeof message.refusal === 'string') {
      chunks.push(chunk([{ index, delta: { refusal: message.refusal }, finish_reason: null }]));
    }
    message.tool_calls?.forEach((call, position) => {
      const delta = { tool_calls: [{ index: position, ...call }] };
      chunks.push(chunk([{ index, delta, finish_reason: null }]));
    });
    chunks.push(chunk([{ index, delta: {}, finish_reason: choice.finish_reason ?? 'stop' }]));
  }
  if (completion.usage) chunks.push({ ...chunk([]), usage: completion.usage });
  return chunks;
}

/** Splits text into word-sized pieces, spaces kept, as a model would stream it. */
export function wordPieces(text: string): string[] {
  return text.match(/\s*\S+/g) ?? [text];
}
