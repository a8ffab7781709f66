/**
 * What the newcomer tests read in Markdown: the fenced code blocks (with the `<!-- snippet: … -->`
 * comment that may precede each, see test/newcomer/README.md), the links, and the headings'
 * anchors. A small line scanner, not a Markdown parser: it knows fences, inline links and
 * reference definitions, which is all the docs use.
 */

/** A fenced block's language, as its info string names it; the ones a snippet can be. */
const SNIPPET_LANGUAGES: Readonly<Record<string, 'ts' | 'js'>> = {
  ts: 'ts',
  typescript: 'ts',
  js: 'js',
  javascript: 'js',
  mjs: 'js',
};

/** Declarations a block may take from the shared prelude instead of writing them. */
export const PRELUDE_NAMES = ['messages', 'client'] as const;
/** Services a block may need; where one is missing the block is skipped (or fails under CI). */
export const SERVICE_NAMES = ['redis', 'postgres'] as const;

export type PreludeName = (typeof PRELUDE_NAMES)[number];
export type ServiceName = (typeof SERVICE_NAMES)[number];

/** One TypeScript or JavaScript block of a Markdown file, and what its comment asks for. */
export interface Snippet {
  /** The Markdown file, relative to the repository (`docs/cache.md`). */
  file: string;
  /** The line of the opening fence, from 1. */
  line: number;
  language: 'ts' | 'js';
  /** The block's text, its fence's indentation taken off. */
  code: string;
  /** `run` (type-check and run), `types-only` (type-check), or `skip` (neither). */
  mode: 'run' | 'types-only' | 'skip';
  /** Why a block is not run: required for `types-only` and `skip`. */
  reason?: string;
  prelude: PreludeName[];
  services: ServiceName[];
}

/** A fenced block of any language: where it starts and ends, and its info string. */
interface Fence {
  /** Lines of the opening and closing fence, from 1. */
  open: number;
  close: number;
  info: string;
  indent: number;
}

const FENCE = /^( {0,3})(`{3,}|~{3,})(.*)$/;

/** The fenced blocks of a Markdown text. An unclosed fence runs to the end, as CommonMark has it. */
function fences(lines: readonly string[]): Fence[] {
  const found: Fence[] = [];
  let current: (Fence & { marker: string }) | undefined;
  lines.forEach((text, index) => {
    const match = FENCE.exec(text);
    if (current === undefined) {
      if (match === null) return;
      const [, indent = '', marker = '', info = ''] = match;
      if (marker.startsWith('`') && info.includes('`')) return;
      current = {
        open: index + 1,
        close: lines.length,
        info: info.trim(),
        indent: indent.length,
        marker,
      };
      return;
    }
    if (match === null) return;
    const [, , marker = '', rest = ''] = match;
    if (
      marker[0] === current.marker[0] &&
      marker.length >= current.marker.length &&
      rest.trim() === ''
    ) {
      found.push({ ...current, close: index + 1 });
      current = undefined;
    }
  });
  if (current !== undefined) found.push(current);
  return found;
}

/** Whether a line, from 1, lies inside a fenced block (fence lines included). */
function fencedLines(lines: readonly string[]): Set<number> {
  const inside = new Set<number>();
  for (const fence of fences(lines)) {
    for (let line = fence.open; line <= fence.close; line++) inside.add(line);
  }
  return inside;
}

const SNIPPET_COMMENT = /^\s*<!--\s*snippet:(.*?)-->\s*$/;

/** What the snippets of a file are, and what is wrong with their comments. */
export interface SnippetScan {
  snippets: Snippet[];
  /** Comments that cannot be honoured: `docs/x.md:12: skip needs a reason`. */
  problems: string[];
}

/** The TypeScript and JavaScript blocks of a Markdown file, with their `snippet:` comments. */
export function scanSnippets(file: string, text: string): SnippetScan {
  const lines = text.split(/\r?\n/);
  const snippets: Snippet[] = [];
  const problems: string[] = [];
  const claimed = new Set<number>();
  for (const fence of fences(lines)) {
    const language = SNIPPET_LANGUAGES[fence.info.split(/\s+/)[0]?.toLowerCase() ?? ''];
    const commentLine = precedingComment(lines, fence.open);
    if (language === undefined) {
      if (commentLine !== undefined) {
        problems.push(
          `${file}:${commentLine}: a snippet comment before a block that is not ts or js`,
        );
        claimed.add(commentLine);
      }
      continue;
    }
    const snippet: Snippet = {
      file,
      line: fence.open,
      language,
      code: lines
        .slice(fence.open, fence.close - 1)
        .map((line) => line.slice(Math.min(fence.indent, line.length - line.trimStart().length)))
        .join('\n'),
      mode: 'run',
      prelude: [],
      services: [],
    };
    if (commentLine !== undefined) {
      claimed.add(commentLine);
      const directives = SNIPPET_COMMENT.exec(lines[commentLine - 1] ?? '')?.[1] ?? '';
      for (const problem of applyDirectives(snippet, directives)) {
        problems.push(`${file}:${commentLine}: ${problem}`);
      }
    }
    snippets.push(snippet);
  }
  const fenced = fencedLines(lines);
  lines.forEach((text, index) => {
    const line = index + 1;
    if (!fenced.has(line) && !claimed.has(line) && SNIPPET_COMMENT.test(text)) {
      problems.push(`${file}:${line}: a snippet comment that no code block follows`);
    }
  });
  return { snippets, problems };
}

/** The line (from 1) of a `snippet:` comment before the fence on `fenceLine`, blank lines between. */
function precedingComment(lines: readonly string[], fenceLine: number): number | undefined {
  for (let index = fenceLine - 2; index >= 0; index--) {
    const text = lines[index] ?? '';
    if (text.trim() === '') continue;
    return SNIPPET_COMMENT.test(text) ? index + 1 : undefined;
  }
  return undefined;
}

/**
 * Applies `needs messages, redis; types-only why` to a snippet, and says what it could not
 * apply: an unknown word, a mode without a reason, two modes.
 */
function applyDirectives(snippet: Snippet, directives: string): string[] {
  const problems: string[] = [];
  let modes = 0;
  for (const directive of directives.split(';').map((part) => part.trim())) {
    const [keyword = '', ...rest] = directive.split(/\s+/);
    const argument = rest.join(' ').trim();
    if (keyword === 'needs') {
      for (const name of argument.split(/[\s,]+/).filter(Boolean)) {
        if ((PRELUDE_NAMES as readonly string[]).includes(name)) {
          snippet.prelude.push(name as PreludeName);
        } else if ((SERVICE_NAMES as readonly string[]).includes(name)) {
          snippet.services.push(name as ServiceName);
        } else {
          problems.push(
            `"needs ${name}": expected one of ${[...PRELUDE_NAMES, ...SERVICE_NAMES].join(', ')}`,
          );
        }
      }
      if (argument === '') problems.push('"needs" names nothing');
    } else if (keyword === 'types-only' || keyword === 'skip') {
      modes++;
      snippet.mode = keyword;
      if (argument === '')
        problems.push(`"${keyword}" needs a reason: say why the block cannot run`);
      else snippet.reason = argument;
    } else {
      problems.push(`unknown directive "${directive}": expected needs, types-only or skip`);
    }
  }
  if (modes > 1) problems.push('a block is either types-only or skip, not both');
  if (snippet.services.length > 1) problems.push('a block needs one service at most');
  return problems;
}

/** A relative link of a Markdown file: where it is and what it points at. */
export interface MarkdownLink {
  line: number;
  /** The link's target as written (`../docs/cache.md#the-key`). */
  target: string;
}

