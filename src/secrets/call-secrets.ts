import type { Context } from '../context/context.js';

/** The call's raw key, for masking wherever a string that leaves the call might hold it. */
export function secretsOfCall(ctx: Context): string[] {
  try {
    const key = ctx.provider.apiKey?.reveal();
    return key ? [key] : [];
  } catch {
    // an unknown provider has no key to hide
    return [];
  }
}
