import { UnexpectedError } from '../errors/unexpected-error.js';
import type { ProviderAdapter } from './provider.js';

const notYet = (): never => {
  throw new UnexpectedError({ message: 'ollama: this provider is being written' });
};

/** Placeholder: replaced by the ollama adapter. */
export const ollama: ProviderAdapter = {
  name: 'ollama',
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
