import { createParser } from 'eventsource-parser';
import { type Dispatcher, request } from 'undici';
import { benchAgent } from '../agent.js';
import { EMBEDDING_MODEL } from '../embedding-wire.js';
import { API_KEY, MODEL, type WireChunk, type WireCompletion } from '../wire.js';
import type { Contender, ContenderSetup } from './contender.js';

const HEADERS = { 'content-type': 'application/json', authorization: `Bearer ${API_KEY}` };

/**
 * The floor: what the calls cost with nothing but undici, `JSON.parse` and, for streams,
 * eventsource-parser. No validation, no chain, no bookkeeping. A stream counts its text
 * pieces, or in the reference scenario joins their text, as that harness's floor does. An
 * embeddings call sends `{ model, input }` with no `encoding_format`, as most hand-written
 * code does, so the server answers JSON floats, and reads the vectors in the order listed.
 */
export function undiciFloor(setup: ContenderSetup): Contender {
  const name = 'undici (floor)';
  const dispatcher = benchAgent();
  const url = `${setup.apiBase}/chat/completions`;
  const embeddingsUrl = `${setup.apiBase}/embeddings`;
  const { messages } = setup.scenario;

  const post = async (body: object, to = url) => {
    const response = await request(to, {
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
  const read = setup.scenario.id === 'bench' ? countPieces : joinText;

  return {
    name,
    async plain(prompt) {
      const body = await post({ model: MODEL, messages: messages(prompt) });
      const completion = JSON.parse(await body.text()) as WireCompletion;
      return completion.choices[0]?.message.content ?? null;
    },
    async stream(prompt) {
      const body = await post({
        model: MODEL,
        messages: messages(prompt),
        stream: true,
        stream_options: { include_usage: true },
      });
      return read(name, body);
    },
    async embed(inputs) {
      const body = await post({ model: EMBEDDING_MODEL, input: inputs }, embeddingsUrl);
      const answer = JSON.parse(await body.text()) as WireEmbeddings;
      return answer.data.map((item) => item.embedding);
    },
    close: () => dispatcher.close(),
  };
}

type Body = Dispatcher.ResponseData['body'];

/** The part of an embeddings answer the floor reads. */
interface WireEmbeddings {
  data: Array<{ embedding: number[] }>;
}

/** Reads a stream to `data: [DONE]`, counting its non-empty text pieces. */
async function countPieces(name: string, body: Body): Promise<number> {
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
  for await (const bytes of body) parser.feed(decoder.decode(bytes as Buffer, { stream: true }));
  if (!done) throw new Error(`${name}: the stream ended without data: [DONE]`);
  return pieces;
}

/** Reads a stream to `data: [DONE]`, joining the text of its deltas. */
async function joinText(name: string, body: Body): Promise<string> {
  let text = '';
  let done = false;
  const parser = createParser({
    onEvent(event) {
      if (event.data === '[DONE]') {
        done = true;
        return;
      }
      const delta = (JSON.parse(event.data) as WireChunk).choices[0]?.delta?.content;
      if (delta) text += delta;
    },
  });
  const decoder = new TextDecoder();
  for await (const bytes of body) parser.feed(decoder.decode(bytes as Buffer, { stream: true }));
  if (!done) throw new Error(`${name}: the stream ended without data: [DONE]`);
  return text;
}
