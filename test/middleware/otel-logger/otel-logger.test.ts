import {
  context,
  DiagLogLevel,
  diag,
  metrics,
  SpanKind,
  SpanStatusCode,
  type Tracer,
  trace,
} from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import {
  AggregationTemporality,
  type DataPoint,
  type Histogram,
  InMemoryMetricExporter,
  MeterProvider,
  PeriodicExportingMetricReader,
} from '@opentelemetry/sdk-metrics';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  type ReadableSpan,
  SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import {
  Cache,
  type CallbackErrorInfo,
  type ClientOptions,
  createClient,
  RateLimitError,
  ValidationError,
} from 'shallot';
import { type OtelLoggerOptions, otelLogger } from 'shallot/middleware/otel-logger';
import { router } from 'shallot/middleware/router';
import { Agent, type Dispatcher } from 'undici';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { openAIEmbeddingsReply } from '../../support/embeddings.js';
import { fixture, useFakeProvider } from '../../support/fake-provider.js';
import { collect, rejectionOf } from '../../support/streams.js';

const KEY = 'sk-otel-test-4f9a2c7e1b3d5a6c8e0f';
const messages = [{ role: 'user' as const, content: 'Name a holiday for stargazers.' }];
// gpt-4.1-nano: $0.10/M in, $0.40/M out; openai-chat.json used 16 prompt and 363 completion tokens
const FIXTURE_COST = 16 * 1e-7 + 363 * 4e-7;

const fake = useFakeProvider();
const contextManager = new AsyncLocalStorageContextManager();
/** Warnings from the OpenTelemetry API and SDK: a span ended twice, an invalid attribute. */
const warnings: string[] = [];

beforeAll(() => {
  context.setGlobalContextManager(contextManager.enable());
  const keep = (message: string) => warnings.push(message);
  diag.setLogger(
    { error: keep, warn: keep, info: () => {}, debug: () => {}, verbose: () => {} },
    DiagLogLevel.WARN,
  );
});
afterAll(() => {
  context.disable();
  diag.disable();
});

/** A fresh in-memory tracer and meter provider per test, shut down after it. */
let telemetry: ReturnType<typeof inMemoryTelemetry>;
beforeEach(() => {
  telemetry = inMemoryTelemetry();
  warnings.length = 0;
});
afterEach(async () => {
  await telemetry.shutdown();
  expect(warnings).toEqual([]);
});

function inMemoryTelemetry() {
  const spanExporter = new InMemorySpanExporter();
  const tracerProvider = new BasicTracerProvider({
    spanProcessors: [new SimpleSpanProcessor(spanExporter)],
  });
  const metricExporter = new InMemoryMetricExporter(AggregationTemporality.CUMULATIVE);
  const meterProvider = new MeterProvider({
    readers: [
      new PeriodicExportingMetricReader({
        exporter: metricExporter,
        exportIntervalMillis: 3_600_000,
      }),
    ],
  });
  return {
    tracerProvider,
    meterProvider,
    spans: () => spanExporter.getFinishedSpans(),
    /** The last export of the metric named `name`. */
    metric: (name: string) =>
      metricExporter
        .getMetrics()
        .at(-1)
        ?.scopeMetrics.flatMap((scope) => scope.metrics)
        .find((metric) => metric.descriptor.name === name),
    exportedMetrics: () => metricExporter.getMetrics(),
    shutdown: async () => {
      await tracerProvider.shutdown();
      await meterProvider.shutdown();
    },
  };
}

/** A client on the fake provider with the logger on this test's in-memory providers. */
function tracedClient(logger: OtelLoggerOptions = {}, options: ClientOptions = {}) {
  return createClient({
    providers: { openai: { apiKey: KEY, apiBase: fake.url } },
    ...options,
    middleware: [
      otelLogger({
        tracerProvider: telemetry.tracerProvider,
        meterProvider: telemetry.meterProvider,
        ...logger,
      }),
      ...(options.middleware ?? []),
    ],
  });
}

