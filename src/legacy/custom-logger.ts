import type { ChatCompletion, ChatCompletionChunk, ChatMessage } from '../types/openai.js';
import type { CallbackKwargs } from './kwargs.js';

/**
 * The base class of a LiteLLM-style callback handler. Override any hook; each fires once per
 * event, and where both twins are overridden (`logSuccessEvent` and `asyncLogSuccessEvent`)
 * only the async one runs. Put an instance in `shallot.callbacks` for every event, or in
 * `successCallback` / `failureCallback` / `inputCallback` for one kind.
 *
 * @example
 * class MyHandler extends CustomLogger {
 *   override logSuccessEvent(kwargs: CallbackKwargs, responseObj: ChatCompletion) {
 *     console.log('On Success', kwargs.model, kwargs.response_cost);
 *   }
 * }
 * shallot.callbacks = [new MyHandler()];
 */
export class CustomLogger {
  /** Before each API call, with the exact request in `kwargs.additional_args.complete_input_dict`. */
  logPreApiCall(_model: string, _messages: ChatMessage[], _kwargs: CallbackKwargs): void {}

  /** After each API call's response head (streams) or body; `responseObj` and `endTime` are null, as in LiteLLM. */
  logPostApiCall(
    _kwargs: CallbackKwargs,
    _responseObj: null,
    _startTime: Date,
    _endTime: Date | null,
  ): void {}

  /** For every chunk of a stream. */
  logStreamEvent(
    _kwargs: CallbackKwargs,
    _responseObj: ChatCompletionChunk,
    _startTime: Date,
    _endTime: Date,
  ): void {}

  /** Once per successful call, after the caller has the answer (after the last chunk for streams). */
  logSuccessEvent(
    _kwargs: CallbackKwargs,
    _responseObj: ChatCompletion,
    _startTime: Date,
    _endTime: Date,
  ): void {}

  /** Once per failed call; the error is `kwargs.exception`. */
  logFailureEvent(
    _kwargs: CallbackKwargs,
    _responseObj: null,
    _startTime: Date,
    _endTime: Date,
  ): void {}

  /** The async twin of {@link CustomLogger.logPreApiCall}; awaited before the request is sent. */
  async asyncLogPreApiCall(
    _model: string,
    _messages: ChatMessage[],
    _kwargs: CallbackKwargs,
  ): Promise<void> {}

  /** The async twin of {@link CustomLogger.logPostApiCall}; awaited before the answer moves on. */
  async asyncLogPostApiCall(
    _kwargs: CallbackKwargs,
    _responseObj: null,
    _startTime: Date,
    _endTime: Date | null,
  ): Promise<void> {}

  /** The async twin of {@link CustomLogger.logStreamEvent}. */
  async asyncLogStreamEvent(
    _kwargs: CallbackKwargs,
    _responseObj: ChatCompletionChunk,
    _startTime: Date,
    _endTime: Date,
  ): Promise<void> {}

  /** The async twin of {@link CustomLogger.logSuccessEvent}. */
  async asyncLogSuccessEvent(
    _kwargs: CallbackKwargs,
    _responseObj: ChatCompletion,
    _startTime: Date,
    _endTime: Date,
  ): Promise<void> {}

  /** The async twin of {@link CustomLogger.logFailureEvent}. */
  async asyncLogFailureEvent(
    _kwargs: CallbackKwargs,
    _responseObj: null,
    _startTime: Date,
    _endTime: Date,
  ): Promise<void> {}
}

/** The hooks a handler may override, sync and async. */
export type CustomLoggerHook = Exclude<keyof CustomLogger, 'constructor'>;
