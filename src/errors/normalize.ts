import type { ChatCompletion } from '../types/openai.js';
import { AbortError } from './abort-error.js';
import { APIConnectionError } from './api-connection-error.js';
import { IncompleteStreamError } from './incomplete-stream-error.js';
import { isShallotError, type ShallotError } from './shallot-error.js';
import { TimeoutError } from './timeout-error.js';
import { UnexpectedError } from './unexpected-error.js';

/** What an abort left behind: an `AbortSignal`, or shallot's lighter equivalents. */
export interface AbortState {
  readonly aborted: boolean;
  readonly reason?: unknown;
}

/** Where an error happened, so that it can be classified and described. */
export interface ErrorScope {
  provider: string | undefined;
  model: string | undefined;
  /** The call's or the attempt's abort state: when it aborted, its reason explains the error. */
  signal: AbortState | undefined;
  /** True once a stream's response head arrived: a cut connection is then a truncation. */
  midStream: boolean;
  /** What a stream delivered so far. */
  partialResponse?: ChatCompletion;
}

const TIMEOUT_CODES = new Set([
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
  'UND_ERR_CONNECT_TIMEOUT',
  'ETIMEDOUT',
]);
const CUT_CODES = new Set([
  'UND_ERR_SOCKET',
  'UND_ERR_CLOSED',
  'ECONNRESET',
  'EPIPE',
  'UND_ERR_RES_CONTENT_LENGTH_MISMATCH',
]);

/**
 * Turns anything thrown inside a call into a `ShallotError`: undici's network errors, an
 * aborted signal, a cut stream, or a middleware's own error (kept as `cause`).
 */
export function toShallotError(error: unknown, scope: ErrorScope): ShallotError {
  if (isShallotError(error)) {
    if (scope.partialResponse && error.partialResponse === undefined) {
      error.partialResponse = scope.partialResponse;
    }
    return error;
  }
  const base = { provider: scope.provider, model: scope.model, cause: error };
  const partialResponse = scope.partialResponse;
  const reason = scope.signal?.aborted ? scope.signal.reason : undefined;
  if (isShallotError(reason)) return toShallotError(reason, scope);
  if (scope.signal?.aborted) {
    return new AbortError({
      ...base,
      partialResponse,
      message: `${where(scope)}: the call was aborted by the caller's AbortSignal.`,
    });
  }
  const code = errorCode(error);
  const detail = error instanceof Error ? error.message : String(error);
  if (code !== undefined && TIMEOUT_CODES.has(code)) {
    return new TimeoutError({
      ...base,
      partialResponse,
      message: `${where(scope)}: timed out (${code}: ${detail}). Raise the call's timeout, or retry.`,
    });
  }
  if (scope.midStream && (isCut(code) || detail === 'terminated')) {
    return new IncompleteStreamError({
      ...base,
      partialResponse,
      message: `${where(scope)}: the connection was cut mid-stream (${code ?? detail}); the answer is incomplete.`,
    });
  }
  if (code !== undefined && (isCut(code) || isNetworkCode(code))) {
    return new APIConnectionError({
      ...base,
      message: `${where(scope)}: could not reach the provider (${code}: ${detail}). Check apiBase and the network.`,
    });
  }
  return new UnexpectedError({
    ...base,
    partialResponse,
    message: `${where(scope)}: ${error instanceof Error ? `${error.name}: ${detail}` : detail}`,
  });
}

function where(scope: ErrorScope): string {
  if (scope.provider && scope.model) return `${scope.provider}/${scope.model}`;
  return scope.model ?? scope.provider ?? 'shallot';
}

function errorCode(error: unknown): string | undefined {
  if (error === null || typeof error !== 'object') return undefined;
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string') return code;
  const cause = (error as { cause?: unknown }).cause;
  return cause === undefined || cause === error ? undefined : errorCode(cause);
}

function isCut(code: string | undefined): boolean {
  return code !== undefined && CUT_CODES.has(code);
}

function isNetworkCode(code: string): boolean {
  return (
    code.startsWith('UND_ERR_') ||
    code === 'ECONNREFUSED' ||
    code === 'ENOTFOUND' ||
    code === 'EAI_AGAIN' ||
    code === 'EHOSTUNREACH' ||
    code === 'ENETUNREACH'
  );
}
