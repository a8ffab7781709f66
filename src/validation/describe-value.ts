import { maskUrl } from '../secrets/mask.js';

/** The most characters of a received string that a validation message quotes. */
const QUOTED_LENGTH = 60;

/**
 * `scheme://` and everything up to the last `@` before whitespace: the userinfo of a URL, or
 * more than it (a path holding an `@`) where the text is no well-formed URL. Masking too much
 * of a rejected value is harmless; masking too little would quote a password.
 */
const USERINFO = /([a-z][a-z0-9+.-]*:\/\/)(\S*)@/gi;

/**
 * `text` with the credentials of every URL in it masked: the password of a userinfo
 * (`ftp://user:****@host/v1`), a userinfo without one (`https://****@host`, where the name is
 * often the token), and `key=` query parameters.
 *
 * @example
 * maskUrlCredentials('ftp://user:sk-secret@host/v1') // 'ftp://user:****@host/v1'
 */
export function maskUrlCredentials(text: string): string {
  const masked = text.includes('@') ? text.replace(USERINFO, maskUserinfo) : text;
  return maskUrl(masked);
}

function maskUserinfo(_match: string, scheme: string, userinfo: string): string {
  const colon = userinfo.indexOf(':');
  const user = colon === -1 ? '' : userinfo.slice(0, colon);
  const hasPassword = colon !== -1 && colon < userinfo.length - 1;
  const keepUser = hasPassword && user !== '' && !/[/?#@]/.test(user);
  return `${scheme}${keepUser ? `${user}:` : ''}****@`;
}

/**
 * A received value as a validation message shows it: `string "yes"` (URL credentials masked,
 * cut at 60 characters), `number -1`, `an object`, `an array`, `a function`, `null`,
 * `undefined`.
 */
export function describeValue(value: unknown): string {
  if (value === null || value === undefined) return String(value);
  if (typeof value === 'string') {
    // Masked before the cut: a cut that drops the `@` would leave the password unmasked.
    const shown = maskUrlCredentials(value);
    return `string ${JSON.stringify(shown.length > QUOTED_LENGTH ? `${shown.slice(0, QUOTED_LENGTH)}…` : shown)}`;
  }
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'function') return 'a function';
  if (typeof value === 'object') return 'an object';
  return `${typeof value} ${String(value)}`;
}
