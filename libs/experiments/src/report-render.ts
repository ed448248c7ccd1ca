import type pl from 'nodejs-polars';
import { formatCell, toMarkdown } from './markdown';

/** A piece of running text: plain, or code (`monospace`). Renderers escape every piece for their format. */
export type Inline = string | { code: string };
export type Paragraph = Inline[];

export interface ReportSection {
  title: string;
  note: Paragraph;
  table: pl.DataFrame;
  /** Shown under the table. */
  footnotes?: Paragraph[];
}

/** What a report says, independent of its format: Markdown and HTML are both rendered from this. */
export interface ReportDocument {
  title: string;
  description?: string;
  summary: Paragraph[];
  /** Sections with an empty table are left out. */
  sections: ReportSection[];
}

/** Text made safe for HTML content and attribute values. */
export function escapeHTML(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}

const mdText = (p: Paragraph) => p.map((x) => (typeof x === 'string' ? x : `\`${x.code}\``)).join('');
const htmlText = (p: Paragraph) => p.map((x) => (typeof x === 'string' ? escapeHTML(x) : `<code>${escapeHTML(x.code)}</code>`)).join('');
const shown = (doc: ReportDocument) => doc.sections.filter((s) => s.table.height > 0);

export function renderMarkdown(doc: ReportDocument): string {
  return [
    `# ${doc.title}`,
    '',
    doc.description ?? '',
    '',
    ...doc.summary.flatMap((p) => [mdText(p), '']),
    ...shown(doc).flatMap((s) => [`## ${s.title}`, '', mdText(s.note), '', toMarkdown(s.table), '', ...(s.footnotes ?? []).flatMap((f) => [mdText(f), ''])]),
  ].join('\n');
}

/** An HTML table of a DataFrame, cells formatted as in Markdown and escaped. */
export function htmlTable(df: pl.DataFrame): string {
  const cols = df.columns;
  const rows = df.toRecords() as Record<string, unknown>[];
  const head = cols.map((c) => `<th>${escapeHTML(c)}</th>`).join('');
  const body = rows.map((r) => `<tr>${cols.map((c) => `<td>${escapeHTML(formatCell(r[c]))}</td>`).join('')}</tr>`);
  return `<table><thead><tr>${head}</tr></thead><tbody>${body.join('')}</tbody></table>`;
}

const STYLE =
  '<style>body{font-family:system-ui,sans-serif;max-width:1100px;margin:2em auto;padding:0 1em;color:#222}table{border-collapse:collapse;font-size:13px;margin:1em 0}td,th{border:1px solid #ccc;padding:3px 7px;text-align:right}th{background:#f4f4f4}td:first-child,th:first-child{text-align:left}p.footnote{font-size:13px;color:#555}</style>';

export interface HtmlParts {
  /** Markup for <head> made by our own code (the inlined plotly.js), not from user strings. */
  head: string[];
  /** Figure fragments (@sugar-lab/plots escapes the data it embeds), in page order after the summary. */
  figures: string[];
}

/** A self-contained HTML page of the document: every string from the document is escaped here. */
export function renderHTML(doc: ReportDocument, parts: HtmlParts): string {
  return [
    '<!DOCTYPE html>',
    `<html><head><meta charset="utf-8"><title>${escapeHTML(doc.title)}: sugar-lab report</title>`,
    ...parts.head,
    STYLE,
    '</head><body>',
    `<h1>${escapeHTML(doc.title)}</h1><p>${escapeHTML(doc.description ?? '')}</p>${doc.summary.map((p) => `<p>${htmlText(p)}</p>`).join('')}`,
    ...parts.figures,
    ...shown(doc).flatMap((s) => [
      `<h2>${escapeHTML(s.title)}</h2><p>${htmlText(s.note)}</p>`,
      htmlTable(s.table),
      ...(s.footnotes ?? []).map((f) => `<p class="footnote">${htmlText(f)}</p>`),
    ]),
    '</body></html>',
  ].join('\n');
}
