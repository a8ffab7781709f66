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

/** How deep {@link scrubJson} goes; anything deeper is replaced, never walked. */
const SCRUB_DEPTH = 64;

/**
 * Deeply replaces the given secrets in every string of a JSON value (an error body, a partial
 * answer). The copy is safe whatever the value holds: a cycle becomes `'[circular]'`, a level
 * past the 64th `'[too deep]'`, and a `__proto__` key stays an own key, never a prototype.
 */
export function scrubJson(value: unknown, secrets: readonly string[]): unknown {
  if (secrets.length === 0) return value;
  return scrub(value, secrets, []);
}

function scrub(value: unknown, secrets: readonly string[], ancestors: object[]): unknown {
  if (typeof value === 'string') return scrubText(value, secrets);
  if (value === null || typeof value !== 'object') return value;
  if (ancestors.includes(value)) return '[circular]';
  if (ancestors.length >= SCRUB_DEPTH) return '[too deep]';
  ancestors.push(value);
  let copy: unknown;
  if (Array.isArray(value)) {
    copy = value.map((item) => scrub(item, secrets, ancestors));
  } else {
    const fields: Record<string, unknown> = {};
    for (const key of Object.keys(value)) {
      const item = scrub((value as Record<string, unknown>)[key], secrets, ancestors);
      Object.defineProperty(fields, key, {
        value: item,
        enumerable: true,
        writable: true,
        configurable: true,
      });
    }
    copy = fields;
  }
  ancestors.pop();
  return copy;
}
