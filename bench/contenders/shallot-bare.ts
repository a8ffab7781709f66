import { createClient } from 'shallot';
import { benchAgent } from '../agent.js';
import { API_KEY } from '../wire.js';
import type { Contender, ContenderSetup } from './contender.js';
import { askShallot, streamShallot } from './shallot-calls.js';

/** shallot as a user gets it by default: `createClient()` with its built-in layers and nothing added. */
export function shallotBare(setup: ContenderSetup): Contender {
  const dispatcher = benchAgent();
  const client = createClient({
    dispatcher,
    providers: { openai: { apiKey: API_KEY, apiBase: setup.apiBase } },
  });
  return {
    name: 'shallot bare',
    plain: (prompt) => askShallot(client, prompt),
    stream: (prompt) => streamShallot(client, prompt),
    async close() {
      await client.shutdown();
      await dispatcher.close();
    },
  };
}
