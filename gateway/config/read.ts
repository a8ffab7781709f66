import { readFile } from 'node:fs/promises';
import type * as Yaml from 'yaml';
import { z } from 'zod';
import {
  isValidationError,
  type OptionalPackage,
  requireOptional,
  ValidationError,
  type ValidationIssue,
} from '../../src/kit/index.js';
import { PROVIDER_NAMES } from '../../src/providers/registry.js';
import { describeIssues, formatPath } from '../../src/validation/describe-issues.js';
import { closestName, suggestionLimit } from '../../src/validation/suggest.js';
import { configSchema, type ShallotConfig } from './schema.js';
import { SINK_NAMES } from './sinks.js';

/** Environment variables, as `process.env` holds them. */
export type Environment = Readonly<Record<string, string | undefined>>;

/** Something in the file that shallot ignores: one line at start, on stderr. */
export interface ConfigWarning {
  /** Where, as `litellm_settings.drop_params` or `model_list[0].litellm_params.aws_region_name`. */
  path: string;
  /** The whole line: the path, what is wrong, and what shallot does about it. */
  message: string;
}

/** A config file, checked, with what in it shallot ignores. */
export interface LoadedConfig {
  config: ShallotConfig;
  warnings: ConfigWarning[];
}

/** Options of {@link parseConfig} and {@link loadConfig}. */
export interface ReadOptions {
  /** Where `os.environ/NAME` references are looked up. @default process.env */
  env?: Environment;
}

/** The prefix of an environment reference, as LiteLLM writes it: `os.environ/AZURE_API_KEY`. */
const ENV_REFERENCE = 'os.environ/';

/** The YAML parser, an optional peer dependency: `npm install yaml` for `shallot serve`. */
const YAML: OptionalPackage = {
  name: 'yaml',
  neededBy: 'the gateway’s config file (shallot serve)',
};

/**
 * Reads a LiteLLM-style `config.yaml` (see {@link parseConfig}).
 * @throws ValidationError whose messages start with the file's path, then the field at fault.
 */
export async function loadConfig(path: string, options: ReadOptions = {}): Promise<LoadedConfig> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const reason = code === 'ENOENT' ? 'no such file' : (error as Error).message;
    throw new ValidationError([
      { field: '(file)', message: `${path}: cannot be read: ${reason}.` },
    ]);
  }
  try {
    return parseConfig(text, options);
  } catch (error) {
    if (!isValidationError(error)) throw error;
    const issues = error.issues.map((issue) => ({
      ...issue,
      message: `${path}: ${issue.message}`,
    }));
    throw new ValidationError(issues);
  }
}

/**
 * Checks the text of a LiteLLM-style `config.yaml` (YAML 1.2: `true`/`false` are booleans,
 * `2024-10-21` is text). Keys shallot does not act on, at any depth, become warnings that name
 * their path (with the known key a typo probably meant); `os.environ/NAME` values are taken
 * from the environment; every value is checked, and bad ones fail naming their paths (the
 * error's `issues` list them all, its `field` and message start with the first).
 *
 * @throws ValidationError for bad YAML, an unset variable, or a bad value.
 * @example
 * const { config, warnings } = parseConfig('model_list: [...]', { env: process.env });
 */
export function parseConfig(text: string, options: ReadOptions = {}): LoadedConfig {
  const document = requireOptional<typeof Yaml>(YAML).parseDocument(text, { prettyErrors: true });
  const broken = document.errors[0];
  if (broken !== undefined) throw fileError('(yaml)', `not valid YAML: ${broken.message}`);
  let raw: unknown;
  try {
    raw = document.toJS() ?? {};
  } catch (error) {
    // An alias expanded past the library's bound, say.
    throw fileError('(yaml)', `not valid YAML: ${(error as Error).message}`);
  }
  if (!isMapping(raw)) {
    throw fileError(
      '(config)',
      'expected a mapping of settings (model_list, router_settings, litellm_settings, general_settings).',
    );
  }
  const walk: Walk = { env: options.env ?? process.env, warnings: [], issues: [] };
  for (const warning of document.warnings) {
    walk.warnings.push({ path: '(yaml)', message: `(yaml): ${warning.message}` });
  }
  const known = supportedPart(configSchema, raw, [], walk);
  if (walk.issues.length > 0) throw new ValidationError(walk.issues);
  const result = configSchema.safeParse(known, { reportInput: true });
  if (!result.success) throw new ValidationError(describeIssues(result.error.issues));
  const config = result.data;
  const problems = checkValues(config);
  if (problems.length > 0) throw new ValidationError(problems);
  return { config, warnings: [...walk.warnings, ...warnValues(config)] };
}

/** An error of the whole file, not of one field: its message names no path. */
function fileError(field: string, message: string): ValidationError {
  return new ValidationError([{ field, message: message.trimEnd() }]);
}

interface Walk {
  env: Environment;
  warnings: ConfigWarning[];
  issues: ValidationIssue[];
}

type Path = ReadonlyArray<string | number>;

/**
 * The part of `value` that `schema` knows, with its environment references resolved: every
 * other key is reported (and left out), and a null is a key not given, as LiteLLM reads it.
 * A value of the wrong kind is kept as it is, for the schema to refuse by its path.
 */
