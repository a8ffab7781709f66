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

  /**
   * Gateway hook, before the call (LiteLLM's `async_pre_call_hook`): return the request changed,
   * or a string (or throw) to refuse it with a 400; anything else lets it through as it is.
   * `cache` is the client's cache, or null.
   */
  async asyncPreCallHook(
    _userApiKeyDict: UserApiKeyDict,
    _cache: unknown,
    _data: ProxyRequestData,
    _callType: ProxyCallType,
  ): Promise<ProxyRequestData | string | undefined> {
    return undefined;
  }

  /** Gateway hook, run alongside the call (LiteLLM's `async_moderation_hook`): a throw fails the request. */
  async asyncModerationHook(
    _data: ProxyRequestData,
    _userApiKeyDict: UserApiKeyDict,
    _callType: ProxyCallType,
  ): Promise<void> {}

  /** Gateway hook, after a successful call (for a stream, after its last chunk): return a changed plain answer, or nothing. */
  async asyncPostCallSuccessHook(
    _data: ProxyRequestData,
    _userApiKeyDict: UserApiKeyDict,
    _response: unknown,
  ): Promise<unknown> {
    return undefined;
  }

  /** Gateway hook, after a failed call. */
  async asyncPostCallFailureHook(
    _requestData: ProxyRequestData,
    _error: Error,
    _userApiKeyDict: UserApiKeyDict,
  ): Promise<void> {}

  /** Gateway hook, for every chunk of a stream (an observer: the chunk goes on as it is). */
  async asyncPostCallStreamingHook(
    _userApiKeyDict: UserApiKeyDict,
    _chunk: ChatCompletionChunk,
  ): Promise<void> {}
}

/** The hooks a handler may override, sync and async (the gateway's hooks apart: {@link ProxyHook}). */
export type CustomLoggerHook = Exclude<keyof CustomLogger, 'constructor' | ProxyHook>;

/** The gateway's (LiteLLM proxy's) hooks, which the `proxyHooks()` layer runs. */
export type ProxyHook =
  | 'asyncPreCallHook'
  | 'asyncModerationHook'
  | 'asyncPostCallSuccessHook'
  | 'asyncPostCallFailureHook'
  | 'asyncPostCallStreamingHook';

/** The caller of a gateway request, as LiteLLM's `user_api_key_dict`: the metadata its key gave the call. */
export type UserApiKeyDict = Record<string, unknown>;

/** A request as the gateway's hooks see it and may change it: the OpenAI body, with `metadata`. */
export type ProxyRequestData = Record<string, unknown>;

/** The kind of call a gateway hook sees, in LiteLLM's words. */
export type ProxyCallType = 'completion' | 'embeddings';
