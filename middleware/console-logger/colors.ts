/** Values of FORCE_COLOR that turn colour on, as Node's own `getColorDepth()` reads them. */
const FORCING = new Set(['', '1', '2', '3', 'true']);

/**
 * Whether `'auto'` means colour for this destination: FORCE_COLOR decides when it is set
 * (`0` or `false` turn colour off), then a non-empty NO_COLOR or `TERM=dumb` turn it off,
 * and otherwise colour follows whether the destination is a terminal.
 */
export function autoColors(isTTY: boolean | undefined, env: NodeJS.ProcessEnv): boolean {
  const force = env.FORCE_COLOR;
  if (force !== undefined) return FORCING.has(force);
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  if (env.TERM === 'dumb') return false;
  return isTTY === true;
}
