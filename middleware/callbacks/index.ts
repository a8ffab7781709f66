import {
  type AttemptFailure,
  type CallbackKwargs,
  type CallbackSource,
  type ChatCompletionChunk,
  type Context,
  type LogEventType,
  type Middleware,
  secretsOf,
} from '../../src/kit/index.js';
import { deepCopy } from './copy.js';
import { EventRun } from './invoke.js';
import { buildKwargs, kwargsFor, recordSource } from './kwargs.js';
import { type CallbackEvent, type Invocation, PlanCache } from './plan.js';

export type { CallbackEvent } from './plan.js';

/**
 * LiteLLM's callback surface as a layer of the onion. The arrays of `source` are read at the
 * start of every call, so they can be reassigned or pushed to at any time:
 *
 * - input callbacks and pre/post API hooks run in line, once per attempt, before the request
 *   is sent and after its response head (or body) arrives;
 * - stream events, and the one success or failure event, run off the hot path after the
 *   caller has its result, in order, tracked by `client.flush()`.
 *
 * Every callback gets its own deep copy of `kwargs`; a callback that throws or rejects is
 * reported to `onCallbackError` and changes nothing else. Every client has this layer, fed by
 * its own arrays; use the factory for a stack of your own.
 *
 * @example
 * const client = createClient({ middleware: [callbacks({ successCallback: [logCost] })] });
 */
export function callbacks(source: CallbackSource = {}): Middleware {
  const plans = new PlanCache();
  // A plain function: it registers its listeners and hands on, with no promise of its own.
  return function callbacks(ctx, next) {
    const plan = plans.planFor(source);
    const hasTerminal = plan.successful_api_call.length > 0 || plan.failed_api_call.length > 0;
    const hasApiHooks = plan.pre_api_call.length > 0 || plan.post_api_call.length > 0;
    if (!hasTerminal && !hasApiHooks && plan.stream_event.length === 0) return next();
    if (hasApiHooks) ctx.useAttempt(apiHooks(plan));
    if (plan.failed_api_call.length > 0) {
      ctx.onAttemptFailure((failure) => attemptFailureEvent(ctx, plan.failed_api_call, failure));
    }
    if (plan.stream_event.length > 0) ctx.onChunk(streamEvents(ctx, plan.stream_event));
    if (hasTerminal) ctx.onEnd(() => terminalEvent(ctx, plan));
    return next();
  };
}

/** The attempt layer: input and pre-API callbacks before the transport, post-API after it. */
function apiHooks(plan: Record<CallbackEvent, Invocation[]>): Middleware {
  return async function apiCallbacks(ctx, next) {
    if (plan.pre_api_call.length > 0) {
      await runInline(ctx, plan.pre_api_call, buildKwargs(ctx, 'pre_api_call'), 'pre_api_call');
    }
    try {
      await next();
    } finally {
      if (plan.post_api_call.length > 0) {
        await runInline(
          ctx,
          plan.post_api_call,
          buildKwargs(ctx, 'post_api_call'),
          'post_api_call',
        );
      }
    }
  };
}

/** Per-chunk events, queued in order behind the caller. Each handler keeps one kwargs copy per call. */
function streamEvents(ctx: Context, invocations: Invocation[]) {
  let perHandler: CallbackKwargs[] | undefined;
  let secrets: readonly string[] = [];
  const label = { callback: 'stream callbacks', event: 'stream_event' };
  return function streamCallbacks(chunk: ChatCompletionChunk) {
    const endTime = new Date();
    ctx.defer(() => {
      if (perHandler === undefined) {
        secrets = secretsOf(ctx);
        const base = buildKwargs(ctx, 'post_api_call');
        perHandler = invocations.map(() => deepCopy(base, secrets));
      }
      const start = new Date(ctx.timings.start);
      const run = new EventRun(ctx, 'stream_event');
      invocations.forEach((invocation, index) => {
        const kwargs = perHandler?.[index] as CallbackKwargs;
        kwargs.end_time = endTime;
        run.call(invocation, kwargs, deepCopy(chunk, secrets), start, endTime);
      });
      return run.settled();
    }, label);
  };
}

/** The one success or failure event of the call, after the caller has its result. */
function terminalEvent(ctx: Context, plan: Record<CallbackEvent, Invocation[]>): void {
  const event: LogEventType = ctx.status === 'success' ? 'successful_api_call' : 'failed_api_call';
  const invocations = plan[event];
  if (invocations.length === 0) return;
  ctx.defer(
    () => {
      const base = buildKwargs(ctx, event);
      const record = recordSource(ctx, event);
      const start = base.start_time;
      const end = base.end_time ?? null;
      const payload = event === 'successful_api_call' ? ctx.response : null;
      const secrets = secretsOf(ctx);
      const run = new EventRun(ctx, event);
      for (const invocation of invocations) {
        const kwargs = kwargsFor(base, record, secrets);
        run.call(invocation, kwargs, deepCopy(payload, secrets), start, end);
      }
      return run.settled();
    },
    { callback: 'callbacks', event },
  );
}

/**
 * A failed attempt that another follows: a failure event with `will_retry: true`, run at
 * once, with kwargs taken while the context still describes that attempt. The next attempt
 * waits for it (alongside the backoff), so it comes before that attempt's pre-API event.
 */
function attemptFailureEvent(
  ctx: Context,
  invocations: Invocation[],
  failure: AttemptFailure,
): Promise<unknown> | undefined {
  const secrets = secretsOf(ctx);
  const base = buildKwargs(ctx, 'failed_api_call', failure);
  const record = recordSource(ctx, 'failed_api_call', failure);
  const run = new EventRun(ctx, 'failed_api_call');
  for (const invocation of invocations) {
    const kwargs = kwargsFor(base, record, secrets);
    run.call(invocation, kwargs, null, base.start_time, base.end_time ?? null);
  }
  return run.settled();
}

async function runInline(
  ctx: Context,
  invocations: Invocation[],
  base: CallbackKwargs,
  event: CallbackEvent,
): Promise<void> {
  const run = new EventRun(ctx, event);
  const secrets = secretsOf(ctx);
  for (const invocation of invocations) {
    run.call(invocation, deepCopy(base, secrets), null, base.start_time, null);
  }
  // In line, but never past the call's own bounds: a callback that never settles cannot hold it.
  const settled = run.settled();
  if (settled !== undefined) await ctx.within(settled);
}
