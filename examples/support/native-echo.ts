import type { ServerResponse } from 'node:http';

/**
 * The echo server's answers in Anthropic's, Gemini's and Ollama's own wire formats, so the
 * examples can show one request going to each provider unchanged but for the model string.
 */
export function answerNatively(
  path: string,
  body: Record<string, unknown>,
  response: ServerResponse,
): boolean {
  const said = lastUserText(body);
  const text = `You said: ${said}`;
  const input = Math.ceil(said.length / 4) + 8;
  const output = Math.ceil(text.length / 4);
  let answer: unknown;
  if (path.endsWith('/messages')) {
    answer = {
      id: 'msg_echo',
      type: 'message',
      role: 'assistant',
      model: body.model,
      content: [{ type: 'text', text }],
      stop_reason: 'end_turn',
      usage: {
        input_tokens: input,
        output_tokens: output,
        cache_read_input_tokens: 0,
        cache_creation_input_tokens: 0,
      },
    };
  } else if (path.includes(':generateContent')) {
    answer = {
      candidates: [
        { content: { role: 'model', parts: [{ text }] }, finishReason: 'STOP', index: 0 },
      ],
      usageMetadata: {
        promptTokenCount: input,
        candidatesTokenCount: output,
        totalTokenCount: input + output,
      },
      modelVersion: path.split('/models/')[1]?.split(':')[0],
      responseId: 'echo',
    };
  } else if (path.endsWith('/api/chat')) {
    answer = {
      model: body.model,
      created_at: '2026-01-01T00:00:00Z',
      message: { role: 'assistant', content: text },
      done: true,
      done_reason: 'stop',
      prompt_eval_count: input,
      eval_count: output,
    };
  } else {
    return false;
  }
  response.writeHead(200, { 'content-type': 'application/json' });
  response.end(JSON.stringify(answer));
  return true;
}

/** The last user message's text, in any of the four formats. */
function lastUserText(body: Record<string, unknown>): string {
  const turns = (body.messages ?? body.contents ?? []) as Array<Record<string, unknown>>;
  const last = [...turns].reverse().find((turn) => turn.role === 'user');
  if (typeof last?.content === 'string') return last.content;
  const parts = (last?.content ?? last?.parts ?? []) as Array<{ text?: string }>;
  return parts.map((part) => part.text ?? '').join('') || '…';
}
