import { mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import type { Figure } from './figure';
import { figureTitle, toHTML, toHTMLFragment } from './html';
import { plotlyScriptTag } from './plotly-bundle';
import { toPNG, type ImageOptions } from './render';

/** A Jupyter display_data content: one output holding several representations. */
export interface MimeBundle {
  data: Record<string, string>;
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

export interface ShowOptions extends ImageOptions {
  /** Also render a static PNG (default true): the image/png of the bundle and the HTML's fallback image. */
  png?: boolean;
  /**
   * `inline` (default): every output carries plotly.js, so each works alone in a saved notebook.
   * `once`: only the first output of this kernel process carries it (4.8 MB less per figure);
   * later ones draw once it has loaded on the page.
   */
  plotly?: 'inline' | 'once';
  /** Outside a notebook: the folder for the HTML file (default `$SUGAR_PLOTS_DIR`, else the temp dir). */
  dir?: string;
}

export interface ShowResult {
  /** `notebook`: sent to the running tslab cell; `file`: written to `path`. */
  shownIn: 'notebook' | 'file';
  path?: string;
  mimeTypes?: string[];
}

let plotlySent = false;
let warned = false;

function slug(s: string): string {
  return (
    s
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-|-$/g, '')
      .slice(0, 60) || 'figure'
  );
}

/**
 * Display a figure. In a tslab notebook: one output with `text/html` (the interactive figure
 * with plotly.js inlined and the PNG as fallback inside it), `image/png` and `text/plain`.
 * Elsewhere: writes a standalone HTML file and prints its path.
 * Await it (`await show(fig)`): the output belongs to the cell that called it, and Jupyter
 * frontends drop outputs that arrive after their cell has finished.
 */
export async function show(fig: Figure, opts: ShowOptions = {}): Promise<ShowResult> {
  // Taken before the PNG is rendered: tslab swaps the writer when the next cell starts.
  const writer = tslabWriter();
  if (!writer) {
    const dir = opts.dir ?? process.env.SUGAR_PLOTS_DIR ?? path.join(tmpdir(), 'sugar-plots');
    mkdirSync(dir, { recursive: true });
    const stamp = new Date().toISOString().replace(/[-:]/g, '').replace(/\..*/, '');
    const file = path.join(dir, `${slug(figureTitle(fig))}-${stamp}-${process.pid}-${Math.random().toString(36).slice(2, 8)}.html`);
    writeFileSync(file, toHTML(fig));
    console.log(`figure written to ${file}`);
    return { shownIn: 'file', path: file };
  }
  let png: Buffer | undefined;
  if (opts.png !== false) {
    try {
      png = await toPNG(fig, opts);
    } catch (e) {
      if (!warned) console.warn(`@sugar-lab/plots: no static PNG (${String((e as Error).message).split('\n')[0]}); showing the interactive figure only`);
      warned = true;
    }
  }
  const withLib = (opts.plotly ?? 'inline') === 'inline' || !plotlySent;
  const html = (withLib ? plotlyScriptTag() + '\n' : '') + toHTMLFragment(fig, { fallbackPng: png });
  plotlySent = plotlySent || withLib;
  const data: Record<string, string> = { 'text/html': html };
  const metadata: Record<string, unknown> = {};
  if (png) {
    data['image/png'] = png.toString('base64');
    const scale = opts.scale ?? 1;
    const w = png.readUInt32BE(16);
    const h = png.readUInt32BE(20);
    // Show a scale-2 image at its CSS size, not twice as large.
    metadata['image/png'] = { width: Math.round(w / scale), height: Math.round(h / scale) };
  }
  data['text/plain'] = `<Figure: ${figureTitle(fig)} (${fig.data.length} traces)>`;
  writer({ data, metadata, transient: {} }, false);
  return { shownIn: 'notebook', mimeTypes: Object.keys(data) };
}
