import type { Dispatcher } from 'undici';
import { describeValue, Secret, sharedAgent, ValidationError } from '../../src/kit/index.js';
import type { WebhookLoggerOptions } from './index.js';
import type { Target } from './post.js';
import type { RetryPolicy, WebhookRetry } from './retry.js';

/** The options of a webhookLogger, checked and with their defaults. */
export interface CheckedOptions {
  target: Target;
  batchSize: number;
  maxWaitMs: number;
  maxQueue: number;
  retry: RetryPolicy;
  onRetry: ((retry: WebhookRetry) => void) | undefined;
}

const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

/** Options that took the kit's backoff words (those of `resilience`), and what to write now. */
const RENAMED = new Map([
  ['maxAttempts', 'numRetries, the retries after the first POST (maxAttempts: 5 is numRetries: 4)'],
  ['backoffMs', 'baseDelayMs'],
  ['maxBackoffMs', 'maxDelayMs, and maxRetryAfterMs for the longest retry-after'],
]);

/** Checks `webhookLogger(options)` once, in the factory. @throws ValidationError */
export function checkOptions(options: WebhookLoggerOptions): CheckedOptions {
  if (typeof options !== 'object' || options === null) {
    fail('options', 'an object with a url', describeValue(options));
  }
  for (const [old, now] of RENAMED) {
    if ((options as unknown as Record<string, unknown>)[old] !== undefined) {
      throw ValidationError.forField(`webhookLogger options.${old}`, `renamed: use ${now}.`);
    }
  }
  const baseDelayMs = number(options.baseDelayMs, 'baseDelayMs', 500, 0);
  const maxDelayMs = number(
    options.maxDelayMs,
    'maxDelayMs',
    Math.max(30_000, baseDelayMs),
    baseDelayMs,
  );
  return {
    target: {
      ...checkUrl(options.url),
      ...checkHeaders(options.headers),
      dispatcher: checkDispatcher(options.dispatcher),
      timeoutMs: number(options.timeoutMs, 'timeoutMs', 10_000, 1),
    },
    batchSize: whole(options.batchSize, 'batchSize', 100),
    maxWaitMs: number(options.maxWaitMs, 'maxWaitMs', 1000, 0),
    maxQueue: whole(options.maxQueue, 'maxQueue', 10_000),
    retry: {
      numRetries: whole(options.numRetries, 'numRetries', 4, 0),
      baseDelayMs,
      maxDelayMs,
      maxRetryAfterMs: number(options.maxRetryAfterMs, 'maxRetryAfterMs', maxDelayMs, 0),
      jitter: fraction(options.jitter, 'jitter', 0.5),
    },
    onRetry: checkFunction(options.onRetry),
  };
}

function checkUrl(url: unknown): Pick<Target, 'url' | 'shown'> {
  const parsed = typeof url === 'string' && URL.canParse(url) ? new URL(url) : undefined;
  if (parsed === undefined || !['http:', 'https:'].includes(parsed.protocol)) {
    fail('options.url', 'an http:// or https:// URL', describeUrl(url));
  }
  // Never echoed, since it holds a credential; credentials go in headers, which are masked.
  if (parsed.username !== '' || parsed.password !== '') {
    fail(
      'options.url',
      'a URL without a user name or password (put credentials in options.headers)',
      'a URL with credentials in it',
    );
  }
  return { url: parsed.href, shown: `${parsed.origin}${parsed.pathname}` };
}

function checkHeaders(headers: unknown): Pick<Target, 'headers' | 'secrets'> {
  if (headers === undefined) return { headers: ['content-type', 'application/json'], secrets: [] };
  if (typeof headers !== 'object' || headers === null || Array.isArray(headers)) {
    fail('options.headers', 'an object of header names to values', describeValue(headers));
  }
  const flat: string[] = [];
  const secrets: string[] = [];
  for (const [name, value] of Object.entries(headers)) {
    const path = `options.headers["${name}"]`;
    if (!TOKEN.test(name)) fail('options.headers', 'valid header names', `"${name}"`);
    // A header value may be a credential: messages describe it, never show it.
    if (typeof value !== 'string' && !(value instanceof Secret)) {
      fail(path, 'a string or a Secret', value === null ? 'null' : typeof value);
    }
    const text = typeof value === 'string' ? value : value.reveal();
    if (/[\r\n\0]/.test(text)) fail(path, 'a value on one line', 'a value with a line break');
    flat.push(name, text);
    secrets.push(text);
  }
  const typed = flat.some(
    (item, index) => index % 2 === 0 && item.toLowerCase() === 'content-type',
  );
  return { headers: typed ? flat : ['content-type', 'application/json', ...flat], secrets };
}

function checkDispatcher(dispatcher: unknown): Dispatcher {
  if (dispatcher === undefined) return sharedAgent();
  if (typeof (dispatcher as Partial<Dispatcher> | null)?.dispatch !== 'function') {
    fail(
      'options.dispatcher',
      'an undici Dispatcher (an Agent, a MockAgent)',
      describeValue(dispatcher),
    );
  }
  return dispatcher as Dispatcher;
}

function checkFunction(onRetry: unknown): ((retry: WebhookRetry) => void) | undefined {
  if (onRetry !== undefined && typeof onRetry !== 'function') {
    fail('options.onRetry', 'a function', describeValue(onRetry));
  }
  return onRetry as ((retry: WebhookRetry) => void) | undefined;
}

function whole(value: unknown, name: string, fallback: number, minimum = 1): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < minimum) {
    const expected = minimum === 1 ? 'a positive whole number' : `a whole number from ${minimum}`;
    fail(`options.${name}`, expected, describeValue(value));
  }
  return value;
}

function number(value: unknown, name: string, fallback: number, minimum: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < minimum) {
    fail(`options.${name}`, `a number of milliseconds from ${minimum}`, describeValue(value));
  }
  return value;
}

function fraction(value: unknown, name: string, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !(value >= 0 && value <= 1)) {
    fail(`options.${name}`, 'a number from 0 to 1', describeValue(value));
  }
  return value;
}

function fail(path: string, expected: string, received: string): never {
  throw ValidationError.forField(
    `webhookLogger ${path}`,
    `expected ${expected}, received ${received}.`,
  );
}

/** A URL as it may be shown: a query or user info may hold a credential. */
function describeUrl(value: unknown): string {
  if (typeof value !== 'string') return describeValue(value);
  return describeValue(value.replace(/\/\/[^/@]*@/, '//****@').replace(/[?#].*$/, '?…'));
}
