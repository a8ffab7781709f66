import {
  embedMany,
  generateObject,
  generateText,
  stepCountIs,
  streamText,
  type TextStreamPart,
  type ToolSet,
} from 'ai';
import { createShallot } from 'shallot/ai-sdk';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { fixture, useFakeProvider } from '../support/fake-provider.js';
import { costOf, PRICE, recordingClient } from './ai-sdk-clients.js';
import { WIRES } from './ai-sdk-wires.js';

const fake = useFakeProvider();

/** The model id the provider received, as the callbacks name it. */
const bare = (model: string) => model.slice(model.indexOf('/') + 1);

async function partsOf<Tools extends ToolSet>(
  stream: AsyncIterable<TextStreamPart<Tools>>,
): Promise<Array<TextStreamPart<Tools>>> {
  const parts: Array<TextStreamPart<Tools>> = [];
  for await (const part of stream) parts.push(part);
  return parts;
}

function deltasOf(
  parts: ReadonlyArray<TextStreamPart<ToolSet>>,
  type: 'text-delta' | 'reasoning-delta',
) {
  return parts.flatMap((part) => (part.type === type ? [part.text] : [])).join('');
}

describe.each(WIRES)('the AI SDK through shallot, $name wire format', (wire) => {
  it('generateText returns the recorded answer, its usage and finish reason; the callbacks see one success and its cost', async () => {
    fake.reply({ body: wire.answer.body });
    const { client, events } = recordingClient(fake);
    const shallot = createShallot({ client });

    const result = await generateText({ model: shallot(wire.model), prompt: 'Hi' });

    expect(result.text).toBe(wire.answer.text);
    expect(result.reasoningText).toBe(wire.answer.reasoning);
    expect(result.usage).toEqual(wire.answer.usage);
    expect(result.finishReason).toBe('stop');
    expect(result.rawFinishReason).toBe(wire.answer.rawFinishReason);
    const cost = costOf(wire.answer.usage.inputTokens ?? 0, wire.answer.usage.outputTokens ?? 0);
    expect(result.providerMetadata?.shallot).toEqual({
      callId: expect.any(String),
      traceId: expect.any(String),
      cost: expect.closeTo(cost, 12),
      cacheStatus: 'none',
    });
    await client.flush();
    expect(events).toEqual([
      { event: 'success', model: bare(wire.model), cost: expect.closeTo(cost, 12), metadata: {} },
    ]);
  });

  it('streamText streams the recorded text, each tool call with its argument fragments, then the calls, usage and finish reason', async () => {
    fake.reply({ body: wire.toolStream.body });
    const { client, events } = recordingClient(fake);
    const shallot = createShallot({ client });

    const result = streamText({ model: shallot(wire.model), prompt: 'Go', tools: wire.tools });
    const parts = await partsOf(result.fullStream);

    expect(deltasOf(parts, 'text-delta')).toBe(wire.toolStream.text);
    expect(deltasOf(parts, 'reasoning-delta')).toBe(wire.toolStream.reasoning);
    const calls = parts.filter((part) => part.type === 'tool-call');
    expect(calls).toEqual(
      wire.toolStream.calls.map((call) =>
        expect.objectContaining({
          toolCallId:
            typeof call.toolCallId === 'string'
              ? call.toolCallId
              : expect.stringMatching(call.toolCallId),
          toolName: call.toolName,
          input: call.input,
        }),
      ),
    );
    for (const [index, call] of calls.entries()) {
      const id = call.toolCallId;
      const ofCall = parts.filter((part) => 'id' in part && part.id === id);
      // Each call: its start, one delta per fragment the provider sent, its end, then the whole call.
      expect(ofCall).toEqual([
        expect.objectContaining({ type: 'tool-input-start', id, toolName: call.toolName }),
        ...(wire.toolStream.calls[index]?.fragments ?? []).map((delta) => ({
          type: 'tool-input-delta',
          id,
          delta,
        })),
        { type: 'tool-input-end', id },
      ]);
      expect(parts.indexOf(call)).toBeGreaterThan(
        parts.findIndex((part) => part.type === 'tool-input-end' && part.id === id),
      );
    }
    const [step] = await result.steps;
    expect(step?.finishReason).toBe('tool-calls');
    expect(step?.rawFinishReason).toBe(wire.toolStream.rawFinishReason);
    expect(step?.usage).toEqual(wire.toolStream.usage);
    await client.flush();
    expect(events).toEqual([
      {
        event: 'success',
        model: bare(wire.model),
        cost: expect.closeTo(
          costOf(wire.toolStream.usage.inputTokens ?? 0, wire.toolStream.usage.outputTokens ?? 0),
          12,
        ),
        metadata: {},
      },
    ]);
  });

  it('a tool loop (stopWhen: stepCountIs(3)) sends the tool results back in the wire format and ends on the final answer; one success per step', async () => {
    fake.reply({ body: wire.toolStream.body }, { body: wire.finalStream.body });
    const { client, events } = recordingClient(fake);
    const shallot = createShallot({ client });

    const result = streamText({
      model: shallot(wire.model),
      prompt: 'Go',
      tools: wire.tools,
      stopWhen: stepCountIs(3),
    });

    expect(await result.text).toBe(wire.finalStream.text);
    const steps = await result.steps;
    expect(steps.map((step) => step.finishReason)).toEqual(['tool-calls', 'stop']);
    expect(steps.map((step) => step.usage)).toEqual([
      wire.toolStream.usage,
      wire.finalStream.usage,
    ]);
    expect(steps[1]?.reasoningText ?? '').toBe(wire.finalStream.reasoning);
    const callIds = steps[0]?.toolCalls.map((call) => call.toolCallId) ?? [];
    expect(steps[0]?.toolResults.map((toolResult) => toolResult.output)).toEqual(
      wire.toolStream.calls.map((call) => ({ tool: call.toolName, ...call.input })),
    );
    expect(fake.requests).toHaveLength(2);
    expect(wire.replayed(fake.requests[1]?.body ?? {})).toEqual(wire.expectedReplay(callIds));
    await client.flush();
    expect(events.map(({ event, cost }) => ({ event, cost }))).toEqual(
      [wire.toolStream.usage, wire.finalStream.usage].map((usage) => ({
        event: 'success',
        cost: expect.closeTo(costOf(usage.inputTokens ?? 0, usage.outputTokens ?? 0), 12),
      })),
    );
  });

  it('generateObject sends the zod schema as the JSON mode of the wire format and parses the answer', async () => {
    const recipe = { name: 'Shallot soup', ingredients: ['shallots', 'stock'] };
    fake.reply({ body: wire.answerWithText(JSON.stringify(recipe)) });
    const { client } = recordingClient(fake);
    const shallot = createShallot({ client });

    const result = await generateObject({
      model: shallot(wire.model),
      schema: z.object({ name: z.string(), ingredients: z.array(z.string()) }),
      prompt: 'A recipe',
    });

    expect(result.object).toEqual(recipe);
    expect(result.finishReason).toBe('stop');
    expect(wire.schemaOf(fake.requests[0]?.body ?? {})).toEqual(RECIPE_SCHEMA_SENT[wire.name]);
  });

  it('an abort mid-stream ends the stream with an abort part, closes the connection and ends the call once, as an AbortError', async () => {
    fake.reply({ body: wire.streamHead.body, holdOpen: true });
    const { client, events } = recordingClient(fake);
    const shallot = createShallot({ client });
    const controller = new AbortController();
    let aborted = 0;

    const result = streamText({
      model: shallot(wire.model),
      prompt: 'Go',
      abortSignal: controller.signal,
      onAbort: () => {
        aborted++;
      },
    });
    const parts: Array<TextStreamPart<ToolSet>> = [];
    for await (const part of result.fullStream) {
      parts.push(part);
      if (part.type === 'text-delta') controller.abort();
    }

    expect(deltasOf(parts, 'text-delta')).toBe(wire.streamHead.text);
    expect(parts.at(-1)?.type).toBe('abort');
    expect(parts.some((part) => part.type === 'error' || part.type === 'finish')).toBe(false);
    expect(aborted).toBe(1);
    await fake.clientGone(0);
    await client.flush();
    expect(events).toEqual([
      {
        event: 'failure',
        model: bare(wire.model),
        cost: expect.any(Number),
        metadata: {},
        error: 'AbortError',
      },
    ]);
  });
});

