/**
 * How much of a key may show (`maskSecret`, docs/security.md): the first and last four
 * characters of a long key, nothing of a short one. A key of fewer than 12 characters is all
 * `****`, so that at least a third of a key, and never less than four characters, stays hidden.
 */
import { inspect } from 'node:util';
import { AuthenticationError, createClient, maskHeaders, maskSecret, Secret } from 'shallot';
import { describe, expect, it } from 'vitest';
import { useFakeProvider } from '../support/fake-provider.js';
import { rejectionOf } from '../support/streams.js';

/** A key of `length` characters, none repeated, so that any shown piece is found. */
function keyOf(length: number): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
  return alphabet.slice(0, length);
}

describe('maskSecret()', () => {
  it.each([1, 4, 7, 8, 9, 10, 11])('shows nothing of a %i-character key', (length) => {
    expect(maskSecret(keyOf(length))).toBe('****');
  });

  it.each([12, 13, 40])(
    'shows the first and last four characters of a %i-character key',
    (length) => {
      const key = keyOf(length);
      expect(maskSecret(key)).toBe(`${key.slice(0, 4)}****${key.slice(-4)}`);
    },
  );

  it('never shows more than eight characters of a key, and hides at least four (or the whole key), whatever its length', () => {
    for (let length = 1; length <= 62; length++) {
      const key = keyOf(length);
      const shown = maskSecret(key).replace('****', '');
      expect(shown.length, `a ${length}-character key`).toBeLessThanOrEqual(8);
      expect(length - shown.length, `a ${length}-character key`).toBeGreaterThanOrEqual(
        Math.min(length, 4),
      );
    }
  });

  it('keeps a Bearer prefix, whatever its case and spacing, and masks the token after it by the same rule', () => {
    expect(maskSecret(`Bearer ${keyOf(11)}`)).toBe('Bearer ****');
    expect(maskSecret(`bearer  ${keyOf(12)}`)).toBe('bearer  ABCD****IJKL');
    expect(maskSecret(`Bearer ${keyOf(20)}`)).toBe('Bearer ABCD****QRST');
  });

  it('masks an Authorization header of a short key entirely', () => {
    expect(maskHeaders({ Authorization: `Bearer ${keyOf(9)}`, 'X-Api-Key': keyOf(10) })).toEqual({
      Authorization: 'Bearer ****',
      'X-Api-Key': '****',
    });
  });

  it('prints a Secret of a short key as **** everywhere', () => {
    const secret = new Secret(keyOf(11));
    expect(`${secret}`).toBe('****');
    expect(JSON.stringify({ secret })).toBe('{"secret":"****"}');
    expect(inspect(secret)).toBe('Secret(****)');
    expect(secret.masked).toBe('****');
  });
});

describe('a short key echoed back by the provider', () => {
  const fake = useFakeProvider();

  it.each([8, 11])(
    'is all **** in the error of a call made with a %i-character key',
    async (length) => {
      const key = keyOf(length);
      fake.reply({
        status: 401,
        body: JSON.stringify({
          error: { message: `Incorrect API key provided: ${key}.`, code: 'invalid_api_key' },
        }),
      });
      const client = createClient({ providers: { openai: { apiKey: key, apiBase: fake.url } } });

      const error = await rejectionOf(
        client.completion({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'Hi' }] }),
      );

      expect(error).toBeInstanceOf(AuthenticationError);
      const shown = `${(error as Error).message}\n${JSON.stringify(error)}\n${inspect(error)}`;
      expect(shown).toContain('Incorrect API key provided: ****.');
      expect(shown).not.toContain(key.slice(0, 4));
      expect(shown).not.toContain(key.slice(-4));
    },
  );
});
