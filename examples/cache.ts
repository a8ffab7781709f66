/**
 * The cache: `client.cache = new Cache()` (in memory) or `new Cache({ type: 'redis' })`. A hit
 * costs 0, replays streams chunk for chunk, and the callbacks still see it (cache_hit: true).
 */
import { Cache, type CallbackKwargs, createClient, formatUsd } from 'shallot';
import { startEchoServer } from './support/echo-server.js';

const server = await startEchoServer();
const client = createClient({
  providers: { local: { apiBase: server.url } },
  pricing: { 'local/echo-1': { inputCostPerToken: 1e-6, outputCostPerToken: 2e-6 } },
});
client.cache = new Cache({ ttl: 3600, maxEntries: 10_000 });
client.successCallback = [
  (kwargs: CallbackKwargs) =>
    console.log(
      `  success: cache_hit=${kwargs.cache_hit} response_cost=${usd(kwargs.response_cost)} saved=${usd(kwargs.standard_logging_object?.saved_cost)}`,
    ),
];

/** A cost as people read it: rounded, no float noise; `-` for none. */
function usd(amount: number | null | undefined): string {
  return amount == null ? '-' : formatUsd(amount);
}

const messages = [{ role: 'user' as const, content: 'Cache me if you can' }];
console.log('First call (a miss, sent to the server):');
await client.completion({ model: 'local/echo-1', messages });
await client.flush();
console.log('Same request again (a hit):');
await client.completion({ model: 'local/echo-1', messages });
await client.flush();

console.log('Same request, streamed (the cached answer, replayed as chunks):');
const stream = await client.completion({ model: 'local/echo-1', messages, stream: true });
let text = '';
for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? '';
await client.flush();
console.log(`  text: ${text}`);

console.log('Per-call controls, as LiteLLM names them:');
await client.completion({ model: 'local/echo-1', messages, cache: { 'no-cache': true } }); // skip the read
await client.completion({ model: 'local/echo-1', messages, cache: { namespace: 'tenant-b' } }); // another namespace
await client.flush();
await server.close();