function callSpans(): ReadableSpan[] {
  return telemetry.spans().filter((span) => span.kind === SpanKind.CLIENT);
}

function only<T>(items: T[]): T {
  expect(items).toHaveLength(1);
  return items[0] as T;
}

function theCallSpan(): ReadableSpan {
  return only(callSpans());
}

function theAttemptSpan(): ReadableSpan {
  return only(telemetry.spans().filter((span) => span.name.includes(' attempt ')));
}

function parentOf(span: ReadableSpan): string | undefined {
  return span.parentSpanContext?.spanId;
}

function endMs(span: ReadableSpan): number {
  return span.endTime[0] * 1000 + span.endTime[1] / 1e6;
}

const turn = () => new Promise((resolve) => setImmediate(resolve));

describe('otelLogger()', () => {
  it('gives a routed call’s span and its attempt’s the model group and the deployment id', async () => {
    fake.reply({ body: fixture('openai-chat.json') });
    const routed = router({
      modelList: [
        {
          modelName: 'team-gpt',
          model: 'openai/gpt-4.1-nano',
          apiBase: fake.url,
          apiKey: KEY,
          id: 'dep-1',
        },
      ],
    });
    const client = tracedClient({}, { middleware: [routed] });
    await client.completion({ model: 'team-gpt', messages });
    await client.flush();
    expect(theCallSpan().attributes).toMatchObject({
      'shallot.model_group': 'team-gpt',
      'shallot.model_id': 'dep-1',
    });
    expect(theAttemptSpan().attributes).toMatchObject({
      'shallot.model_group': 'team-gpt',
      'shallot.model_id': 'dep-1',
      'gen_ai.request.model': 'gpt-4.1-nano',
    });
  });

  it('names an embedding call’s span embeddings {model}, with the operation, encoding, width and input tokens', async () => {
    fake.reply(openAIEmbeddingsReply({ tokensEach: 3 }));
    const client = tracedClient();
    await client.embedding({
      model: 'openai/text-embedding-3-small',
      input: ['a', 'b'],
      dimensions: 4,
    });
    await client.flush();
    const span = theCallSpan();
    expect(span.name).toBe('embeddings text-embedding-3-small');
    expect(span.attributes).toMatchObject({
      'gen_ai.operation.name': 'embeddings',
      'gen_ai.request.model': 'text-embedding-3-small',
      'gen_ai.request.encoding_formats': ['float'],
      'gen_ai.embeddings.dimension.count': 4,
      'gen_ai.usage.input_tokens': 6,
    });
    expect(span.attributes['gen_ai.request.stream']).toBeUndefined();
  });

  it('traces a plain call as a CLIENT span with GenAI attributes, a child of the active span', async () => {
    fake.reply({ body: fixture('openai-chat.json') });
    const client = tracedClient();
    const app = telemetry.tracerProvider.getTracer('app');
    await app.startActiveSpan('handle request', async (outer) => {
      await client.completion({
        model: 'gpt-4.1-nano',
        messages,
        temperature: 0.2,
        top_p: 0.9,
        max_tokens: 400,
        stop: 'END',
        seed: 7,
      });
      outer.end();
    });
    await client.flush();

    const span = theCallSpan();
    const outer = only(telemetry.spans().filter((item) => item.name === 'handle request'));
    expect(span.name).toBe('chat gpt-4.1-nano');
    expect(parentOf(span)).toBe(outer.spanContext().spanId);
    expect(span.spanContext().traceId).toBe(outer.spanContext().traceId);
    expect(span.status.code).toBe(SpanStatusCode.UNSET);
    const port = Number(new URL(fake.url).port);
    expect(span.attributes).toMatchObject({
      'gen_ai.operation.name': 'chat',
      'gen_ai.provider.name': 'openai',
      'gen_ai.system': 'openai',
      'gen_ai.request.model': 'gpt-4.1-nano',
      'gen_ai.request.stream': false,
      'gen_ai.request.temperature': 0.2,
      'gen_ai.request.top_p': 0.9,
      'gen_ai.request.max_tokens': 400,
      'gen_ai.request.stop_sequences': ['END'],
      'gen_ai.request.seed': 7,
      'server.address': '127.0.0.1',
      'server.port': port,
      'gen_ai.response.id': 'chatcmpl-D8Z5f52zQqikDBEKQMQoYcWMcWPeU',
      'gen_ai.response.model': 'gpt-4.1-nano-2025-04-14',
      'gen_ai.response.finish_reasons': ['stop'],
      'gen_ai.usage.input_tokens': 16,
      'gen_ai.usage.output_tokens': 363,
      'shallot.cache.hit': false,
      'shallot.attempts': 1,
    });
    expect(span.attributes['shallot.cost.usd']).toBeCloseTo(FIXTURE_COST, 15);
    expect(span.attributes['shallot.call.id']).toMatch(/^[0-9a-f-]{36}$/);
    expect(span.attributes).not.toHaveProperty('error.type');
    expect(span.attributes).not.toHaveProperty('gen_ai.input.messages');
    expect(span.events).toEqual([]);

    const attempt = theAttemptSpan();
    expect(attempt.name).toBe('openai attempt 1');
    expect(attempt.kind).toBe(SpanKind.INTERNAL);
    expect(parentOf(attempt)).toBe(span.spanContext().spanId);
    expect(attempt.attributes).toMatchObject({
      'shallot.attempt': 1,
      'gen_ai.provider.name': 'openai',
      'http.response.status_code': 200,
      'server.port': port,
    });
    expect(endMs(attempt)).toBeLessThanOrEqual(endMs(span));
    expect(telemetry.spans()).toHaveLength(3);
  });

  it('marks a failed call and its attempt as errors with error.type and an exception event', async () => {
    fake.reply({
      status: 429,
      headers: { 'retry-after': '2' },
      body: JSON.stringify({ error: { message: 'Rate limit reached', type: 'requests' } }),
    });
    const client = tracedClient();
    const error = await rejectionOf(client.completion({ model: 'gpt-4.1-nano', messages }));
    expect(error).toBeInstanceOf(RateLimitError);
    await client.flush();

    const span = theCallSpan();
    expect(span.status).toEqual({
      code: SpanStatusCode.ERROR,
      message: (error as RateLimitError).message,
    });
    expect(span.attributes['error.type']).toBe('RateLimitError');
    expect(span.attributes).not.toHaveProperty('gen_ai.usage.input_tokens');
    const exception = only(span.events);
    expect(exception.name).toBe('exception');
    expect(exception.attributes).toMatchObject({
      'exception.type': 'RateLimitError',
      'exception.message': (error as RateLimitError).message,
    });

    const attempt = theAttemptSpan();
    expect(attempt.status.code).toBe(SpanStatusCode.ERROR);
    expect(attempt.attributes).toMatchObject({
      'error.type': 'RateLimitError',
      'http.response.status_code': 429,
      'shallot.error.retryable': true,
    });
    expect(only(attempt.events).name).toBe('exception');
  });

  it('ends a stream’s spans only after its last chunk, with usage and time to first chunk', async () => {
    fake.reply({ body: fixture('openai-chat-stream-usage.sse'), sliceBytes: 400 });
    const client = tracedClient();
    const stream = await client.completion({ model: 'gpt-4o', messages, stream: true });
    let chunks = 0;
    let lastChunkAt = 0;
    for await (const _chunk of stream) {
      chunks++;
      lastChunkAt = Date.now();
      await turn(); // deferred work would run here: nothing may end yet
      expect(telemetry.spans()).toEqual([]);
    }
    expect(chunks).toBeGreaterThan(10);
    await client.flush();

    const span = theCallSpan();
    expect(endMs(span)).toBeGreaterThanOrEqual(lastChunkAt);
    expect(span.status.code).toBe(SpanStatusCode.UNSET);
    expect(span.attributes).toMatchObject({
      'gen_ai.request.stream': true,
      'gen_ai.response.model': 'gpt-4o-2024-08-06',
      'gen_ai.response.finish_reasons': ['stop'],
      'gen_ai.usage.input_tokens': 14,
      'gen_ai.usage.output_tokens': 30,
    });
    expect(span.attributes['gen_ai.response.time_to_first_chunk']).toBeGreaterThanOrEqual(0);
    const attempt = theAttemptSpan();
    expect(attempt.status.code).toBe(SpanStatusCode.UNSET);
    expect(endMs(attempt)).toBeGreaterThanOrEqual(lastChunkAt);
  });

  it('ends the spans of a stream the consumer stops early once, as an AbortError', async () => {
    fake.reply({ body: fixture('openai-chat-stream-usage.sse'), holdOpen: true });
    const client = tracedClient();
    const stream = await client.completion({ model: 'gpt-4o', messages, stream: true });
    for await (const _chunk of stream) break;
    await client.flush();

    const span = theCallSpan();
    expect(span.status.code).toBe(SpanStatusCode.ERROR);
    expect(span.attributes['error.type']).toBe('AbortError');
    expect(only(span.events).attributes?.['exception.type']).toBe('AbortError');
    const attempt = theAttemptSpan();
    expect(attempt.status.code).toBe(SpanStatusCode.ERROR);
    expect(attempt.attributes['error.type']).toBe('AbortError');
    // A second end() would have warned through diag (checked after each test).
  });

  it('marks a stream cut mid-way as an error on the call and the attempt', async () => {
    fake.reply({ body: fixture('openai-chat-stream-usage.sse'), cutAfterBytes: 2000 });
    const client = tracedClient();
    const stream = await client.completion({ model: 'gpt-4o', messages, stream: true });
    const error = (await rejectionOf(collect(stream))) as Error;
    await client.flush();

    expect(error.name).not.toBe('AbortError');
    const span = theCallSpan();
    expect(span.status).toEqual({ code: SpanStatusCode.ERROR, message: error.message });
    expect(span.attributes['error.type']).toBe(error.name);
    const attempt = theAttemptSpan();
    expect(attempt.status.code).toBe(SpanStatusCode.ERROR);
    expect(attempt.attributes['error.type']).toBe(error.name);
  });

  it('records token usage, operation duration and cost metrics', async () => {
    const client = tracedClient();
    fake.reply({ body: fixture('openai-chat.json') });
    await client.completion({ model: 'gpt-4.1-nano', messages });
    await client.completion({ model: 'gpt-4.1-nano', messages });
    fake.reply({ status: 429, body: '{"error":{"message":"slow down"}}' });
    await rejectionOf(client.completion({ model: 'gpt-4.1-nano', messages }));
    expect(telemetry.exportedMetrics()).toEqual([]);
    await client.flush();

    const tokens = telemetry.metric('gen_ai.client.token.usage');
    expect(tokens?.descriptor.unit).toBe('{token}');
    const points = (tokens?.dataPoints ?? []) as DataPoint<Histogram>[];
    const byType = (type: string) =>
      only(points.filter((point) => point.attributes['gen_ai.token.type'] === type));
    expect(byType('input').value).toMatchObject({ sum: 32, count: 2 });
    expect(byType('output').value).toMatchObject({ sum: 726, count: 2 });
    expect(byType('input').attributes).toEqual({
      'gen_ai.operation.name': 'chat',
      'gen_ai.provider.name': 'openai',
      'gen_ai.request.model': 'gpt-4.1-nano',
      'gen_ai.response.model': 'gpt-4.1-nano-2025-04-14',
      'gen_ai.token.type': 'input',
      'server.address': '127.0.0.1',
      'server.port': Number(new URL(fake.url).port),
    });

    const duration = telemetry.metric('gen_ai.client.operation.duration');
    expect(duration?.descriptor.unit).toBe('s');
    const durations = (duration?.dataPoints ?? []) as DataPoint<Histogram>[];
    const failed = only(durations.filter((point) => point.attributes['error.type']));
    const succeeded = only(durations.filter((point) => !point.attributes['error.type']));
    expect(failed.attributes['error.type']).toBe('RateLimitError');
    expect(failed.value.count).toBe(1);
    expect(succeeded.value.count).toBe(2);

    const cost = telemetry.metric('shallot.client.cost');
    expect(cost?.descriptor.unit).toBe('USD');
    const costPoint = only((cost?.dataPoints ?? []) as DataPoint<number>[]);
    expect(costPoint.value).toBeCloseTo(2 * FIXTURE_COST, 15);
  });

  it('runs the transport inside the attempt span, so HTTP spans nest under it', async () => {
    const http = new TracedAgent(telemetry.tracerProvider.getTracer('http'));
    fake.reply({ body: fixture('openai-chat.json') });
    await tracedClient({}, { dispatcher: http }).completion({ model: 'gpt-4.1-nano', messages });
    await tracedClient({ attemptSpans: false }, { dispatcher: http }).completion({
      model: 'gpt-4.1-nano',
      messages,
    });
    await telemetry.tracerProvider.forceFlush();
    await turn();
    await http.close();

    const [withAttempts, withoutAttempts] = callSpans();
    const httpSpans = telemetry.spans().filter((span) => span.name === 'POST');
    expect(httpSpans).toHaveLength(2);
    const attempt = theAttemptSpan();
    expect(parentOf(attempt)).toBe(withAttempts?.spanContext().spanId);
    expect(parentOf(httpSpans[0] as ReadableSpan)).toBe(attempt.spanContext().spanId);
    expect(parentOf(httpSpans[1] as ReadableSpan)).toBe(withoutAttempts?.spanContext().spanId);
  });

  it('puts no trace of the API key in any span, event or metric, on success and failure', async () => {
    const client = tracedClient({ captureContent: true });
    fake.reply({ body: fixture('openai-chat.json') });
    await client.completion({
      model: 'gpt-4.1-nano',
      messages,
      apiKey: KEY,
      metadata: { api_key: KEY, user: 'u-1' },
    });
    fake.reply({
      status: 401,
      body: JSON.stringify({ error: { message: `Incorrect API key provided: ${KEY}.` } }),
    });
    await rejectionOf(
      client.completion({ model: 'gpt-4.1-nano', messages, apiKey: KEY, metadata: { KEY } }),
    );
    await rejectionOf(
      client.completion({
        model: 'openai/gpt-4o-mini',
        messages,
        apiKey: KEY,
        mockResponse: new Error(`upstream refused key ${KEY}`),
      }),
    );
    await client.flush();

    const spans = telemetry.spans();
    expect(spans.filter((span) => span.status.code === SpanStatusCode.ERROR)).toHaveLength(4);
    const written = JSON.stringify({
      spans: spans.map((span) => [span.name, span.attributes, span.events, span.status]),
      metrics: telemetry
        .exportedMetrics()
        .flatMap((exported) => exported.scopeMetrics.flatMap((scope) => scope.metrics)),
    });
    expect(written).toContain('Incorrect API key provided');
    expect(written).toContain('upstream refused key');
    expect(written).not.toContain(KEY);
    expect(written).not.toContain(KEY.slice(-12));
  });

  it('captures the conversation only when asked, and leaves out what the record redacts', async () => {
    fake.reply({ body: fixture('openai-chat.json') });
    const answer = 'Galaxy Day';
    const content = (client: ReturnType<typeof tracedClient>, redact?: object) =>
      client.completion({ model: 'gpt-4.1-nano', messages, ...(redact ? { redact } : {}) });

    await content(tracedClient());
    await content(tracedClient({ captureContent: true }));
    await content(tracedClient({ captureContent: true }, { redact: { messages: true } }));
    await content(tracedClient({ captureContent: true }), { response: true });
    await telemetry.tracerProvider.forceFlush();
    await turn();

    const [plain, captured, noInput, noOutput] = callSpans();
    expect(JSON.stringify(plain?.attributes)).not.toContain(messages[0]?.content);
    expect(JSON.stringify(plain?.attributes)).not.toContain(answer);
    expect(JSON.parse(String(captured?.attributes['gen_ai.input.messages']))).toEqual([
      { role: 'user', parts: [{ type: 'text', content: messages[0]?.content }] },
    ]);
    const output = JSON.parse(String(captured?.attributes['gen_ai.output.messages']));
    expect(output).toMatchObject([{ role: 'assistant', finish_reason: 'stop' }]);
    expect(output[0].parts[0].content).toContain(answer);

    expect(noInput?.attributes).not.toHaveProperty('gen_ai.input.messages');
    expect(String(noInput?.attributes['gen_ai.output.messages'])).toContain(answer);
    expect(JSON.stringify(noInput?.attributes)).not.toContain(messages[0]?.content);
    expect(noOutput?.attributes).not.toHaveProperty('gen_ai.output.messages');
    expect(noOutput?.attributes).toHaveProperty('gen_ai.input.messages');
    expect(JSON.stringify(noOutput?.attributes)).not.toContain(answer);
  });

  it('exports spans and metrics on client.flush(), after the call’s end work has run', async () => {
    fake.reply({ body: fixture('openai-chat.json') });
    const client = tracedClient();
    await client.completion({ model: 'gpt-4.1-nano', messages });
    expect(callSpans()).toEqual([]); // off the hot path: not ended in the caller's turn
    expect(telemetry.exportedMetrics()).toEqual([]);
    expect(await client.flush()).toBe(true);
    expect(callSpans()).toHaveLength(1);
    expect(telemetry.metric('gen_ai.client.operation.duration')?.dataPoints).toHaveLength(1);
  });

  it('reports a provider that fails to flush, a tracer and a meter that throw, and the calls succeed', async () => {
    const reports: Array<{ error: unknown; info: CallbackErrorInfo }> = [];
    const onCallbackError = (error: unknown, info: CallbackErrorInfo) =>
      reports.push({ error, info });
    const down = new Error('collector unreachable');
    const failingFlush = {
      getTracer: (name: string) => telemetry.tracerProvider.getTracer(name),
      forceFlush: () => Promise.reject(down),
    };
    const brokenTracer = {
      getTracer: () => ({
        startSpan: () => {
          throw new Error('tracer broke');
        },
      }),
    } as unknown as OtelLoggerOptions['tracerProvider'];
    const brokenMeter = {
      getMeter: () => {
        throw new Error('meter broke');
      },
    };

    const flushing = tracedClient({ tracerProvider: failingFlush }, { onCallbackError });
    const answer = await flushing.completion({
      model: 'gpt-4o-mini',
      messages,
      mockResponse: 'Hi',
    });
    expect(answer.choices[0]?.message.content).toBe('Hi');
    await flushing.flush();
    const broken = tracedClient({ tracerProvider: brokenTracer }, { onCallbackError });
    const still = await broken.completion({ model: 'gpt-4o-mini', messages, mockResponse: 'Hi' });
    expect(still.choices[0]?.message.content).toBe('Hi');
    await broken.flush();
    const noMeter = tracedClient({ meterProvider: brokenMeter }, { onCallbackError });
    await noMeter.completion({ model: 'gpt-4o-mini', messages, mockResponse: 'Hi' });
    await noMeter.flush();

    expect(reports).toEqual([
      { error: down, info: { callback: 'otelLogger', event: 'flush' } },
      { error: new Error('tracer broke'), info: { callback: 'otelLogger', event: 'start' } },
      { error: new Error('meter broke'), info: { callback: 'otelLogger', event: 'end' } },
    ]);
    // the first call's span, and the third's: ended even though its metrics failed
    expect(callSpans()).toHaveLength(2);
  });

  it('records a cache hit with no attempt, no token usage, zero cost and what it saved', async () => {
    fake.reply({ body: fixture('openai-chat.json') });
    const client = tracedClient();
    client.cache = new Cache();
    await client.completion({ model: 'gpt-4.1-nano', messages });
    await client.flush();
    await client.completion({ model: 'gpt-4.1-nano', messages });
    await client.flush();

    expect(fake.requests.at(-1)?.body.messages).toEqual(messages);
    const [, hit] = callSpans();
    expect(hit?.attributes).toMatchObject({ 'shallot.cache.hit': true, 'shallot.cost.usd': 0 });
    expect(hit?.attributes['shallot.cost.saved_usd']).toBeCloseTo(FIXTURE_COST, 15);
    expect(hit?.attributes).not.toHaveProperty('gen_ai.usage.input_tokens');
    expect(telemetry.spans().filter((span) => span.name.includes(' attempt '))).toHaveLength(1);
    const tokens = telemetry.metric('gen_ai.client.token.usage')?.dataPoints ?? [];
    expect(tokens.map((point) => (point as DataPoint<Histogram>).value.count)).toEqual([1, 1]);
  });

  it('traces a call whose model names no known provider, as a ValidationError', async () => {
    const client = tracedClient();
    const error = await rejectionOf(client.completion({ model: 'acme-cloud/llm-1', messages }));
    expect(error).toBeInstanceOf(ValidationError);
    await client.flush();
    const span = theCallSpan();
    expect(span.name).toBe('chat acme-cloud/llm-1');
    expect(span.attributes).not.toHaveProperty('gen_ai.provider.name');
    expect(span.attributes['error.type']).toBe('ValidationError');
    expect(span.status.code).toBe(SpanStatusCode.ERROR);
  });

  it('uses the global providers by default, even a meter provider registered later', async () => {
    const logger = otelLogger();
    trace.setGlobalTracerProvider(telemetry.tracerProvider);
    metrics.setGlobalMeterProvider(telemetry.meterProvider);
    try {
      const client = createClient({ middleware: [logger] });
      await client.completion({ model: 'gpt-4o-mini', messages, mockResponse: 'Hi' });
      await client.flush();
      expect(theCallSpan().attributes).not.toHaveProperty('server.address');
      expect(telemetry.metric('gen_ai.client.operation.duration')?.dataPoints).toHaveLength(1);
    } finally {
      trace.disable();
      metrics.disable();
    }
  });

  it('rejects bad options when it is made, naming the option', () => {
    const made = (options: unknown) => () => otelLogger(options as OtelLoggerOptions);
    expect(made({ tracerProvider: {} })).toThrow(
      'otelLogger options.tracerProvider: expected a TracerProvider (an object with getTracer()), received an object.',
    );
    expect(made({ meterProvider: 'global' })).toThrow(
      'otelLogger options.meterProvider: expected a MeterProvider (an object with getMeter()), received string "global".',
    );
    expect(made({ captureContent: 'yes' })).toThrow(ValidationError);
    expect(made({ attemptSpans: 1 })).toThrow(
      'otelLogger options.attemptSpans: expected true or false, received number 1.',
    );
    expect(made(42)).toThrow('otelLogger options: expected an options object or nothing');
  });
});

/** An undici agent that opens an HTTP span, as an HTTP instrumentation would. */
class TracedAgent extends Agent {
  readonly #tracer: Tracer;

  constructor(tracer: Tracer) {
    super();
    this.#tracer = tracer;
  }

  override dispatch(options: Dispatcher.DispatchOptions, handler: Dispatcher.DispatchHandler) {
    this.#tracer.startSpan(options.method, { kind: SpanKind.INTERNAL }).end();
    return super.dispatch(options, handler);
  }
}
