import OpenAI from 'openai';
import { createClient } from 'shallot';
import { createGateway, type Gateway } from 'shallot/gateway';
import { limits } from 'shallot/middleware/limits';
import { Agent, request } from 'undici';
import { afterEach, describe, expect, it } from 'vitest';
import { openAIEmbeddingsReply, vectorFor } from '../support/embeddings.js';
import { fixture, fixtureEvents, useFakeProvider } from '../support/fake-provider.js';

const fake = useFakeProvider({ reply: { body: fixture('openai-chat.json') } });
const gateways: Gateway[] = [];
afterEach(async () => {
  for (const gateway of gateways.splice(0)) await gateway.close({ graceMs: 100 });
});

/** A gateway over a client on the fake provider, and an `openai` client pointed at it. */
async function started(options: Partial<Parameters<typeof createGateway>[0]> = {}) {
  const client = createClient({
    providers: { openai: { apiKey: 'sk-upstream', apiBase: fake.url } },
  });
  const gateway = createGateway({ client, models: ['gpt-4.1-nano'], ...options });
  gateways.push(gateway);
  const url = await gateway.listen();
  const openai = new OpenAI({ apiKey: 'sk-caller', baseURL: `${url}/v1`, maxRetries: 0 });
  return { url, openai, client, gateway };
}

const messages = [{ role: 'user' as const, content: 'Hello' }];

