import type { CallbackErrorInfo } from '../client/options.js';
import type { Context } from '../context/context.js';

/** Where a layer hands a failure that happens outside any call: a client's `onCallbackError`. */
export type Reporter = (error: unknown, label: CallbackErrorInfo) => void;

/**
 * The clients a layer reports to. A client that has the layer in its stack adopts it and
 * hands it its reporter (see {@link Adoptable}); failures that belong to no call (a write, a
 * flush, a dropped record) then go to every client that adopted it. A layer no client adopted
 * (one given per call) reports to the client of the last call it saw.
 *
 * @example
 * const reporters = new Reporters();
 * const layer = Object.assign(middleware, { adopt: (report: Reporter) => reporters.adopt(report) });
 * // later, outside a call:
 * reporters.report(error, { callback: 'myLogger', event: 'write' });
 */
export class Reporters {
  readonly #adopted = new Set<Reporter>();
  #lastCall: Context | undefined;

  /** A client took the layer into its stack. */
  adopt(report: Reporter): void {
    this.#adopted.add(report);
  }

  /** The layer saw a call: its client is the one to tell when no client adopted the layer. */
  saw(ctx: Context): void {
    this.#lastCall = ctx;
  }

  /** Hands `error` to every adopting client, or else to the last call's. */
  report(error: unknown, label: CallbackErrorInfo): void {
    if (this.#adopted.size === 0) {
      this.#lastCall?.report(error, label);
      return;
    }
    for (const report of this.#adopted) report(error, label);
  }
}

/** A layer a client hands its reporter to when it takes the layer into its stack. */
export interface Adoptable {
  /** Called once by each client whose stack holds the layer. */
  adopt(report: Reporter): void;
}

/** True for a layer with an `adopt()`. */
export function isAdoptable<T extends object>(layer: T): layer is T & Adoptable {
  return typeof (layer as Partial<Adoptable>).adopt === 'function';
}