function supportedPart(schema: z.ZodType, value: unknown, path: Path, walk: Walk): unknown {
  const inner = schema instanceof z.ZodOptional ? (schema.unwrap() as z.ZodType) : schema;
  if (inner instanceof z.ZodObject && isMapping(value)) {
    const shape = inner.shape as Record<string, z.ZodType>;
    const known = Object.keys(shape);
    const part: Record<string, unknown> = {};
    for (const [key, child] of Object.entries(value)) {
      if (!Object.hasOwn(shape, key)) {
        walk.warnings.push(unsupportedKey([...path, key], key, known));
      } else if (child !== null) {
        part[key] = supportedPart(shape[key] as z.ZodType, child, [...path, key], walk);
      }
    }
    return part;
  }
  if (inner instanceof z.ZodArray && Array.isArray(value)) {
    const element = inner.element as z.ZodType;
    return value.map((item, index) => supportedPart(element, item, [...path, index], walk));
  }
  if (typeof value === 'string' && value.startsWith(ENV_REFERENCE)) {
    return fromEnvironment(value.slice(ENV_REFERENCE.length), path, walk);
  }
  return value;
}

function fromEnvironment(name: string, path: Path, walk: Walk): string | undefined {
  const value = walk.env[name];
  if (value !== undefined && value !== '') return value;
  const field = formatPath(path);
  walk.issues.push({
    field,
    message: `${field}: ${ENV_REFERENCE}${name} names the environment variable ${name}, which is not set: set it, or write the value in the file.`,
  });
  return undefined;
}

function unsupportedKey(path: Path, key: string, known: readonly string[]): ConfigWarning {
  const field = formatPath(path);
  const near = closestName(key, known, suggestionLimit(key));
  const message = near
    ? `${field}: not a setting shallot knows: did you mean ${near.name}? Ignored.`
    : `${field}: not supported by shallot; ignored.`;
  return { path: field, message };
}

/** What the schema cannot see alone: providers shallot has, ids given twice, one price per model. */
function checkValues(config: ShallotConfig): ValidationIssue[] {
  const issues: ValidationIssue[] = [];
  const ids = new Map<string, number>();
  const prices = new Map<string, { index: number; price: string }>();
  (config.model_list ?? []).forEach((entry, index) => {
    const params = entry.litellm_params;
    const given = [params.input_cost_per_token, params.output_cost_per_token];
    const price = given.some((cost) => cost !== undefined) ? JSON.stringify(given) : undefined;
    const priced = prices.get(params.model);
    if (price !== undefined && priced !== undefined && priced.price !== price) {
      const field = `model_list[${index}].litellm_params`;
      issues.push({
        field,
        message: `${field}: prices ${params.model} otherwise than model_list[${priced.index}]: prices go by model, so give deployments of one model the same input_cost_per_token and output_cost_per_token.`,
      });
    }
    if (price !== undefined && priced === undefined) prices.set(params.model, { index, price });
    const slash = params.model.indexOf('/');
    const prefix = slash > 0 ? params.model.slice(0, slash) : undefined;
    if (prefix !== undefined && !PROVIDER_NAMES.includes(prefix) && !params.api_base) {
      const field = `model_list[${index}].litellm_params.model`;
      issues.push({
        field,
        message: `${field}: "${prefix}" is not a provider shallot has (${PROVIDER_NAMES.join(', ')}): name one of them, or give api_base for an OpenAI-compatible server.`,
      });
    }
    const id = entry.model_info?.id;
    if (id === undefined) return;
    const first = ids.get(id);
    if (first !== undefined) {
      const field = `model_list[${index}].model_info.id`;
      issues.push({
        field,
        message: `${field}: "${id}" is the id of model_list[${first}] already: give each deployment its own.`,
      });
    }
    ids.set(id, index);
  });
  return issues;
}

/** Values that parse but that shallot ignores, or reads otherwise than LiteLLM does. */
function warnValues(config: ShallotConfig): ConfigWarning[] {
  const warnings: ConfigWarning[] = [];
  const warn = (path: string, message: string) =>
    warnings.push({ path, message: `${path}: ${message}` });
  (config.model_list ?? []).forEach((entry, index) => {
    if (entry.model_name.includes('*')) {
      warn(
        `model_list[${index}].model_name`,
        `"${entry.model_name}": wildcard groups are not supported by shallot: this group answers only calls for the model named "${entry.model_name}".`,
      );
    }
  });
  const settings = config.litellm_settings ?? {};
  for (const list of ['success_callback', 'failure_callback', 'callbacks'] as const) {
    (settings[list] ?? []).forEach((name, index) => {
      if (SINK_NAMES.includes(name)) return;
      const near = closestName(name, SINK_NAMES, suggestionLimit(name));
      warn(
        `litellm_settings.${list}[${index}]`,
        near
          ? `"${name}" is not a sink shallot has: did you mean "${near.name}"? Ignored.`
          : `"${name}" is not a sink shallot has (${SINK_NAMES.join(', ')}); ignored.`,
      );
    });
  }
  if (settings.cache_params !== undefined && settings.cache !== true) {
    warn('litellm_settings.cache_params', 'ignored without `cache: true`.');
  }
  return warnings;
}

function isMapping(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
