import { inspect } from 'node:util';
import { isSecretHeader, maskSecret } from './mask.js';

/**
 * A credential that cannot leak by accident: printing, logging, `JSON.stringify` and string
 * interpolation all show the masked form. Only the transport calls `reveal()`.
 */
export class Secret {
  readonly #value: string;

  constructor(value: string) {
    this.#value = value;
  }

  /** The raw value. Call only where it is sent to the provider. */
  reveal(): string {
    return this.#value;
  }

  /** The masked value, safe to show. */
  get masked(): string {
    return maskSecret(this.#value);
  }

  toString(): string {
    return this.masked;
  }

  toJSON(): string {
    return this.masked;
  }

  [inspect.custom](): string {
    return `Secret(${this.masked})`;
  }
}

/** A header value: plain text, or a credential kept as a {@link Secret}. */
export type HeaderValue = string | Secret;

/** Request headers as they may be shown: credentials masked, whether held as `Secret`s or not. */
export function showHeaders(
  headers: Readonly<Record<string, HeaderValue>>,
): Record<string, string> {
  const shown: Record<string, string> = {};
  for (const name of Object.keys(headers)) {
    const value = headers[name] as HeaderValue;
    if (typeof value !== 'string') shown[name] = value.masked;
    else shown[name] = isSecretHeader(name) ? maskSecret(value) : value;
  }
  return shown;
}
