import type * as OpenTelemetry from '@opentelemetry/api';
import {
  type CallbackErrorInfo,
  type Middleware,
  type OptionalPackage,
  type Reporter,
  Reporters,
  requireOptional,
  type Sink,
} from '../../src/kit/index.js';
import { CallSpan } from './call-span.js';
import { instrumentsOf } from './instruments.js';
import { checkOptions, type OtelLoggerOptions } from './options.js';

export type { OtelLoggerOptions } from './options.js';

const NAME = 'otelLogger';
const SCOPE = { name: 'shallot' };
const END: CallbackErrorInfo = { callback: NAME, event: 'end' };
/** The OpenTelemetry API, an optional peer dependency: `npm install @opentelemetry/api`. */
const OTEL_API: OptionalPackage = { name: '@opentelemetry/api', neededBy: NAME };

/**
 * Traces every call with OpenTelemetry, after the GenAI semantic conventions, through
 * `@opentelemetry/api` (bring your own SDK and exporter):
 *
 * - a CLIENT span per call, `chat {model}`, started when the call enters this layer and ended
 *   when the call ends (after the last chunk of a stream, on a failure, an abort or a cut
 *   mid-stream), with `gen_ai.*` request, response and usage attributes, `shallot.cost.usd`,
 *   `shallot.cache.hit`, and on a failure an ERROR status, `error.type` and an exception event;
 * - a child span per attempt, active around the transport, so HTTP spans nest under it;
 * - the metrics `gen_ai.client.token.usage`, `gen_ai.client.operation.duration`,
 *   `gen_ai.client.operation.time_to_first_chunk` (streams) and `shallot.client.cost` (USD).
 *
 * End-of-call work runs off the hot path, stamped with the call's own end time.
 * Attributes come from the call record and the request's parameters: no key, no metadata, and
 * no conversation unless `captureContent` asks for it. `client.flush()` force-flushes the
 * tracer and meter providers. Spans and metrics never fail a call; a failure goes to the
 * client's `onCallbackError`.
 *
 * `@opentelemetry/api` is not installed with shallot (your SDK setup brings it): without it,
 * the factory throws a `ValidationError` that says to `npm install @opentelemetry/api`.
 *
 * @example
 * import { trace } from '@opentelemetry/api';
 * const client = createClient({ middleware: [otelLogger()] }); // uses your SDK's global providers
 * await trace.getTracer('app').startActiveSpan('answer', async (span) => {
 *   await client.completion({ model: 'openai/gpt-4o-mini', messages }); // a child of 'answer'
 *   span.end();
 * });
 * await client.flush(); // exported
 */
export function otelLogger(options?: OtelLoggerOptions): Sink {
  const settings = checkOptions(options);
  // Loaded here, not imported, so that a missing package is a clear error; Node gives
  // `import` the same CommonJS build, so this is the instance the SDK registered with.
  const api = requireOptional<typeof OpenTelemetry>(OTEL_API);
  const { metrics, trace } = api;
  const tracer = (settings.tracerProvider ?? trace.getTracerProvider()).getTracer(SCOPE.name);
  const instruments = instrumentsOf(
    () => settings.meterProvider ?? metrics.getMeterProvider(),
    SCOPE,
  );
  // A flush happens outside any call: its failure goes to the clients that adopted the layer.
  const reporters = new Reporters();

  const middleware: Middleware = async function otelLogger(ctx, next) {
    reporters.saw(ctx);
    let call: CallSpan;
    try {
      call = new CallSpan(ctx, { api, tracer, captureContent: settings.captureContent });
      if (settings.attemptSpans) ctx.useAttempt(call.attemptLayer());
    } catch (error) {
      // A tracer that throws loses this call's span; the call itself goes on.
      ctx.report(error, { callback: NAME, event: 'start' });
      return next();
    }
    ctx.onEnd(() => ctx.defer(() => call.finish(instruments), END));
    await call.runInside(next);
  };

  const flush = async () => {
    const providers = [
      settings.tracerProvider ?? delegateOf(trace.getTracerProvider(), api),
      settings.meterProvider ?? metrics.getMeterProvider(),
    ];
    await Promise.all(
      providers.map(async (provider) => {
        try {
          if (hasForceFlush(provider)) await provider.forceFlush();
        } catch (error) {
          reporters.report(error, { callback: NAME, event: 'flush' });
        }
      }),
    );
  };
  return Object.assign(middleware, {
    flush,
    close: flush,
    adopt: (report: Reporter) => reporters.adopt(report),
    report: (error: unknown, event: string) => reporters.report(error, { callback: NAME, event }),
  });
}

/** The SDK's provider behind the API's global proxy, which has no `forceFlush()` of its own. */
function delegateOf(provider: unknown, api: typeof OpenTelemetry): unknown {
  return provider instanceof api.ProxyTracerProvider ? provider.getDelegate() : provider;
}

function hasForceFlush(provider: unknown): provider is { forceFlush(): Promise<unknown> } {
  return typeof (provider as { forceFlush?: unknown } | undefined)?.forceFlush === 'function';
}
