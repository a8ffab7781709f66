/**
 * What shallot does with a server that sends what no provider should: a local server on
 * 127.0.0.1 that answers each prompt with a different kind of trouble. Every call still ends
 * with a result or a typed error, on time, with the key masked; see docs/security.md.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createClient, ShallotError } from 'shallot';

const KEY = 'sk-local-demo-key-0123456789';
const chunk = (index: unknown, content: string, finish: string | null = null) =>
  `data: ${JSON.stringify({ id: 'c', object: 'chat.completion.chunk', created: 1, model: 'm', choices: [{ index, delta: { content }, finish_reason: finish }] })}\n\n`;
let pollutedRequests = 0;

const server = createServer((request, response) => {
  let body = '';
  request.on('data', (piece) => {
    body += piece;
  });
  request.on('end', () => {
    const { messages } = JSON.parse(body) as { messages: Array<{ content: string }> };
    const prompt = messages.at(-1)?.content;
    if (prompt === 'pollute') {
      // First a choice index meant to reach Array.prototype, then a good stream.
      response.writeHead(200, { 'content-type': 'text/event-stream' });
      const index = pollutedRequests++ === 0 ? '__proto__' : 0;
      response.end(`${chunk(index, 'Hi')}${chunk(0, '!', 'stop')}data: [DONE]\n\n`);
    } else if (prompt === 'echo the key') {
      // An error event that quotes the key it was sent.
      const key = String(request.headers.authorization).replace('Bearer ', '');
      response.writeHead(200, { 'content-type': 'text/event-stream' });
      response.end(`data: ${JSON.stringify({ error: { message: `bad key ${key}` } })}\n\n`);
    } else if (prompt === 'say nothing') {
      // Never answers.
    } else {
      // A body that goes on and on: 64 MiB of it, as fast as the client reads.
      response.writeHead(200, { 'content-type': 'application/json' });
      const piece = Buffer.alloc(64 * 1024, 'x');
      let left = 1024;
      const write = () => {
        while (left-- > 0) if (!response.write(piece)) return void response.once('drain', write);
        response.end();
      };
      write();
    }
  });
});
await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
const apiBase = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;

const client = createClient({
  providers: { openai: { apiKey: KEY, apiBase } },
  maxResponseBytes: 1024 * 1024, // 1 MiB for this demo; the default is 32 MiB
  retry: { baseDelayMs: 10 },
});
const model = 'openai/gpt-4o-mini';
const ask = (content: string) => [{ role: 'user' as const, content }];
const outcome = async (label: string, call: () => Promise<string>) => {
  const started = Date.now();
  try {
    console.log(`${label}: ${await call()}`);
  } catch (error) {
    const typed =
      error instanceof ShallotError ? `${error.name} (retryable: ${error.retryable})` : 'untyped!';
    console.log(`${label}: ${typed}, after ~${Math.round((Date.now() - started) / 100) * 100} ms`);
    console.log(`  ${(error as Error).message}`);
  }
};

await outcome('1. a "__proto__" choice index, then a retry', async () => {
  const stream = await client.completion({
    model,
    messages: ask('pollute'),
    stream: true,
    numRetries: 1,
  });
  let text = '';
  for await (const piece of stream) text += piece.choices[0]?.delta.content ?? '';
  return `${text} (Array.prototype untouched: ${!('content' in Array.prototype)})`;
});
await outcome('2. the key echoed in an error event', async () => {
  const stream = await client.completion({ model, messages: ask('echo the key'), stream: true });
  for await (const _piece of stream) {
    // the error arrives as the first event
  }
  return 'no error?';
});
await outcome('3. a server that never answers, with totalTimeout: 300', async () => {
  const answer = await client.completion({
    model,
    messages: ask('say nothing'),
    totalTimeout: 300,
  });
  return String(answer.choices[0]?.message.content);
});
await outcome('4. a 64 MiB answer', async () => {
  const answer = await client.completion({ model, messages: ask('go on') });
  return String(answer.choices[0]?.message.content);
});

await client.shutdown();
server.closeAllConnections();
server.close();
