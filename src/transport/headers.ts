import type { IncomingHttpHeaders } from 'node:http';
import type { HeaderValue } from '../secrets/secret.js';

/** Flattens undici's response headers to single strings. */
export function flattenHeaders(headers: IncomingHttpHeaders): Record<string, string> {
  const flat: Record<string, string> = {};
  for (const name of Object.keys(headers)) {
    const value = headers[name];
    if (value !== undefined) flat[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return flat;
}

/** The request headers as sent: credentials revealed, only here, at the wire. */
export function revealHeaders(headers: Readonly<Record<string, HeaderValue>>): string[] {
  const flat: string[] = [];
  for (const name of Object.keys(headers)) {
    const value = headers[name] as HeaderValue;
    flat.push(name, typeof value === 'string' ? value : value.reveal());
  }
  return flat;
}

/** The provider's request id, from whichever header it uses. */
export function requestIdOf(headers: Readonly<Record<string, string>>): string | undefined {
  return headers['x-request-id'] ?? headers['request-id'] ?? headers['apim-request-id'];
}
