import { ValidationError } from '../errors/validation-error.js';
import { describeValue } from '../validation/describe-value.js';

/**
 * The error of a layer factory's bad option, in the words every built-in layer uses:
 * `<factory> options.<option>: expected <expected>, received <what was given>.`, the value
 * described without quoting secrets (a URL's password is masked). Throw it from the factory,
 * so that a bad option fails when the stack is built, not at the first call.
 *
 * @example
 * if (!(typeof options.ttl === 'number' && options.ttl > 0)) {
 *   throw optionError('memo', 'ttl', 'a positive number of seconds', options.ttl);
 * }
 * // ValidationError: memo options.ttl: expected a positive number of seconds, received string "soon".
 */
export function optionError(
  factory: string,
  option: string,
  expected: string,
  received: unknown,
): ValidationError {
  return ValidationError.forField(
    `${factory} options.${option}`,
    `expected ${expected}, received ${describeValue(received)}.`,
  );
}
