import { randomBytes } from 'node:crypto';
import type { Figure } from './figure';
import { PENDING_PLOTS, plotlyScriptTag, plotlyVersion } from './plotly-bundle';

/** JSON that is safe inside an HTML <script>: no `</script>`, `<!--` or JS-illegal line separators. */
export function scriptJSON(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, '\\u003c')
    .replace(/>/g, '\\u003e')
    .replace(/&/g, '\\u0026')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}

function escapeHTML(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

let counter = 0;

/** A div id unique within and across processes (several reports may be concatenated). */
export function uniquePlotId(): string {
  counter += 1;
  return `sugar-plot-${process.pid.toString(36)}-${counter}-${randomBytes(4).toString('hex')}`;
}

export interface FragmentOptions {
  /** The div id (default: a fresh unique one). */
  id?: string;
  /** A static rendering shown until plotly.js draws, and kept where scripts are stripped (GitHub, nbviewer). */
  fallbackPng?: Uint8Array;
}

export function figureTitle(fig: Figure): string {
  const t = fig.layout.title;
  const text = typeof t === 'string' ? t : t?.text;
  return typeof text === 'string' && text ? text.replace(/<[^>]*>/g, '') : 'figure';
}

/**
 * The layout as a page draws it: no fixed width, so plotly.js fills its div, which is the figure's width at
 * most and shrinks with the column or window (a fixed width wider than the column was cut off, legend and all).
 */
export function responsiveLayout(layout: Figure['layout']): Figure['layout'] {
  const { width: _width, ...rest } = layout;
  return { ...rest, autosize: true };
}

/**
 * A div and the script that draws the figure into it. plotly.js must be on the page (`plotlyScriptTag()` once,
 * before or after the fragments: a fragment that finds no `window.Plotly` waits in a queue the library drains).
 * Where no library ever comes (an exported notebook, a viewer that runs no JavaScript), the fallback image stays.
 *
 * @param fig the figure
 * @param opts the div's `id`, and a PNG shown until plotly.js draws the figure
 */
export function toHTMLFragment(fig: Figure, opts: FragmentOptions = {}): string {
  const id = opts.id ?? uniquePlotId();
  // The figure's width is a maximum: the div (and plotly.js, autosized) shrinks to a narrower column.
  const w = typeof fig.layout.width === 'number' ? `${fig.layout.width}px` : 'none';
  const h = typeof fig.layout.height === 'number' ? `${fig.layout.height}px` : '450px';
  const payload = { data: fig.data, layout: responsiveLayout(fig.layout), config: { displaylogo: false, responsive: true, ...fig.config } };
  const img = opts.fallbackPng
    ? `<img class="sugar-plot-fallback" alt="${escapeHTML(figureTitle(fig))}" style="max-width:100%" src="data:image/png;base64,${Buffer.from(opts.fallbackPng).toString('base64')}">`
    : '';
  return (
    `<div id="${id}" class="sugar-plot" data-plotly-version="${plotlyVersion()}" style="width:100%;max-width:${w};height:${h}">${img}</div>\n` +
    `<script type="text/javascript">\n(function () {\n` +
    `  var fig = ${scriptJSON(payload)};\n` +
    `  var el = document.getElementById(${JSON.stringify(id)});\n` +
    `  var drawn = false;\n` +
    `  function draw() {\n` +
    // The queue may outlive the output (a cell re-run, a cleared output): draw only a div still on the page, once.
    `    if (drawn || !el || !document.body.contains(el)) return;\n` +
    `    drawn = true;\n` +
    `    var img = el.querySelector('img.sugar-plot-fallback');\n` +
    `    if (img) img.parentNode.removeChild(img);\n` +
    `    window.Plotly.newPlot(el, fig.data, fig.layout, fig.config);\n` +
    `  }\n` +
    `  if (window.Plotly) draw();\n` +
    `  else (window.${PENDING_PLOTS} = window.${PENDING_PLOTS} || []).push(draw);\n` +
    `})();\n</script>`
  );
}

export interface HTMLOptions {
  /** The page title (default: the figure's title). */
  title?: string;
}

/**
 * A complete page with plotly.js inlined: opens offline, from a file, years later.
 *
 * @param fig the figure
 * @param opts `title` of the page
 */
export function toHTML(fig: Figure, opts: HTMLOptions = {}): string {
  const title = opts.title ?? figureTitle(fig);
  return [
    '<!DOCTYPE html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    `<meta name="generator" content="@sugar-lab/plots, plotly.js ${plotlyVersion()}">`,
    `<title>${escapeHTML(title)}</title>`,
    '<style>body{margin:16px;font-family:Liberation Sans,Arial,Helvetica,sans-serif;background:#fff}</style>',
    plotlyScriptTag(),
    '</head>',
    '<body>',
    toHTMLFragment(fig),
    '</body>',
    '</html>',
    '',
  ].join('\n');
}
