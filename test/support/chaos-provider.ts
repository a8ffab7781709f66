import type { IncomingMessage, ServerResponse } from 'node:http';
import { startLocalServer } from './local-server.js';

/** What the chaos provider does with one request. */
export type Fault = '429' | '500' | '503' | 'hang' | 'reset' | 'cut' | 'malformed' | 'ok';

export const FAULTS: readonly Fault[] = [
  '429',
  '500',
  '503',
  'hang',
  'reset',
  'cut',
  'malformed',
  'ok',
];

/** A small seeded PRNG (mulberry32), so a failing run can be replayed with its seed. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let value = state;
    value = Math.imul(value ^ (value >>> 15), value | 1);
    value ^= value + Math.imul(value ^ (value >>> 7), value | 61);
    return ((value ^ (value >>> 14)) >>> 0) / 4294967296;
  };
}

/** A local OpenAI-compatible server on 127.0.0.1 that answers each request with a fault. */
export interface ChaosProvider {
  url: string;
  /** How many requests got each fault. */
  readonly counts: Record<Fault, number>;
  close(): Promise<void>;
}

const chunk = (delta: object, finish: string | null = null) =>
  `data: ${JSON.stringify({ id: 'c', object: 'chat.completion.chunk', created: 1, model: 'gpt-4o-mini', choices: [{ index: 0, delta, finish_reason: finish }] })}\n\n`;
const usage = `data: ${JSON.stringify({ id: 'c', object: 'chat.completion.chunk', created: 1, model: 'gpt-4o-mini', choices: [], usage: { prompt_tokens: 5, completion_tokens: 3, total_tokens: 8 } })}\n\n`;
const completion = JSON.stringify({
  id: 'c',
  object: 'chat.completion',
  created: 1,
  model: 'gpt-4o-mini',
  choices: [{ index: 0, message: { role: 'assistant', content: 'fine' }, finish_reason: 'stop' }],
  usage: { prompt_tokens: 5, completion_tokens: 1, total_tokens: 6 },
});

/** Starts a chaos provider that picks each request's fault with `pick`. */
export async function startChaosProvider(pick: () => Fault): Promise<ChaosProvider> {
  const counts = Object.fromEntries(FAULTS.map((fault) => [fault, 0])) as Record<Fault, number>;
  const server = await startLocalServer((request, response) => {
    void answer(request, response, pick(), counts);
  });
  return { url: `${server.origin}/v1`, counts, close: () => server.close() };
}

async function answer(
  request: IncomingMessage,
  response: ServerResponse,
  fault: Fault,
  counts: Record<Fault, number>,
) {
  let text = '';
  for await (const piece of request) text += piece;
  const stream = (JSON.parse(text) as { stream?: boolean }).stream === true;
  counts[fault]++;
  const json = (status: number, body: string, headers: Record<string, string> = {}) => {
    response.writeHead(status, { 'content-type': 'application/json', ...headers });
    response.end(body);
  };
  switch (fault) {
    case '429':
      return json(
        429,
        JSON.stringify({
          error: { message: 'slow down', type: 'requests', code: 'rate_limit_exceeded' },
        }),
        { 'retry-after-ms': '1' },
      );
    case '500':
      return json(
        500,
        JSON.stringify({ error: { message: 'server error', type: 'server_error' } }),
      );
    case '503':
      return json(503, JSON.stringify({ error: { message: 'overloaded', type: 'server_error' } }));
    case 'hang':
      return;
    case 'reset':
      response.socket?.destroy();
      return;
    case 'cut':
      if (!stream) {
        response.writeHead(200, { 'content-type': 'application/json' });
        response.write(completion.slice(0, 20));
      } else {
        response.writeHead(200, { 'content-type': 'text/event-stream' });
        response.write(chunk({ role: 'assistant', content: 'par' }) + chunk({ content: 'tial' }));
      }
      setImmediate(() => response.socket?.destroy());
      return;
    case 'malformed':
      if (!stream) return json(200, '{"id": "c", "choices": [');
      response.writeHead(200, { 'content-type': 'text/event-stream' });
      response.end(`${chunk({ role: 'assistant', content: 'x' })}data: {"broken\n\n`);
      return;
    default:
      if (!stream) return json(200, completion);
      response.writeHead(200, { 'content-type': 'text/event-stream' });
      response.end(
        `${chunk({ role: 'assistant', content: 'fi' })}${chunk({ content: 'ne' })}${chunk({}, 'stop')}${usage}data: [DONE]\n\n`,
      );
  }
}
