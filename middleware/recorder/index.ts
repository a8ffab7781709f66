import {
  type CallStatus,
  type ChatCompletion,
  type ChatRequest,
  type EmbeddingRequest,
  type EmbeddingResponse,
  type EmbeddingVector,
  type ErrorCode,
  type JsonObject,
  type Middleware,
  type Usage,
  ValidationError,
} from '../../src/kit/index.js';

/** One finished call, as the recorder saw it: narrow on `kind` to read its request and response. */
export type Recording = CompletionRecording | EmbeddingRecording;

/** A `completion()` call, as the recorder saw it. */
export interface CompletionRecording extends RecordingBase {
  kind: 'completion';
  /** A copy of the request as it entered this layer. */
  request: ChatRequest;
  response: ChatCompletion | undefined;
}

/** An `embedding()` call, as the recorder saw it. */
export interface EmbeddingRecording extends RecordingBase {
  kind: 'embedding';
  /** A copy of the request as it entered this layer. */
  request: EmbeddingRequest;
  response: EmbeddingResponse<EmbeddingVector> | undefined;
}

/** What the recorder keeps of every call. */
export interface RecordingBase {
  callId: string;
  traceId: string;
  /** The model as the caller named it. */
  model: string;
  provider: string | undefined;
  stream: boolean;
  status: CallStatus;
  /** The exact body sent to the provider, by the last attempt. */
  providerBody: JsonObject | undefined;
  attempts: number;
  /** How many chunks the caller received (streams). */
  chunks: number;
  usage: Usage | undefined;
  error: { name: string; code: ErrorCode; message: string } | undefined;
  /** Milliseconds from the start to the first chunk (or the answer), and to the end. */
  timeToFirstTokenMs: number | undefined;
  durationMs: number;
}

/** Options of {@link recorder}. */
export interface RecorderOptions {
  /** Keep at most this many recordings, dropping the oldest. @default 1000 */
  limit?: number;
}

/** A middleware that keeps a recording of every call it sees. */
export interface Recorder extends Middleware {
  /** The finished calls, oldest first. */
  readonly calls: readonly Recording[];
  /** Forgets every recording. */
  clear(): void;
}

/**
 * Records every call that passes through it, for tests and demos: the request, the exact
 * provider body, chunks, the response or error, usage and timings. Streamed calls are
 * recorded when the stream ends.
 *
 * @example
 * const calls = recorder();
 * const client = createClient({ middleware: [calls] });
 * await client.completion({ model: 'gpt-4o-mini', messages, mockResponse: 'Hi' });
 * expect(calls.calls[0].response?.choices[0].message.content).toBe('Hi');
 */
export function recorder(options: RecorderOptions = {}): Recorder {
  const limit = options.limit ?? 1000;
  if (!Number.isInteger(limit) || limit < 1) {
    throw ValidationError.forField(
      'recorder options.limit',
      `expected a positive whole number, received ${String(limit)}.`,
    );
  }
  const calls: Recording[] = [];

  const record: Middleware = async function recorder(ctx, next) {
    const request = structuredClone(ctx.request);
    let providerBody: JsonObject | undefined;
    let chunks = 0;
    ctx.useAttempt(async function recordAttempt(attemptCtx, attemptNext) {
      providerBody = attemptCtx.providerRequest?.body;
      await attemptNext();
    });
    // Registered on the way in: end listeners run innermost-first, so inner layers' have run.
    ctx.onChunk(() => {
      chunks++;
    });
    ctx.onEnd(() => {
      const { start, firstToken, end = Date.now() } = ctx.timings;
      const answer =
        ctx.kind === 'completion'
          ? { kind: ctx.kind, request: request as ChatRequest, response: ctx.response }
          : { kind: ctx.kind, request: request as EmbeddingRequest, response: ctx.response };
      calls.push({
        ...answer,
        callId: ctx.callId,
        traceId: ctx.traceId,
        model: request.model,
        provider: ctx.providerRequest ? ctx.provider.name : undefined,
        stream: ctx.isStream,
        status: ctx.status,
        providerBody,
        attempts: ctx.attempt,
        chunks,
        usage: ctx.usage,
        error: ctx.error && {
          name: ctx.error.name,
          code: ctx.error.code,
          message: ctx.error.message,
        },
        timeToFirstTokenMs: firstToken === undefined ? undefined : firstToken - start,
        durationMs: end - start,
      });
      if (calls.length > limit) calls.shift();
    });
    await next();
  };

  return Object.assign(record, {
    calls,
    clear: () => {
      calls.length = 0;
    },
  });
}
