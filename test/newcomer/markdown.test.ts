import { describe, expect, it } from 'vitest';
import { headingAnchors, relativeLinks, scanSnippets } from './support/markdown.js';

const page = (...lines: string[]) => lines.join('\n');

describe('the snippets of a Markdown page', () => {
  it('takes ts, typescript, js and mjs blocks with their comment, and leaves other languages out', () => {
    const { snippets, problems } = scanSnippets(
      'docs/x.md',
      page(
        '# X',
        '<!-- snippet: needs messages, client -->',
        '',
        '```ts',
        'await client.completion({ model: "m", messages });',
        '```',
        '```sh',
        'npm test',
        '```',
        '- in a list:',
        '  ```js',
        '  console.log(1);',
        '  ```',
      ),
    );
    expect(problems).toEqual([]);
    expect(snippets).toEqual([
      expect.objectContaining({
        line: 4,
        language: 'ts',
        mode: 'run',
        prelude: ['messages', 'client'],
        code: 'await client.completion({ model: "m", messages });',
      }),
      expect.objectContaining({ line: 11, language: 'js', code: 'console.log(1);' }),
    ]);
  });

  it('reads types-only, skip and a service, and keeps the reason', () => {
    const { snippets, problems } = scanSnippets(
      'docs/x.md',
      page(
        '<!-- snippet: needs redis; types-only it waits for a signal -->',
        '```ts',
        'x',
        '```',
        '<!-- snippet: skip a fragment of an object -->',
        '```typescript',
        'y',
        '```',
      ),
    );
    expect(problems).toEqual([]);
    expect(snippets).toEqual([
      expect.objectContaining({
        mode: 'types-only',
        reason: 'it waits for a signal',
        services: ['redis'],
      }),
      expect.objectContaining({ mode: 'skip', reason: 'a fragment of an object' }),
    ]);
  });

  it('refuses a mode without a reason, an unknown word, two modes, and a comment no block follows', () => {
    const { problems } = scanSnippets(
      'docs/x.md',
      page(
        '<!-- snippet: skip -->',
        '```ts',
        '```',
        '<!-- snippet: needs messsages -->',
        '```ts',
        '```',
        '<!-- snippet: skip a; types-only b -->',
        '```ts',
        '```',
        '<!-- snippet: runs-forever -->',
        '```ts',
        '```',
        '<!-- snippet: needs messages -->',
        '```sh',
        '```',
        '<!-- snippet: needs client -->',
        'text, then no block',
      ),
    );
    expect(problems).toEqual([
      'docs/x.md:1: "skip" needs a reason: say why the block cannot run',
      'docs/x.md:4: "needs messsages": expected one of messages, client, redis, postgres',
      'docs/x.md:7: a block is either types-only or skip, not both',
      'docs/x.md:10: unknown directive "runs-forever": expected needs, types-only or skip',
      'docs/x.md:13: a snippet comment before a block that is not ts or js',
      'docs/x.md:16: a snippet comment that no code block follows',
    ]);
  });
});

describe('the links and anchors of a Markdown page', () => {
  it('finds relative inline links and reference definitions, outside code, and no URLs', () => {
    const text = page(
      'See [the docs](docs/cache.md#the-key) and [`x`](../examples/x.ts "title").',
      '[web](https://example.com), [mail](mailto:a@b.c), `[not](a-link.md)`',
      '```md',
      '[inside](a-fence.md)',
      '```',
      '[ref]: bench/README.md',
    );
    expect(relativeLinks(text)).toEqual([
      { line: 1, target: 'docs/cache.md#the-key' },
      { line: 1, target: '../examples/x.ts' },
      { line: 6, target: 'bench/README.md' },
    ]);
  });

  it("makes GitHub's anchors: markup and punctuation dropped, spaces hyphens, repeats numbered", () => {
    const text = page(
      '# shallot',
      '### Without a key or a network: `mockResponse`',
      '### 1. Compose middleware in code',
      '## Retries, fallbacks and timeouts',
      '## Notes',
      '## Notes',
      '```sh',
      '# not a heading',
      '```',
    );
    expect([...headingAnchors(text)]).toEqual([
      'shallot',
      'without-a-key-or-a-network-mockresponse',
      '1-compose-middleware-in-code',
      'retries-fallbacks-and-timeouts',
      'notes',
      'notes-1',
    ]);
  });
});
