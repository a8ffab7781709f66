import {
  AbortError,
  type ChatCompletion,
  type ChatCompletionChunk,
  createClient,
  UnexpectedError,
  ValidationError,
} from 'shallot';
import { describe, expect, it, vi } from 'vitest';
import { fixture, fixtureEvents, useFakeProvider } from '../../support/fake-provider.js';
import { collect } from '../../support/streams.js';

const messages = [{ role: 'user' as const, content: 'Hi' }];
const mockResponse = 'one two three';

const fake = useFakeProvider();

describe('the shared stream mechanism', () => {
  it('shows every layer every chunk in order, and the same assembled response at the end', async () => {
    const seen: Record<string, ChatCompletionChunk[]> = { outer: [], inner: [] };
    const finals: Array<ChatCompletion | undefined> = [];
    const client = createClient({
      middleware: ['outer', 'inner'].map((name) => async (ctx, next) => {
        await next();
        ctx.onChunk((chunk) => seen[name]?.push(chunk));
        ctx.onEnd(() => finals.push(ctx.kind === 'completion' ? ctx.response : undefined));
      }),
    });
    const stream = await client.completion({
      model: 'gpt-4o-mini',
      messages,
      mockResponse,
      stream: true,
    });
    const chunks = await collect(stream);
    expect(seen.outer).toEqual(chunks);
    expect(seen.inner).toEqual(chunks);
    const final = await stream.finalResponse();
    expect(finals).toHaveLength(2);
    expect(finals[0]).toBe(final);
    expect(finals[1]).toBe(final);
    expect(final.choices[0]?.message.content).toBe('one two three');
  });

  it('isolates a listener that throws: the caller and the other listeners see everything, the error hook is told', async () => {
    const reported: Array<{ message: string; callback: string; event: string }> = [];
    const seen: ChatCompletionChunk[] = [];
    const client = createClient({
      onCallbackError: (error, info) =>
        reported.push({ message: (error as Error).message, ...info }),
      middleware: [
        async (ctx, next) => {
          await next();
          ctx.onChunk((chunk) => seen.push(chunk));
        },
        async (ctx, next) => {
          await next();
          ctx.onChunk(function explodingChunkListener() {
            throw new Error('chunk listener broke');
          });
          ctx.onEnd(function explodingEndListener() {
            throw new Error('end listener broke');
          });
        },
      ],
    });
    const stream = await client.completion({
      model: 'gpt-4o-mini',
      messages,
      mockResponse,
      stream: true,
    });
    const chunks = await collect(stream);
    expect(chunks).toHaveLength(6);
    expect(seen).toEqual(chunks);
    expect(reported).toHaveLength(7);
    expect(reported[0]).toEqual({
      message: 'chunk listener broke',
      callback: 'explodingChunkListener',
      event: 'chunk',
    });
    expect(reported.at(-1)).toEqual({
      message: 'end listener broke',
      callback: 'explodingEndListener',
      event: 'end',
    });
  });

  it('warns with one line naming the listener and the event by default', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    const client = createClient({
      middleware: [
        async (ctx, next) => {
          await next();
          ctx.onEnd(function auditTrail() {
            throw new Error('disk full');
          });
        },
      ],
    });
    await client.completion({ model: 'gpt-4o-mini', messages, mockResponse });
    expect(warn).toHaveBeenCalledTimes(1);
    expect(warn).toHaveBeenCalledWith(
      '[shallot] callback "auditTrail" failed on the end event: disk full',
    );
    warn.mockRestore();
  });

  it('can be read once; finalResponse() reads it when nobody iterates', async () => {
    const client = createClient();
    const stream = await client.completion({
      model: 'gpt-4o-mini',
      messages,
      mockResponse,
      stream: true,
    });
    expect((await stream.finalResponse()).choices[0]?.message.content).toBe('one two three');
    expect(() => stream[Symbol.asyncIterator]()).toThrow(ValidationError);
  });

  it('ends the call with an AbortError when abort() is called', async () => {
    const ends: string[] = [];
    const client = createClient({
      middleware: [
        async (ctx, next) => {
          await next();
          ctx.onEnd(() => ends.push(ctx.error?.code ?? 'none'));
        },
      ],
    });
    const stream = await client.completion({
      model: 'gpt-4o-mini',
      messages,
      mockResponse,
      stream: true,
    });
    stream.abort();
    await expect(collect(stream)).rejects.toBeInstanceOf(AbortError);
    await expect(stream.finalResponse()).rejects.toBeInstanceOf(AbortError);
    expect(ends).toEqual(['aborted']);
  });

  it('fails the call once with the layer’s error when a layer throws after the stream was created', async () => {
    fake.reply({ body: fixture('openai-chat-stream-usage.sse'), holdOpen: true });
    const ends: string[] = [];
    const client = createClient({
      providers: { openai: { apiKey: 'sk-test', apiBase: fake.url } },
      middleware: [
        async (ctx, next) => {
          ctx.onEnd(() => ends.push(ctx.error?.message ?? 'none'));
          await next();
          throw new Error('post-processing failed');
        },
      ],
    });
    const error = await client
      .completion({ model: 'gpt-4o', messages, stream: true })
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(UnexpectedError);
    expect((error as Error).message).toContain('post-processing failed');
    expect(ends).toHaveLength(1);
    expect(ends[0]).toContain('post-processing failed');
    await fake.clientGone(fake.requests.length - 1);
  });

  it('copes with Azure’s first chunk that has no choices, id or model', async () => {
    fake.reply({ body: fixture('azure-chat-stream-content-filter.sse') });
    const client = createClient({
      providers: { openai: { apiKey: 'sk-test', apiBase: fake.url } },
    });
    const stream = await client.completion({ model: 'gpt-5-nano', messages, stream: true });
    const chunks = await collect(stream);
    const recorded = fixtureEvents<ChatCompletionChunk>('azure-chat-stream-content-filter.sse');
    // As recorded, except that the first chunk's empty `object` is made OpenAI's.
    expect(chunks).toEqual(
      recorded.map((chunk) => ({ ...chunk, object: 'chat.completion.chunk' })),
    );
    const final = await stream.finalResponse();
    const firstReal = recorded.find((chunk) => chunk.id !== '');
    expect(final.id).toBe(firstReal?.id);
    expect(final.model).toBe(firstReal?.model);
    expect(final.choices[0]?.message.content).toBe(
      recorded.map((chunk) => chunk.choices[0]?.delta.content ?? '').join(''),
    );
    expect(final.usage?.completion_tokens_details?.reasoning_tokens).toBe(64);
  });
});
