import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

const root = new URL('../../', import.meta.url);
const manifest = JSON.parse(readFileSync(new URL('package.json', root), 'utf8')) as {
  exports: Record<string, unknown>;
};

describe('the package’s entry points', () => {
  it('name each middleware folder as a subpath of its own, so a wrong one names no internal file', () => {
    const folders = readdirSync(new URL('middleware/', root), { withFileTypes: true })
      .filter((entry) => entry.isDirectory())
      .map((entry) => `./middleware/${entry.name}`);
    const subpaths = Object.keys(manifest.exports).filter((key) => key.startsWith('./middleware/'));
    expect(subpaths.sort()).toEqual(folders.sort());
    expect(Object.keys(manifest.exports).some((key) => key.includes('*'))).toBe(false);
  });

  it('give types only under the import condition, so that tsc refuses a CommonJS consumer', () => {
    for (const [subpath, target] of Object.entries(manifest.exports)) {
      if (subpath === './package.json') continue;
      expect(Object.keys(target as object), subpath).toEqual(['import']);
      const conditions = (target as { import: Record<string, string> }).import;
      expect(Object.keys(conditions), subpath).toEqual(['types', 'default']);
    }
  });
});
