import { createClient, RateLimitError, ValidationError } from 'shallot';
import { recorder } from 'shallot/middleware/recorder';
import { describe, expect, it } from 'vitest';

const messages = [{ role: 'user' as const, content: 'Hi' }];

describe('recorder()', () => {
  it('records a plain call with its request, exact provider body, response and usage', async () => {
    const calls = recorder();
    const client = createClient({ middleware: [calls] });
    await client.completion({
      model: 'openai/gpt-4o-mini',
      messages,
      temperature: 0,
      mockResponse: 'Hello',
    });
    expect(calls.calls).toHaveLength(1);
    const [call] = calls.calls;
    expect(call).toMatchObject({
      model: 'openai/gpt-4o-mini',
      provider: 'openai',
      stream: false,
      status: 'success',
      attempts: 1,
      chunks: 0,
      request: { model: 'openai/gpt-4o-mini', messages, temperature: 0 },
      providerBody: { model: 'gpt-4o-mini', messages, temperature: 0 },
    });
    expect(call?.kind === 'completion' && call.response?.choices[0]?.message.content).toBe('Hello');
    expect(call?.usage?.total_tokens).toBeGreaterThan(0);
    expect(call?.durationMs).toBeGreaterThanOrEqual(0);
  });

  it('records a stream when it ends, with its chunk count', async () => {
    const calls = recorder();
    const client = createClient({ middleware: [calls] });
    const stream = await client.completion({
      model: 'gpt-4o-mini',
      messages,
      stream: true,
      mockResponse: 'a b c',
    });
    expect(calls.calls).toHaveLength(0);
    for await (const _chunk of stream) {
      // reading to the end
    }
    expect(calls.calls[0]).toMatchObject({ stream: true, status: 'success', chunks: 6 });
    expect(calls.calls[0]?.timeToFirstTokenMs).toBeGreaterThanOrEqual(0);
  });

  it('records a failure with the error’s name and code', async () => {
    const calls = recorder();
    const client = createClient({ middleware: [calls] });
    const limit = new RateLimitError({ message: 'slow down' });
    await expect(
      client.completion({ model: 'gpt-4o-mini', messages, mockResponse: limit }),
    ).rejects.toBe(limit);
    expect(calls.calls[0]).toMatchObject({
      status: 'failure',
      error: { name: 'RateLimitError', code: 'rate_limit', message: 'slow down' },
    });
  });

  it('keeps at most `limit` recordings, and clear() forgets them', async () => {
    const calls = recorder({ limit: 2 });
    const client = createClient({ middleware: [calls] });
    for (const text of ['1', '2', '3'])
      await client.completion({ model: 'gpt-4o-mini', messages, mockResponse: text });
    expect(
      calls.calls.map(
        (call) => call.kind === 'completion' && call.response?.choices[0]?.message.content,
      ),
    ).toEqual(['2', '3']);
    calls.clear();
    expect(calls.calls).toEqual([]);
  });

  it('rejects a bad limit when the factory runs', () => {
    expect(() => recorder({ limit: 0 })).toThrow(ValidationError);
    expect(() => recorder({ limit: 0 })).toThrow(
      /recorder options\.limit: expected a positive whole number, received 0/,
    );
  });
});
