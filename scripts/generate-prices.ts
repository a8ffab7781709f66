/**
 * `npm run prices`: regenerates src/cost/price-table.generated.ts from LiteLLM's public price
 * table (model_prices_and_context_window.json). Only token-billed chat and embedding models are kept, in
 * shallot's compact shape, with the source's date and hash recorded.
 *
 *   npm run prices                                  # from ../shared/data/
 *   npm run prices -- --source path/to/table.json --date 2026-08-01
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { renderPriceTable } from '../src/cost/render-table.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const { values } = parseArgs({
  options: {
    source: {
      type: 'string',
      default: join(root, '../shared/data/model_prices_and_context_window.json'),
    },
    date: { type: 'string' },
    out: { type: 'string', default: join(root, 'src/cost/price-table.generated.ts') },
  },
});
const source = resolve(values.source as string);
if (!existsSync(source)) {
  console.error(
    `prices: ${source} does not exist. Pass --source <path to model_prices_and_context_window.json>.`,
  );
  process.exit(1);
}
const bytes = readFileSync(source);
const date = values.date ?? dateFromReadme(join(dirname(source), 'README.md'));
if (date === undefined) {
  console.error('prices: no source date found. Pass --date YYYY-MM-DD (the date of the table).');
  process.exit(1);
}
const { text, entries } = renderPriceTable(JSON.parse(bytes.toString('utf8')), {
  file: basename(source),
  date,
  sha256: createHash('sha256').update(bytes).digest('hex'),
});
writeFileSync(values.out as string, text);
console.log(`prices: wrote ${entries} models (source of ${date}) to ${values.out}`);

/** The "commit date" row of the data folder's README, as `YYYY-MM-DD`. */
function dateFromReadme(path: string): string | undefined {
  if (!existsSync(path)) return undefined;
  return /commit date \| (\d{4}-\d{2}-\d{2})/.exec(readFileSync(path, 'utf8'))?.[1];
}
