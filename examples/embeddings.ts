/**
 * Embeddings through the same onion as completions: `client.embedding()` runs your middleware
 * (`ctx.kind === 'embedding'`), the callbacks (`call_type: 'aembedding'`), cost, the cache (one
 * entry per input) and resilience. A local server answers with toy letter vectors.
 */
import { Cache, type CallbackKwargs, createClient, formatUsd } from 'shallot';
import { startEchoServer } from './support/echo-server.js';

const server = await startEchoServer();
const client = createClient({
  providers: { local: { apiBase: server.url } },
  pricing: { 'local/letters-1': { inputCostPerToken: 2e-8 } },
});
client.cache = new Cache();
client.successCallback = [
  (kwargs: CallbackKwargs) => {
    const counts = kwargs.standard_logging_object?.embedding;
    console.log(
      `  ${kwargs.call_type}: ${counts?.inputs} input(s), ${counts?.cached_inputs} from the cache, ${counts?.input_tokens} tokens paid, ${formatUsd(kwargs.response_cost ?? 0)}`,
    );
  },
];
// A layer of your own sees both kinds of call, and narrows on ctx.kind.
client.use(async function inputs(ctx, next) {
  if (ctx.kind === 'embedding') ctx.metadata.inputs = ctx.inputCount;
  await next();
});

const documents = [
  'Onions are layered vegetables',
  'Middleware wraps a call in layers',
  'Redis keeps data in memory',
  'A shallot is a small onion',
];
console.log('Embed four documents:');
const { data } = await client.embedding({ model: 'local/letters-1', input: documents });
await client.flush();
console.log(`  ${data.length} vectors of ${data[0]?.embedding.length} dimensions`);

console.log('Embed a query as a Float32Array, and find the nearest document:');
const query = await client.embedding({
  model: 'local/letters-1',
  input: 'small onions',
  encodingFormat: 'float32',
});
await client.flush();
const queryVector = query.data[0]?.embedding ?? new Float32Array();
const scores = data.map(({ embedding }, index) => ({
  document: documents[index],
  score: embedding.reduce((sum, value, position) => sum + value * (queryVector[position] ?? 0), 0),
}));
const best = scores.sort((a, b) => b.score - a.score)[0];
console.log(`  nearest: "${best?.document}" (cosine ${best?.score.toFixed(3)})`);

console.log('Embed the four again with one new document (only the new one is sent):');
await client.embedding({
  model: 'local/letters-1',
  input: [...documents, 'Layers of an onion, layers of code'],
});
await client.flush();

console.log('A test double: mockResponse with one vector per input, no server at all:');
const mocked = await client.embedding({
  model: 'openai/text-embedding-3-small',
  input: ['a', 'b'],
  mockResponse: [
    [0.1, 0.2],
    [0.3, 0.4],
  ],
});
console.log(`  ${JSON.stringify(mocked.data.map((item) => item.embedding))}`);
await client.flush();
await server.close();
