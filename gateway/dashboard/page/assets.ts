/**
 * What the page inlines: uPlot (script and stylesheet), the page's stylesheet and its browser
 * script. Read once per process, from files next to this module.
 */
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

/** The files of uPlot that the page inlines. */
export const UPLOT_FILES = ['uPlot.iife.min.js', 'uPlot.min.css'] as const;

/**
 * The page's browser code, in the order it runs: each file a plain ES module of the folder
 * `client/`, joined into one script (see {@link clientScriptOf}).
 */
export const CLIENT_FILES = [
  'format.js',
  'dom.js',
  'csv.js',
  'api.js',
  'charts.js',
  'tables.js',
  'dashboard.js',
  'keys.js',
  'live.js',
  'main.js',
] as const;

/** The texts the page inlines. */
export interface PageAssets {
  uplotScript: string;
  uplotStyles: string;
  styles: string;
  script: string;
}

let loaded: PageAssets | undefined;

/** The page's assets, read on first use. */
export function pageAssets(): PageAssets {
  loaded ??= {
    uplotScript: uplotFile('uPlot.iife.min.js'),
    uplotStyles: uplotFile('uPlot.min.css'),
    styles: readFileSync(new URL('./styles.css', import.meta.url), 'utf8'),
    script: clientScriptOf(
      CLIENT_FILES.map((name) => ({
        name,
        source: readFileSync(new URL(`./client/${name}`, import.meta.url), 'utf8'),
      })),
    ),
  };
  return loaded;
}

/**
 * A file of uPlot: from `vendor/` next to this module in the published package (the build
 * copies it there), else from the `uplot` package a clone of the repository installs.
 */
function uplotFile(name: (typeof UPLOT_FILES)[number]): string {
  const packaged = new URL(`./vendor/${name}`, import.meta.url);
  if (existsSync(packaged)) return readFileSync(packaged, 'utf8');
  let path: string;
  try {
    path = createRequire(import.meta.url).resolve(`uplot/dist/${name}`);
  } catch {
    throw new Error(
      `The dashboard's chart code (uPlot's ${name}) is missing: it is neither in ${packaged.pathname} nor in node_modules/uplot. Reinstall shallot, or run npm install in a clone.`,
    );
  }
  return readFileSync(path, 'utf8');
}

/**
 * The client modules as one classic script: the files share one scope in a function, so
 * their `import` statements are dropped and `export` is dropped from their declarations.
 * Each file's imports name only what earlier files declare (the order of {@link CLIENT_FILES}).
 */
export function clientScriptOf(files: ReadonlyArray<{ name: string; source: string }>): string {
  const bodies = files.map(({ name, source }) => {
    const body = source
      .replace(/^import\s[^;]*?\sfrom\s+'[^']+';[ \t]*\n/gm, '')
      .replace(/^export\s+(?=(?:async\s+)?function\b|const\b|let\b|class\b)/gm, '');
    const left = /^(?:import|export)\b.*$/m.exec(body);
    if (left !== null) throw new Error(`client/${name}: cannot inline "${left[0]}"`);
    return `// client/${name}\n${body}`;
  });
  return `(() => {\n'use strict';\n${bodies.join('\n')}\n})();\n`;
}
