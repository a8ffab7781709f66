/**
 * Run by `bodies.test.ts` in a process of its own (`node --import tsx`): one streamed call to a
 * server (its base URL is the first argument) that sends a whole stream, `[DONE]` included, and
 * then never ends the body. The stream is read to its end, the client shut down, and the
 * script has nothing left to do: the process must exit on its own, soon, while the server
 * still holds the body open.
 */
import { createClient } from '../../index.js';

const apiBase = process.argv[2];
if (apiBase === undefined) throw new Error('usage: lingering-stream-script.ts <apiBase>');

const client = createClient({
  providers: { openai: { apiKey: 'sk-lingering-0123456789', apiBase } },
});
const stream = await client.completion({
  model: 'openai/gpt-4o-mini',
  messages: [{ role: 'user', content: 'Hello?' }],
  stream: true,
});
let text = '';
for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? '';
const finished = await client.shutdown({ timeoutMs: 500 });
console.log(`read ${JSON.stringify(text)}; shutdown resolved ${finished}`);
