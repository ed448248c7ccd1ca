import type pl from 'nodejs-polars';

/** A table cell as text: numbers to 4 decimals (exponent form when tiny or huge), empty for null. */
export function formatCell(v: unknown): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'number') {
    if (Number.isInteger(v)) return String(v);
    const a = Math.abs(v);
    return a !== 0 && (a < 1e-3 || a >= 1e5) ? v.toExponential(3) : v.toFixed(4);
  }
  // eslint-disable-next-line @typescript-eslint/no-base-to-string -- cells are polars scalars (strings, booleans, bigints, dates) whose own toString is the table text
  return String(v);
}

const markdownCell = (v: unknown) => formatCell(v).replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');

/**
 * A GitHub-flavoured Markdown table of a DataFrame (numbers to 4 decimals).
 *
 * @param df the table
 */
export function toMarkdown(df: pl.DataFrame): string {
  const cols = df.columns;
  const rows = df.toRecords() as Record<string, unknown>[];
  const lines = [`| ${cols.join(' | ')} |`, `| ${cols.map(() => '---').join(' | ')} |`];
  for (const r of rows) lines.push(`| ${cols.map((c) => markdownCell(r[c])).join(' | ')} |`);
  return lines.join('\n');
}
