import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
// core's own registry, from its source (plots reads it without depending on core: host-display.ts).
import { setHost } from '../../core/src/host';
import { compactNumbers } from './compact';
import { closeRenderer } from './render';
import { show, type MimeBundle } from './show';
import { requireChromium, skipBrowser } from './test-utils/browser';
import { decodePNG } from './test-utils/png';
import { sparsityFigure } from './sparsity';

const fig = sparsityFigure([
  { variant: 'relu', layer: 'l1', sparsity: 0.5 },
  { variant: 'gelu', layer: 'l1', sparsity: 0.05 },
]);
const dir = mkdtempSync(path.join(tmpdir(), 'sugar-plots-test-'));
const jupyter = createRequire(path.resolve('package.json'))('tslab/dist/jupyter.js') as { lastWriteDisplayData: unknown };

afterEach(() => {
  jupyter.lastWriteDisplayData = null;
  vi.restoreAllMocks();
});
afterAll(async () => {
  await closeRenderer();
  rmSync(dir, { recursive: true, force: true });
});

type Sent = [MimeBundle, boolean];

function captureCell(): { sent: Sent[] } {
  const sent: Sent[] = [];
  // What tslab's kernel installs for the running cell (jupyter.js, handleExecuteImpl): a new writer per cell.
  jupyter.lastWriteDisplayData = (bundle: MimeBundle, update: boolean) => sent.push([bundle, update]);
  return { sent };
}

const html = (b: MimeBundle) => b.data['text/html'] as string;
const isLibrary = (b: MimeBundle) => html(b)?.includes('window.Plotly = Plotly;') ?? false;

describe('show outside a notebook', () => {
  it('writes a standalone HTML file and prints its path', async () => {
    const log = vi.spyOn(console, 'log').mockImplementation(() => undefined);
    const r = await show(fig, { dir });
    expect(r.shownIn).toBe('file');
    expect(path.dirname(r.path!)).toBe(dir);
    expect(readFileSync(r.path!, 'utf8')).toContain('data-plotly-version="4.1.2"');
    expect(log).toHaveBeenCalledWith(`figure written to ${r.path}`);
  });
});

