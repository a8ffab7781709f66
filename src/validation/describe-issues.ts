import type { z } from 'zod';
import type { CompletionOptions } from '../client/params.js';
import type { ValidationIssue } from '../errors/validation-error.js';
import { describeValue } from './describe-value.js';
import { closestName, suggestionLimit } from './suggest.js';

/** How to fix each request field, keyed by its path with array indexes written as `[]`. */
const REQUEST_FIXES: Readonly<Record<string, string>> = {
  model: "Pass a model name such as 'openai/gpt-4o-mini'.",
  messages: "Pass an array of messages, such as [{ role: 'user', content: 'Hello' }].",
  'messages[].role': "Use one of 'system', 'developer', 'user', 'assistant' or 'tool'.",
  'messages[].content':
    "Pass a string, or an array of content parts such as { type: 'text', text: 'Hello' }.",
  'messages[].tool_call_id': 'Set tool_call_id to the id of the tool call this message answers.',
  'messages[].tool_calls':
    "Each tool call is { id, type: 'function', function: { name, arguments: '<JSON string>' } }.",
  temperature: 'Use a number from 0 to 2.',
  top_p: 'Use a number from 0 to 1.',
  max_tokens: 'Use a positive whole number of tokens.',
  max_completion_tokens: 'Use a positive whole number of tokens.',
  n: 'Use a positive whole number of choices.',
  stop: 'Use a string or an array of up to 4 strings.',
  seed: 'Use a whole number.',
  tools: "Each tool is { type: 'function', function: { name, description?, parameters? } }.",
  tool_choice: "Use 'none', 'auto', 'required' or { type: 'function', function: { name } }.",
  response_format:
    "Use { type: 'text' }, { type: 'json_object' } or { type: 'json_schema', json_schema: { name, schema } }.",
  presence_penalty: 'Use a number from -2 to 2.',
  frequency_penalty: 'Use a number from -2 to 2.',
  top_logprobs: 'Use a whole number from 0 to 20.',
  stream: 'Use true or false.',
};

/** How to fix each of shallot's options: one message per option of `CompletionOptions`, or this fails to compile. */
const OPTION_FIXES: Readonly<Record<keyof CompletionOptions, string>> = {
  apiKey: 'Pass the key as a non-empty string, or set the provider’s environment variable.',
  apiBase: "Pass an http(s) URL such as 'http://127.0.0.1:8000/v1'.",
  apiVersion: "Pass a non-empty string, such as '2024-10-21'.",
  headers: 'Pass an object of header names to string values.',
  metadata: 'Pass a plain object, such as { user: "u-42" }.',
  timeout: 'Pass a positive number of milliseconds.',
  signal: 'Pass an AbortSignal, such as AbortSignal.timeout(5000).',
  mockResponse:
    'Pass a string, a chat.completion object, an Error to raise, or an array of chunks to stream.',
  middleware: 'Pass an array of async (ctx, next) => {} functions.',
  traceId: 'Pass a non-empty string.',
  cache: 'Pass { noCache?, noStore?, ttl?, sMaxAge?, namespace? } (seconds for ttl and sMaxAge).',
  redact: 'Pass { messages?: boolean, response?: boolean }.',
  numRetries: 'Pass a whole number of retries, 0 for none.',
  fallbacks:
    "Pass a list of models, such as ['openai/gpt-4o-mini'], or { default, contextWindow, contentPolicy, rateLimit } lists.",
  totalTimeout: 'Pass a positive number of milliseconds.',
  firstChunkTimeout: 'Pass a positive number of milliseconds.',
  chunkTimeout: 'Pass a positive number of milliseconds.',
  inputCostPerToken: 'Pass US dollars per token, such as 0.0000025 for $2.50 per million.',
  outputCostPerToken: 'Pass US dollars per token, such as 0.00001 for $10 per million.',
  pricing:
    'Pass a price entry, such as { inputCostPerToken: 0.000001, outputCostPerToken: 0.000002 }.',
};

/** How to fix each field, keyed by its path with array indexes written as `[]`. */
const FIXES: Readonly<Record<string, string>> = { ...REQUEST_FIXES, ...OPTION_FIXES };

/** Fields whose received value must never be echoed, even in an error, at any depth. */
const SECRET_FIELDS: ReadonlySet<PropertyKey> = new Set<PropertyKey>([
  'apiKey',
  'headers',
] satisfies Array<keyof CompletionOptions>);

