import {
  BadRequestError,
  ContextWindowExceededError,
  isBadRequestError,
  isContextWindowExceededError,
  isRateLimitError,
  isShallotError,
  isTimeoutError,
  RateLimitError,
  ShallotError,
} from 'shallot';
import { describe, expect, it } from 'vitest';

/** An error as another copy of shallot in the same process makes it: same brand, another class. */
function fromAnotherCopy(code: string): Error {
  class ShallotErrorOfAnotherCopy extends Error {
    readonly code = code;
  }
  const error = new ShallotErrorOfAnotherCopy('from the other copy');
  Object.defineProperty(error, Symbol.for('shallot.error'), { value: true });
  return error;
}

describe('the is...Error() guards', () => {
  it('recognise an error of another copy of the package by its brand and code, where instanceof cannot', () => {
    const limited = fromAnotherCopy('rate_limit');
    expect(limited instanceof ShallotError).toBe(false);
    expect(isShallotError(limited)).toBe(true);
    expect(isRateLimitError(limited)).toBe(true);
    expect(isTimeoutError(limited)).toBe(false);
    const tooLong = fromAnotherCopy('context_window_exceeded');
    expect(isContextWindowExceededError(tooLong)).toBe(true);
    // a subclass's code counts for its parent's guard, as instanceof would
    expect(isBadRequestError(tooLong)).toBe(true);
  });

  it('say no to a look-alike without the brand, and yes to this copy’s own errors', () => {
    const lookAlike = Object.assign(new Error('not ours'), { code: 'rate_limit' });
    expect(isShallotError(lookAlike)).toBe(false);
    expect(isRateLimitError(lookAlike)).toBe(false);
    expect(isRateLimitError(new RateLimitError({ message: 'slow down' }))).toBe(true);
    const own = new ContextWindowExceededError({ message: 'too long' });
    expect(isBadRequestError(own)).toBe(true);
    expect(isContextWindowExceededError(new BadRequestError({ message: 'bad' }))).toBe(false);
    expect(Object.keys(own)).not.toContain(Symbol.for('shallot.error').toString());
  });
});
