import type { IncomingMessage } from 'node:http';
import { type HttpError, httpError } from '../errors.js';
import type { Caller } from '../index.js';
import { hashKey, sameHash } from './key-format.js';
import { type KeyInfo, limitsOf } from './record.js';
import type { KeyStore } from './store.js';

/** Longer than any key: refused without hashing it or asking the table. */
const MAX_KEY_LENGTH = 512;

/**
 * The key a request presents, as LiteLLM reads it: `Authorization: Bearer <key>`, else the
 * `api-key` header (Azure's clients), else `x-api-key` (Anthropic's).
 */
export function presentedKey(request: IncomingMessage): string | undefined {
  const headers = request.headers;
  const bearer = /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(headers.authorization ?? '')?.[1];
  const key = bearer ?? headerText(headers['api-key']) ?? headerText(headers['x-api-key']);
  return key === undefined || key === '' || key.length > MAX_KEY_LENGTH ? undefined : key;
}

function headerText(value: string | string[] | undefined): string | undefined {
  return typeof value === 'string' ? value.trim() : undefined;
}

/** The master key, held as its hash: compared in constant time, whatever the length of a guess. */
export class MasterKey {
  readonly #hash: string;

  constructor(key: string) {
    this.#hash = hashKey(key);
  }

  /** True when `candidate` is the master key. */
  matches(candidate: string | undefined): boolean {
    return candidate !== undefined && this.matchesHash(hashKey(candidate));
  }

  /** True when `hash` (a key's {@link hashKey}) is the master key's. */
  matchesHash(hash: string): boolean {
    return sameHash(hash, this.#hash);
  }
}

/**
 * The caller of the master key: every model. Names the gateway sets for a key are cleared, so
 * that a request body's metadata cannot pose as a key (and charge its spend).
 */
const ADMIN: Caller = {
  metadata: { user_api_key_hash: undefined, key_alias: undefined, key_limits: undefined },
};

/**
 * `authenticate` of {@link createKeyAuth}: the master key, or a live virtual key, or a refusal.
 * A key this process looked up within the store's `cacheTtlMs` is answered at once, with no
 * promise (most requests); another waits for PostgreSQL.
 */
export function keyAuthenticator(
  store: KeyStore,
  master: MasterKey,
  onError: (error: unknown) => void,
): (request: IncomingMessage) => Caller | HttpError | Promise<Caller | HttpError> {
  return function authenticate(request) {
    const key = presentedKey(request);
    if (key === undefined) {
      return httpError(
        401,
        'no API key: send one as Authorization: Bearer <key>',
        'missing_api_key',
      );
    }
    // One hash of the key: compared with the master key's, and looked up.
    const hash = hashKey(key);
    if (master.matchesHash(hash)) return ADMIN;
    const remembered = store.remembered(hash);
    if (remembered !== undefined) return answerFor(remembered.info);
    return store.find(hash).then(answerFor, (error: unknown) => {
      onError(error);
      return httpError(
        503,
        'the key store is unavailable: try again shortly',
        'key_store_unavailable',
      );
    });
  };
}

/** The caller of a key looked up, or why it is refused. */
function answerFor(info: KeyInfo | undefined): Caller | HttpError {
  return refusalOf(info, Date.now()) ?? callerOf(info as KeyInfo);
}

/** Why a key is refused, if it is: unknown, revoked, expired, or its budget spent. */
function refusalOf(info: KeyInfo | undefined, now: number): HttpError | undefined {
  if (info === undefined) return httpError(401, 'invalid API key: no such key', 'invalid_api_key');
  if (info.blocked)
    return httpError(401, 'invalid API key: this key was revoked', 'invalid_api_key');
  if (info.expires !== null && info.expires.getTime() <= now) {
    return httpError(401, `this key expired at ${info.expires.toISOString()}`, 'key_expired');
  }
  const resetAt = info.budget_reset_at?.getTime();
  // A period that ended since the key was looked up starts again from 0.
  const spend = resetAt !== undefined && resetAt <= now ? 0 : info.spend;
  if (info.max_budget !== null && spend >= info.max_budget) {
    const refusal = httpError(
      429,
      `this key's budget of $${info.max_budget} is spent ($${spend})${resetAt === undefined ? '' : `; it resets at ${new Date(resetAt).toISOString()}`}`,
      'budget_exceeded',
    );
    if (resetAt !== undefined) {
      refusal.headers['retry-after'] = String(Math.max(1, Math.ceil((resetAt - now) / 1000)));
    }
    return refusal;
  }
  return undefined;
}

/**
 * The caller of a virtual key: its own metadata, then what the gateway sets (which neither the
 * key's metadata nor the request body can change): the key's hash, never the key.
 */
function callerOf(info: KeyInfo): Caller {
  // The store hands out one info per key until it looks the key up again: one caller for it.
  let caller = callers.get(info);
  if (caller === undefined) {
    caller = newCaller(info);
    callers.set(info, caller);
  }
  return caller;
}

const callers = new WeakMap<KeyInfo, Caller>();

/** A key's caller, frozen: one object that every call of the key shares, which no layer may change. */
function newCaller(info: KeyInfo): Caller {
  const limits = limitsOf(info);
  return Object.freeze({
    metadata: Object.freeze({
      ...info.metadata,
      user_api_key_hash: info.token,
      key_alias: info.key_alias ?? undefined,
      user_id: info.user_id ?? undefined,
      team_id: info.team_id ?? undefined,
      key_limits: Object.freeze(limits),
    }),
    models: info.models.length === 0 ? undefined : Object.freeze([...info.models]),
  });
}
