/**
 * otelLogger(): OpenTelemetry spans and metrics after the GenAI semantic conventions. A CLIENT
 * span per call (a child of whatever span is active), a child span per attempt, and the
 * token-usage, duration and cost metrics. Here the SDK keeps them in memory and the program
 * prints a summary; in production you would hand the same providers an OTLP exporter.
 */
import { context, SpanStatusCode } from '@opentelemetry/api';
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
import { createClient } from 'shallot';
import { otelLogger } from 'shallot/middleware/otel-logger';
import { startEchoServer } from '../support/echo-server.js';

// The OpenTelemetry SDK: what your tracing setup (or NodeSDK) does once at startup.
context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
const spans = new InMemorySpanExporter();
const tracerProvider = new BasicTracerProvider({
  spanProcessors: [new SimpleSpanProcessor(spans)],
});
const exported = new InMemoryMetricExporter(AggregationTemporality.CUMULATIVE);
const meterProvider = new MeterProvider({
  readers: [
    new PeriodicExportingMetricReader({ exporter: exported, exportIntervalMillis: 60_000 }),
  ],
});

// A local OpenAI-compatible server stands in for OpenAI.
const server = await startEchoServer();
const client = createClient({
  providers: { openai: { apiKey: 'sk-example-only', apiBase: server.url } },
  middleware: [otelLogger({ tracerProvider, meterProvider })],
});
const model = 'openai/gpt-4o-mini';
const ask = (content: string) => [{ role: 'user' as const, content }];

// The calls run inside a span of the application: shallot's spans become its children.
await tracerProvider.getTracer('app').startActiveSpan('handle request', async (request) => {
  await client.completion({ model, messages: ask('What is a shallot?'), temperature: 0 });
  const stream = await client.completion({ model, messages: ask('Stream it'), stream: true });
  for await (const _chunk of stream) {
    // the call's span ends after the last chunk
  }
  await client.completion({ model, messages: ask('Now please fail') }).catch(() => {});
  request.end();
});

// Spans end off the hot path; flush() also force-flushes both providers.
await client.flush();
await server.close();

console.log('spans:');
printTree(spans.getFinishedSpans());
console.log('metrics:');
printMetrics();
await Promise.all([tracerProvider.shutdown(), meterProvider.shutdown()]);

function printTree(finished: ReadableSpan[]): void {
  const children = (parent: string | undefined) =>
    finished
      .filter((span) => span.parentSpanContext?.spanId === parent)
      .sort((a, b) => a.startTime[0] - b.startTime[0] || a.startTime[1] - b.startTime[1]);
  const print = (span: ReadableSpan, depth: number) => {
    console.log(`${'  '.repeat(depth + 1)}${span.name}${describe(span)}`);
    for (const child of children(span.spanContext().spanId)) print(child, depth + 1);
  };
  for (const root of children(undefined)) print(root, 0);
}

function describe(span: ReadableSpan): string {
  const attributes = span.attributes;
  const parts: string[] = [];
  if (attributes['gen_ai.request.stream'] === true) parts.push('stream');
  if (attributes['gen_ai.usage.input_tokens'] !== undefined) {
    parts.push(
      `tokens ${attributes['gen_ai.usage.input_tokens']}→${attributes['gen_ai.usage.output_tokens']}`,
    );
  }
  const cost = attributes['shallot.cost.usd'];
  if (typeof cost === 'number') parts.push(`$${cost.toFixed(6)}`);
  const reasons = attributes['gen_ai.response.finish_reasons'];
  if (Array.isArray(reasons)) parts.push(`finish ${reasons.join(',')}`);
  const status = attributes['http.response.status_code'];
  if (status !== undefined) parts.push(`HTTP ${status}`);
  if (span.status.code === SpanStatusCode.ERROR) parts.push(`ERROR ${attributes['error.type']}`);
  return parts.length === 0 ? '' : `  (${parts.join(', ')})`;
}

function printMetrics(): void {
  const last = exported.getMetrics().at(-1);
  for (const metric of last?.scopeMetrics.flatMap((scope) => scope.metrics) ?? []) {
    const { name, unit } = metric.descriptor;
    for (const point of metric.dataPoints as DataPoint<number | Histogram>[]) {
      const value = point.value;
      const shown =
        typeof value === 'number'
          ? `total ${value.toFixed(6)} ${unit}`
          : `count ${value.count}${unit === 's' ? '' : `, sum ${value.sum} ${unit}`}`;
      const labels = ['gen_ai.token.type', 'error.type']
        .filter((label) => point.attributes[label] !== undefined)
        .map((label) => `${label}=${point.attributes[label]}`);
      console.log(`  ${name}${labels.length ? ` [${labels.join(' ')}]` : ''}: ${shown}`);
    }
  }
}