const RECIPE_JSON_SCHEMA = {
  $schema: 'http://json-schema.org/draft-07/schema#',
  type: 'object',
  properties: {
    name: { type: 'string' },
    ingredients: { type: 'array', items: { type: 'string' } },
  },
  required: ['name', 'ingredients'],
  additionalProperties: false,
};

const RECIPE_SCHEMA_SENT = {
  OpenAI: { type: 'json_schema', json_schema: { name: 'response', schema: RECIPE_JSON_SCHEMA } },
  Anthropic: { format: { type: 'json_schema', schema: RECIPE_JSON_SCHEMA } },
  Gemini: { responseMimeType: 'application/json', responseJsonSchema: RECIPE_JSON_SCHEMA },
};

describe.each([
  {
    name: 'OpenAI',
    model: 'openai/text-embedding-3-small',
    body: fixture('written-openai-embeddings-base64.json'),
    path: '/v1/embeddings',
  },
  {
    name: 'Gemini',
    model: 'gemini/gemini-embedding-001',
    body: fixture('written-gemini-embeddings.json'),
    path: '/v1/models/gemini-embedding-001:batchEmbedContents',
  },
  {
    // Anthropic has no embeddings API; Voyage is the one its documentation recommends.
    name: 'Voyage',
    model: 'voyage/voyage-3.5',
    body: fixture('written-voyage-embeddings.json'),
    path: '/v1/embeddings',
  },
])('embedMany through shallot, $name wire format', ({ model, body, path }) => {
  it('sends every value in one call and returns the vectors in order, the usage and one success with its cost', async () => {
    fake.reply({ body });
    const { client, events } = recordingClient(fake);
    const shallot = createShallot({ client });

    const result = await embedMany({
      model: shallot.embedding(model),
      values: ['a shallot', 'an onion'],
      providerOptions: { shallot: { metadata: { feature: 'search' } } },
    });

    expect(result.embeddings).toEqual([
      [0.5, -0.25, 0.125, 1],
      [-1, 0.75, 0.0625, -0.5],
    ]);
    expect(fake.requests.map((request) => request.path)).toEqual([path]);
    const tokens = result.usage.tokens;
    expect(tokens).toBeGreaterThan(0);
    expect(result.providerMetadata?.shallot?.cost).toBeCloseTo(tokens * PRICE.input, 12);
    await client.flush();
    expect(events).toEqual([
      {
        event: 'success',
        model: bare(model),
        cost: expect.closeTo(tokens * PRICE.input, 12),
        metadata: { feature: 'search' },
      },
    ]);
  });
});
