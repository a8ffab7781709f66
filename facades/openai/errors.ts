/**
 * openai-node's error classes, by the same names, fields and constructors, so that code written
 * against `openai` catches the facade's errors unchanged (`err instanceof OpenAI.RateLimitError`,
 * `err.status`, `err.code`). Each error the facade raises for a failed call keeps the shallot
 * error it stands for as `cause`, with shallot's `code`, `retryable` and `partialResponse`.
 */

/** Options every facade error takes besides openai-node's own arguments. */
export interface FacadeErrorOptions {
  /** The lower-level error: for a failed call, the `ShallotError` it ended with. */
  cause?: unknown;
}

/** The base of every error the facade raises, as openai-node's `OpenAIError`. */
export class OpenAIError extends Error {
  constructor(message?: string, options?: FacadeErrorOptions) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    // openai-node leaves `name` as 'Error'; its README prints the class name, and so do we.
    this.name = new.target.name;
  }
}

/** An error body's fields that openai-node copies onto its errors. */
interface ErrorFields {
  message?: unknown;
  code?: unknown;
  param?: unknown;
  type?: unknown;
}

/**
 * A failed request, as openai-node's `APIError`: `status` and `headers` of the answer where
 * there was one, `error` the body's `error` object, and its `code`, `param` and `type`.
 */
export class APIError extends OpenAIError {
  /** The HTTP status of the answer, or the one the API would have answered; undefined for a connection that failed. */
  readonly status: number | undefined;
  /** The answer's headers (what shallot kept of them: `x-request-id`, `retry-after-ms`). */
  readonly headers: Headers | undefined;
  /** The `error` object of the answer's JSON body. */
  readonly error: object | undefined;
  /** The provider's error code (`insufficient_quota`), or shallot's for a refusal of its own (`validation`). */
  readonly code: string | null | undefined;
  /** The request field at fault, where the body names one. */
  readonly param: string | null | undefined;
  /** The provider's error type (`invalid_request_error`). */
  readonly type: string | undefined;
  /** The provider's request id (`x-request-id`). */
  readonly requestID: string | null | undefined;

  constructor(
    status: number | undefined,
    error: object | undefined,
    message: string | undefined,
    headers: Headers | undefined,
    options?: FacadeErrorOptions,
  ) {
    super(messageOf(status, error, message), options);
    this.status = status;
    this.headers = headers;
    this.requestID = headers?.get('x-request-id');
    this.error = error;
    const fields = (error ?? {}) as ErrorFields;
    this.code = fields.code as string | null | undefined;
    this.param = fields.param as string | null | undefined;
    this.type = fields.type as string | undefined;
  }
}

/** openai-node's message: the status, then the body's message (or the body), else `message`. */
function messageOf(status: number | undefined, error: object | undefined, message?: string) {
  const said = (error as ErrorFields | undefined)?.message;
  const text =
    said !== undefined && said !== null && said !== ''
      ? typeof said === 'string'
        ? said
        : JSON.stringify(said)
      : error
        ? JSON.stringify(error)
        : message;
  if (status && text) return `${status} ${text}`;
  if (status) return `${status} status code (no body)`;
  return text || '(no status code or body)';
}

/** The caller cancelled the request: its `signal`, `controller.abort()` or `stream.abort()`. */
export class APIUserAbortError extends APIError {
  constructor({ message, cause }: { message?: string; cause?: unknown } = {}) {
    super(undefined, undefined, message || 'Request was aborted.', undefined, { cause });
  }
}

/** No answer arrived: the connection failed, was cut, or the client was shut down. */
export class APIConnectionError extends APIError {
  constructor({ message, cause }: { message?: string | undefined; cause?: unknown }) {
    super(undefined, undefined, message || 'Connection error.', undefined, { cause });
  }
}

/** No answer within the request's `timeout`. */
export class APIConnectionTimeoutError extends APIConnectionError {
  constructor({ message, cause }: { message?: string; cause?: unknown } = {}) {
    super({ message: message ?? 'Request timed out.', cause });
  }
}

/** HTTP 400, or a request shallot refused before sending it (`cause` is its `ValidationError`). */
export class BadRequestError extends APIError {}

/** HTTP 401: a missing or wrong API key. */
export class AuthenticationError extends APIError {}

/** HTTP 403: the key may not do this. */
export class PermissionDeniedError extends APIError {}

/** HTTP 404: no such model or endpoint. */
export class NotFoundError extends APIError {}

/** HTTP 409. */
export class ConflictError extends APIError {}

/** HTTP 422. */
export class UnprocessableEntityError extends APIError {}

/** HTTP 429, or a limit or budget of shallot's own (`limits()`, a router with no deployment free). */
export class RateLimitError extends APIError {}

/** HTTP 500 and above. */
export class InternalServerError extends APIError {}
