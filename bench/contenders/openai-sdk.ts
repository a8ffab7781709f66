import OpenAI from 'openai';
import { EMBEDDING_MODEL } from '../embedding-wire.js';
import { API_KEY, MODEL } from '../wire.js';
import type { Contender, ContenderSetup } from './contender.js';

/**
 * The official `openai` package as its users construct it. It sends with its default
 * `fetch`, Node's built-in one, so it pools connections on Node's global dispatcher. Its
 * `embeddings.create()` without an `encoding_format` asks the server for base64 and decodes
 * each vector into a `number[]` (`Array.from` of a `Float32Array` over the decoded bytes).
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
    async embed(inputs) {
      const answer = await client.embeddings.create({ model: EMBEDDING_MODEL, input: inputs });
      return answer.data.map((item) => item.embedding);
    },
    async close() {},
  };
}
