import { mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { compactNumbers } from './compact';
import type { Figure } from './figure';
import { PlotInputError } from './errors';
import { hostCell, type HostCell } from './host-display';
import { figureTitle, toHTML, toHTMLFragment, uniquePlotId } from './html';
import { plotlyScriptTag, plotlyVersion } from './plotly-bundle';
import { toPNG, type ImageOptions } from './render';

/** A Jupyter display_data content: one output holding several representations. */
export interface MimeBundle {
  /** By MIME type: strings, and objects for JSON types (`application/vnd.plotly.v1+json`). */
  data: Record<string, unknown>;
  metadata: Record<string, unknown>;
  transient: Record<string, unknown>;
}

type WriteDisplayData = (bundle: MimeBundle, update: boolean) => void;

/**
 * The writer tslab uses for the running cell. tslab's public `display` sends one mime type per
 * output; its kernel module (`tslab/dist/jupyter.js`) holds the function that sends a whole
 * bundle. It is found in the module cache rather than by `require('tslab')`, so that it is the
 * kernel's own instance even when tslab is installed elsewhere than this lib.
 */
export function tslabWriter(): WriteDisplayData | null {
  for (const [file, mod] of Object.entries(require.cache)) {
    if (!/[\\/]tslab[\\/]dist[\\/]jupyter\.js$/.test(file)) continue;
    const w = (mod?.exports as { lastWriteDisplayData?: unknown } | undefined)?.lastWriteDisplayData;
    if (typeof w === 'function') return w as WriteDisplayData;
  }
  return null;
}

export function inTslab(): boolean {
  return (globalThis as { __tslab__?: unknown }).__tslab__ !== undefined || tslabWriter() !== null;
}

/** Where plotly.js comes from in a notebook; see ShowOptions.plotly. */
export type PlotlyDelivery = 'cell' | 'once' | 'inline';
const DELIVERIES: readonly PlotlyDelivery[] = ['cell', 'once', 'inline'];

export interface ShowOptions extends ImageOptions {
  /** Also render a static PNG (default true): the image each figure shows where no JavaScript runs. */
  png?: boolean;
  /**
   * How plotly.js (4.7 MB) reaches the page; each figure's output carries only its data and layout.
   * `cell` (default): the first figure of each cell execution sends the library in an output of its own and at once
   * replaces that output with a one-line note, so the page keeps `window.Plotly` and the saved notebook only the note
   * (a reloaded page gets it again from the next cell that shows a figure; until then figures are static images).
   * `once`: the same, only for the first figure of this kernel process.
   * `inline`: every figure's output carries the library, so each works alone (4.7 MB more per figure, saved too).
   */
  plotly?: PlotlyDelivery;
  /** Outside a notebook: the folder for the HTML file (default `$SUGAR_PLOTS_DIR`, else the temp dir). */
  dir?: string;
}

export interface ShowResult {
  /** `notebook`: sent to the running cell; `file`: written to `path`. */
  shownIn: 'notebook' | 'file';
  path?: string;
  mimeTypes?: string[];
}

/** The MIME type JupyterLab (with the plotly extension) and VS Code draw natively from {data, layout}. */
export const PLOTLY_MIME = 'application/vnd.plotly.v1+json';

/**
 * Figures whose plotly JSON is longer go without it (their HTML still draws them wherever JavaScript runs):
 * nbformat saves JSON outputs indented, one array element per line, so a 100 kB heatmap takes about 1 MB on disk.
 */
export const PLOTLY_JSON_MAX_CHARS = 100_000;

let warned = false;
// Cell executions (hosts, or tslab's per-cell writers) whose page got plotly.js; and whether any did.
const loadedCells = new WeakSet<object>();
let loadedOnce = false;
let loaderCount = 0;

function slug(s: string): string {
  return (
    s
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-|-$/g, '')
      .slice(0, 60) || 'figure'
  );
}

/** The running notebook cell: the kernel's host display, else tslab's writer; null outside a notebook. */
function runningCell(): HostCell | null {
  const host = hostCell();
  if (host) return host;
  const writer = tslabWriter();
  if (!writer) return null;
  return {
    display: (data, { id, update }) => writer({ data, metadata: {}, transient: { display_id: id } }, update),
    cell: writer,
  };
}

