/**
 * Streams: read chunk by chunk, stop early, cancel with a signal, or take the whole answer.
 * Every way ends the call exactly once, and a layer's onEnd listener sees how.
 */
import { AbortError, createClient } from 'shallot';
import { startEchoServer } from './support/echo-server.js';

const server = await startEchoServer();
const client = createClient({
  providers: { local: { apiBase: server.url } },
  // A local model costs nothing; say so, or its response_cost is null (with one warning).
  pricing: { 'local/echo-1': { inputCostPerToken: 0, outputCostPerToken: 0 } },
  middleware: [
    async function outcome(ctx, next) {
      // Registered on the way in: end listeners run innermost-first, so this one runs last.
      ctx.onEnd(() =>
        console.log(`  (call ended: ${ctx.status}${ctx.error ? `, ${ctx.error.name}` : ''})`),
      );
      await next();
    },
  ],
});
const messages = [{ role: 'user' as const, content: 'one two three four five' }];

console.log('Read every chunk:');
const stream = await client.completion({ model: 'local/echo-1', messages, stream: true });
let text = '';
for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? '';
console.log(`  text: ${text}`);
console.log(`  usage: ${JSON.stringify((await stream.finalResponse()).usage)}`);

console.log('Stop after three chunks with break:');
const early = await client.completion({ model: 'local/echo-1', messages, stream: true });
let seen = 0;
for await (const _chunk of early) if (++seen === 3) break;
console.log(`  read ${seen} chunks`);

console.log('Take the whole answer without a loop:');
const whole = await client.completion({ model: 'local/echo-1', messages, stream: true });
console.log(`  ${(await whole.finalResponse()).choices[0]?.message.content}`);

console.log('Cancel with an AbortSignal:');
const controller = new AbortController();
const cancelled = await client.completion({
  model: 'local/echo-1',
  messages,
  stream: true,
  signal: controller.signal,
});
try {
  for await (const chunk of cancelled) {
    if (chunk.choices[0]?.delta.content) controller.abort();
  }
} catch (error) {
  if (!(error instanceof AbortError)) throw error;
  console.log(
    `  ${error.name}; partial text: "${error.partialResponse?.choices[0]?.message.content}"`,
  );
}
await server.close();
