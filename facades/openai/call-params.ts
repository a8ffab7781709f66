import { CALL_OPTION_NAMES } from '../../index.js';
import { refused } from './refusals.js';
import { applyCallOptions, type CallDefaults, type RequestOptions } from './request-options.js';

/** How a facade's calls become shallot calls: the client's defaults, and the model's prefix. */
export interface CallShape {
  /**
   * Put before every model: `openai/` for the client the facade made itself, so that every model
   * (`gpt-4o-mini`, `meta-llama/Llama-3.1-8B`) goes to its `baseURL` whole, as openai-node
   * sends it; empty over a client of the caller's, which resolves models its own way.
   */
  modelPrefix: string;
  defaults: CallDefaults | undefined;
}

/**
 * shallot's parameters for an openai-node request body and its request options. The body is
 * copied, own keys only: `null` values are left out (the API's default, as `null` means to
 * it); `metadata` becomes shallot's (never sent, as shallot's metadata never is); any other name
 * of shallot's own options (`api_base`, `mockResponse`, ...) is refused, so that a body from
 * elsewhere can never redirect the call or its key. The body is never changed.
 *
 * @throws BadRequestError for a body that is not an object, a refused key or a bad option.
 */
export function callParams(
  body: unknown,
  options: RequestOptions | undefined,
  shape: CallShape,
): Record<string, unknown> {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    throw refused(
      '(body)',
      "expected an object such as { model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'Hi' }] }",
      body,
    );
  }
  const fields = body as Record<string, unknown>;
  const params: Record<string, unknown> = {};
  for (const key of Object.keys(fields)) {
    const value = fields[key];
    if (value === null || value === undefined) continue;
    if (CALL_OPTION_NAMES.has(key) || key === '__proto__') {
      if (key !== 'metadata') throw reservedKey(key);
      if (typeof value !== 'object' || Array.isArray(value)) {
        throw refused('metadata', 'expected an object of strings', value);
      }
    }
    params[key] = value;
  }
  if (shape.modelPrefix !== '' && typeof params.model === 'string') {
    params.model = shape.modelPrefix + params.model;
  }
  applyCallOptions(params, shape.defaults, options);
  return params;
}

function reservedKey(key: string) {
  return refused(
    key,
    key === '__proto__'
      ? 'is not a request parameter'
      : `is one of shallot's call options, which a request body may not set (the API would refuse it too); pass it in the request options' shallot field`,
  );
}
