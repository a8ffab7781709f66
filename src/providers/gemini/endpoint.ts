import type { ProviderRequest } from '../../context/types.js';
import type { ResolvedProvider } from '../provider.js';

/** `models/<id>`; a name that already has its collection (`tunedModels/x`) is kept. */
export function geminiModelName(model: string): string {
  return model.includes('/') ? model : `models/${model}`;
}

/** The URL of one of a model's methods (`generateContent`, `batchEmbedContents`, ...). */
export function geminiUrl(provider: ResolvedProvider, method: string): string {
  const path = geminiModelName(provider.model).split('/').map(encodeURIComponent).join('/');
  return `${provider.apiBase.replace(/\/+$/, '')}/${path}:${method}`;
}

/** JSON in, the provider's and the call's own headers, and the key in `x-goog-api-key`, never in the URL. */
export function geminiHeaders(
  provider: ResolvedProvider,
  callHeaders: Record<string, string> | undefined,
): ProviderRequest['headers'] {
  const headers: ProviderRequest['headers'] = {
    'content-type': 'application/json',
    ...provider.headers,
    ...callHeaders,
  };
  if (provider.apiKey) headers['x-goog-api-key'] = provider.apiKey;
  return headers;
}
