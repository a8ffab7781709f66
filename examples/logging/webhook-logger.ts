/**
 * webhookLogger: the record of every finished call is POSTed to a webhook in batches, as
 * `{ "records": [...] }`, with retries and backoff. Here the webhook is a local collector
 * that is busy the first time it is called.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type CallRecord, createClient, RateLimitError } from 'shallot';
import { webhookLogger } from 'shallot/middleware/webhook-logger';

const TOKEN = 'collector-token-0123456789';

// A local log collector: it answers the first POST with 503, and keeps the rest.
const received: Array<{ authorized: boolean; records: CallRecord[] }> = [];
let posts = 0;
const collector = createServer((request, response) => {
  let body = '';
  request.on('data', (piece) => {
    body += piece;
  });
  request.on('end', () => {
    posts++;
    if (posts === 1) {
      response.writeHead(503, { 'retry-after': '0' }).end('busy');
      return;
    }
    const { records } = JSON.parse(body) as { records: CallRecord[] };
    received.push({ authorized: request.headers.authorization === `Bearer ${TOKEN}`, records });
    response.writeHead(204).end();
  });
});
await new Promise<void>((resolve) => collector.listen(0, '127.0.0.1', resolve));
const { port } = collector.address() as AddressInfo;

const hook = webhookLogger({
  url: `http://127.0.0.1:${port}/llm-calls`,
  headers: { authorization: `Bearer ${TOKEN}` }, // never logged, masked in error messages
  batchSize: 10,
  onRetry: (retry) =>
    console.log(`webhook: ${retry.reason}; attempt ${retry.attempt} in ${retry.delayMs} ms`),
});
const client = createClient({ middleware: [hook] });

const messages = [{ role: 'user' as const, content: 'Will it rain today?' }];
await client.completion({ model: 'openai/gpt-4o-mini', messages, mockResponse: 'No rain today.' });
const stream = await client.completion({
  model: 'anthropic/claude-haiku-4-5',
  messages,
  stream: true,
  mockResponse: 'Sun all day.',
});
for await (const _chunk of stream) {
  // recorded after the last chunk
}
await client
  .completion({
    model: 'openai/gpt-4o-mini',
    messages,
    mockResponse: new RateLimitError({ message: 'Rate limit reached', status: 429 }),
  })
  .catch(() => {});

await client.flush(); // every record delivered (or given up on and reported)
collector.close();

for (const { authorized, records } of received) {
  console.log(`collector: a POST of ${records.length} records (authorized: ${authorized})`);
  for (const record of records) {
    const outcome = record.error ? record.error.class : JSON.stringify(answerOf(record));
    console.log(`  ${record.status} ${record.model} stream=${record.stream} ${outcome}`);
  }
}
console.log('stats:', JSON.stringify(hook.stats()));

/** The answer's text, as the record holds the `chat.completion`. */
function answerOf(record: CallRecord): string | undefined {
  const response = record.response as { choices?: Array<{ message?: { content?: string } }> };
  return response?.choices?.[0]?.message?.content;
}
