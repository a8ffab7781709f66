import {
  type CallbackFunction,
  type CallbackKwargs,
  type CallbackSource,
  CustomLogger,
  type CustomLoggerHook,
  type LegacyCallback,
  ValidationError,
} from '../../src/kit/index.js';

/** The events a callback can fire on. */
export type CallbackEvent =
  | 'pre_api_call'
  | 'post_api_call'
  | 'stream_event'
  | 'successful_api_call'
  | 'failed_api_call';

/** One callback bound to one event, ready to run with its own copy of kwargs. */
export interface Invocation {
  /** For error reports: `MyHandler.asyncLogSuccessEvent`, or the function's name. */
  name: string;
  run(kwargs: CallbackKwargs, payload: unknown, startTime: Date, endTime: Date | null): unknown;
}

/** Who fires on which event, read from the arrays at the start of a call. */
export type CallbackPlan = Record<CallbackEvent, Invocation[]>;

const HOOKS: Record<CallbackEvent, readonly [CustomLoggerHook, CustomLoggerHook]> = {
  pre_api_call: ['logPreApiCall', 'asyncLogPreApiCall'],
  post_api_call: ['logPostApiCall', 'asyncLogPostApiCall'],
  stream_event: ['logStreamEvent', 'asyncLogStreamEvent'],
  successful_api_call: ['logSuccessEvent', 'asyncLogSuccessEvent'],
  failed_api_call: ['logFailureEvent', 'asyncLogFailureEvent'],
};

/** Which events each array feeds. Functions in `callbacks` get every event but the per-chunk one. */
const ARRAYS: ReadonlyArray<readonly [keyof CallbackSource, readonly CallbackEvent[]]> = [
  ['inputCallback', ['pre_api_call']],
  ['successCallback', ['successful_api_call']],
  ['failureCallback', ['failed_api_call']],
  [
    'callbacks',
    ['pre_api_call', 'post_api_call', 'stream_event', 'successful_api_call', 'failed_api_call'],
  ],
];

/**
 * Reads the callback arrays into a plan: for each event, the callbacks that fire, each once
 * (a handler in two arrays still fires once per event), a handler's async twin chosen over
 * its sync one.
 *
 * @throws ValidationError for an array entry that is neither a function nor a handler.
 */
export function planCallbacks(source: CallbackSource): CallbackPlan {
  const plan: CallbackPlan = {
    pre_api_call: [],
    post_api_call: [],
    stream_event: [],
    successful_api_call: [],
    failed_api_call: [],
  };
  const taken = new Map<CallbackEvent, Set<unknown>>();
  for (const [array, events] of ARRAYS) {
    const entries = source[array];
    if (entries === undefined || entries.length === 0) continue;
    if (!Array.isArray(entries)) throw notAnArray(array, entries);
    entries.forEach((entry, index) => {
      checkEntry(array, index, entry);
      for (const event of events) {
        const seen = taken.get(event) ?? new Set();
        taken.set(event, seen);
        if (seen.has(entry)) continue;
        const invocation = bind(entry, event, array);
        if (invocation) {
          seen.add(entry);
          plan[event].push(invocation);
        }
      }
    });
  }
  return plan;
}

/**
 * Remembers the last plan while the arrays hold the same functions in the same order: most
 * calls re-read arrays nobody changed, and comparing them costs less than planning again. A
 * handler object in an array turns this off: its hooks are looked up again on every call.
 */
export class PlanCache {
  #seen: unknown[] = [];
  #plan: CallbackPlan | undefined;

  /** The plan for the arrays as they are now; {@link planCallbacks}'s errors and all. */
  planFor(source: CallbackSource): CallbackPlan {
    if (this.#plan !== undefined && this.#unchanged(source)) return this.#plan;
    const plan = planCallbacks(source);
    this.#remember(source, plan);
    return plan;
  }

  #unchanged(source: CallbackSource): boolean {
    const seen = this.#seen;
    let at = 0;
    for (const [array] of ARRAYS) {
      const entries = source[array];
      const length = entries?.length ?? 0;
      if (seen[at++] !== entries || seen[at++] !== length) return false;
      for (let index = 0; index < length; index++) {
        if (seen[at++] !== (entries as unknown[])[index]) return false;
      }
    }
    return true;
  }

  #remember(source: CallbackSource, plan: CallbackPlan): void {
    const seen: unknown[] = [];
    for (const [array] of ARRAYS) {
      const entries = source[array];
      seen.push(entries, entries?.length ?? 0);
      for (const entry of entries ?? []) {
        if (typeof entry !== 'function') {
          this.#plan = undefined;
          return;
        }
        seen.push(entry);
      }
    }
    this.#seen = seen;
    this.#plan = plan;
  }
}

function bind(
  entry: LegacyCallback,
  event: CallbackEvent,
  array: keyof CallbackSource,
): Invocation | undefined {
  if (typeof entry === 'function') {
    if (event === 'stream_event') return undefined;
    const fn = entry as CallbackFunction;
    const name = fn.name || 'anonymous function';
    // An input callback is called with kwargs alone, as in LiteLLM.
    if (array === 'inputCallback')
      return { name, run: (kwargs) => (fn as (kwargs: CallbackKwargs) => unknown)(kwargs) };
    return { name, run: (kwargs, payload, start, end) => fn(kwargs, payload as never, start, end) };
  }
  const hook = chooseHook(entry, event);
  if (hook === undefined) return undefined;
  const handler = entry as Record<CustomLoggerHook, (...args: unknown[]) => unknown>;
  const name = `${entry.constructor?.name ?? 'handler'}.${hook}`;
  if (event === 'pre_api_call') {
    return {
      name,
      run: (kwargs) => handler[hook].call(entry, kwargs.model, kwargs.messages, kwargs),
    };
  }
  return {
    name,
    run: (kwargs, payload, start, end) => handler[hook].call(entry, kwargs, payload, start, end),
  };
}

/** The async twin when the handler defines it, else the sync hook, else nothing. */
function chooseHook(entry: object, event: CallbackEvent): CustomLoggerHook | undefined {
  const [sync, async] = HOOKS[event];
  if (defines(entry, async)) return async;
  if (defines(entry, sync)) return sync;
  return undefined;
}

/** True when the handler has its own hook, not the base class's empty one. */
function defines(entry: object, hook: CustomLoggerHook): boolean {
  const method = (entry as Record<string, unknown>)[hook];
  return typeof method === 'function' && method !== CustomLogger.prototype[hook];
}

function checkEntry(
  array: keyof CallbackSource,
  index: number,
  entry: unknown,
): asserts entry is LegacyCallback {
  if (typeof entry === 'function' || (entry !== null && typeof entry === 'object')) return;
  const received = typeof entry === 'string' ? `string "${entry}"` : String(entry);
  throw ValidationError.forField(
    `${array}[${index}]`,
    `expected a function or a CustomLogger, received ${received}. shallot has no named integrations: use a function, a CustomLogger subclass, or a logging middleware.`,
  );
}

function notAnArray(array: keyof CallbackSource, value: unknown): ValidationError {
  return ValidationError.forField(
    array,
    `expected an array of callbacks, received ${typeof value}. Assign an array, such as [myCallback].`,
  );
}
