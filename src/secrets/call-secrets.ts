import type { ContextBase } from '../context/context.js';

/** What the secrets of a call are read from: any kind of context. */
export type SecretsSource = Pick<ContextBase, 'options' | 'provider' | 'providerRequest'> & {
  readonly route?: ContextBase['route'];
  readonly request: { readonly model: string };
};

import { isSecretHeader } from './mask.js';

const NONE: readonly string[] = [];

/** The secrets a context worked out, for which attempt's request and model. @internal */
export interface SecretsMemo {
  request: object | undefined;
  model: string;
  secrets: readonly string[];
}

/** A context that keeps its secrets once worked out (`CallContext` has the field). */
interface Memoizing {
  secretsMemo: SecretsMemo | undefined;
}

/**
 * The call's secrets, raw, for masking wherever a string that leaves the call might hold them:
 * the key the call resolved to (its own `apiKey`, the client's, or the environment's), the
 * values of the credential headers configured on the client or given to the call
 * (`Authorization`, as its token without `Bearer`; `api-key`, `x-api-key`, ...), and the
 * password in the userinfo of its `apiBase`. A secret that contains another is left out:
 * masking the shorter one masks it too, and every string masked is searched once per secret.
 * Worked out once per attempt: callbacks and records ask often.
 */
export function secretsOfCall(ctx: SecretsSource): readonly string[] {
  const holder = ctx as SecretsSource & Partial<Memoizing>;
  const memo = holder.secretsMemo;
  const request = ctx.providerRequest;
  const model = ctx.request.model;
  if (memo !== undefined && memo.request === request && memo.model === model) return memo.secrets;
  const secrets = collect(ctx);
  if ('secretsMemo' in holder) holder.secretsMemo = { request, model, secrets };
  return secrets;
}

function collect(ctx: SecretsSource): readonly string[] {
  const found: string[] = [];
  add(found, ctx.options.apiKey?.reveal());
  let headers: Readonly<Record<string, string>> | undefined;
  try {
    const provider = ctx.provider;
    add(found, provider.apiKey?.reveal());
    headers = provider.headers;
  } catch {
    // an unknown provider has no key to hide
  }
  // The auth header the provider builds holds the key itself; other credentials come from
  // the headers configured on the client or given to the call.
  addHeaderSecrets(found, headers);
  addHeaderSecrets(found, ctx.options.headers);
  addHeaderSecrets(found, ctx.route?.headers);
  add(found, ctx.route?.apiKey?.reveal());
  add(found, userinfoPassword(ctx.options.apiBase));
  if (found.length === 0) return NONE;
  if (found.length === 1) return found;
  return found.filter(
    (secret) => !found.some((other) => other !== secret && secret.includes(other)),
  );
}

/** Adds a secret once; a `Bearer <token>` value as its token, which masking covers it by. */
function add(found: string[], value: string | undefined): void {
  if (value === undefined) return;
  const secret = /^bearer\s/i.test(value) ? value.slice(7).trim() : value;
  if (secret.length >= 4 && !found.includes(secret)) found.push(secret);
}

function addHeaderSecrets(
  found: string[],
  headers: Readonly<Record<string, string>> | undefined,
): void {
  if (headers === undefined) return;
  for (const name of Object.keys(headers)) {
    const value = headers[name];
    if (typeof value === 'string' && isSecretHeader(name)) add(found, value);
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
