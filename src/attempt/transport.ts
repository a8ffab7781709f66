import type { Dispatcher } from 'undici';
import type { Middleware } from '../call/middleware.js';
import type { CallContext } from '../context/context.js';
import type { MockResponse } from '../context/types.js';
import { answerEmbeddingsFromMock } from '../embedding/mock.js';
import { sendEmbeddings } from '../embedding/send.js';
import { answerFromMock, raiseMock } from '../providers/mock/index.js';
import { type BodyLimits, sendHttp } from '../transport/http.js';

/** Settings of the transport layer, from the client. */
export interface TransportSettings {
  dispatcher: Dispatcher;
  /** Milliseconds, when the call gives no `timeout`. */
  timeout: number;
  /** What may be held in memory of one answer. */
  limits: BodyLimits;
}

/**
 * The innermost attempt layer: answers from `mockResponse` when the call has one, and
 * otherwise sends the prepared request over HTTP. It never calls `next()`.
 */
export function transport(settings: TransportSettings): Middleware {
  return function transport(ctx) {
    const call = ctx as CallContext;
    const mock = call.options.mockResponse;
    const timeout = call.options.timeout ?? settings.timeout;
    if (call.kind === 'embedding') {
      if (mock instanceof Error) return raiseMock(call, mock);
      if (mock !== undefined) return Promise.resolve(answerEmbeddingsFromMock(call, mock));
      return sendEmbeddings(call, { ...settings, timeout });
    }
    // completion()'s parser admits only its own kinds of mock.
    if (mock !== undefined) return answerFromMock(call, mock as MockResponse);
    return sendHttp(call, settings.dispatcher, timeout, settings.limits);
  };
}
