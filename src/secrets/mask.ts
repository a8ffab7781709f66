/** Header names whose values are credentials, lower-case. */
const SECRET_HEADERS = new Set([
  'authorization',
  'api-key',
  'x-api-key',
  'x-goog-api-key',
  'proxy-authorization',
  'cookie',
]);

/**
 * Masks a credential so that it can be shown: the first and last four characters of a long
 * key survive (`sk-p****wxyz`), a short one becomes `****`. A `Bearer ` prefix is kept.
 */
export function maskSecret(value: string): string {
  const bearer = /^bearer\s+/i.exec(value);
  if (bearer) return bearer[0] + maskSecret(value.slice(bearer[0].length));
  if (value.length < 12) return '****';
  return `${value.slice(0, 4)}****${value.slice(-4)}`;
}

/** True for a header that carries a credential. */
export function isSecretHeader(name: string): boolean {
  return SECRET_HEADERS.has(name.toLowerCase());
}

/** A copy of `headers` with every credential masked. */
export function maskHeaders(headers: Readonly<Record<string, string>>): Record<string, string> {
  const masked: Record<string, string> = {};
  for (const name of Object.keys(headers)) {
    const value = headers[name] as string;
    masked[name] = isSecretHeader(name) ? maskSecret(value) : value;
  }
  return masked;
}

/** Masks `key=` query parameters (Gemini) in a URL. */
export function maskUrl(url: string): string {
  return url.replace(/([?&]key=)[^&#]*/gi, (_match, prefix: string) => `${prefix}****`);
}

/**
 * Replaces every occurrence of the given secrets in `text` with their masked form. Servers
 * sometimes echo a key back in an error message; this keeps it out of errors and logs.
 */
export function scrubText(text: string, secrets: readonly string[]): string {
  let scrubbed = text;
  for (const secret of secrets) {
    if (secret.length >= 4 && scrubbed.includes(secret)) {
      scrubbed = scrubbed.split(secret).join(maskSecret(secret));
    }
  }
  return scrubbed;
}

/** Deeply replaces the given secrets in every string of a JSON value. */
export function scrubJson(value: unknown, secrets: readonly string[]): unknown {
  if (secrets.length === 0) return value;
  if (typeof value === 'string') return scrubText(value, secrets);
  if (Array.isArray(value)) return value.map((item) => scrubJson(item, secrets));
  if (value !== null && typeof value === 'object') {
    const scrubbed: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) scrubbed[key] = scrubJson(item, secrets);
    return scrubbed;
  }
  return value;
}
