/**
 * A markdown table with every column padded to its widest cell, as biome formats tables, so
 * the file reads well as plain text and stays as biome would leave it.
 */
export function markdownTable(
  header: readonly string[],
  rows: ReadonlyArray<readonly string[]>,
): string {
  const widths = header.map((title, column) =>
    Math.max(
      3,
      [title, ...rows.map((row) => row[column] ?? '')].reduce(
        (top, cell) => Math.max(top, width(cell)),
        0,
      ),
    ),
  );
  const line = (cells: readonly string[]) =>
    `| ${widths.map((size, column) => pad(cells[column] ?? '', size)).join(' | ')} |`;
  return [line(header), line(widths.map((size) => '-'.repeat(size))), ...rows.map(line)].join('\n');
}

function width(text: string): number {
  return [...text].length;
}

function pad(text: string, size: number): string {
  return text + ' '.repeat(size - width(text));
}
