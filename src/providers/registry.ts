import type { CallOptions } from '../context/types.js';
import { AuthenticationError } from '../errors/authentication-error.js';
import { ValidationError } from '../errors/validation-error.js';
import { Secret } from '../secrets/secret.js';
import { openai } from './openai.js';
import type { ProviderAdapter, ProviderOptions, ResolvedProvider } from './provider.js';

/** The built-in providers, by the prefix of `provider/model`. */
const ADAPTERS: Readonly<Record<string, ProviderAdapter>> = { openai };

/** The names of the built-in providers. */
export const PROVIDER_NAMES: readonly string[] = Object.keys(ADAPTERS);

type Environment = Readonly<Record<string, string | undefined>>;

/**
 * Resolves `provider/model` to a provider with its settings, in this order: the call's
 * options, the client's provider options, the environment, the provider's defaults.
 *
 * - `openai/gpt-4o-mini` and a bare `gpt-4o-mini` go to OpenAI.
 * - `name/model`, where the client configured `providers: { name: { apiBase } }`, goes to
 *   that OpenAI-compatible endpoint.
 * - Any model with a call-level `apiBase` and an unknown prefix goes, whole, to that
 *   OpenAI-compatible endpoint (`meta-llama/Llama-3.1-8B` on a vLLM server).
 *
 * @throws ValidationError for an unknown provider prefix.
 */
export function resolveProvider(
  model: string,
  options: CallOptions,
  configured: Readonly<Record<string, ProviderOptions>>,
  env: Environment = process.env,
): ResolvedProvider {
  let name = 'openai';
  let id = model;
  const slash = model.indexOf('/');
  if (slash > 0) {
    const prefix = model.slice(0, slash);
    if (ADAPTERS[prefix] !== undefined || configured[prefix] !== undefined) {
      name = prefix;
      id = model.slice(slash + 1);
    } else if (options.apiBase === undefined && options.mockResponse === undefined) {
      throw ValidationError.forField(
        'model',
        `unknown provider "${prefix}" in "${model}". Known providers: ${PROVIDER_NAMES.join(', ')}. ` +
          `For an OpenAI-compatible server, pass apiBase (the whole name is then sent as the model), ` +
          `or configure createClient({ providers: { ${prefix}: { apiBase: '...' } } }).`,
        model,
      );
    }
  }
  const settings = configured[name] ?? {};
  const adapter = ADAPTERS[name] ?? openai;
  const builtIn = ADAPTERS[name] !== undefined;
  const apiBase =
    options.apiBase ??
    settings.apiBase ??
    (builtIn ? firstSet(env, adapter.apiBaseEnv) : undefined) ??
    adapter.defaultApiBase;
  const envKey = builtIn && adapter.apiKeyEnv ? env[adapter.apiKeyEnv] : undefined;
  const apiKey =
    options.apiKey ??
    (settings.apiKey ? new Secret(settings.apiKey) : envKey ? new Secret(envKey) : undefined);
  return {
    name,
    model: id,
    apiBase,
    apiKey,
    apiKeyEnv: builtIn ? adapter.apiKeyEnv : undefined,
    headers: settings.headers ?? {},
    options: settings,
    builtIn,
    adapter,
  };
}

/** Fails before any network call when the provider needs a key and none was found. */
export function assertCredentials(provider: ResolvedProvider): void {
  if (provider.apiKey !== undefined || !provider.adapter.requiresKey(provider.apiBase)) return;
  const where = provider.apiKeyEnv
    ? `Set ${provider.apiKeyEnv}, pass apiKey to completion(), or configure createClient({ providers: { ${provider.name}: { apiKey } } }).`
    : `Pass apiKey to completion(), or configure createClient({ providers: { ${provider.name}: { apiKey } } }).`;
  throw new AuthenticationError({
    provider: provider.name,
    model: provider.model,
    message: `${provider.name}/${provider.model}: no API key found. ${where}`,
  });
}

function firstSet(env: Environment, names: readonly string[]): string | undefined {
  for (const name of names) {
    const value = env[name];
    if (value) return value;
  }
  return undefined;
}
