import { hasCode, ShallotError, type ShallotErrorOptions } from './shallot-error.js';

/**
 * A spending cap of the caller's was reached: a limits layer refused the call before any network
 * call. Final: no retry and no fallback apply to the caller's own budget.
 */
export class BudgetExceededError extends ShallotError {
  /** The rule's name and the scope value the budget belongs to (`user:alice`). */
  readonly scope: string;
  /** The cap, in US dollars. */
  readonly limitUsd: number;
  /** What is spent (and reserved by calls in flight) in the current period, in US dollars. */
  readonly spentUsd: number;
  /** When the period ends and the budget is whole again. */
  readonly resetsAt: Date;

  constructor(
    options: ShallotErrorOptions & {
      scope: string;
      limitUsd: number;
      spentUsd: number;
      resetsAt: Date;
    },
  ) {
    super('budget_exceeded', options, false);
    this.scope = options.scope;
    this.limitUsd = options.limitUsd;
    this.spentUsd = options.spentUsd;
    this.resetsAt = options.resetsAt;
  }
}

/** True when `error` is a {@link BudgetExceededError}. */
export function isBudgetExceededError(error: unknown): error is BudgetExceededError {
  return hasCode(error, 'budget_exceeded');
}
