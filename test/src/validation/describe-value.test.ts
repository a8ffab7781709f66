import { describe, expect, it } from 'vitest';
import { describeValue, maskUrlCredentials } from '../../../src/validation/describe-value.js';

describe('describeValue', () => {
  it.each([
    ['ftp://user:sk-secret-key-123456@host/v1', 'ftp://user:****@host/v1'],
    ['https://ghp_token123456789@github.com/x', 'https://****@github.com/x'],
    ['https://sk_live_123456789:@api.example', 'https://****@api.example'],
    ['http://a:b@c@host/v1', 'http://a:****@host/v1'],
    ['see ftp://u:p1@h1 and ftp://v:p2@h2', 'see ftp://u:****@h1 and ftp://v:****@h2'],
    ['https://host/v1?key=AIza-secret&alt=sse', 'https://host/v1?key=****&alt=sse'],
    ['http://127.0.0.1:8000/v1', 'http://127.0.0.1:8000/v1'],
    ['user@example.com', 'user@example.com'],
  ])('masks the credentials in %s', (text, masked) => {
    expect(maskUrlCredentials(text)).toBe(masked);
  });

  it('masks before it cuts, so a long password never shows in part', () => {
    const password = 'p'.repeat(80);
    const shown = describeValue(`ftp://user:${password}@host/v1`);
    expect(shown).toBe('string "ftp://user:****@host/v1"');
  });

  it('describes what is not a string by its kind', () => {
    expect(describeValue(3)).toBe('number 3');
    expect(describeValue(1n)).toBe('bigint 1');
    expect(describeValue([])).toBe('an array');
    expect(describeValue({})).toBe('an object');
    expect(describeValue(null)).toBe('null');
  });
});
