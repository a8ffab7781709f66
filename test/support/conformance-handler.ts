import {
  type CallbackKwargs,
  type ChatCompletion,
  type ChatCompletionChunk,
  type ChatMessage,
  CustomLogger,
  callRecordSchema,
  ShallotError,
} from 'shallot';

type State =
  | 'async_pre_api_call'
  | 'post_api_call'
  | 'async_stream'
  | 'async_success'
  | 'async_failure';

/**
 * The handler of LiteLLM's callback tests (`CompletionCustomHandler`), ported: each hook
 * records its state and checks the type of every kwargs key it reads. A failed check is
 * collected in `errors`, as LiteLLM's handler does, so a test can assert there were none.
 */
export class ConformanceHandler extends CustomLogger {
  readonly states: State[] = [];
  readonly errors: string[] = [];
  readonly seen: CallbackKwargs[] = [];

  override async asyncLogPreApiCall(
    model: string,
    messages: ChatMessage[],
    kwargs: CallbackKwargs,
  ) {
    this.#check('async_pre_api_call', kwargs, () => {
      expectType(model, 'string', 'model');
      expectArray(messages, 'messages');
      this.#common(kwargs, 'pre_api_call');
      expectType(kwargs.input, 'object', 'kwargs.input');
      expectObject(
        kwargs.additional_args.complete_input_dict,
        'kwargs.additional_args.complete_input_dict',
      );
    });
  }

  override logPostApiCall(
    kwargs: CallbackKwargs,
    responseObj: null,
    startTime: Date,
    endTime: Date | null,
  ) {
    this.#check('post_api_call', kwargs, () => {
      expectDate(startTime, 'startTime');
      expectEqual(endTime, null, 'endTime');
      expectEqual(responseObj, null, 'responseObj');
      this.#common(kwargs, 'post_api_call');
      if (!kwargs.stream)
        expectType(kwargs.original_response, 'string', 'kwargs.original_response');
    });
  }

  override async asyncLogStreamEvent(
    kwargs: CallbackKwargs,
    responseObj: ChatCompletionChunk,
    startTime: Date,
    endTime: Date,
  ) {
    this.#check('async_stream', kwargs, () => {
      expectDate(startTime, 'startTime');
      expectDate(endTime, 'endTime');
      expectEqual(responseObj.object, 'chat.completion.chunk', 'responseObj.object');
      expectEqual(kwargs.stream, true, 'kwargs.stream');
      this.#common(kwargs, 'post_api_call');
    });
  }

  override async asyncLogSuccessEvent(
    kwargs: CallbackKwargs,
    responseObj: ChatCompletion,
    startTime: Date,
    endTime: Date,
  ) {
    this.#check('async_success', kwargs, () => {
      expectDate(startTime, 'startTime');
      expectDate(endTime, 'endTime');
      expectEqual(responseObj.object, 'chat.completion', 'responseObj.object');
      this.#common(kwargs, 'successful_api_call');
      expectDate(kwargs.completion_start_time, 'kwargs.completion_start_time');
      expectDate(kwargs.end_time, 'kwargs.end_time');
      expectNullable(kwargs.response_cost, 'number', 'kwargs.response_cost');
      expectNullable(kwargs.cache_hit, 'boolean', 'kwargs.cache_hit');
      if (kwargs.stream) {
        expectEqual(
          kwargs.complete_streaming_response?.object,
          'chat.completion',
          'complete_streaming_response',
        );
      }
      callRecordSchema.parse(kwargs.standard_logging_object);
      expectEqual(kwargs.standard_logging_object?.status, 'success', 'record status');
    });
  }

  override async asyncLogFailureEvent(
    kwargs: CallbackKwargs,
    responseObj: null,
    startTime: Date,
    endTime: Date,
  ) {
    this.#check('async_failure', kwargs, () => {
      expectDate(startTime, 'startTime');
      expectDate(endTime, 'endTime');
      expectEqual(responseObj, null, 'responseObj');
      this.#common(kwargs, 'failed_api_call');
      if (!(kwargs.exception instanceof ShallotError))
        throw new Error('kwargs.exception is not a ShallotError');
      expectType(kwargs.traceback_exception, 'string', 'kwargs.traceback_exception');
      callRecordSchema.parse(kwargs.standard_logging_object);
      expectEqual(kwargs.standard_logging_object?.status, 'failure', 'record status');
    });
  }

  #common(kwargs: CallbackKwargs, eventType: CallbackKwargs['log_event_type']) {
    expectType(kwargs.model, 'string', 'kwargs.model');
    expectArray(kwargs.messages, 'kwargs.messages');
    expectObject(kwargs.optional_params, 'kwargs.optional_params');
    expectObject(kwargs.litellm_params, 'kwargs.litellm_params');
    expectObject(kwargs.litellm_params.metadata, 'kwargs.litellm_params.metadata');
    expectType(kwargs.litellm_params.litellm_call_id, 'string', 'litellm_call_id');
    expectDate(kwargs.start_time, 'kwargs.start_time');
    expectType(kwargs.stream, 'boolean', 'kwargs.stream');
    expectNullable(kwargs.user, 'string', 'kwargs.user');
    expectNullable(kwargs.api_key, 'string', 'kwargs.api_key');
    expectObject(kwargs.additional_args, 'kwargs.additional_args');
    expectEqual(kwargs.log_event_type, eventType, 'kwargs.log_event_type');
    expectEqual(kwargs.call_type, 'acompletion', 'kwargs.call_type');
  }

  #check(state: State, kwargs: CallbackKwargs, checks: () => void) {
    this.states.push(state);
    this.seen.push(kwargs);
    try {
      checks();
    } catch (error) {
      this.errors.push(`${state}: ${(error as Error).message}`);
    }
  }
}

function expectType(value: unknown, type: string, name: string) {
  if (typeof value !== type) throw new Error(`${name}: expected ${type}, received ${typeof value}`);
}

function expectNullable(value: unknown, type: string, name: string) {
  if (value !== null) expectType(value, type, name);
}

function expectObject(value: unknown, name: string) {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new Error(`${name}: expected an object`);
  }
}

function expectArray(value: unknown, name: string) {
  if (!Array.isArray(value) || typeof value[0] !== 'object')
    throw new Error(`${name}: expected a list of dicts`);
}

function expectDate(value: unknown, name: string) {
  if (!(value instanceof Date) || Number.isNaN(value.getTime()))
    throw new Error(`${name}: expected a Date`);
}

function expectEqual(value: unknown, expected: unknown, name: string) {
  if (value !== expected)
    throw new Error(`${name}: expected ${String(expected)}, received ${String(value)}`);
}
