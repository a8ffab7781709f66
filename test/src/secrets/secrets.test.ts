import { inspect } from 'node:util';
import { createClient, maskHeaders, maskSecret, type ProviderRequest, Secret } from 'shallot';
import { describe, expect, it } from 'vitest';

const KEY = 'sk-proj-abcdefghijklmnopqrstuvwxyz';

describe('secrets', () => {
  it('masks a key to its first and last four characters, and a short one entirely', () => {
    expect(maskSecret(KEY)).toBe('sk-p****wxyz');
    expect(maskSecret('Bearer sk-proj-abcdefghijklmnopqrstuvwxyz')).toBe('Bearer sk-p****wxyz');
    expect(maskSecret('short')).toBe('****');
  });

  it('masks credential headers and leaves the others', () => {
    expect(
      maskHeaders({ authorization: `Bearer ${KEY}`, 'x-api-key': KEY, accept: 'application/json' }),
    ).toEqual({
      authorization: 'Bearer sk-p****wxyz',
      'x-api-key': 'sk-p****wxyz',
      accept: 'application/json',
    });
  });

  it('never prints a Secret unmasked: not in JSON, strings, or inspect', () => {
    const secret = new Secret(KEY);
    expect(JSON.stringify({ secret })).toBe('{"secret":"sk-p****wxyz"}');
    expect(`${secret}`).toBe('sk-p****wxyz');
    expect(inspect(secret)).toBe('Secret(sk-p****wxyz)');
    expect(secret.reveal()).toBe(KEY);
  });

  it('keeps the key out of everything a layer can serialise about the call', async () => {
    let request: ProviderRequest | undefined;
    let dumped = '';
    const client = createClient({
      attemptMiddleware: [
        async (ctx, next) => {
          request = ctx.providerRequest;
          await next();
          dumped =
            JSON.stringify({
              request: ctx.request,
              options: ctx.options,
              providerRequest: ctx.providerRequest,
            }) + inspect(ctx, { depth: 6 });
        },
      ],
    });
    await client.completion({
      model: 'gpt-4o-mini',
      messages: [{ role: 'user', content: 'Hi' }],
      apiKey: KEY,
      mockResponse: 'ok',
    });
    expect(JSON.stringify(request?.headers)).toContain('"authorization":"Bearer sk-p****wxyz"');
    expect(dumped).not.toContain(KEY);
    expect(dumped).toContain('sk-p****wxyz');
  });
});
