import type { CompletionOptions } from '../client/params.js';
import type { ValidationIssue } from '../errors/validation-error.js';
import { NATIVE_PARAMETERS } from '../providers/registry.js';
import { OPTION_KEYS, requestSchema } from './request-schema.js';
import { closestName, normalName, suggestionLimit } from './suggest.js';

/**
 * LiteLLM's spellings of shallot's options, accepted as they are in LiteLLM's `completion()`,
 * so that `mock_response: 'Hi'` answers from the mock instead of reaching the provider as an
 * unknown (and billed) parameter. `ctx.options` holds each under its camelCase name.
 */
export const LITELLM_OPTION_ALIASES: Readonly<Record<string, keyof CompletionOptions>> = {
  mock_response: 'mockResponse',
  num_retries: 'numRetries',
  api_key: 'apiKey',
  api_base: 'apiBase',
  base_url: 'apiBase',
  api_version: 'apiVersion',
  input_cost_per_token: 'inputCostPerToken',
  output_cost_per_token: 'outputCostPerToken',
};

/** The request parameters shallot knows by name: the suggestions for a camelCase typo. */
const REQUEST_KEYS: readonly string[] = [...Object.keys(requestSchema.shape), 'reasoning_effort'];

/** A key is taken for a typo of an option when it is this many edits from one, or fewer. */
const OPTION_TYPO_EDITS = 1;

/** Shorter (normalized) keys are never taken for a typo of an option: too many near misses. */
const SHORTEST_OPTION_TYPO = 5;

/**
 * The parameters of a `completion()` call that would reach the provider by mistake: a key one
 * edit away from one of shallot's options (`numRetrie`, `timout`), or any camelCase key that
 * is neither an option nor a provider's native parameter (`maxTokens`, `numRetry`), since
 * providers' parameters are snake_case. Each issue says which name was probably meant. Keys
 * of {@link LITELLM_OPTION_ALIASES} and snake_case parameters shallot does not know (`top_k`)
 * pass.
 */
export function findMistypedParams(params: Record<string, unknown>): ValidationIssue[] {
  const issues: ValidationIssue[] = [];
  for (const key of Object.keys(params)) {
    if (OPTION_KEYS.has(key) || Object.hasOwn(LITELLM_OPTION_ALIASES, key)) continue;
    if (NATIVE_PARAMETERS.has(key)) continue;
    const camelCase = /[A-Z]/.test(key);
    if (!camelCase && REQUEST_KEYS.includes(key)) continue;
    const problem = camelCase ? camelCaseProblem(key) : nearOptionProblem(key);
    if (problem !== undefined) {
      issues.push({
        field: key,
        message: `${key}: ${problem} Sent as it is, it would reach the provider.`,
      });
    }
  }
  return issues;
}

/** A lowercase key one edit from an option (`timout`): probably that option, mistyped. */
function nearOptionProblem(key: string): string | undefined {
  if (normalName(key).length < SHORTEST_OPTION_TYPO) return undefined;
  const option = closestName(key, OPTION_KEYS, OPTION_TYPO_EDITS);
  return option && `is not one of shallot's options: did you mean ${option.name}?`;
}

/** A camelCase key: an option or a parameter mistyped, whichever is nearer (the option on a tie). */
function camelCaseProblem(key: string): string {
  const limit = suggestionLimit(key);
  const option = closestName(key, OPTION_KEYS, limit);
  const parameter = closestName(key, REQUEST_KEYS, option ? option.edits - 1 : limit);
  if (parameter !== undefined) {
    return `providers' parameters are snake_case: did you mean ${parameter.name}?`;
  }
  if (option !== undefined) return `is not one of shallot's options: did you mean ${option.name}?`;
  return `is neither one of shallot's options (camelCase: ${[...OPTION_KEYS].join(', ')}) nor a provider's parameter (snake_case, such as top_k).`;
}

/**
 * Every name of shallot's own call options, in its spelling and LiteLLM's (`apiBase`,
 * `api_base`, `base_url`, `mockResponse`, ...): what a server that takes requests from others
 * (the gateway) must never take from them.
 */
export const CALL_OPTION_NAMES: ReadonlySet<string> = new Set([
  ...OPTION_KEYS,
  ...Object.keys(LITELLM_OPTION_ALIASES),
  'encodingFormat',
]);
