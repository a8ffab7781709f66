import OpenAI from 'openai';
import { API_KEY, MODEL } from '../wire.js';
import type { Contender, ContenderSetup } from './contender.js';

/**
 * The official `openai` package as its users construct it. It sends with its default
 * `fetch`, Node's built-in one, so it pools connections on Node's global dispatcher.
 */
export function openaiSdk(setup: ContenderSetup): Contender {
  const client = new OpenAI({ apiKey: API_KEY, baseURL: setup.apiBase, maxRetries: 0 });
  return {
    name: 'openai',
    async plain(prompt) {
      const answer = await client.chat.completions.create({
        model: MODEL,
        messages: [{ role: 'user', content: prompt }],
      });
      return answer.choices[0]?.message.content ?? null;
    },
    async stream(prompt) {
      const stream = await client.chat.completions.create({
        model: MODEL,
        messages: [{ role: 'user', content: prompt }],
        stream: true,
        stream_options: { include_usage: true },
      });
      let pieces = 0;
      for await (const chunk of stream) if (chunk.choices[0]?.delta.content) pieces++;
      return pieces;
    },
    async close() {},
  };
}
