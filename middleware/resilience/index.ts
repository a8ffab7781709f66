import {
  type BackoffSettings,
  type Middleware,
  optionError,
  runsAttempts,
} from '../../src/kit/index.js';
import { AttemptPlan, type PlanSettings } from './attempt-plan.js';

/**
 * Options of {@link resilience}: the defaults a call's own `numRetries` overrides, and the
 * waits between attempts in the kit's {@link BackoffSettings} words (the webhook sink's too).
 */
export interface ResilienceOptions extends Partial<BackoffSettings> {
  /** Retries of a retryable failure, per model. @default 0 (LiteLLM's default; set it to retry) */
  numRetries?: number;
  /** The first wait between attempts, in milliseconds; each next one doubles. @default 500 */
  baseDelayMs?: number;
  /** The longest computed wait. @default 8000 */
  maxDelayMs?: number;
  /** The longest `retry-after` honoured; beyond it the computed wait is used. @default 60000 */
  maxRetryAfterMs?: number;
  /** The share of each wait taken off at random. @default 0.25 */
  jitter?: number;
}

/**
 * Retries and fallbacks: the innermost call layer, which runs the
 * attempt chain once, and again while the plan allows. Only retryable failures are retried
 * (429 other than an exhausted quota, 408, 409, 5xx, 529, a reset connection, a timeout, a cut
 * or malformed stream), with exponential backoff and jitter or the provider's `retry-after`;
 * never after a stream's first chunk reached the caller. Then `fallbacks` are tried in order.
 * Every attempt has its own pre and post API events; a failed attempt that another follows is
 * told to `ctx.onAttemptFailure` listeners (the callbacks report it as a failure event with
 * `will_retry: true`); the call still ends once.
 *
 * @example
 * const client = createClient({ numRetries: 2 });
 * await client.completion({ model: 'openai/gpt-4o', messages, fallbacks: ['anthropic/claude-haiku-4-5'] });
 */
export function resilience(options: ResilienceOptions = {}): Middleware {
  const defaults = checkOptions(options);
  return runsAttempts(function resilience(ctx, attempts) {
    // The plan is made at the first failure: a call that succeeds at once pays for none of it,
    // and no promise of this layer's own either.
    let plan: AttemptPlan | undefined;
    const planOf = (): AttemptPlan => {
      plan ??= new AttemptPlan(ctx, attempts, {
        ...defaults,
        numRetries: ctx.options.numRetries ?? defaults.numRetries,
      });
      return plan;
    };
    if (ctx.isStream) attempts.recoverStreams((error) => planOf().recover(error));
    return attempts.run().then(undefined, (error: unknown) => planOf().runAfter(error));
  });
}

function checkOptions(options: ResilienceOptions): PlanSettings {
  const settings: PlanSettings = {
    numRetries: options.numRetries ?? 0,
    baseDelayMs: options.baseDelayMs ?? 500,
    maxDelayMs: options.maxDelayMs ?? 8000,
    maxRetryAfterMs: options.maxRetryAfterMs ?? 60_000,
    jitter: options.jitter ?? 0.25,
  };
  for (const [name, value] of Object.entries(settings)) {
    const whole = name === 'numRetries';
    const valid =
      typeof value === 'number' &&
      value >= 0 &&
      (!whole || Number.isInteger(value)) &&
      (name !== 'jitter' || value <= 1);
    if (!valid) {
      const expected = whole
        ? 'a whole number from 0'
        : name === 'jitter'
          ? 'a number from 0 to 1'
          : 'a number of milliseconds from 0';
      throw optionError('resilience', name, expected, value);
    }
  }
  return settings;
}
