import { hasCode, ShallotError } from './shallot-error.js';

/** One problem found in the caller's input. */
export interface ValidationIssue {
  /** The path of the offending field, as the caller wrote it (`messages[0].role`). */
  field: string;
  /** What was expected, what was received, and how to fix it. */
  message: string;
}

/**
 * Bad input, found before any network call. `field` names the first offending field;
 * `issues` lists them all.
 *
 * @example
 * // ValidationError: temperature: expected a number from 0 to 2, received string "hot".
 */
export class ValidationError extends ShallotError {
  /** The path of the first offending field. */
  readonly field: string;
  /** Every problem found, in the order of the input. */
  readonly issues: readonly ValidationIssue[];

  constructor(issues: readonly ValidationIssue[], model?: string) {
    const first = issues[0] ?? { field: '(input)', message: 'invalid input' };
    const more = issues.length > 1 ? ` (and ${issues.length - 1} more problem(s))` : '';
    super('validation', { message: `${first.message}${more}`, model }, false);
    this.field = first.field;
    this.issues = issues;
  }

  /** A validation error for a single field. */
  static forField(field: string, message: string, model?: string): ValidationError {
    return new ValidationError([{ field, message: `${field}: ${message}` }], model);
  }
}

/** True when `error` is a {@link ValidationError}. */
export function isValidationError(error: unknown): error is ValidationError {
  return hasCode(error, 'validation');
}
