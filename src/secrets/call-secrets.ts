import type { Context } from '../context/context.js';
import { isSecretHeader } from './mask.js';
import { Secret } from './secret.js';

/**
 * The call's secrets, raw, for masking wherever a string that leaves the call might hold them:
 * the key the call resolved to (its own `apiKey`, the client's, or the environment's), the
 * values of credential headers it sends (`Authorization` with and without `Bearer`,
 * `api-key`, `x-api-key`, ...), and the password in the userinfo of its `apiBase`.
 */
export function secretsOfCall(ctx: Context): string[] {
  const secrets: string[] = [];
  const add = (value: string | undefined) => {
    if (value === undefined || value.length < 4 || secrets.includes(value)) return;
    secrets.push(value);
    const bearer = /^bearer\s+(.+)$/i.exec(value);
    if (bearer?.[1] !== undefined) add(bearer[1]);
  };
  add(ctx.options.apiKey?.reveal());
  try {
    add(ctx.provider.apiKey?.reveal());
  } catch {
    // an unknown provider has no key to hide
  }
  addHeaderSecrets(ctx.options.headers, add);
  addHeaderSecrets(ctx.providerRequest?.headers, add);
  add(userinfoPassword(ctx.options.apiBase));
  return secrets;
}

function addHeaderSecrets(
  headers: Readonly<Record<string, string | Secret>> | undefined,
  add: (value: string) => void,
): void {
  if (headers === undefined) return;
  for (const name of Object.keys(headers)) {
    const value = headers[name];
    if (value instanceof Secret) add(value.reveal());
    else if (typeof value === 'string' && isSecretHeader(name)) add(value);
  }
}

function userinfoPassword(url: string | undefined): string | undefined {
  if (url === undefined || !url.includes('@')) return undefined;
  try {
    const password = decodeURIComponent(new URL(url).password);
    return password === '' ? undefined : password;
  } catch {
    return undefined;
  }
}
