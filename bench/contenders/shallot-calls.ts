import type { Client } from 'shallot';
import { MODEL } from '../wire.js';

/** One non-streamed call through a shallot client; resolves to the answer's text. */
export async function askShallot(client: Client, prompt: string): Promise<string | null> {
  const answer = await client.completion({
    model: `openai/${MODEL}`,
    messages: [{ role: 'user', content: prompt }],
  });
  return answer.choices[0]?.message.content ?? null;
}

/** One streamed call through a shallot client, read to the end; resolves to the text pieces. */
export async function streamShallot(client: Client, prompt: string): Promise<number> {
  const stream = await client.completion({
    model: `openai/${MODEL}`,
    messages: [{ role: 'user', content: prompt }],
    stream: true,
  });
  let pieces = 0;
  for await (const chunk of stream) if (chunk.choices[0]?.delta.content) pieces++;
  return pieces;
}
