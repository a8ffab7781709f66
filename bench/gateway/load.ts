import { createParser } from 'eventsource-parser';
import { type Dispatcher, request } from 'undici';
import { benchAgent } from '../agent.js';
import { MODEL, type WireChunk, type WireCompletion } from '../wire.js';
import type { Target } from './gateways.js';

/** One target's calls, as the load sends them; each throws unless its whole answer arrived. */
export interface Load {
  /** A plain call; resolves to the answer's text. */
  plain(prompt: string): Promise<string | null>;
  /** A streamed call read to `data: [DONE]`; resolves to its number of text pieces. */
  stream(prompt: string): Promise<number>;
  close(): Promise<void>;
}

/**
 * The floor's calls (`contenders/undici-floor.ts`) sent to `target` with its headers: the same
 * bodies, `undici.request` on an agent of its own, `JSON.parse`, eventsource-parser. Whatever the
 * target, the load costs the same: the difference is the gateway's.
 */
export function loadOf(target: Target): Load {
  const dispatcher = benchAgent();
  const url = `${target.apiBase}/chat/completions`;
  const headers = { 'content-type': 'application/json', ...target.headers };
  const post = async (body: object) => {
    const response = await request(url, {
      method: 'POST',
      dispatcher,
      headers,
      body: JSON.stringify(body),
    }).catch((error: unknown) => {
      throw new Error(`${target.name}: ${(error as Error).message}`, { cause: error });
    });
    if (response.statusCode !== 200) {
      const text = await response.body.text();
      throw new Error(`${target.name}: HTTP ${response.statusCode}: ${text.slice(0, 200)}`);
    }
    return response.body;
  };
  return {
    async plain(prompt) {
      const body = await post({ model: MODEL, messages: [{ role: 'user', content: prompt }] });
      const completion = JSON.parse(await body.text()) as WireCompletion;
      return completion.choices[0]?.message.content ?? null;
    },
    async stream(prompt) {
      const body = await post({
        model: MODEL,
        messages: [{ role: 'user', content: prompt }],
        stream: true,
        stream_options: { include_usage: true },
      });
      return countPieces(target.name, body);
    },
    close: () => dispatcher.close(),
  };
}

/** Reads a stream to `data: [DONE]`, counting its non-empty text pieces; an error event throws. */
async function countPieces(name: string, body: Dispatcher.ResponseData['body']): Promise<number> {
  let pieces = 0;
  let done = false;
  const parser = createParser({
    onEvent(event) {
      if (event.data === '[DONE]') {
        done = true;
        return;
      }
      const chunk = JSON.parse(event.data) as WireChunk & { error?: { message?: string } };
      if (chunk.error !== undefined) throw new Error(`${name}: ${event.data.slice(0, 200)}`);
      if (chunk.choices[0]?.delta?.content) pieces++;
    },
  });
  const decoder = new TextDecoder();
  for await (const bytes of body) parser.feed(decoder.decode(bytes as Buffer, { stream: true }));
  if (!done) throw new Error(`${name}: the stream ended without data: [DONE]`);
  return pieces;
}