/** The fix for a field: an own entry of {@link FIXES} only, so `constructor` finds none. */
function fixFor(key: string): string {
  return Object.hasOwn(FIXES, key) ? (FIXES[key] as string) : '';
}

/**
 * Turns zod issues into messages that name the field, the problem and the fix. An unknown key
 * of a strict object (`unrecognized_keys`) is an issue of its own, with the nearest of
 * `knownKeysAt(path)` as its fix.
 */
export function describeIssues(
  issues: readonly z.core.$ZodIssue[],
  knownKeysAt: (path: readonly PropertyKey[]) => readonly string[] = () => [],
): ValidationIssue[] {
  return issues.flatMap((issue) => {
    if (issue.code === 'unrecognized_keys') return describeUnknownKeys(issue, knownKeysAt);
    const field = formatPath(issue.path);
    const key = field.replace(/\[\d+\]/g, '[]');
    const fix = fixFor(key) || fixFor(key.split('.')[0] ?? '');
    const secret = issue.path.some((segment) => SECRET_FIELDS.has(segment));
    const problem = describeProblem(issue, secret);
    return { field, message: `${field}: ${problem}.${fix ? ` ${fix}` : ''}` };
  });
}

function describeUnknownKeys(
  issue: z.core.$ZodIssueUnrecognizedKeys,
  knownKeysAt: (path: readonly PropertyKey[]) => readonly string[],
): ValidationIssue[] {
  const known = knownKeysAt(issue.path);
  return issue.keys.map((key) => {
    const field = formatPath([...issue.path, key]);
    const near = closestName(key, known, suggestionLimit(key));
    const fix = near
      ? `did you mean ${near.name}?`
      : `the known ones are ${known.join(', ') || 'listed in the docs'}.`;
    return { field, message: `${field}: is not a known option: ${fix}` };
  });
}

function describeProblem(issue: z.core.$ZodIssue, secret: boolean): string {
  const input = (issue as { input?: unknown }).input;
  const received = secret ? '' : `, received ${describeValue(input)}`;
  switch (issue.code) {
    case 'invalid_type':
      if (input === undefined) return 'is required';
      return `expected ${withArticle(issue.expected)}${received}`;
    case 'too_big':
      if (issue.origin === 'array') return `must have at most ${issue.maximum} items`;
      return `must be ${issue.inclusive === false ? 'less than' : 'at most'} ${issue.maximum}${received}`;
    case 'too_small':
      if (issue.origin === 'array') return `must have at least ${issue.minimum} item(s)`;
      if (issue.origin === 'string') return 'must not be empty';
      return `must be ${issue.inclusive === false ? 'greater than' : 'at least'} ${issue.minimum}${received}`;
    case 'invalid_value':
      return `expected one of ${issue.values.map(quote).join(', ')}${received}`;
    case 'invalid_union': {
      const discriminator = (issue as { discriminator?: string }).discriminator;
      if (discriminator !== undefined) {
        const value = (input as Record<string, unknown> | undefined)?.[discriminator];
        const options = (issue as { options?: unknown[] }).options ?? [];
        if (value === undefined) return 'is required';
        const discriminated = secret ? '' : `, received ${describeValue(value)}`;
        return `expected one of ${options.map(quote).join(', ')}${discriminated}`;
      }
      if (input === undefined) return 'is required';
      return `is not valid${received}`;
    }
    case 'invalid_format':
      return `expected a valid ${issue.format}${received}`;
    default:
      return `${issue.message.replace(/^Invalid input: /, '')}${received}`;
  }
}

/** A field's path as the caller wrote it: `messages[0].role`; `(params)` for the whole input. */
export function formatPath(path: readonly PropertyKey[]): string {
  let formatted = '';
  for (const segment of path) {
    if (typeof segment === 'number') formatted += `[${segment}]`;
    else formatted += formatted === '' ? String(segment) : `.${String(segment)}`;
  }
  return formatted === '' ? '(params)' : formatted;
}

function withArticle(expected: string): string {
  return /^[aeiou]/.test(expected) ? `an ${expected}` : `a ${expected}`;
}

function quote(value: unknown): string {
  return typeof value === 'string' ? `'${value}'` : String(value);
}
