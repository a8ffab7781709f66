import type { MeterProvider, TracerProvider } from '@opentelemetry/api';
import { describeValue, ValidationError } from '../../src/kit/index.js';

/** Options of `otelLogger()`. */
export interface OtelLoggerOptions {
  /**
   * Where the spans go. Pass your SDK's provider to keep the global one out of it (tests).
   * @default the global provider (`trace.getTracerProvider()`), as registered by your SDK setup
   */
  tracerProvider?: TracerProvider;
  /**
   * Where the metrics go.
   * @default the global provider (`metrics.getMeterProvider()`), looked up at each call, so one registered later is used
   */
  meterProvider?: MeterProvider;
  /**
   * Put the conversation on the call span as `gen_ai.input.messages` and
   * `gen_ai.output.messages` (JSON). What the call record redacts (the client's or the call's
   * `redact`) is left out all the same. Off by default: prompts and answers often hold
   * personal data.
   * @default false
   */
  captureContent?: boolean;
  /**
   * A child span per attempt (`openai attempt 1`), active around the transport so that HTTP
   * spans nest under it. Off: HTTP spans nest under the call span.
   * @default true
   */
  attemptSpans?: boolean;
}

/** The options, checked, with every default applied. */
export interface OtelLoggerSettings {
  tracerProvider: TracerProvider | undefined;
  meterProvider: MeterProvider | undefined;
  captureContent: boolean;
  attemptSpans: boolean;
}

/** Checks `otelLogger()`'s options once, in the factory. @throws ValidationError */
export function checkOptions(options: OtelLoggerOptions | undefined): OtelLoggerSettings {
  if (options !== undefined && (options === null || typeof options !== 'object')) {
    fail('', 'expected an options object or nothing', options);
  }
  const {
    tracerProvider,
    meterProvider,
    captureContent = false,
    attemptSpans = true,
  } = options ?? {};
  if (tracerProvider !== undefined && typeof tracerProvider?.getTracer !== 'function') {
    fail(
      '.tracerProvider',
      'expected a TracerProvider (an object with getTracer())',
      tracerProvider,
    );
  }
  if (meterProvider !== undefined && typeof meterProvider?.getMeter !== 'function') {
    fail('.meterProvider', 'expected a MeterProvider (an object with getMeter())', meterProvider);
  }
  if (typeof captureContent !== 'boolean') {
    fail('.captureContent', 'expected true or false', captureContent);
  }
  if (typeof attemptSpans !== 'boolean')
    fail('.attemptSpans', 'expected true or false', attemptSpans);
  return { tracerProvider, meterProvider, captureContent, attemptSpans };
}

function fail(path: string, expected: string, received: unknown): never {
  throw ValidationError.forField(
    `otelLogger options${path}`,
    `${expected}, received ${describeValue(received)}.`,
  );
}
