import type { CallOptions } from '../context/types.js';
import { BUNDLED_PRICES } from '../cost/price-table.generated.js';
import { AuthenticationError } from '../errors/authentication-error.js';
import { ValidationError } from '../errors/validation-error.js';
import { Secret } from '../secrets/secret.js';
import { anthropic } from './anthropic/index.js';
import { azure } from './azure/index.js';
import { COMPATIBLE_PRESETS } from './compatible/index.js';
import { gemini } from './gemini/index.js';
import { ollama } from './ollama/index.js';
import { openai } from './openai/index.js';
import type { ProviderAdapter, ProviderOptions, ResolvedProvider } from './provider.js';

/** The built-in providers, by the prefix of `provider/model`. */
const ADAPTERS: Readonly<Record<string, ProviderAdapter>> = {
  openai,
  azure,
  anthropic,
  gemini,
  ollama,
  ...COMPATIBLE_PRESETS,
  vllm: COMPATIBLE_PRESETS.hosted_vllm as ProviderAdapter,
};

/** The price table's provider names that a built-in adapter serves. */
const TABLE_PROVIDERS: Readonly<Record<string, string>> = {
  openai: 'openai',
  'text-completion-openai': 'openai',
  anthropic: 'anthropic',
  gemini: 'gemini',
  azure: 'azure',
  groq: 'groq',
  mistral: 'mistral',
  deepseek: 'deepseek',
  together_ai: 'together_ai',
  openrouter: 'openrouter',
  xai: 'xai',
  voyage: 'voyage',
  cohere: 'cohere',
  cohere_chat: 'cohere',
  // Bare Gemini names are Vertex AI entries in the table; shallot calls them on the Gemini API.
  'vertex_ai-language-models': 'gemini',
};

/** The names of the built-in providers. */
export const PROVIDER_NAMES: readonly string[] = Object.keys(ADAPTERS);

/** The camelCase request parameters some built-in provider takes natively (Gemini's `topK`). */
export const NATIVE_PARAMETERS: ReadonlySet<string> = new Set(
  Object.values(ADAPTERS).flatMap((adapter) => adapter.nativeParameters ?? []),
);

type Environment = Readonly<Record<string, string | undefined>>;

/**
 * Resolves `provider/model` to a provider with its settings, in this order: the call's
 * options, the client's provider options, the environment, the provider's defaults.
 *
 * - `openai/gpt-4o-mini` and a bare `gpt-4o-mini` go to OpenAI; a bare name goes to the
 *   provider the price table lists for it (`claude-3-haiku-20240307` → Anthropic), else by
 *   its prefix (`claude-`, `gemini-`, `voyage-`), else to OpenAI.
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
  // A bare name sent to a call-level apiBase is an OpenAI-compatible server's model.
  let name = options.apiBase === undefined ? providerOfBareModel(model) : 'openai';
  let id = model;
  const slash = model.indexOf('/');
  if (slash > 0) {
    const prefix = model.slice(0, slash);
    if (own(ADAPTERS, prefix) !== undefined || own(configured, prefix) !== undefined) {
      name = prefix;
      id = model.slice(slash + 1);
    } else if (options.apiBase !== undefined || options.mockResponse !== undefined) {
      name = 'openai';
    } else {
      throw ValidationError.forField(
        'model',
        `unknown provider "${prefix}" in "${model}". Known providers: ${PROVIDER_NAMES.join(', ')}. ` +
          `For an OpenAI-compatible server, pass apiBase (the whole name is then sent as the model), ` +
          `or configure createClient({ providers: { ${prefix}: { apiBase: '...' } } }).`,
        model,
      );
    }
  }
  const settings = own(configured, name) ?? {};
  const adapter = own(ADAPTERS, name) ?? openai;
  const builtIn = own(ADAPTERS, name) !== undefined;
  const apiBase =
    options.apiBase ??
    settings.apiBase ??
    (builtIn ? firstSet(env, adapter.apiBaseEnv) : undefined) ??
    adapter.defaultApiBase;
  const apiKey =
    options.apiKey ??
    (settings.apiKey ? new Secret(settings.apiKey) : keyFromEnvironment(env, builtIn, adapter));
  return {
    name,
    model: id,
    apiBase,
    apiKey,
    apiKeyEnv: builtIn ? adapter.apiKeyEnv : undefined,
    headers: settings.headers ?? {},
    apiVersion: options.apiVersion ?? settings.apiVersion,
    options: settings,
    builtIn,
    adapter,
  };
}

/** The key in the provider's environment variable, read only when nothing else gave one. */
function keyFromEnvironment(
  env: Environment,
  builtIn: boolean,
  adapter: ProviderAdapter,
): Secret | undefined {
  const value = builtIn && adapter.apiKeyEnv ? env[adapter.apiKeyEnv] : undefined;
  return value ? new Secret(value) : undefined;
}

/**
 * The provider of a model named without a prefix: the price table's provider for that name
 * (`claude-3-haiku-20240307` → anthropic), else a well-known prefix, else OpenAI.
 */
function providerOfBareModel(model: string): string {
  let provider = bareModels.get(model);
  if (provider === undefined) {
    provider = lookUpBareModel(model);
    // The names a client calls are few; a caller naming a new one each time meets a full memo.
    if (bareModels.size >= BARE_MODELS_KEPT) bareModels.clear();
    bareModels.set(model, provider);
  }
  return provider;
}

/** The bare names looked up so far, and their providers: the price table is large, and read from memory far apart. */
const bareModels = new Map<string, string>();
const BARE_MODELS_KEPT = 1000;

function lookUpBareModel(model: string): string {
  const listed = own(BUNDLED_PRICES, model)?.provider;
  const fromTable = listed === undefined ? undefined : own(TABLE_PROVIDERS, listed);
  if (fromTable !== undefined) return fromTable;
  if (model.startsWith('claude-')) return 'anthropic';
  if (model.startsWith('gemini-')) return 'gemini';
  // The table lists Voyage's models only with their prefix (voyage/voyage-3.5).
  if (model.startsWith('voyage-')) return 'voyage';
  return 'openai';
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

/**
 * `record[key]` for an own key only: a model named `constructor/x` or `toString/x` (a gateway
 * passes on whatever its clients send) names no provider, never an inherited function.
 */
function own<T>(record: Readonly<Record<string, T>>, key: string): T | undefined {
  return Object.hasOwn(record, key) ? record[key] : undefined;
}
