import { createHash } from 'node:crypto';
import {
  type AttemptRoute,
  canonicalJson,
  optionError,
  PriceBook,
  Secret,
} from '../../src/kit/index.js';
import type { DeploymentOptions } from './options.js';

/** One deployment, checked, with what the router needs at hand. */
export interface Deployment {
  /** Stable across processes: the shared state's key. */
  readonly id: string;
  readonly modelName: string;
  readonly model: string;
  /** Where its attempts go (`ctx.route`), the key held as a `Secret`. */
  readonly route: AttemptRoute;
  readonly rpm: number | undefined;
  readonly tpm: number | undefined;
  readonly weight: number;
  readonly order: number;
  /** Its context window, where known. */
  readonly maxInputTokens: number | undefined;
  /** Its position in the router's list, for this process's state. */
  readonly index: number;
}

/** The deployments by group, in the order given. */
export type Groups = ReadonlyMap<string, readonly Deployment[]>;

/** Checks every deployment (naming the bad field), and groups them by `modelName`. */
export function groupDeployments(list: unknown, prices: PriceBook | undefined): Groups {
  if (!Array.isArray(list) || list.length === 0) {
    throw optionError('router', 'modelList', 'a non-empty array of deployments', list);
  }
  const book = prices ?? new PriceBook();
  const groups = new Map<string, Deployment[]>();
  const ids = new Set<string>();
  list.forEach((entry: unknown, index) => {
    const deployment = toDeployment(entry, index, book);
    if (ids.has(deployment.id)) {
      throw optionError(
        'router',
        `modelList[${index}].id`,
        'an id no other deployment has',
        deployment.id,
      );
    }
    ids.add(deployment.id);
    const group = groups.get(deployment.modelName) ?? [];
    group.push(deployment);
    groups.set(deployment.modelName, group);
  });
  return groups;
}

function toDeployment(entry: unknown, index: number, prices: PriceBook): Deployment {
  const at = `modelList[${index}]`;
  if (entry === null || typeof entry !== 'object' || Array.isArray(entry)) {
    throw optionError('router', at, 'a deployment object', entry);
  }
  const given = entry as DeploymentOptions;
  const text = (name: keyof DeploymentOptions, required: boolean): string | undefined => {
    const value = given[name];
    if (value === undefined && !required) return undefined;
    if (typeof value === 'string' && value !== '') return value;
    throw optionError('router', `${at}.${name}`, 'a non-empty string', value);
  };
  const count = (name: keyof DeploymentOptions): number | undefined => {
    const value = given[name];
    if (value === undefined) return undefined;
    if (typeof value === 'number' && Number.isFinite(value) && value > 0) return value;
    throw optionError('router', `${at}.${name}`, 'a positive number', value);
  };
  const modelName = text('modelName', true) as string;
  const model = text('model', true) as string;
  const apiBase = text('apiBase', false);
  const apiKey = text('apiKey', false);
  const apiVersion = text('apiVersion', false);
  const headers = given.headers;
  if (headers !== undefined && (headers === null || typeof headers !== 'object')) {
    throw optionError('router', `${at}.headers`, 'an object of header names and values', headers);
  }
  const order = given.order ?? 0;
  if (typeof order !== 'number' || !Number.isInteger(order)) {
    throw optionError('router', `${at}.order`, 'a whole number', order);
  }
  const rpm = count('rpm');
  const tpm = count('tpm');
  const route: AttemptRoute = {
    ...(apiBase === undefined ? {} : { apiBase }),
    ...(apiKey === undefined ? {} : { apiKey: new Secret(apiKey) }),
    ...(apiVersion === undefined ? {} : { apiVersion }),
    ...(headers === undefined ? {} : { headers: { ...headers } }),
  };
  return {
    id: text('id', false) ?? deploymentId({ modelName, model, apiBase, apiVersion, apiKey }),
    modelName,
    model,
    route,
    rpm,
    tpm,
    weight: count('weight') ?? rpm ?? tpm ?? 1,
    order,
    maxInputTokens: count('maxInputTokens') ?? contextWindowOf(model, prices),
    index,
  };
}

/**
 * A deployment's id from its settings: the same in every process given the same list, so that
 * processes share cooldowns and usage. The key counts through its hash only: two deployments
 * that differ by key alone are two, and the id never holds the key.
 */
function deploymentId(settings: {
  modelName: string;
  model: string;
  apiBase: string | undefined;
  apiVersion: string | undefined;
  apiKey: string | undefined;
}): string {
  const { apiKey, ...rest } = settings;
  const keyHash = apiKey === undefined ? null : createHash('sha256').update(apiKey).digest('hex');
  const digest = createHash('sha256')
    .update(canonicalJson({ ...rest, keyHash }))
    .digest('hex');
  return digest.slice(0, 16);
}

/** The model's context window in the price table, if it has one. */
function contextWindowOf(model: string, prices: PriceBook): number | undefined {
  const slash = model.indexOf('/');
  const names = {
    requested: model,
    provider: slash > 0 ? model.slice(0, slash) : undefined,
    providerModel: slash > 0 ? model.slice(slash + 1) : model,
    responseModel: undefined,
  };
  const found = prices.findFor(names, false);
  const window = found?.price.maxInput;
  return typeof window === 'number' && window > 0 ? window : undefined;
}
