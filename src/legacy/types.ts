import type { EmbeddingResponse, EmbeddingVector } from '../types/embedding.js';
import type { ChatCompletion, ChatCompletionChunk } from '../types/openai.js';
import type { CustomLogger } from './custom-logger.js';
import type { CallbackKwargs } from './kwargs.js';

/**
 * A callback function, sync or async. Success and failure callbacks receive
 * `(kwargs, completionResponse, startTime, endTime)` (`completionResponse` null on
 * failure); input callbacks receive `(kwargs)`. A function in `callbacks` receives every
 * event with the success signature; `kwargs.log_event_type` says which.
 */
export type CallbackFunction = BivariantCallback['callback'];

/**
 * Declared as a method so that its parameters are bivariant: a success callback may type its
 * second parameter as `ChatCompletion`, as LiteLLM's examples do (or `EmbeddingResponse`).
 */
interface BivariantCallback {
  callback(
    kwargs: CallbackKwargs,
    completionResponse:
      | ChatCompletion
      | ChatCompletionChunk
      | EmbeddingResponse<EmbeddingVector>
      | null,
    startTime: Date,
    endTime: Date | null,
  ): unknown;
}

/** What the legacy arrays hold: functions, `CustomLogger` instances, or objects with the same hooks. */
export type LegacyCallback = CallbackFunction | CustomLogger | Partial<CustomLogger>;

/** The four LiteLLM callback arrays, read on every call. */
export interface CallbackSource {
  /** Fired after every successful call. */
  successCallback?: LegacyCallback[];
  /** Fired after every failed call. */
  failureCallback?: LegacyCallback[];
  /** Fired before every API call. */
  inputCallback?: LegacyCallback[];
  /** Fired for every event. */
  callbacks?: LegacyCallback[];
}
