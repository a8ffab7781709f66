import { formatUsd } from 'shallot';
import { describe, expect, it } from 'vitest';

describe('formatUsd()', () => {
  it('prints a cost without binary float noise, to a millionth of a dollar', () => {
    expect(formatUsd(0.0045000000000000005)).toBe('$0.0045');
    expect(formatUsd(0.1 + 0.2)).toBe('$0.3');
    expect(formatUsd(0.000029)).toBe('$0.000029');
    expect(formatUsd(123.456789123)).toBe('$123.456789');
  });

  it('keeps the zeros of whole dollars and drops only those after the point', () => {
    expect(formatUsd(10)).toBe('$10');
    expect(formatUsd(2.5)).toBe('$2.5');
    expect(formatUsd(0)).toBe('$0');
    expect(formatUsd(-0)).toBe('$0');
  });

  it('shows an amount below a millionth rather than $0', () => {
    expect(formatUsd(4e-7)).toBe('$0.0000004');
    expect(formatUsd(1.5e-8)).toBe('$0.000000015');
  });
});
