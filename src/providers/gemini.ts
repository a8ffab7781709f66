import { UnexpectedError } from '../errors/unexpected-error.js';
import type { ProviderAdapter } from './provider.js';

const notYet = (): never => {
  throw new UnexpectedError({ message: 'gemini: this provider is being written' });
};

/** Placeholder: replaced by the gemini adapter. */
export const gemini: ProviderAdapter = {
  name: 'gemini',
  defaultApiBase: 'http://127.0.0.1:1',
  apiKeyEnv: undefined,
  apiBaseEnv: [],
  requiresKey: () => false,
  buildRequest: notYet,
  parseResponse: notYet,
  createStreamDecoder: notYet,
  mapError: notYet,
  findError: () => undefined,
};
