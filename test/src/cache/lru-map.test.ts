import { describe, expect, it } from 'vitest';
import { LruMap } from '../../../src/cache/lru-map.js';

const bySize = (maxEntries: number, maxSize: number) =>
  new LruMap<string, string>({ maxEntries, maxSize, sizeOf: (value) => value.length });

describe('LruMap', () => {
  it('drops the least recently used entry past maxEntries, a read counting as a use', () => {
    const map = bySize(2, 1_000);
    map.set('a', 'A');
    map.set('b', 'B');
    expect(map.get('a')).toBe('A');
    map.set('c', 'C');
    expect(map.get('b')).toBeUndefined();
    expect([map.get('a'), map.get('c'), map.size]).toEqual(['A', 'C', 2]);
  });

  it('keeps the total size within maxSize, dropping the oldest until the new entry fits', () => {
    const map = bySize(100, 10);
    map.set('a', 'aaaa');
    map.set('b', 'bbbb');
    map.set('c', 'cccc');
    expect([map.get('a'), map.get('b'), map.get('c')]).toEqual([undefined, 'bbbb', 'cccc']);
    // Replacing an entry counts its new size only.
    map.set('b', 'bb');
    map.set('d', 'dddd');
    expect([map.get('b'), map.get('c'), map.get('d'), map.size]).toEqual(['bb', 'cccc', 'dddd', 3]);
  });

  it('does not keep a value larger than maxSize, and drops the one it would have replaced', () => {
    const map = bySize(100, 4);
    map.set('k', 'kk');
    map.set('k', 'far too long');
    expect(map.get('k')).toBeUndefined();
    expect(map.size).toBe(0);
    map.set('small', 'ssss');
    expect(map.get('small')).toBe('ssss');
  });

  it('deletes an entry and gives its size back', () => {
    const map = bySize(100, 8);
    map.set('a', 'aaaa');
    map.set('b', 'bbbb');
    expect(map.delete('a')).toBe(true);
    expect(map.delete('a')).toBe(false);
    map.set('c', 'cccc');
    expect([map.get('b'), map.get('c'), map.size]).toEqual(['bbbb', 'cccc', 2]);
  });
});