describe('createGateway()', () => {
  it('answers chat.completions.create from the openai package, through the client', async () => {
    const { openai } = await started();
    const { data: answer, response } = await openai.chat.completions
      .create({ model: 'gpt-4.1-nano', messages })
      .withResponse();
    // What the call cost, as LiteLLM's proxy says it: gpt-4.1-nano's price of the fixture's usage.
    expect(Number(response.headers.get('x-litellm-response-cost'))).toBeCloseTo(
      16 * 1e-7 + 363 * 4e-7,
      12,
    );
    expect(answer.choices[0]?.message.content).toBe(
      JSON.parse(fixture('openai-chat.json')).choices[0].message.content,
    );
    expect(fake.requests[0]?.headers.authorization).toBe('Bearer sk-upstream');
  });

  it('streams: the chunks end with [DONE], and the text equals the plain answer', async () => {
    fake.reply({
      body: fixture('openai-chat-stream-usage.sse'),
      headers: { 'content-type': 'text/event-stream' },
    });
    const { openai } = await started();
    const stream = await openai.chat.completions.create({
      model: 'gpt-4.1-nano',
      messages,
      stream: true,
    });
    let text = '';
    for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? '';
    const expected = fixtureEvents<{ choices: Array<{ delta: { content?: string } }> }>(
      'openai-chat-stream-usage.sse',
    )
      .map((event) => event.choices[0]?.delta.content ?? '')
      .join('');
    expect(text).toBe(expected);
    expect(expected.length).toBeGreaterThan(0);
  });

  it('answers embeddings.create, floats and base64 alike', async () => {
    fake.reply(openAIEmbeddingsReply());
    const { openai } = await started();
    const answer = await openai.embeddings.create({
      model: 'text-embedding-3-small',
      input: ['a', 'b'],
      encoding_format: 'float',
    });
    expect(answer.data[1]?.embedding).toEqual(vectorFor('b', 8));
    // openai-node asks for base64 by default and decodes it itself.
    const decoded = await openai.embeddings.create({ model: 'text-embedding-3-small', input: 'a' });
    expect(decoded.data[0]?.embedding.map((value) => Math.round(value * 1e6))).toEqual(
      vectorFor('a', 8).map((value) => Math.round(value * 1e6)),
    );
  });

  it('lists the models', async () => {
    const { openai } = await started();
    const list = await openai.models.list();
    expect(list.data.map((model) => model.id)).toEqual(['gpt-4.1-nano']);
  });

  it('refuses bad input with a 400 that names the field, and never takes shallot options from the body', async () => {
    const { openai } = await started();
    const failure = await openai.chat.completions
      .create({ model: 'gpt-4.1-nano', messages: [{ role: 'usr' as 'user', content: 'x' }] })
      .catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(OpenAI.BadRequestError);
    await openai.chat.completions.create({
      model: 'gpt-4.1-nano',
      messages,
      // A caller pointing the gateway's key elsewhere, or answering itself: both ignored.
      ...({ api_base: 'http://127.0.0.1:9/v1', mock_response: 'owned', apiKey: 'x' } as object),
    });
    expect(fake.requests.at(-1)?.headers.authorization).toBe('Bearer sk-upstream');
    expect(fake.requests.at(-1)?.body).not.toHaveProperty('api_base');
  });

  it('answers a limit with a 429 and retry-after, which the openai client honours', async () => {
    const client = createClient({
      providers: { openai: { apiKey: 'sk-upstream', apiBase: fake.url } },
      middleware: [limits({ rules: [{ scope: () => 'all', rpm: 1 }] })],
    });
    const { openai } = await started({ client });
    await openai.chat.completions.create({ model: 'gpt-4.1-nano', messages });
    const failure = await openai.chat.completions
      .create({ model: 'gpt-4.1-nano', messages })
      .catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(OpenAI.RateLimitError);
    expect(
      Number((failure as InstanceType<typeof OpenAI.RateLimitError>).headers?.get('retry-after')),
    ).toBeGreaterThan(0);
    expect(fake.requests).toHaveLength(1);
  });

  it('passes a 429’s retry-after on, and the openai client’s own retry honours it', async () => {
    fake.reply(
      {
        status: 429,
        headers: { 'retry-after-ms': '150' },
        body: JSON.stringify({ error: { message: 'slow down', type: 'rate_limit_exceeded' } }),
      },
      { body: fixture('openai-chat.json') },
    );
    const { url } = await started();
    const patient = new OpenAI({ apiKey: 'sk-caller', baseURL: `${url}/v1`, maxRetries: 1 });
    const startedAt = performance.now();
    const answer = await patient.chat.completions.create({ model: 'gpt-4.1-nano', messages });
    expect(answer.choices).toHaveLength(1);
    expect(fake.requests).toHaveLength(2);
    expect(performance.now() - startedAt).toBeGreaterThanOrEqual(140);
  });

  it('maps a provider error to its status: a 503 upstream is a 503', async () => {
    fake.reply({
      status: 503,
      body: JSON.stringify({ error: { message: 'overloaded', type: 'server_error' } }),
    });
    const { openai } = await started();
    const failure = await openai.chat.completions
      .create({ model: 'gpt-4.1-nano', messages })
      .catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(OpenAI.InternalServerError);
    expect((failure as { status: number }).status).toBe(503);
  });

  it('aborts the upstream call when the client goes away', async () => {
    fake.reply({ hang: true });
    const { openai } = await started();
    const controller = new AbortController();
    const pending = openai.chat.completions.create(
      { model: 'gpt-4.1-nano', messages },
      { signal: controller.signal },
    );
    await expect.poll(() => fake.requests.length).toBe(1);
    controller.abort();
    await expect(pending).rejects.toThrow();
    await fake.clientGone(0);
  });

  it('counts requests, tokens, cost and latency by model, key and outcome at /metrics, in Prometheus text', async () => {
    const { openai, url } = await started({
      authenticate: () => ({ metadata: { key_alias: 'team-a' } }),
    });
    await openai.chat.completions.create({ model: 'gpt-4.1-nano', messages });
    fake.reply({ status: 429, body: '{"error":{"message":"slow down"}}' });
    await openai.chat.completions.create({ model: 'gpt-4.1-nano', messages }).catch(() => {});
    const response = await fetch(`${url}/metrics`);
    expect(response.headers.get('content-type')).toContain('text/plain');
    const text = await response.text();
    expect(text).toContain(
      'shallot_requests_total{model="gpt-4.1-nano",key="team-a",status="success"} 1',
    );
    expect(text).toContain(
      'shallot_requests_total{model="gpt-4.1-nano",key="team-a",status="rate_limit"} 1',
    );
    expect(text).toMatch(
      /shallot_tokens_total\{model="gpt-4.1-nano",key="team-a",status="success",type="prompt"\} \d+/,
    );
    expect(text).toMatch(
      /shallot_cost_usd_total\{model="gpt-4.1-nano",key="team-a",status="success"\} \d/,
    );
    expect(text).toContain(
      'shallot_request_duration_seconds_count{model="gpt-4.1-nano",key="team-a",status="success"} 1',
    );
  });

  it('answers liveliness and readiness, and a 404 for an unknown route', async () => {
    const { url } = await started({ readiness: async () => ({ redis: true, postgres: false }) });
    expect(await (await fetch(`${url}/health/liveliness`)).json()).toBe("I'm alive!");
    const readiness = await fetch(`${url}/health/readiness`);
    expect(readiness.status).toBe(503);
    expect(await readiness.json()).toEqual({ status: 'unhealthy', redis: true, postgres: false });
    expect((await fetch(`${url}/v1/nothing`)).status).toBe(404);
  });

  it('refuses a body over maxBodyBytes with a 413, declared or streamed, before any upstream request', async () => {
    const { url } = await started({ maxBodyBytes: 1000 });
    const body = JSON.stringify({ model: 'gpt-4.1-nano', messages, padding: 'x'.repeat(5000) });
    const declared = await fetch(`${url}/v1/chat/completions`, { method: 'POST', body });
    expect(declared.status).toBe(413);
    expect(((await declared.json()) as { error: { code: string } }).error.code).toBe(
      'body_too_large',
    );
    // Without a content-length: the cap holds as the pieces come in.
    const pieces = new ReadableStream({
      start(controller) {
        for (let index = 0; index < 10; index++) controller.enqueue(new TextEncoder().encode(body));
        controller.close();
      },
    });
    const streamed = await fetch(`${url}/v1/chat/completions`, {
      method: 'POST',
      body: pieces,
      duplex: 'half',
    } as RequestInit);
    expect(streamed.status).toBe(413);
    expect(((await streamed.json()) as { error: { code: string } }).error.code).toBe(
      'body_too_large',
    );
    expect(fake.requests).toHaveLength(0);
  });
});