describe('show in a tslab cell', () => {
  it('sends plotly.js once per cell in an output replaced at once by a note, then figures with data and layout only', async () => {
    const { sent } = captureCell();
    const r = await show(fig, { png: false });
    expect(r).toEqual({ shownIn: 'notebook', mimeTypes: ['text/html', 'application/vnd.plotly.v1+json', 'text/plain'] });
    expect(sent).toHaveLength(3);
    const [[library, libraryUpdate], [note, noteUpdate], [figure, figureUpdate]] = sent;
    expect([libraryUpdate, noteUpdate, figureUpdate]).toEqual([false, true, false]);
    expect(isLibrary(library)).toBe(true);
    // The update replaces the library's output: the saved notebook keeps only the note.
    expect(note.transient.display_id).toBe(library.transient.display_id);
    expect(note.data['text/plain']).toBe('plotly.js 4.1.2 loaded for this page');
    expect(isLibrary(figure)).toBe(false);
    expect(figure.transient.display_id).not.toBe(library.transient.display_id);
    expect(html(figure)).toContain('class="sugar-plot"');
    expect(figure.data['application/vnd.plotly.v1+json']).toEqual({ data: compactNumbers(fig.data), layout: fig.layout, config: {} });
    expect(figure.data['text/plain']).toBe('<Figure: Activation sparsity per layer (2 traces)>');
    expect(html(figure).length).toBeLessThan(20_000);

    // The same cell: the page has the library already.
    await show(fig, { png: false });
    expect(sent).toHaveLength(4);
    expect(isLibrary(sent[3][0])).toBe(false);
    // The next cell sends it again (the page may have been reloaded since).
    const next = captureCell();
    await show(fig, { png: false });
    expect(next.sent.map(([b, u]) => [isLibrary(b), u])).toEqual([
      [true, false],
      [false, true],
      [false, false],
    ]);
  });

  it("with plotly: 'once', only the process's first figure sends the library; with 'inline', every figure carries it", async () => {
    const once = captureCell();
    await show(fig, { png: false, plotly: 'once' });
    // An earlier test already sent it in this process.
    expect(once.sent).toHaveLength(1);
    expect(isLibrary(once.sent[0][0])).toBe(false);
    const inline = captureCell();
    await show(fig, { png: false, plotly: 'inline' });
    expect(inline.sent).toHaveLength(1);
    expect(isLibrary(inline.sent[0][0])).toBe(true);
    expect(html(inline.sent[0][0])).toContain('class="sugar-plot"');
  });

  it('sends numbers at display precision, and a figure with much data without its plotly JSON', async () => {
    const { sent } = captureCell();
    const z = Array.from({ length: 200 }, (_, i) => Array.from({ length: 100 }, (_, j) => (i * j) / 7));
    const r = await show({ data: [{ type: 'heatmap', z }], layout: { title: { text: 'big' } } }, { png: false });
    expect(r.mimeTypes).toEqual(['text/html', 'text/plain']);
    const figure = html(sent[sent.length - 1][0]);
    expect(figure).toContain('[0,0.142857,0.285714,');
    expect(figure).not.toContain('0.14285714');
  });

  it('rejects an unknown plotly delivery, saying what it expected', async () => {
    captureCell();
    await expect(show(fig, { png: false, plotly: 'cdn' as never })).rejects.toThrow(
      `show options.plotly: expected one of 'cell', 'once', 'inline', found "cdn"`,
    );
  });

  it('falls back to HTML without image, with one warning, when Chromium is missing', async () => {
    const { sent } = captureCell();
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    const saved = process.env.SUGAR_CHROMIUM;
    process.env.SUGAR_CHROMIUM = '/nonexistent/chromium';
    try {
      await closeRenderer();
      await show(fig);
      await show(fig);
    } finally {
      if (saved === undefined) delete process.env.SUGAR_CHROMIUM;
      else process.env.SUGAR_CHROMIUM = saved;
    }
    const figures = sent.filter(([b, u]) => !u && !isLibrary(b));
    expect(figures).toHaveLength(2);
    expect(html(figures[0][0])).not.toContain('<img');
    expect(warn).toHaveBeenCalledTimes(1);
    expect(String(warn.mock.calls[0][0])).toMatch(/no static PNG .*SUGAR_CHROMIUM.*interactive figure only/);
  });

  it.skipIf(skipBrowser)('puts the PNG inside the HTML, as the image viewers without JavaScript show, at the size asked', async () => {
    requireChromium();
    const { sent } = captureCell();
    const { width: _w, height: _h, ...layout } = fig.layout;
    await show({ ...fig, layout }, { width: 320, height: 240, scale: 2 });
    const { data } = sent[sent.length - 1][0];
    expect(Object.keys(data)).toEqual(['text/html', 'application/vnd.plotly.v1+json', 'text/plain']);
    const src = /<img class="sugar-plot-fallback"[^>]* src="data:image\/png;base64,([^"]+)"/.exec(data['text/html'] as string);
    const img = decodePNG(Buffer.from(src![1], 'base64'));
    expect([img.width, img.height]).toEqual([640, 480]);
    // The interactive figure replaces the image at the same height.
    expect(data['text/html']).toContain('height:240px');
    expect((data['application/vnd.plotly.v1+json'] as { layout: { height: number } }).layout.height).toBe(240);
  });
});

describe("show through the kernel's host display", () => {
  afterEach(() => setHost(undefined));

  it('prefers the host display to tslab, one library per host (cell)', async () => {
    const tslab = captureCell();
    const sent: [Record<string, unknown>, { id: string; update: boolean }][] = [];
    const display = (data: Record<string, unknown>, opts: { id: string; update: boolean }) => sent.push([data, opts]);
    setHost({ display });
    await show(fig, { png: false });
    await show(fig, { png: false });
    expect(tslab.sent).toHaveLength(0);
    expect(sent.map(([, o]) => o.update)).toEqual([false, true, false, false]);
    expect(sent[1][1].id).toBe(sent[0][1].id);
    expect(sent[1][0]['text/plain']).toBe('plotly.js 4.1.2 loaded for this page');
    expect((sent[2][0]['application/vnd.plotly.v1+json'] as { data: unknown }).data).toEqual(compactNumbers(fig.data));
    setHost({ display });
    await show(fig, { png: false });
    expect(sent.map(([, o]) => o.update)).toEqual([false, true, false, false, false, true, false]);
  });
});
