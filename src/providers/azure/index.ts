import { ValidationError } from '../../errors/validation-error.js';
import { type OpenAIEndpoint, openAICompatible, trimSlash } from '../openai/compatible.js';
import type { ResolvedProvider } from '../provider.js';

/**
 * Azure OpenAI: the OpenAI format, with the key in an `api-key` header and the deployment
 * as the model (`azure/<deployment>`). Two URL styles:
 *
 * - the v1 API: a base ending in `/openai/v1` (`https://{resource}.openai.azure.com/openai/v1`)
 *   gets `{base}/chat/completions`, the deployment in the body, no api-version needed;
 * - the deployment URL: any other base (`https://{resource}.openai.azure.com`) gets
 *   `{base}/openai/deployments/{deployment}/chat/completions?api-version={version}`, and
 *   needs an api-version (`apiVersion`, the provider's settings, or `AZURE_API_VERSION`).
 *
 * Responses keep Azure's content-filter annotations; a filtered prompt (400 `content_filter`)
 * is a `ContentPolicyViolationError`.
 *
 * Embeddings go to the same places with `embeddings` for `chat/completions`: the deployment
 * (an embedding model's) is the model, 2,048 inputs a request as at OpenAI.
 */
export const azure = openAICompatible({
  name: 'azure',
  defaultApiBase: '',
  apiKeyEnv: 'AZURE_API_KEY',
  apiBaseEnv: ['AZURE_API_BASE', 'AZURE_OPENAI_ENDPOINT'],
  keyRequired: true,
  authHeader: (key) => ['api-key', key],
  url: azureUrl,
});

/** The URL of `endpoint` (`chat/completions`, `embeddings`) in either of Azure's URL styles. */
function azureUrl(provider: ResolvedProvider, endpoint: OpenAIEndpoint): string {
  const base = trimSlash(provider.apiBase);
  if (base === '') {
    throw ValidationError.forField(
      'apiBase',
      'Azure needs the resource URL, such as https://my-resource.openai.azure.com. Set AZURE_API_BASE, pass apiBase, or configure createClient({ providers: { azure: { apiBase } } }).',
      `azure/${provider.model}`,
    );
  }
  const version = provider.apiVersion ?? process.env.AZURE_API_VERSION;
  if (/\/openai\/v1$/.test(base)) {
    return `${base}/${endpoint}${version && version !== 'v1' ? `?api-version=${encodeURIComponent(version)}` : ''}`;
  }
  if (!version) {
    throw ValidationError.forField(
      'apiVersion',
      'Azure deployment URLs need an api-version, such as 2024-10-21. Pass apiVersion, set AZURE_API_VERSION, or use the v1 API with a base ending in /openai/v1.',
      `azure/${provider.model}`,
    );
  }
  return `${base}/openai/deployments/${encodeURIComponent(provider.model)}/${endpoint}?api-version=${encodeURIComponent(version)}`;
}
