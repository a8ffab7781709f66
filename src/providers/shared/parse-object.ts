import { InvalidResponseError } from '../../errors/invalid-response-error.js';
import type { ResolvedProvider } from '../provider.js';

/**
 * One stream event's (or NDJSON line's) JSON object. Anything else, text that is not JSON or
 * JSON that is not an object, is an `InvalidResponseError` naming the provider, the model and
 * the start of the text; `what` says which piece it was (`'a stream event'`).
 */
export function parseStreamObject<T>(
  data: string,
  provider: Pick<ResolvedProvider, 'name' | 'model'>,
  what = 'a stream event',
): T {
  try {
    const parsed: unknown = JSON.parse(data);
    if (parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed)) return parsed as T;
  } catch {
    // reported below, as for JSON that is not an object
  }
  const { name, model } = provider;
  throw new InvalidResponseError({
    provider: name,
    model,
    body: data.slice(0, 500),
    message: `${name}/${model}: ${what} is not a JSON object: ${JSON.stringify(data.slice(0, 80))}.`,
  });
}
