import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { answerEmbeddings } from './letter-embeddings.js';
import { answerNatively } from './native-echo.js';

/** A running local OpenAI-compatible server. */
export interface EchoServer {
  /** Pass as `apiBase`. */
  url: string;
  close(): Promise<void>;
}

/**
 * A failure the echo server answers with instead of echoing: an OpenAI-style error with this
 * status and code, or `'stall'`, a stream's head and then silence.
 */
export type EchoFault = { status: number; code: string; message: string } | 'stall';

/** Options of {@link startEchoServer}. */
export interface EchoServerOptions {
  /**
   * Picks a fault for a request, or none: `count` is how many requests this model has had,
   * this one included. For the resilience examples.
   */
  fault?: (request: { model: string; stream: boolean; count: number }) => EchoFault | undefined;
}

/**
 * A tiny OpenAI-compatible server on 127.0.0.1 for the examples: it answers
 * "You said: <last user message>", as JSON or as an SSE stream with a usage chunk, like
 * OpenAI's wire format. A message containing "please fail" gets a 429 with retry-after.
 * Anthropic's, Gemini's and Ollama's paths get plain answers in their own formats, and
 * `/embeddings` toy letter vectors (see letter-embeddings.ts).
 */
export async function startEchoServer(options: EchoServerOptions = {}): Promise<EchoServer> {
  const counts = new Map<string, number>();
  const server = createServer((request, response) => {
    void readJson(request).then((body) => {
      const count = (counts.get(body.model) ?? 0) + 1;
      counts.set(body.model, count);
      const fault = options.fault?.({ model: body.model, stream: body.stream === true, count });
      if (fault !== undefined) return answerFault(fault, response);
      const path = request.url ?? '';
      if (answerEmbeddings(path, body as unknown as Record<string, unknown>, response)) return;
      if (!answerNatively(request.url ?? '', body as unknown as Record<string, unknown>, response))
        answer(body, response);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/v1`,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function answerFault(fault: EchoFault, response: ServerResponse): void {
  if (fault === 'stall') {
    response.writeHead(200, { 'content-type': 'text/event-stream' });
    response.write(': the model is thinking\n\n');
    return;
  }
  response.writeHead(fault.status, { 'content-type': 'application/json' });
  response.end(
    JSON.stringify({ error: { message: fault.message, type: 'server_error', code: fault.code } }),
  );
}

interface RequestBody {
  model: string;
  stream?: boolean;
  messages: Array<{ role: string; content: unknown }>;
}

async function readJson(request: IncomingMessage): Promise<RequestBody> {
  let text = '';
  for await (const piece of request) text += piece;
  return JSON.parse(text) as RequestBody;
}

function answer(body: RequestBody, response: ServerResponse): void {
  const last = [...body.messages].reverse().find((message) => message.role === 'user');
  const said = typeof last?.content === 'string' ? last.content : '…';
  if (said.includes('please fail')) {
    response.writeHead(429, { 'content-type': 'application/json', 'retry-after': '2' });
    response.end(
      JSON.stringify({
        error: {
          message: 'Rate limit reached for requests',
          type: 'requests',
          code: 'rate_limit_exceeded',
        },
      }),
    );
    return;
  }
  const text = `You said: ${said}`;
  const usage = {
    prompt_tokens: Math.ceil(said.length / 4) + 8,
    completion_tokens: Math.ceil(text.length / 4),
    total_tokens: Math.ceil(said.length / 4) + 8 + Math.ceil(text.length / 4),
  };
  const base = { id: 'chatcmpl-echo', created: 1_700_000_000, model: body.model };
  if (!body.stream) {
    response.writeHead(200, { 'content-type': 'application/json' });
    response.end(
      JSON.stringify({
        ...base,
        object: 'chat.completion',
        choices: [
          { index: 0, message: { role: 'assistant', content: text }, finish_reason: 'stop' },
        ],
        usage,
      }),
    );
    return;
  }
  response.writeHead(200, { 'content-type': 'text/event-stream' });
  const chunk = (delta: object, finish: string | null) => ({
    ...base,
    object: 'chat.completion.chunk',
    choices: [{ index: 0, delta, finish_reason: finish }],
  });
  const events = [
    chunk({ role: 'assistant', content: '' }, null),
    ...(text.match(/\s*\S+/g) ?? []).map((word) => chunk({ content: word }, null)),
    chunk({}, 'stop'),
    { ...base, object: 'chat.completion.chunk', choices: [], usage },
  ];
  for (const event of events) response.write(`data: ${JSON.stringify(event)}\n\n`);
  response.end('data: [DONE]\n\n');
}
