/** The live page's calls to the gateway, with the key it signed in with. */

/** Where the signed-in key is kept: for this tab only, gone when it closes. */
export const KEY_STORAGE = 'shallot.dashboard.key';

/** A 401: the key is wrong, revoked, or not allowed; the page asks for a key again. */
export class SignedOutError extends Error {}

/**
 * Calls the gateway with `Authorization: Bearer <key>` and resolves with the JSON answer.
 * Rejects with a {@link SignedOutError} on a 401 (or without a key), else with an Error
 * carrying the gateway's own message.
 */
export async function callGateway(url, { method = 'GET', body } = {}) {
  const key = sessionStorage.getItem(KEY_STORAGE);
  if (key === null) throw new SignedOutError('Sign in with the master key or an admin key.');
  const headers = { authorization: `Bearer ${key}` };
  if (body !== undefined) headers['content-type'] = 'application/json';
  const response = await fetch(url, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
    cache: 'no-store',
  });
  const answer = await response.json().catch(() => null);
  const message = typeof answer?.error?.message === 'string' ? answer.error.message : null;
  if (response.status === 401) throw new SignedOutError(message ?? 'The key was refused.');
  if (!response.ok) throw new Error(message ?? `the gateway answered ${response.status}`);
  return answer;
}
