import { type Client, createClient, type Middleware } from 'shallot';
import { benchAgent } from '../agent.js';
import { EMBEDDING_MODEL, type EmbeddingReading } from '../embedding-wire.js';
import { API_KEY, MODEL } from '../wire.js';
import type { Contender, ContenderSetup } from './contender.js';

/**
 * A shallot client for the scenario, with `middleware`. In this benchmark's own, it has an
 * agent of its own (`dispatcher`) and the key and base URL in `providers.openai`; in the
 * reference and embeddings scenarios, neither (`Scenario.bareClient`): `createClient()` on
 * shallot's shared agent, as users write it. `close()` shuts the client down and closes its
 * agent.
 */
export function shallotClient(
  setup: ContenderSetup,
  middleware: Middleware[] = [],
): { client: Client; close(): Promise<void> } {
  if (setup.scenario.bareClient) {
    const client = middleware.length === 0 ? createClient() : createClient({ middleware });
    return {
      client,
      async close() {
        await client.shutdown();
      },
    };
  }
  const dispatcher = benchAgent();
  const client = createClient({
    dispatcher,
    providers: { openai: { apiKey: API_KEY, apiBase: setup.apiBase } },
    middleware,
  });
  return {
    client,
    async close() {
      await client.shutdown();
      await dispatcher.close();
    },
  };
}

/**
 * A shallot contender's calls in its scenario. In this benchmark's own, the client holds the
 * key and the base URL (`providers.openai`) and a stream counts its text pieces; in the
 * reference scenario, every call passes `apiKey` and `apiBase`, as users of a bare
 * `createClient()` do, and a stream joins its text.
 */
export function shallotCalls(
  client: Client,
  setup: ContenderSetup,
): Pick<Contender, 'plain' | 'stream'> {
  const { messages } = setup.scenario;
  if (setup.scenario.id === 'bench') {
    return {
      async plain(prompt) {
        const answer = await client.completion({
          model: `openai/${MODEL}`,
          messages: messages(prompt),
        });
        return answer.choices[0]?.message.content ?? null;
      },
      async stream(prompt) {
        const stream = await client.completion({
          model: `openai/${MODEL}`,
          messages: messages(prompt),
          stream: true,
        });
        let pieces = 0;
        for await (const chunk of stream) if (chunk.choices[0]?.delta.content) pieces++;
        return pieces;
      },
    };
  }
  const { apiBase } = setup;
  return {
    async plain(prompt) {
      const answer = await client.completion({
        model: `openai/${MODEL}`,
        messages: messages(prompt),
        apiBase,
        apiKey: API_KEY,
      });
      return answer.choices[0]?.message.content ?? null;
    },
    async stream(prompt) {
      const stream = await client.completion({
        model: `openai/${MODEL}`,
        messages: messages(prompt),
        apiBase,
        apiKey: API_KEY,
        stream: true,
      });
      let text = '';
      for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? '';
      return text;
    },
  };
}

/**
 * A shallot contender's embeddings call: `client.embedding()` with the key and base URL on the
 * call, as users of a bare `createClient()` pass them, and the vectors in `encodingFormat`
 * (`number[]` by default; `Float32Array` for `'float32'`).
 */
export function shallotEmbed(
  client: Client,
  setup: ContenderSetup,
  encodingFormat: 'float' | 'float32' = 'float',
): (inputs: string[]) => Promise<EmbeddingReading> {
  const { apiBase } = setup;
  const model = `openai/${EMBEDDING_MODEL}`;
  if (encodingFormat === 'float32') {
    return async (input) => {
      const answer = await client.embedding({
        model,
        input,
        apiBase,
        apiKey: API_KEY,
        encodingFormat,
      });
      return answer.data.map(vectorOf);
    };
  }
  return async (input) => {
    const answer = await client.embedding({ model, input, apiBase, apiKey: API_KEY });
    return answer.data.map(vectorOf);
  };
}

function vectorOf(item: { embedding: ArrayLike<number> }): ArrayLike<number> {
  return item.embedding;
}
