import { createClient } from 'shallot';
import { benchAgent } from '../agent.js';
import { API_KEY, MODEL } from '../wire.js';
import type { Contender, ContenderSetup } from './contender.js';

/** shallot as a user gets it by default: `createClient()` with its built-in layers and nothing added. */
export function shallotBare(setup: ContenderSetup): Contender {
  const dispatcher = benchAgent();
  const client = createClient({
    dispatcher,
    providers: { openai: { apiKey: API_KEY, apiBase: setup.apiBase } },
  });
  return {
    name: 'shallot bare',
    async plain(prompt) {
      const answer = await client.completion({
        model: `openai/${MODEL}`,
        messages: [{ role: 'user', content: prompt }],
      });
      return answer.choices[0]?.message.content ?? null;
    },
    async stream(prompt) {
      const stream = await client.completion({
        model: `openai/${MODEL}`,
        messages: [{ role: 'user', content: prompt }],
        stream: true,
      });
      let pieces = 0;
      for await (const chunk of stream) if (chunk.choices[0]?.delta.content) pieces++;
      return pieces;
    },
    async close() {
      await client.shutdown();
      await dispatcher.close();
    },
  };
}
