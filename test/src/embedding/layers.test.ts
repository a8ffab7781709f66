import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type CallbackKwargs, callRecordSchema, createClient, type Middleware } from 'shallot';
import { jsonlLogger } from 'shallot/middleware/jsonl-logger';
import { recorder } from 'shallot/middleware/recorder';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { openAIEmbeddingsReply } from '../../support/embeddings.js';
import { useFakeProvider } from '../../support/fake-provider.js';

const fake = useFakeProvider({ reply: openAIEmbeddingsReply({ tokensEach: 2 }) });
const model = 'openai/text-embedding-3-small';
let directory: string;
beforeEach(async () => {
  directory = await mkdtemp(join(tmpdir(), 'shallot-embed-layers-'));
});
afterEach(async () => {
  vi.restoreAllMocks();
  await rm(directory, { recursive: true, force: true });
});

describe('an embedding call through every layer', () => {
  it('runs the caller’s middleware with ctx.kind embedding, which can read and change the request and read the outcome', async () => {
    const seen: unknown[] = [];
    const layer: Middleware = async (ctx, next) => {
      if (ctx.kind !== 'embedding') return next();
      seen.push(ctx.kind, ctx.inputCount, ctx.isStream);
      ctx.request.dimensions = 4;
      ctx.onChunk(() => seen.push('a chunk: never for an embedding'));
      await next();
      seen.push(ctx.status, ctx.response?.data[0]?.embedding.length, ctx.usage?.prompt_tokens);
      seen.push(ctx.cost?.total !== null && ctx.cost?.total !== undefined);
    };
    const client = createClient({
      providers: { openai: { apiKey: 'sk-test', apiBase: fake.url } },
      middleware: [layer],
    });
    await client.embedding({ model, input: ['a', 'b', 'c'] });
    expect(fake.requests[0]?.body.dimensions).toBe(4);
    expect(seen).toEqual(['embedding', 3, false, 'success', 4, 6, true]);
  });

  it('passes a completion-only layer by, and a completion through the same client still sees kind completion', async () => {
    const kinds: string[] = [];
    const client = createClient({
      providers: { openai: { apiKey: 'sk-test', apiBase: fake.url } },
      middleware: [
        async (ctx, next) => {
          kinds.push(ctx.kind);
          await next();
        },
      ],
    });
    await client.embedding({ model, input: 'a' });
    await client.completion({
      model: 'openai/gpt-4o-mini',
      messages: [{ role: 'user', content: 'hi' }],
      mockResponse: 'ok',
    });
    expect(kinds).toEqual(['embedding', 'completion']);
  });

  it('is written by the JSONL sink as one valid record, with counts and no vectors', async () => {
    const path = join(directory, 'calls.jsonl');
    const client = createClient({
      providers: { openai: { apiKey: 'sk-test', apiBase: fake.url } },
      middleware: [jsonlLogger({ path })],
    });
    await client.embedding({ model, input: ['alpha', 'beta'], metadata: { user_id: 'u1' } });
    await client.shutdown();
    const lines = (await readFile(path, 'utf8')).trim().split('\n');
    expect(lines).toHaveLength(1);
    const record = callRecordSchema.parse(JSON.parse(lines[0] as string));
    expect(record).toMatchObject({
      call_type: 'embedding',
      status: 'success',
      messages: null,
      response: null,
      metadata: { user_id: 'u1' },
      usage: { prompt_tokens: 4, completion_tokens: 0, total_tokens: 4 },
      embedding: { inputs: 2, cached_inputs: 0, input_tokens: 4, width: 8 },
    });
    expect(lines[0]).not.toContain('alpha');
  });

  it('is kept by the recorder with its kind, request and response', async () => {
    const calls = recorder();
    const client = createClient({
      providers: { openai: { apiKey: 'sk-test', apiBase: fake.url } },
      middleware: [calls],
    });
    await client.embedding({ model, input: 'a' });
    const [call] = calls.calls;
    expect(call?.kind).toBe('embedding');
    expect(call?.kind === 'embedding' && call.request.input).toBe('a');
    expect(call?.kind === 'embedding' && call.response?.data).toHaveLength(1);
  });

  it('prices an unknown embedding model at null, with one warning for many calls', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    fake.reply(openAIEmbeddingsReply({ model: 'acme-embedder-9' }));
    const client = createClient({
      providers: { openai: { apiKey: 'sk-test', apiBase: fake.url } },
    });
    const costs: Array<number | null> = [];
    client.successCallback = [(kwargs: CallbackKwargs) => costs.push(kwargs.response_cost)];
    await client.embedding({ model: 'openai/acme-embedder-9', input: 'a' });
    await client.embedding({ model: 'openai/acme-embedder-9', input: 'b' });
    await client.flush();
    expect(costs).toEqual([null, null]);
    expect(
      warn.mock.calls.filter(([line]) => String(line).includes('acme-embedder-9')),
    ).toHaveLength(1);
  });

  it('prices a call with the call’s own inputCostPerToken', async () => {
    const client = createClient({
      providers: { openai: { apiKey: 'sk-test', apiBase: fake.url } },
    });
    const costs: Array<number | null> = [];
    client.successCallback = [(kwargs: CallbackKwargs) => costs.push(kwargs.response_cost)];
    await client.embedding({ model, input: ['a', 'b'], inputCostPerToken: 1e-6 });
    await client.flush();
    expect(costs[0]).toBeCloseTo(4e-6, 15);
  });
});
