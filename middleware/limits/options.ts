import { type Context, optionError, type PriceBook, type RedisStore } from '../../src/kit/index.js';
import type { LimitStore } from './store.js';
import { type BudgetPeriod, isTimeZone } from './windows.js';

/** Who a rule counts for: a metadata key (`'user'`: `ctx.metadata.user`), or a function of the call. */
export type LimitScope = string | ((ctx: Context) => string | undefined);

/**
 * A limit's number: fixed, or read from each call (a virtual key's own rpm, from its metadata),
 * where `undefined` means no such limit for that call.
 */
export type LimitValue = number | ((ctx: Context) => number | undefined);

/** A spending cap over a period. */
export interface BudgetOptions {
  /** The cap in US dollars. */
  usd: number;
  /** `'day'` or `'month'` (calendar, in `timeZone`), or `{ seconds }` (periods of that length from the epoch). */
  period: BudgetPeriod;
  /** The time zone of the calendar periods. @default 'UTC' */
  timeZone?: string;
}

/** One rule: limits that apply to each value of its scope (each user, each team, ...). */
export interface LimitRule {
  /** The rule's name, in keys, errors and records. @default `rule<position>` */
  name?: string;
  /** Who it counts for. A call with no value for it is not limited by this rule. */
  scope: LimitScope;
  /** Requests per minute (a sliding minute), or a function of the call that gives them. */
  rpm?: LimitValue;
  /** Tokens per minute (a sliding minute): reserved from an estimate, settled to the usage. */
  tpm?: LimitValue;
  /** Calls in flight at once. */
  maxParallel?: LimitValue;
  /** A spending cap: reserved from the price table, settled to the call's cost. */
  budget?: BudgetOptions;
}

/** Options of {@link limits}. */
export interface LimitsOptions {
  rules: readonly LimitRule[];
  /** A Redis store (the one the cache uses): every process counts together. @default this process's counters */
  store?: RedisStore | LimitStore;
  /** With the store failing or slow: admit and count in this process (`true`), or refuse. @default true */
  failOpen?: boolean;
  /** Milliseconds before the store counts as failed. @default 200 */
  storeTimeoutMs?: number;
  /** Output tokens reserved for a call without `max_tokens`. @default 512 */
  defaultOutputTokens?: number;
  /** How long a call holds a parallel slot at most (a process that dies gives it back then). @default 600000 */
  parallelLeaseMs?: number;
  /** Prices of the reservations. @default the bundled table */
  prices?: PriceBook;
}

/** A rule, checked. */
export interface CheckedRule {
  name: string;
  scope: (ctx: Context) => string | undefined;
  rpm: CheckedLimit | undefined;
  tpm: CheckedLimit | undefined;
  maxParallel: CheckedLimit | undefined;
  budget: Required<BudgetOptions> | undefined;
}

/** A limit, checked: a number, or a function whose every answer is checked when the call asks. */
export type CheckedLimit = number | ((ctx: Context) => number | undefined);

/** Checks the rules once, when the factory runs; throws naming the bad field. */
export function checkRules(rules: unknown): CheckedRule[] {
  if (!Array.isArray(rules) || rules.length === 0) {
    throw optionError('limits', 'rules', 'a non-empty array of rules', rules);
  }
  const names = new Set<string>();
  return rules.map((rule: unknown, index) => {
    const at = `rules[${index}]`;
    if (rule === null || typeof rule !== 'object')
      throw optionError('limits', at, 'a rule object', rule);
    const given = rule as LimitRule;
    const name = given.name ?? `rule${index}`;
    if (typeof name !== 'string' || name === '' || names.has(name) || /[:{}]/.test(name)) {
      throw optionError(
        'limits',
        `${at}.name`,
        'a name no other rule has, without ":", "{" or "}"',
        name,
      );
    }
    names.add(name);
    const count = (field: 'rpm' | 'tpm' | 'maxParallel'): CheckedLimit | undefined => {
      const value = given[field];
      if (value === undefined) return undefined;
      if (isCount(value)) return value;
      if (typeof value === 'function') return limitOfCall(value, `${at}.${field}`);
      throw optionError(
        'limits',
        `${at}.${field}`,
        'a positive whole number, or a function of the call that gives one',
        value,
      );
    };
    const checked: CheckedRule = {
      name,
      scope: scopeOf(given.scope, `${at}.scope`),
      rpm: count('rpm'),
      tpm: count('tpm'),
      maxParallel: count('maxParallel'),
      budget: given.budget === undefined ? undefined : checkBudget(given.budget, `${at}.budget`),
    };
    if (
      checked.rpm === undefined &&
      checked.tpm === undefined &&
      checked.maxParallel === undefined &&
      checked.budget === undefined
    ) {
      throw optionError('limits', at, 'at least one of rpm, tpm, maxParallel or budget', rule);
    }
    return checked;
  });
}

function isCount(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value > 0;
}

/**
 * A limit read from each call, its answer checked there: `undefined` (no such limit for the
 * call) or a positive whole number; anything else fails the call, naming the rule, rather than
 * lift a limit without a word.
 */
function limitOfCall(
  read: (ctx: Context) => unknown,
  at: string,
): (ctx: Context) => number | undefined {
  return (ctx) => {
    const value = read(ctx);
    if (value === undefined || isCount(value)) return value;
    throw optionError(
      'limits',
      at,
      'a function that gives a positive whole number or undefined for each call',
      value,
    );
  };
}

function scopeOf(scope: unknown, at: string): (ctx: Context) => string | undefined {
  if (typeof scope === 'function') {
    const of = scope as (ctx: Context) => unknown;
    return (ctx) => {
      const value = of(ctx);
      return typeof value === 'string' && value !== '' ? value : undefined;
    };
  }
  if (typeof scope === 'string' && scope !== '') {
    return (ctx) => {
      const value = Object.hasOwn(ctx.metadata, scope) ? ctx.metadata[scope] : undefined;
      return typeof value === 'string' && value !== '' ? value : undefined;
    };
  }
  throw optionError('limits', at, 'a metadata key or a function of the call', scope);
}

function checkBudget(budget: BudgetOptions, at: string): Required<BudgetOptions> {
  if (budget === null || typeof budget !== 'object')
    throw optionError('limits', at, 'a budget object', budget);
  if (!(typeof budget.usd === 'number' && Number.isFinite(budget.usd) && budget.usd >= 0)) {
    throw optionError('limits', `${at}.usd`, 'a number of US dollars from 0', budget.usd);
  }
  const period = budget.period;
  const rolling =
    typeof period === 'object' &&
    period !== null &&
    Number.isInteger(period.seconds) &&
    period.seconds > 0;
  if (period !== 'day' && period !== 'month' && !rolling) {
    throw optionError(
      'limits',
      `${at}.period`,
      "'day', 'month' or { seconds } (a whole number)",
      period,
    );
  }
  const timeZone = budget.timeZone ?? 'UTC';
  if (typeof timeZone !== 'string' || !isTimeZone(timeZone)) {
    throw optionError(
      'limits',
      `${at}.timeZone`,
      'an IANA time zone such as Europe/Paris',
      timeZone,
    );
  }
  return { usd: budget.usd, period, timeZone };
}

/** A whole number option, or its default. */
export function wholeOption(name: string, value: unknown, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value === 'number' && Number.isInteger(value) && value > 0) return value;
  throw optionError('limits', name, 'a positive whole number', value);
}
