import { existsSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { RenderError, RendererUnavailableError } from './errors';
import type { Figure } from './figure';
import { hostCell } from './host-display';
import { plotlyBundle } from './plotly-bundle';

// These machines (and many clusters) have no network; without these flags Chromium keeps
// opening connections (updates, sync, QUIC probes) that are refused.
export const CHROMIUM_ARGS: readonly string[] = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

const DEFAULT_CHROMIUM = '/usr/bin/chromium';

/** The Chromium binary: `SUGAR_CHROMIUM` if set, else Debian's /usr/bin/chromium. */
export function chromiumPath(env: NodeJS.ProcessEnv = process.env): string {
  const fromEnv = env.SUGAR_CHROMIUM;
  if (fromEnv) {
    if (!existsSync(fromEnv)) {
      throw new RendererUnavailableError(
        `SUGAR_CHROMIUM is ${fromEnv}, but no file exists there; point it at a Chromium binary or unset it to use ${DEFAULT_CHROMIUM}`,
      );
    }
    return fromEnv;
  }
  if (!existsSync(DEFAULT_CHROMIUM)) {
    throw new RendererUnavailableError(
      `static figures need headless Chromium: expected ${DEFAULT_CHROMIUM} (or a path in SUGAR_CHROMIUM), found none; ` +
        `install Debian's chromium package (apt-get install -y chromium)`,
    );
  }
  return DEFAULT_CHROMIUM;
}

interface Renderer {
  browser: Browser;
  page: Page;
}

let renderer: Promise<Renderer> | null = null;
let active = 0;
let idleTimer: NodeJS.Timeout | null = null;
let idleCloseMs: number | null | undefined;

export interface RendererOptions {
  /**
   * Close the browser after this many idle milliseconds; `null` keeps it until `closeRenderer()`.
   * Default: kept open inside a notebook kernel (which never exits), 1500 ms elsewhere, because the
   * browser's pipes keep Node's event loop alive and a script would otherwise never exit.
   */
  idleCloseMs?: number | null;
}

export function configureRenderer(opts: RendererOptions): void {
  if ('idleCloseMs' in opts) idleCloseMs = opts.idleCloseMs;
}

function effectiveIdleMs(): number | null {
  if (idleCloseMs !== undefined) return idleCloseMs;
  const inKernel = (globalThis as { __tslab__?: unknown }).__tslab__ !== undefined || hostCell() !== undefined;
  return inKernel ? null : 1500;
}

async function launch(): Promise<Renderer> {
  const executablePath = chromiumPath();
  const { chromium } = await import('playwright-core');
  let browser: Browser;
  try {
    browser = await chromium.launch({ executablePath, args: [...CHROMIUM_ARGS], headless: true });
  } catch (e) {
    throw new RendererUnavailableError(`could not start Chromium at ${executablePath}: ${String((e as Error).message).split('\n')[0]}`);
  }
  browser.on('disconnected', () => {
    renderer = null;
  });
  const page = await browser.newPage();
  await page.setContent('<!DOCTYPE html><html><head><meta charset="utf-8"></head><body></body></html>');
  // Loaded once per browser: parsing the 4.8 MB bundle is most of a first render's cost.
  await page.addScriptTag({ content: plotlyBundle().source });
  return { browser, page };
}

/** Runs `fn` on the shared page (plotly.js loaded); the tests' in-page checks use it too. */
export async function withPage<T>(fn: (page: Page) => Promise<T>): Promise<T> {
  if (idleTimer) {
    clearTimeout(idleTimer);
    idleTimer = null;
  }
  active += 1;
  try {
    if (!renderer) {
      const p = launch();
      renderer = p;
      // A failed launch is not cached: the next call (say, after installing Chromium) tries again.
      p.catch(() => {
        if (renderer === p) renderer = null;
      });
    }
    return await fn((await renderer).page);
  } finally {
    active -= 1;
    const ms = effectiveIdleMs();
    if (active === 0 && ms !== null && renderer) idleTimer = setTimeout(() => void closeRenderer(), ms);
  }
}

export interface ImageOptions {
  /** CSS pixels (default: the layout's width/height, else 800 x 500). */
  width?: number;
  height?: number;
  /** Device pixel ratio for PNG (default 1; 2 for print). */
  scale?: number;
}

async function toImage(fig: Figure, format: 'png' | 'svg', opts: ImageOptions): Promise<string> {
  const o = {
    format,
    width: opts.width ?? (typeof fig.layout.width === 'number' ? fig.layout.width : 800),
    height: opts.height ?? (typeof fig.layout.height === 'number' ? fig.layout.height : 500),
    scale: opts.scale ?? 1,
    imageDataOnly: true,
  };
  // Through JSON: NaN becomes null (a gap in Plotly) and undefined fields disappear.
  const plain = JSON.parse(JSON.stringify({ data: fig.data, layout: fig.layout, config: fig.config ?? {} })) as unknown;
  return withPage(async (page) => {
    try {
      return await page.evaluate(({ f, o }) => (window as unknown as { Plotly: { toImage(f: unknown, o: unknown): Promise<string> } }).Plotly.toImage(f, o), {
        f: plain,
        o,
      });
    } catch (e) {
      throw new RenderError(`plotly.js could not render the figure as ${format}: ${String((e as Error).message).split('\n')[0]}`);
    }
  });
}

/**
 * A PNG of the figure, drawn by plotly.js in headless Chromium.
 *
 * @param fig the figure
 * @param opts width and height in CSS pixels (default: the layout's, else 800 x 500) and the pixel `scale`
 */
export async function toPNG(fig: Figure, opts: ImageOptions = {}): Promise<Buffer> {
  return Buffer.from(await toImage(fig, 'png', opts), 'base64');
}

/**
 * The figure as an SVG document (text).
 *
 * @param fig the figure
 * @param opts width and height (default: the layout's, else 800 x 500)
 */
export async function toSVG(fig: Figure, opts: Omit<ImageOptions, 'scale'> = {}): Promise<string> {
  return toImage(fig, 'svg', opts);
}

/** Close the shared browser now (a later render starts a new one). */
export async function closeRenderer(): Promise<void> {
  if (idleTimer) {
    clearTimeout(idleTimer);
    idleTimer = null;
  }
  const r = renderer;
  renderer = null;
  if (!r) return;
  try {
    await (await r).browser.close();
  } catch {
    // Launch failed or the browser already went away: nothing left to close.
  }
}
