/**
 * A dollar amount for people to read: rounded to a millionth of a dollar (ten decimals below
 * that), without trailing zeros or binary float noise: `0.0045000000000000005` reads
 * `$0.0045`, `0.000029` `$0.000029`, `2` `$2`, `4e-7` `$0.0000004`. Data (records, kwargs,
 * `ctx.cost`) keeps the full number; only what is printed is rounded.
 *
 * @example
 * console.log(`spent ${formatUsd(kwargs.response_cost ?? 0)}`);
 */
export function formatUsd(amount: number): string {
  if (!Number.isFinite(amount)) return `$${amount}`;
  const digits = amount !== 0 && Math.abs(amount) < 0.000001 ? 10 : 6;
  const fixed = amount
    .toFixed(digits)
    .replace(/(\.\d*?)0+$/, '$1')
    .replace(/\.$/, '');
  return `$${fixed === '-0' ? '0' : fixed}`;
}
