import { createParser } from 'eventsource-parser';
import { request } from 'undici';
import { benchAgent } from '../agent.js';
import { API_KEY, MODEL, type WireChunk, type WireCompletion } from '../wire.js';
import type { Contender, ContenderSetup } from './contender.js';

const HEADERS = { 'content-type': 'application/json', authorization: `Bearer ${API_KEY}` };

/**
 * The floor: what the calls cost with nothing but undici, `JSON.parse` and, for streams,
 * eventsource-parser. No validation, no chain, no bookkeeping.
 */
export function undiciFloor(setup: ContenderSetup): Contender {
  const name = 'undici (floor)';
  const dispatcher = benchAgent();
  const url = `${setup.apiBase}/chat/completions`;

  const post = async (body: object) => {
    const response = await request(url, {
      method: 'POST',
      dispatcher,
      headers: HEADERS,
      body: JSON.stringify(body),
    });
    if (response.statusCode !== 200) {
      const text = await response.body.text();
      throw new Error(`${name}: HTTP ${response.statusCode}: ${text.slice(0, 200)}`);
    }
    return response.body;
  };

  return {
    name,
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
      let pieces = 0;
      let done = false;
      const parser = createParser({
        onEvent(event) {
          if (event.data === '[DONE]') {
            done = true;
            return;
          }
          const chunk = JSON.parse(event.data) as WireChunk;
          if (chunk.choices[0]?.delta?.content) pieces++;
        },
      });
      const decoder = new TextDecoder();
      for await (const bytes of body)
        parser.feed(decoder.decode(bytes as Buffer, { stream: true }));
      if (!done) throw new Error(`${name}: the stream ended without data: [DONE]`);
      return pieces;
    },
    close: () => dispatcher.close(),
  };
}
