import type { ProviderRequest } from '../../context/types.js';
import { Secret } from '../../secrets/secret.js';
import type { ResolvedProvider } from '../provider.js';

/** The URL of one of the server's native endpoints (`/api/chat`, `/api/embed`). */
export function ollamaUrl(provider: ResolvedProvider, path: string): string {
  return `${provider.apiBase.replace(/\/+$/, '')}${path}`;
}

/**
 * JSON in, `accept` out, the provider's and the call's own headers, and the key as a Bearer
 * token only when one is configured (only `https://ollama.com` requires one).
 */
export function ollamaHeaders(
  provider: ResolvedProvider,
  callHeaders: Record<string, string> | undefined,
  accept: string,
): ProviderRequest['headers'] {
  const headers: ProviderRequest['headers'] = {
    'content-type': 'application/json',
    accept,
    ...provider.headers,
    ...callHeaders,
  };
  if (provider.apiKey) headers.authorization = new Secret(`Bearer ${provider.apiKey.reveal()}`);
  return headers;
}