const INLINE_LINK = /!?\[(?:[^\]\\]|\\.)*\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g;
const REFERENCE_DEFINITION = /^ {0,3}\[[^\]]+\]:\s*<?(\S+?)>?(?:\s+.*)?$/;
const CODE_SPAN = /(`+)[\s\S]*?\1/g;

/** The links of a Markdown text that point into the package or repository (no scheme, no `//`). */
export function relativeLinks(text: string): MarkdownLink[] {
  const lines = text.split(/\r?\n/);
  const fenced = fencedLines(lines);
  const links: MarkdownLink[] = [];
  lines.forEach((raw, index) => {
    if (fenced.has(index + 1)) return;
    const line = raw.replace(CODE_SPAN, (span) => ' '.repeat(span.length));
    const targets = [...line.matchAll(INLINE_LINK)].map((match) => match[1] ?? '');
    const definition = REFERENCE_DEFINITION.exec(line)?.[1];
    if (definition !== undefined) targets.push(definition);
    for (const target of targets) {
      if (/^[a-z][a-z0-9+.-]*:/i.test(target) || target.startsWith('//')) continue;
      links.push({ line: index + 1, target });
    }
  });
  return links;
}

/**
 * The anchors of a Markdown text's headings, as GitHub and npm make them: the heading's text
 * without its markup, lowercased, punctuation dropped, spaces made hyphens, and `-1`, `-2`, …
 * after a repeated one.
 */
export function headingAnchors(text: string): Set<string> {
  const lines = text.split(/\r?\n/);
  const fenced = fencedLines(lines);
  const anchors = new Set<string>();
  const seen = new Map<string, number>();
  lines.forEach((line, index) => {
    if (fenced.has(index + 1)) return;
    const heading = /^ {0,3}#{1,6}\s+(.*?)\s*#*\s*$/.exec(line)?.[1];
    if (heading === undefined) return;
    const base = slug(heading);
    const count = seen.get(base) ?? 0;
    seen.set(base, count + 1);
    anchors.add(count === 0 ? base : `${base}-${count}`);
  });
  return anchors;
}

/** GitHub's slug of a heading's text (github-slugger's rule, on the text without markup). */
function slug(heading: string): string {
  return heading
    .replace(/!?\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/<[^>]+>/g, '')
    .replace(/[`*]/g, '')
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{M}\p{N}\p{Pc} -]/gu, '')
    .replace(/ /g, '-');
}
