import shallot, { completion, createClient, flush, registerModel } from 'shallot';
import { describe, expect, it } from 'vitest';

const messages = [{ role: 'user', content: 'Say hi' }];

describe('the calls of the default client, as LiteLLM’s users write them', () => {
  it('import { completion } runs through the default client and its callbacks', async () => {
    const seen: string[] = [];
    const record = (kwargs: { model: string }) => {
      seen.push(kwargs.model);
    };
    shallot.successCallback.push(record);
    try {
      const answer = await completion({
        model: 'openai/gpt-4o-mini',
        messages,
        mockResponse: 'Hi!',
      });
      expect(answer.choices[0]?.message.content).toBe('Hi!');
      expect(await flush()).toBe(true);
      expect(seen).toEqual(['gpt-4o-mini']);
    } finally {
      shallot.successCallback.splice(shallot.successCallback.indexOf(record), 1);
    }
  });

  it('import { registerModel } prices the default client’s calls', async () => {
    registerModel({ 'acme/tiny-1': { input_cost_per_token: 1e-6, output_cost_per_token: 2e-6 } });
    const costs: Array<number | null> = [];
    const record = (kwargs: { response_cost: number | null }) => {
      costs.push(kwargs.response_cost);
    };
    shallot.successCallback.push(record);
    try {
      await completion({ model: 'acme/tiny-1', messages, mockResponse: 'Hi!' });
      await flush();
      expect(costs).toHaveLength(1);
      expect(costs[0]).toBeGreaterThan(0);
    } finally {
      shallot.successCallback.splice(shallot.successCallback.indexOf(record), 1);
    }
  });

  it('a client’s methods keep working when taken apart', async () => {
    const client = createClient();
    const { completion: call, flush: drain, shutdown: close, use } = client;
    const order: string[] = [];
    use(async (_ctx, next) => {
      order.push('layer');
      await next();
    });
    const stream = await call({
      model: 'openai/gpt-4o-mini',
      messages,
      mockResponse: 'a b',
      stream: true,
    });
    let text = '';
    for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? '';
    expect(text).toBe('a b');
    expect(order).toEqual(['layer']);
    expect(await drain()).toBe(true);
    expect(await close()).toBe(true);
    await expect(
      call({ model: 'openai/gpt-4o-mini', messages, mockResponse: 'x' }),
    ).rejects.toThrow(/shut down/);
  });
});
