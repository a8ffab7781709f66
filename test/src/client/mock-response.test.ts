import { createClient, InternalServerError, RateLimitError, type ShallotError } from 'shallot';
import { describe, expect, it } from 'vitest';
import { collect } from '../../support/streams.js';

const messages = [{ role: 'user' as const, content: 'Tell me a joke' }];

describe('mockResponse', () => {
  it('answers a string as a chat.completion with plausible usage, without a key or network', async () => {
    const answer = await createClient().completion({
      model: 'gpt-4o-mini',
      messages,
      mockResponse: 'Why did the onion cry?',
    });
    expect(answer).toMatchObject({
      object: 'chat.completion',
      model: 'gpt-4o-mini',
      choices: [
        {
          index: 0,
          message: { role: 'assistant', content: 'Why did the onion cry?' },
          finish_reason: 'stop',
        },
      ],
    });
    expect(answer.usage?.total_tokens).toBe(
      (answer.usage?.prompt_tokens ?? 0) + (answer.usage?.completion_tokens ?? 0),
    );
    expect(answer.usage?.completion_tokens).toBeGreaterThan(0);
  });

  it('streams a string word by word, shaped like an OpenAI stream', async () => {
    const stream = await createClient().completion({
      model: 'gpt-4o-mini',
      messages,
      mockResponse: 'Layers upon layers',
      stream: true,
    });
    const chunks = await collect(stream);
    expect(chunks.map((chunk) => chunk.choices[0]?.delta.content)).toEqual([
      '',
      'Layers',
      ' upon',
      ' layers',
      undefined,
      undefined,
    ]);
    expect(chunks.at(-2)?.choices[0]?.finish_reason).toBe('stop');
    expect(chunks.at(-1)?.choices).toEqual([]);
    expect(chunks.at(-1)?.usage?.total_tokens).toBeGreaterThan(0);
    expect((await stream.finalResponse()).choices[0]?.message.content).toBe('Layers upon layers');
  });

  it('answers a whole chat.completion object, tool calls included, and can stream it', async () => {
    const completion = {
      id: 'chatcmpl-1',
      object: 'chat.completion' as const,
      created: 1,
      model: 'gpt-4o',
      choices: [
        {
          index: 0,
          message: {
            role: 'assistant' as const,
            content: null,
            tool_calls: [
              {
                id: 'call_1',
                type: 'function' as const,
                function: { name: 'f', arguments: '{"a":1}' },
              },
            ],
          },
          finish_reason: 'tool_calls' as const,
        },
      ],
    };
    const client = createClient();
    expect(
      await client.completion({ model: 'gpt-4o', messages, mockResponse: completion }),
    ).toEqual(completion);
    const stream = await client.completion({
      model: 'gpt-4o',
      messages,
      mockResponse: completion,
      stream: true,
    });
    await collect(stream);
    const final = await stream.finalResponse();
    expect(final.choices[0]?.message.tool_calls).toEqual(completion.choices[0]?.message.tool_calls);
    expect(final.choices[0]?.finish_reason).toBe('tool_calls');
  });

  it('streams a list of chunks as given, and assembles them for a plain call', async () => {
    const client = createClient();
    const stream = await client.completion({
      model: 'gpt-4o-mini',
      messages,
      mockResponse: ['Hel', 'lo'],
      stream: true,
    });
    const chunks = await collect(stream);
    expect(chunks.map((chunk) => chunk.choices[0]?.delta.content)).toEqual([
      'Hel',
      'lo',
      undefined,
    ]);
    const answer = await client.completion({
      model: 'gpt-4o-mini',
      messages,
      mockResponse: ['Hel', 'lo'],
    });
    expect(answer.choices[0]?.message.content).toBe('Hello');
    expect(answer.choices[0]?.finish_reason).toBe('stop');
  });

  it('raises a shallot error as given, and any other Error as an InternalServerError with status 500', async () => {
    const client = createClient();
    const limit = new RateLimitError({ message: 'slow down', status: 429 });
    await expect(
      client.completion({ model: 'gpt-4o-mini', messages, mockResponse: limit }),
    ).rejects.toBe(limit);
    const error = await client
      .completion({ model: 'gpt-4o-mini', messages, mockResponse: new Error('boom') })
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(InternalServerError);
    expect(error).toMatchObject({ status: 500, retryable: true });
    expect((error as ShallotError).message).toContain('boom');
    expect((error as ShallotError).cause).toBeInstanceOf(Error);
  });

  it('still runs every layer and prepares the exact provider request', async () => {
    const bodies: unknown[] = [];
    const client = createClient({
      attemptMiddleware: [
        async (ctx, next) => {
          bodies.push(ctx.providerRequest?.body);
          await next();
        },
      ],
    });
    await client
      .completion({ model: 'openai/gpt-4o', messages, mockResponse: 'ok', stream: true })
      .then(collect);
    expect(bodies).toEqual([
      { model: 'gpt-4o', messages, stream: true, stream_options: { include_usage: true } },
    ]);
  });
});
