import type * as OpenTelemetry from '@opentelemetry/api';
import type { Span, Context as TelemetryContext, TimeInput, Tracer } from '@opentelemetry/api';
import {
  type CallRecord,
  type Context,
  callRecordOf,
  isShallotError,
  type Middleware,
  maskSecrets,
  secretsOf,
} from '../../src/kit/index.js';
import {
  type CallTarget,
  conventionName,
  EMBEDDINGS_OPERATION,
  endAttributes,
  OPERATION,
  routeAttributes,
  serverOf,
  startAttributes,
  targetOf,
} from './attributes.js';
import { contentAttributes } from './content.js';
import type { GenAiInstruments } from './instruments.js';

/** What a call span needs from the logger's settings. */
export interface CallSpanSettings {
  /** `@opentelemetry/api`, as otelLogger() loaded it. */
  api: typeof OpenTelemetry;
  tracer: Tracer;
  captureContent: boolean;
}

/**
 * The span of one call, from the moment the logger's layer runs to the end of the call
 * (after the last chunk of a stream), and the spans of its attempts. Each span ends once.
 */
export class CallSpan {
  /** The OpenTelemetry context with this call's span active: run the inner layers in it. */
  readonly active: TelemetryContext;
  readonly #ctx: Context;
  readonly #settings: CallSpanSettings;
  readonly #span: Span;
  readonly #target: CallTarget;
  /** Attempts whose stream is still open: they end with the call. */
  readonly #streaming: Span[] = [];
  #ended = false;

  constructor(ctx: Context, settings: CallSpanSettings) {
    this.#ctx = ctx;
    this.#settings = settings;
    this.#target = targetOf(ctx);
    const { context, SpanKind, trace } = settings.api;
    const parent = context.active();
    this.#span = settings.tracer.startSpan(
      `${ctx.kind === 'embedding' ? EMBEDDINGS_OPERATION : OPERATION} ${this.#target.model}`,
      { kind: SpanKind.CLIENT, attributes: startAttributes(ctx, this.#target) },
      parent,
    );
    this.active = trace.setSpan(parent, this.#span);
  }

  /** Runs the inner layers with this call's span active. */
  runInside(next: () => Promise<void>): Promise<void> {
    return this.#settings.api.context.with(this.active, next);
  }

  /**
   * A layer for the call's attempt chain: a child span per attempt, active around the
   * transport so that an instrumented HTTP client's spans nest under it. A plain attempt's
   * span ends when its answer arrives; a streamed one's when the call ends.
   */
  attemptLayer(): Middleware {
    const call = this;
    return async function otelAttempt(ctx, next) {
      const span = call.#startAttempt(ctx);
      if (span === undefined) return next();
      const { context, trace } = call.#settings.api;
      try {
        await context.with(trace.setSpan(call.active, span), next);
      } catch (error) {
        call.#endAttempt(span, error, Date.now());
        throw error;
      }
      if (ctx.isStream && ctx.stream !== undefined) call.#streaming.push(span);
      else call.#endAttempt(span, undefined, Date.now());
    };
  }

  /** Ends the call's span (and its open attempts) from the call record, and records its metrics. */
  finish(instruments: () => GenAiInstruments): void {
    if (this.#ended) return;
    this.#ended = true;
    const ctx = this.#ctx;
    const endTime = ctx.timings.end ?? Date.now();
    let record: CallRecord;
    try {
      for (const attempt of this.#streaming.splice(0))
        this.#endAttempt(attempt, ctx.error, endTime);
      record = callRecordOf(ctx);
      this.#describe(record, endTime);
    } finally {
      this.#span.end(endTime);
    }
    instruments().record(record, this.#target.common, ctx.response?.model);
  }

  #describe(record: CallRecord, endTime: TimeInput): void {
    const span = this.#span;
    const ctx = this.#ctx;
    span.setAttributes(endAttributes(record, ctx.kind === 'completion' ? ctx.response : undefined));
    if (this.#settings.captureContent) span.setAttributes(contentAttributes(record));
    if (record.error === null) return;
    const { class: name, message } = record.error;
    span.setStatus({ code: this.#settings.api.SpanStatusCode.ERROR, message });
    span.recordException({ name, message, stack: this.#stackOf(this.#ctx.error) }, endTime);
  }

  #startAttempt(ctx: Context): Span | undefined {
    try {
      const provider = ctx.provider;
      return this.#settings.tracer.startSpan(
        `${provider.name} attempt ${ctx.attempt}`,
        {
          kind: this.#settings.api.SpanKind.INTERNAL,
          attributes: {
            'shallot.attempt': ctx.attempt,
            'gen_ai.provider.name': conventionName(provider.name),
            'gen_ai.request.model': provider.model,
            ...(ctx.options.mockResponse === undefined ? serverOf(provider.apiBase) : {}),
            ...routeAttributes(ctx.metadata),
          },
        },
        this.active,
      );
    } catch (error) {
      // The attempt goes on without its span.
      ctx.report(error, { callback: 'otelLogger', event: 'attempt' });
      return undefined;
    }
  }

  #endAttempt(span: Span, error: unknown, endTime: TimeInput): void {
    const status = this.#ctx.providerResponse?.status;
    if (status !== undefined) span.setAttribute('http.response.status_code', status);
    if (error !== undefined) {
      const name = error instanceof Error ? error.name : 'Error';
      const message = maskSecrets(
        error instanceof Error ? error.message : String(error),
        this.#secrets(),
      );
      span.setAttribute('error.type', name);
      if (isShallotError(error)) span.setAttribute('shallot.error.retryable', error.retryable);
      span.setStatus({ code: this.#settings.api.SpanStatusCode.ERROR, message });
      span.recordException({ name, message, stack: this.#stackOf(error) }, endTime);
    }
    span.end(endTime);
  }

  #stackOf(error: unknown): string | undefined {
    return error instanceof Error && error.stack
      ? maskSecrets(error.stack, this.#secrets())
      : undefined;
  }

  #secrets(): readonly string[] {
    return secretsOf(this.#ctx);
  }
}
