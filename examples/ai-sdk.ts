/**
 * The Vercel AI SDK through shallot (`shallot/ai-sdk`): generateText, streamText with a tool
 * loop, generateObject and embedMany, each call running through the client's onion (callbacks,
 * cost, metadata), against a local echo server and scripted mock answers. Retries
 * are shallot's: the AI SDK's own never repeat a shallot error. No key, no network.
 */
import { embedMany, generateObject, generateText, stepCountIs, streamText, tool } from 'ai';
import { type CallbackKwargs, createClient, formatUsd, RateLimitError } from 'shallot';
import { createShallot } from 'shallot/ai-sdk';
import { z } from 'zod';
import { startEchoServer } from './support/echo-server.js';

const server = await startEchoServer();
const apiBase = server.url;
const client = createClient({
  providers: {
    openai: { apiKey: 'sk-example', apiBase },
    anthropic: { apiKey: 'sk-ant-example', apiBase },
    gemini: { apiKey: 'gemini-example', apiBase },
  },
});
const cost = (value: number | null | undefined) => (value == null ? 'unpriced' : formatUsd(value));
client.successCallback.push((kwargs: CallbackKwargs) => {
  const { user = '-' } = kwargs.litellm_params.metadata;
  console.log(
    `    ⤷ successCallback: ${kwargs.model}, ${cost(kwargs.response_cost)}, user ${user}`,
  );
});
client.failureCallback.push((kwargs: CallbackKwargs) => {
  const next = kwargs.will_retry ? ', another attempt follows' : '';
  console.log(`    ⤷ failureCallback: attempt ${kwargs.attempt}, ${kwargs.exception?.name}${next}`);
});

// Every call of these models gets this metadata; a call's providerOptions.shallot adds to it.
const shallot = createShallot({ client, settings: { metadata: { app: 'ai-sdk-example' } } });
const ann = { shallot: { metadata: { user: 'ann' } } };

console.log('1. generateText: one model string per provider, each in its own wire format');
for (const model of [
  'openai/gpt-4o-mini',
  'anthropic/claude-haiku-4-5',
  'gemini/gemini-2.5-flash',
]) {
  const result = await generateText({ model: shallot(model), prompt: 'Hi!', providerOptions: ann });
  console.log(`  ${model.padEnd(27)} ${result.text} (${result.usage.totalTokens} tokens)`);
  await client.flush();
}

console.log('2. streamText: the text as it comes');
const streamed = streamText({
  model: shallot('openai/gpt-4o-mini'),
  prompt: 'Stream me, layer by layer',
});
let pieces = '';
for await (const piece of streamed.textStream) pieces += `[${piece}]`;
console.log(`  ${pieces}`);
await client.flush();

/**
 * A scripted weather model: each step answers from `mockResponse` (a tool call first, then the
 * answer), which every layer of the onion sees as a real answer: callbacks, cost, records.
 */
const toolCall = {
  choices: [
    {
      index: 0,
      finish_reason: 'tool_calls' as const,
      message: {
        role: 'assistant' as const,
        content: null,
        tool_calls: [
          {
            id: 'call_1',
            type: 'function' as const,
            function: { name: 'weather', arguments: '{"city":"Paris"}' },
          },
        ],
      },
    },
  ],
};

console.log('3. streamText with a tool, in a loop of at most three steps');
const loop = streamText({
  model: shallot('openai/gpt-4o-mini'),
  prompt: 'What is the weather in Paris?',
  tools: {
    weather: tool({
      description: 'The weather in a city',
      inputSchema: z.object({ city: z.string() }),
      execute: async ({ city }) => ({ city, celsius: 18 }),
    }),
  },
  stopWhen: stepCountIs(3),
  prepareStep: ({ stepNumber }) => ({
    providerOptions: {
      shallot: {
        metadata: { user: 'ann' },
        mockResponse: stepNumber === 0 ? toolCall : 'It is 18 °C in Paris.',
      },
    },
  }),
});
for await (const part of loop.fullStream) {
  if (part.type === 'tool-input-start') console.log(`  tool input: ${part.toolName}`);
  if (part.type === 'tool-input-delta') console.log(`    ${part.delta}`);
  if (part.type === 'tool-result') console.log(`  tool result: ${JSON.stringify(part.output)}`);
  if (part.type === 'finish-step') {
    const spent = part.providerMetadata?.shallot?.cost;
    console.log(`  step: ${part.finishReason}, ${cost(typeof spent === 'number' ? spent : null)}`);
  }
}
console.log(`  answer: ${await loop.text}`);
await client.flush();

console.log('4. generateObject with a zod schema (mockResponse: no request at all)');
const { object } = await generateObject({
  model: shallot('openai/gpt-4o-mini'),
  schema: z.object({ name: z.string(), layers: z.number() }),
  prompt: 'Describe a shallot',
  providerOptions: { shallot: { mockResponse: '{"name":"shallot","layers":7}' } },
});
console.log(`  ${JSON.stringify(object)}`);
await client.flush();

console.log('5. embedMany: one shallot call for every value');
const { embeddings, usage } = await embedMany({
  model: shallot.embedding('openai/text-embedding-3-small'),
  values: ['a shallot', 'an onion', 'a leek'],
});
console.log(
  `  ${embeddings.length} vectors of ${embeddings[0]?.length} dimensions, ${usage.tokens} tokens`,
);
await client.flush();

console.log("6. A 429: shallot's error as it is, which the AI SDK's maxRetries does not repeat");
try {
  await generateText({
    model: shallot('openai/gpt-4o-mini'),
    prompt: 'please fail',
    maxRetries: 2,
  });
} catch (error) {
  if (!(error instanceof RateLimitError)) throw error;
  // One request: the AI SDK retries only its own APICallError; shallot's numRetries (0 here) decides.
  console.log(
    `  ${error.name} (retryable: ${error.retryable}), thrown unwrapped after one attempt`,
  );
  await client.flush();
}

await server.close();