describe('gateway.close()', () => {
  it('lets a request in flight finish, then closes its keep-alive connection at once', async () => {
    let open: () => void = () => {};
    fake.reply({
      gate: new Promise<void>((resolve) => (open = resolve)),
      body: fixture('openai-chat.json'),
    });
    const { url, gateway } = await started();
    // Neither the keep-alive timeout nor the grace period would end the connection in time.
    gateway.server.keepAliveTimeout = 600_000;
    const agent = new Agent({ keepAliveTimeout: 600_000 });
    try {
      const pending = request(`${url}/v1/chat/completions`, {
        method: 'POST',
        dispatcher: agent,
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ model: 'gpt-4.1-nano', messages }),
      });
      await expect.poll(() => fake.requests.length).toBe(1);
      const closed = gateway.close({ graceMs: 600_000 });
      await expect(fetch(`${url}/v1/models`)).rejects.toThrow();
      open();
      const response = await pending;
      expect(response.statusCode).toBe(200);
      expect(((await response.body.json()) as { object: string }).object).toBe('chat.completion');
      await closed;
      expect(gateway.server.listening).toBe(false);
    } finally {
      await agent.close();
    }
  });

  it('cuts a request still in flight when the grace period ends, which aborts its upstream call', async () => {
    fake.reply({ hang: true });
    const { url, gateway } = await started();
    const pending = fetch(`${url}/v1/chat/completions`, {
      method: 'POST',
      body: JSON.stringify({ model: 'gpt-4.1-nano', messages }),
    });
    await expect.poll(() => fake.requests.length).toBe(1);
    await gateway.close({ graceMs: 100 });
    await expect(pending).rejects.toThrow();
    await fake.clientGone(0);
  });
});
