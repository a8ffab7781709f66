/**
 * consoleLogger(): one readable line per finished call (model, latency, tokens, cost, cache,
 * stream, error). Here to stdout and uncoloured; by default it writes to stderr, in colour on
 * a terminal.
 */
import { Cache, createClient } from 'shallot';
import { consoleLogger } from 'shallot/middleware/console-logger';

const client = createClient({
  middleware: [consoleLogger({ stream: process.stdout, colors: false })],
});
client.cache = new Cache(); // in memory: a repeated question is answered for free
const model = 'openai/gpt-4o-mini';
const ask = (content: string) => [{ role: 'user' as const, content }];

// 1. A plain call.
await client.completion({
  model,
  messages: ask('What is a shallot?'),
  mockResponse: 'A small onion.',
});

// 2. A streamed call: its line comes after the last chunk.
const stream = await client.completion({
  model,
  messages: ask('Count to five.'),
  stream: true,
  mockResponse: 'One, two, three, four, five.',
});
for await (const _chunk of stream) {
  // reading to the end
}

// 3. A failing call: a plain Error from the provider becomes an InternalServerError.
await client
  .completion({
    model,
    messages: ask('Fail, please.'),
    mockResponse: new Error('upstream overloaded'),
  })
  .catch(() => {});

// 4. The first question again: a cache hit, at no cost.
await client.completion({
  model,
  messages: ask('What is a shallot?'),
  mockResponse: 'A small onion.',
});

// Lines are written off the hot path: flush before the program ends.
await client.flush();
