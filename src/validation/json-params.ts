import type { CompletionOptions } from '../client/params.js';
import type { ValidationIssue } from '../errors/validation-error.js';
import { formatPath } from './describe-issues.js';

/**
 * How many levels of objects and arrays one parameter's value may nest: `metadata: { a: {} }`
 * has two. Deeper values are refused before any network call, because JSON encoders and
 * copiers recurse and a hostile value 100,000 levels deep would overflow the stack. The
 * deepest OpenAI request (a JSON schema in `response_format` or a tool) stays far below it.
 */
export const MAX_PARAMETER_DEPTH = 64;

/** Why a value cannot be sent as JSON. */
type Problem = 'prototype-key' | 'cycle' | 'bigint' | 'too-deep';

/** A value that cannot be sent, and its path from the parameter, innermost segment first. */
interface Finding {
  problem: Problem;
  reversedPath: Array<string | number>;
}

const DESCRIPTIONS: Readonly<Record<Problem, string>> = {
  'prototype-key':
    'is refused as a key: assigning it replaces an object’s prototype instead of setting a field. Remove the "__proto__" key (JSON.parse of untrusted text keeps one as an ordinary key).',
  cycle:
    'refers back to an object that contains it, and a cycle cannot be sent as JSON. Remove the reference, or pass a copy without it.',
  bigint: 'is a BigInt, which JSON cannot hold. Pass a number, or the value as a string.',
  'too-deep': `nests objects and arrays deeper than ${MAX_PARAMETER_DEPTH} levels. Flatten the value, or pass it as a JSON string.`,
};

/**
 * Walks an object as `JSON.stringify` would (own enumerable keys, array items, a `toJSON`
 * method trusted as is) and returns the first thing in it that cannot be sent: an own
 * `__proto__` key, a cycle, a BigInt, or nesting deeper than {@link MAX_PARAMETER_DEPTH}.
 * The recursion stops at that depth, so no value can overflow the stack.
 */
function findInObject(value: object, depth: number, ancestors: object[]): Finding | undefined {
  if (typeof (value as { toJSON?: unknown }).toJSON === 'function') return undefined;
  if (depth >= MAX_PARAMETER_DEPTH) return { problem: 'too-deep', reversedPath: [] };
  if (ancestors.length > 0 && ancestors.includes(value)) {
    return { problem: 'cycle', reversedPath: [] };
  }
  ancestors.push(value);
  const finding = Array.isArray(value)
    ? findInItems(value, depth + 1, ancestors)
    : findInFields(value as Record<string, unknown>, depth + 1, ancestors);
  ancestors.pop();
  return finding;
}

/** {@link findInObject} for any value: a primitive is sendable unless it is a BigInt. */
function findInValue(value: unknown, depth: number, ancestors: object[]): Finding | undefined {
  if (typeof value === 'object') {
    return value === null ? undefined : findInObject(value, depth, ancestors);
  }
  return typeof value === 'bigint' ? { problem: 'bigint', reversedPath: [] } : undefined;
}

function findInItems(items: unknown[], depth: number, ancestors: object[]): Finding | undefined {
  for (let index = 0; index < items.length; index++) {
    const finding = findInValue(items[index], depth, ancestors);
    if (finding !== undefined) {
      finding.reversedPath.push(index);
      return finding;
    }
  }
  return undefined;
}

function findInFields(
  fields: Record<string, unknown>,
  depth: number,
  ancestors: object[],
): Finding | undefined {
  for (const key in fields) {
    if (!Object.hasOwn(fields, key)) continue;
    const finding =
      key === '__proto__'
        ? { problem: 'prototype-key' as const, reversedPath: [] }
        : findInValue(fields[key], depth, ancestors);
    if (finding !== undefined) {
      finding.reversedPath.push(key);
      return finding;
    }
  }
  return undefined;
}

/**
 * True for an object whose own fields are all scalars JSON can hold or leaves out (strings,
 * numbers, booleans, null, undefined, functions), with no BigInt and no `__proto__` key: JSON
 * data with nothing below it to walk. The fast path's check of a message or of metadata.
 */
export function isFlatJsonObject(fields: object): boolean {
  for (const key in fields) {
    if (!Object.hasOwn(fields, key)) continue;
    if (key === '__proto__') return false;
    const field = (fields as Record<string, unknown>)[key];
    if ((typeof field === 'object' && field !== null) || typeof field === 'bigint') return false;
  }
  return true;
}

/** True when `value` holds nothing {@link findUnsendableParams} would refuse. */
export function isJsonData(value: object): boolean {
  return findInObject(value, 0, []) === undefined;
}

const NO_ISSUES: readonly ValidationIssue[] = [];

/** Options whose values are not data: a platform object, functions, the caller's own Error. */
function isNotData(key: string, value: unknown): boolean {
  // Typed as an option's name, so that a misspelt or renamed option here fails to compile.
  const option = key as keyof CompletionOptions;
  return (
    option === 'signal' ||
    option === 'middleware' ||
    (option === 'mockResponse' && value instanceof Error)
  );
}

/**
 * The parameters that cannot be sent or stored as JSON, one issue per parameter: an own
 * `__proto__` key at any level, a cycle, a BigInt, or a value nested deeper than
 * {@link MAX_PARAMETER_DEPTH}. Only own properties of `params` are read. Empty when every
 * parameter is JSON data, which is the common case and costs a walk over the few values given.
 */
export function findUnsendableParams(params: object): readonly ValidationIssue[] {
  let issues: ValidationIssue[] | undefined;
  const ancestors: object[] = [];
  for (const key in params) {
    if (!Object.hasOwn(params, key)) continue;
    const value = (params as Record<string, unknown>)[key];
    let finding: Finding | undefined;
    if (key === '__proto__') finding = { problem: 'prototype-key', reversedPath: [] };
    else if (!isNotData(key, value)) finding = findInValue(value, 0, ancestors);
    if (finding === undefined) continue;
    const field = formatPath([key, ...finding.reversedPath.reverse()]);
    issues ??= [];
    issues.push({ field, message: `${field}: ${DESCRIPTIONS[finding.problem]}` });
  }
  return issues ?? NO_ISSUES;
}
