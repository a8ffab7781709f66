import type { ShallotError } from '../errors/shallot-error.js';

/** A function run once when the call aborts. */
export type AbortHook = (reason: ShallotError) => void;

/**
 * The abort state of one call. Internal code subscribes with `onAbort` (an array push); the
 * `AbortSignal` that `ctx.signal` exposes is made only when something asks for it, because
 * creating an `AbortSignal` and listening to it costs microseconds per call on Node 20.
 */
export class CallAbort {
  #reason: ShallotError | undefined;
  #hooks: AbortHook[] | undefined;
  #controller: AbortController | undefined;

  get aborted(): boolean {
    return this.#reason !== undefined;
  }

  /** Why the call aborted; `undefined` while it has not. */
  get reason(): ShallotError | undefined {
    return this.#reason;
  }

  /** An `AbortSignal` that aborts with the call, made on first use. */
  get signal(): AbortSignal {
    if (this.#controller === undefined) {
      this.#controller = new AbortController();
      if (this.#reason !== undefined) this.#controller.abort(this.#reason);
    }
    return this.#controller.signal;
  }

  /** Runs `hook` when the call aborts (at once if it has); returns the unsubscribe. */
  onAbort(hook: AbortHook): () => void {
    if (this.#reason !== undefined) {
      hook(this.#reason);
      return noop;
    }
    this.#hooks ??= [];
    this.#hooks.push(hook);
    return () => {
      const hooks = this.#hooks;
      const index = hooks === undefined ? -1 : hooks.indexOf(hook);
      if (index >= 0) hooks?.splice(index, 1);
    };
  }

  /** Aborts the call with `reason`, once. */
  abort(reason: ShallotError): void {
    if (this.#reason !== undefined) return;
    this.#reason = reason;
    const hooks = this.#hooks;
    this.#hooks = undefined;
    if (hooks !== undefined) for (const hook of hooks) hook(reason);
    this.#controller?.abort(reason);
  }
}

function noop(): void {}
