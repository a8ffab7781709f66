import {
  AllFallbacksFailedError,
  type Attempts,
  asShallotError,
  type BackoffSettings,
  backoffDelay,
  type Context,
  type Fallbacks,
  type FallbackTarget,
  type ShallotError,
  sleep,
} from '../../src/kit/index.js';

/** The resilience of one call: how many retries, how long between them. */
export interface PlanSettings extends BackoffSettings {
  numRetries: number;
}

/** Error codes a retry or a fallback can never help: the caller's own doing, or ours. */

/**
 * The state machine of one call's attempts: retry a retryable failure on the same model while
 * retries last (backoff, or the provider's `retry-after`), then move to the next fallback for
 * that kind of failure, each with retries of its own; give up with the last error, or with an
 * `AllFallbacksFailedError` listing every attempt's error once a fallback was tried.
 */
export class AttemptPlan {
  readonly #ctx: Context;
  readonly #attempts: Attempts;
  readonly #settings: PlanSettings;
  readonly #fallbacks: Fallbacks | undefined;
  readonly #tried = new Set<string>();
  readonly #errors: ShallotError[] = [];
  /** The call's own request parameters, which every fallback starts from. */
  readonly #original: Readonly<Record<string, unknown>>;
  #retry = 0;

  constructor(ctx: Context, attempts: Attempts, settings: PlanSettings) {
    this.#ctx = ctx;
    this.#attempts = attempts;
    this.#settings = settings;
    this.#fallbacks = ctx.options.fallbacks;
    this.#original = { ...ctx.request };
    this.#tried.add(ctx.request.model);
  }

  /** Runs attempts until one succeeds (for a stream: its head arrives), or throws the final error. */
  async run(): Promise<void> {
    for (;;) {
      try {
        await this.#attempts.run();
        return;
      } catch (error) {
        await this.#afterFailure(error);
      }
    }
  }

  /** The first attempt failed with `error`: try again where the plan allows; throws when not. */
  async runAfter(error: unknown): Promise<void> {
    await this.#afterFailure(error);
    await this.run();
  }

  /** A stream failed before its first chunk: try again where the plan allows; throws when not. */
  async recover(error: ShallotError): Promise<boolean> {
    await this.runAfter(error);
    return true;
  }

  /** Decides what follows a failed attempt, tells the listeners, and waits; throws when nothing does. */
  async #afterFailure(error: unknown): Promise<void> {
    const ctx = this.#ctx;
    const failure = asShallotError(error, ctx);
    this.#errors.push(failure);
    const next = ctx.signal.aborted || failure.final ? undefined : this.#next(failure);
    if (next === undefined) throw this.#final(failure);
    const told = this.#attempts.tellFailure({
      error: failure,
      attempt: ctx.attempt,
      model: ctx.request.model,
      nextModel: next.model,
      delayMs: next.delayMs,
    });
    // The listeners finish before the next attempt starts, so events stay in order; an abort
    // (the caller's signal, totalTimeout) ends the wait at once, however long they take.
    await ctx.within(Promise.all([sleep(next.delayMs, ctx.signal), told]));
    if (next.target !== undefined) this.#switchTo(next.target);
  }

  #next(
    failure: ShallotError,
  ): { model: string; delayMs: number; target?: FallbackTarget } | undefined {
    if (failure.retryable && this.#retry < this.#settings.numRetries) {
      const delayMs = backoffDelay(this.#retry, failure.retryAfterMs, this.#settings);
      this.#retry++;
      return { model: this.#ctx.request.model, delayMs };
    }
    for (const target of this.#listFor(failure)) {
      const model = typeof target === 'string' ? target : target.model;
      if (!this.#tried.has(model)) return { model, delayMs: 0, target };
    }
    return undefined;
  }

  /** The fallbacks for this kind of failure, else the default list. */
  #listFor(failure: ShallotError): FallbackTarget[] {
    const fallbacks = this.#fallbacks;
    if (fallbacks === undefined) return [];
    if (Array.isArray(fallbacks)) return fallbacks;
    const byKind =
      failure.code === 'context_window_exceeded'
        ? fallbacks.contextWindow
        : failure.code === 'content_policy_violation'
          ? fallbacks.contentPolicy
          : failure.code === 'rate_limit'
            ? fallbacks.rateLimit
            : undefined;
    return byKind ?? fallbacks.default ?? [];
  }

  /**
   * Points the call at a fallback model: the call's own parameters, with those the target
   * brings over them (for this model only; the next fallback starts from the call's again).
   */
  #switchTo(target: FallbackTarget): void {
    const request = this.#ctx.request as unknown as Record<string, unknown>;
    for (const key of Object.keys(request)) if (!(key in this.#original)) delete request[key];
    Object.assign(request, this.#original);
    if (typeof target === 'string') {
      request.model = target;
    } else {
      Object.assign(request, target);
    }
    this.#tried.add(this.#ctx.request.model);
    this.#retry = 0;
  }

  #final(failure: ShallotError): ShallotError {
    const ownDoing = this.#ctx.signal.aborted || failure.final;
    if (this.#tried.size <= 1 || ownDoing) return failure;
    const models = [...this.#tried].join(', ');
    return new AllFallbacksFailedError({
      errors: [...this.#errors],
      cause: failure,
      model: this.#ctx.request.model,
      message: `every model failed (${models}) over ${this.#errors.length} attempt(s); the last: ${failure.message}`,
    });
  }
}
