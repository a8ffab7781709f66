/**
 * The README and docs as the installed package holds them (on the npm page and in
 * node_modules): every relative link of every packed Markdown file reaches a packed file, and
 * every `#anchor` a heading of its target; the README's table of entry points names each
 * subpath the package exports.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, posix } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { listPackedFiles, REPO } from './support/consumer.js';
import { headingAnchors, relativeLinks } from './support/markdown.js';

let packed: Set<string>;

beforeAll(async () => {
  packed = new Set(await listPackedFiles());
}, 60_000);

/** The text of a packed file, as the working tree (which `npm pack` packs) has it. */
function packedText(path: string): string {
  return readFileSync(join(REPO, path), 'utf8');
}

/**
 * The screenshots the README and docs show: left out of the package (`!docs/images` in its
 * `files`) to keep the install under 10 MiB, so shown where the repository is read (GitHub,
 * a clone). A link to one must reach a file of the repository.
 */
const LEFT_OUT = 'docs/images/';

/** Why a link of `from` does not resolve inside the package, or undefined when it does. */
function brokenLink(from: string, target: string): string | undefined {
  const hash = target.indexOf('#');
  const pathPart = decodeURIComponent(hash === -1 ? target : target.slice(0, hash));
  const anchor = hash === -1 ? undefined : decodeURIComponent(target.slice(hash + 1));
  const resolved = pathPart === '' ? from : posix.normalize(posix.join(dirname(from), pathPart));
  const folder = resolved.replace(/\/$/, '');
  if (resolved.startsWith('..')) return 'points outside the package';
  if (resolved.startsWith(LEFT_OUT)) {
    return existsSync(join(REPO, resolved)) ? undefined : `${resolved} is not in the repository`;
  }
  const isFile = packed.has(resolved);
  const isFolder = [...packed].some((path) => path.startsWith(`${folder}/`));
  if (!isFile && !isFolder) return `${resolved} is not in the package`;
  if (anchor === undefined || anchor === '') return undefined;
  if (!isFile || !resolved.endsWith('.md'))
    return `#${anchor} on ${resolved}, which has no headings`;
  if (!headingAnchors(packedText(resolved)).has(anchor)) {
    return `${resolved} has no heading whose anchor is #${anchor}`;
  }
  return undefined;
}

describe('the Markdown of the packed package', () => {
  it('ships the pages the README links to: docs/, examples/, bench/README.md and bench/results.md', () => {
    expect([...packed]).toEqual(
      expect.arrayContaining([
        'README.md',
        'docs/cache.md',
        'examples/demo.ts',
        'bench/README.md',
        'bench/results.md',
      ]),
    );
    expect([...packed].filter((path) => path.startsWith('test/'))).toEqual([]);
    expect([...packed].filter((path) => path.startsWith(LEFT_OUT))).toEqual([]);
  });

  it('resolves every relative link of every packed .md file to a packed file, and every #anchor to a heading of its target', () => {
    const markdown = [...packed].filter((path) => path.endsWith('.md')).sort();
    expect(markdown.length).toBeGreaterThan(5);
    const broken: string[] = [];
    for (const file of markdown) {
      for (const link of relativeLinks(packedText(file))) {
        const problem = brokenLink(file, link.target);
        if (problem !== undefined) broken.push(`${file}:${link.line} (${link.target}): ${problem}`);
      }
    }
    expect(broken).toEqual([]);
  });

  it("names every subpath of the package in the README's entry points table", () => {
    const readme = packedText('README.md');
    const start = readme.search(/^#+ Entry points$/m);
    expect(start, 'the README has no "Entry points" heading').toBeGreaterThan(-1);
    const section = readme.slice(start).split(/\n#+ /)[0] ?? '';
    // One subpath per folder of middleware/ (the dry run does not build, so dist/ may be absent).
    const layers = readdirSync(join(REPO, 'middleware'), { withFileTypes: true })
      .filter(
        (entry) =>
          entry.isDirectory() && existsSync(join(REPO, 'middleware', entry.name, 'index.ts')),
      )
      .map((entry) => entry.name);
    expect(layers.length).toBeGreaterThan(3);
    const subpaths = [
      'shallot',
      'shallot/kit',
      'shallot/gateway',
      'shallot/openai',
      'shallot/ai-sdk',
      ...layers.map((name) => `shallot/middleware/${name}`),
    ];
    const listed = [...section.matchAll(/`(shallot(?:\/[\w/-]+)?)`/g)].map((match) => match[1]);
    expect(subpaths.filter((subpath) => !listed.includes(subpath))).toEqual([]);
    expect(
      listed.filter((subpath) => subpath !== undefined && !subpaths.includes(subpath)),
    ).toEqual([]);
  });
});
