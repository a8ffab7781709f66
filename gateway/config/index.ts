/**
 * The gateway's config file: LiteLLM proxy's `config.yaml`, for what shallot has. Read it with
 * {@link loadConfig} (warnings for what shallot ignores, errors naming the bad field), build
 * the client and the gateway's options with {@link buildFromConfig}.
 *
 * @example
 * const { config, warnings } = await loadConfig('shallot.yaml');
 * for (const warning of warnings) console.warn(warning.message);
 * const built = buildFromConfig(config);
 * const gateway = createGateway({ ...built.gatewayOptions, authenticate: masterKeyAuth(key) });
 */
export { type BuildOptions, type BuiltConfig, buildFromConfig } from './build.js';
export { masterKeyAuth } from './master-key.js';
export { mockDeployments } from './mock-deployments.js';
export {
  type ConfigWarning,
  type Environment,
  type LoadedConfig,
  loadConfig,
  parseConfig,
  type ReadOptions,
} from './read.js';
export type { ShallotConfig } from './schema.js';
export { DEFAULT_JSONL_PATH, SINK_NAMES } from './sinks.js';
