/**
 * Run by `shutdown.test.ts` in a process of its own (`node --import tsx`): a client whose
 * webhookLogger posts to a server that never answers (its URL is the first argument) makes
 * one call, shuts down with `timeoutMs: 500`, and prints what `shutdown()` resolved to. Then
 * it has nothing left to do, so the process must exit on its own while the server is still up.
 */
import { createClient } from '../../index.js';
import { webhookLogger } from '../../middleware/webhook-logger/index.js';

const url = process.argv[2];
if (url === undefined) throw new Error('usage: shutdown-webhook-script.ts <webhook url>');

const client = createClient({
  middleware: [webhookLogger({ url, batchSize: 1 })],
  onCallbackError: () => {},
});
await client.completion({
  model: 'openai/gpt-4o-mini',
  messages: [{ role: 'user', content: 'Hello?' }],
  mockResponse: 'Hi.',
});
const finished = await client.shutdown({ timeoutMs: 500 });
console.log(`shutdown resolved ${finished}`);
