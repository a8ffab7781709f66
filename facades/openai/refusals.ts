import { describeValue, ValidationError } from '../../index.js';
import type { OpenAIError } from './errors.js';
import { toOpenAIError } from './to-openai-error.js';

/**
 * A request the facade refuses before sending it: a `BadRequestError` (status 400, `param` the
 * field, `code` 'validation'), as shallot's own refusals are, its `cause` a `ValidationError`.
 *
 * @example
 * throw refused('options.query', 'is not a request option of shallot/openai');
 */
export function refused(field: string, problem: string, ...received: [unknown?]): OpenAIError {
  const shown = received.length === 0 ? '' : `, received ${describeValue(received[0])}`;
  return toOpenAIError(ValidationError.forField(field, `${problem}${shown}.`));
}