function checkOptions(opts: ShowOptions): void {
  if (opts.plotly !== undefined && !DELIVERIES.includes(opts.plotly)) {
    throw new PlotInputError('show options.plotly', `one of ${DELIVERIES.map((d) => `'${d}'`).join(', ')}`, JSON.stringify(opts.plotly));
  }
  if (opts.png !== undefined && typeof opts.png !== 'boolean') throw new PlotInputError('show options.png', 'true or false', JSON.stringify(opts.png));
}

/** Sends plotly.js to the page in an output that is replaced at once by a note: the page keeps the library, the notebook the note. */
function sendLibrary(cell: HostCell, delivery: PlotlyDelivery): void {
  if (delivery === 'inline' || (delivery === 'once' ? loadedOnce : loadedCells.has(cell.cell))) return;
  loadedCells.add(cell.cell);
  loadedOnce = true;
  loaderCount += 1;
  const id = `sugar-plotly-loader-${process.pid.toString(36)}-${loaderCount}`;
  const note = `plotly.js ${plotlyVersion()} loaded for this page`;
  cell.display({ 'text/html': plotlyScriptTag() }, { id, update: false });
  cell.display({ 'text/html': `<div class="sugar-plotly-loaded" style="color:#888;font-size:small">${note}</div>`, 'text/plain': note }, { id, update: true });
}

/**
 * Display a figure. In a notebook (the sugar-lab kernel's host display, or tslab's): one output with `text/html`
 * (a static PNG and the script that replaces it with the interactive figure once plotly.js is on the page),
 * `application/vnd.plotly.v1+json` (VS Code, JupyterLab's plotly extension; left out for figures over
 * PLOTLY_JSON_MAX_CHARS) and `text/plain`; plotly.js itself goes to the page as `opts.plotly` says. The numbers go
 * at display precision (6 significant digits). Elsewhere: writes a standalone HTML file and prints its path.
 * Await it (`await show(fig)`): the output belongs to the cell that called it, and Jupyter
 * frontends drop outputs that arrive after their cell has finished.
 *
 * @param fig the figure
 * @param opts the static PNG's size and whether to make it, how plotly.js reaches the page, and the folder for the HTML
 *   file outside a notebook
 */
export async function show(fig: Figure, opts: ShowOptions = {}): Promise<ShowResult> {
  checkOptions(opts);
  // Taken before the PNG is rendered: the kernel moves on to the next cell's output when it starts.
  const cell = runningCell();
  if (!cell) {
    const dir = opts.dir ?? process.env.SUGAR_PLOTS_DIR ?? path.join(tmpdir(), 'sugar-plots');
    mkdirSync(dir, { recursive: true });
    const stamp = new Date().toISOString().replace(/[-:]/g, '').replace(/\..*/, '');
    const file = path.join(dir, `${slug(figureTitle(fig))}-${stamp}-${process.pid}-${Math.random().toString(36).slice(2, 8)}.html`);
    writeFileSync(file, toHTML(fig));
    console.log(`figure written to ${file}`);
    return { shownIn: 'file', path: file };
  }
  // The interactive figure takes the height asked of the image, so the page does not jump when it replaces it.
  const sized = opts.height !== undefined && fig.layout.height === undefined ? { ...fig, layout: { ...fig.layout, height: opts.height } } : fig;
  let png: Buffer | undefined;
  if (opts.png !== false) {
    try {
      png = await toPNG(sized, opts);
    } catch (e) {
      if (!warned) console.warn(`@sugar-lab/plots: no static PNG (${String((e as Error).message).split('\n')[0]}); showing the interactive figure only`);
      warned = true;
    }
  }
  const delivery = opts.plotly ?? 'cell';
  sendLibrary(cell, delivery);
  const id = uniquePlotId();
  const compact = compactNumbers(sized);
  const fragment = toHTMLFragment(compact, { id, fallbackPng: png });
  // As the kernel sends it: NaN becomes null (a gap), undefined fields go.
  const json = JSON.stringify({ data: compact.data, layout: compact.layout, config: compact.config ?? {} });
  const data: Record<string, unknown> = { 'text/html': delivery === 'inline' ? `${plotlyScriptTag()}\n${fragment}` : fragment };
  if (json.length <= PLOTLY_JSON_MAX_CHARS) data[PLOTLY_MIME] = JSON.parse(json) as unknown;
  data['text/plain'] = `<Figure: ${figureTitle(fig)} (${fig.data.length} traces)>`;
  cell.display(data, { id, update: false });
  return { shownIn: 'notebook', mimeTypes: Object.keys(data) };
}
