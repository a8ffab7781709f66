import { STATUS_CODES } from 'node:http';
import { type Dispatcher, request } from 'undici';
import { flattenHeaders, maskSecrets, parseRetryAfter } from '../../src/kit/index.js';

/** Where and how the records are POSTed. */
export interface Target {
  url: string;
  /** The webhook as it may be shown: origin and path, no query, no user info. */
  shown: string;
  /** Flat name/value pairs, the user's credentials revealed: only ever sent. */
  headers: string[];
  /** The user's header values, masked out of every message. */
  secrets: string[];
  dispatcher: Dispatcher;
  timeoutMs: number;
}

/** What one POST came to. */
export type PostOutcome =
  | { ok: true }
  | {
      ok: false;
      /** Undefined when no answer came. */
      status: number | undefined;
      retryable: boolean;
      retryAfterMs: number | undefined;
      /** What went wrong, safe to show. */
      problem: string;
    };

const SNIPPET_CHARACTERS = 200;

/** True for the statuses worth another try: a timeout, a rate limit, a server's trouble. */
export function isRetryableStatus(status: number): boolean {
  return status === 408 || status === 429 || (status >= 500 && status <= 599);
}

/**
 * POSTs `body` once, and reads the answer enough to tell what to do next. `signal` cuts the
 * request and its connection (the sink is closing): the outcome is then a retryable failure.
 */
export async function postOnce(
  target: Target,
  body: string,
  signal?: AbortSignal,
): Promise<PostOutcome> {
  let response: Dispatcher.ResponseData;
  try {
    response = await request(target.url, {
      method: 'POST',
      headers: target.headers,
      body,
      dispatcher: target.dispatcher,
      headersTimeout: target.timeoutMs,
      bodyTimeout: target.timeoutMs,
      signal,
    });
  } catch (error) {
    return {
      ok: false,
      status: undefined,
      // A bad argument is ours to fix; anything else (refused, reset, timed out) may pass.
      retryable: codeOf(error) !== 'UND_ERR_INVALID_ARG',
      retryAfterMs: undefined,
      // The message, not the error: it is all the evidence, and is scrubbed.
      problem: maskSecrets(connectionProblem(error), target.secrets),
    };
  }
  const status = response.statusCode;
  if (status >= 200 && status <= 299) {
    await response.body.dump().catch(() => {});
    return { ok: true };
  }
  const text = await response.body.text().catch(() => '');
  const snippet = text.trim().slice(0, SNIPPET_CHARACTERS);
  const said = `${status} ${STATUS_CODES[status] ?? ''}`.trim();
  return {
    ok: false,
    status,
    retryable: isRetryableStatus(status),
    retryAfterMs: parseRetryAfter(flattenHeaders(response.headers)),
    // Servers echo requests back in errors; the user's header values must not ride along.
    problem: maskSecrets(
      snippet === '' ? said : `${said} (${JSON.stringify(snippet)})`,
      target.secrets,
    ),
  };
}

function connectionProblem(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  const code = codeOf(error);
  return code === undefined || message.includes(code) ? message : `${code}: ${message}`;
}

function codeOf(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}
