import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
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

function captureCell(): { sent: [MimeBundle, boolean][] } {
  const sent: [MimeBundle, boolean][] = [];
  // What tslab's kernel installs for the running cell (jupyter.js, handleExecuteImpl).
  jupyter.lastWriteDisplayData = (bundle: MimeBundle, update: boolean) => sent.push([bundle, update]);
  return { sent };
}

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
  it('sends one bundle with HTML (plotly inlined) and text, no PNG when asked', async () => {
    const { sent } = captureCell();
    const r = await show(fig, { png: false });
    expect(r).toEqual({ shownIn: 'notebook', mimeTypes: ['text/html', 'text/plain'] });
    expect(sent).toHaveLength(1);
    const [bundle, update] = sent[0];
    expect(update).toBe(false);
    expect(bundle.data['text/html']).toContain('window.Plotly = Plotly;');
    expect(bundle.data['text/html']).toContain('class="sugar-plot"');
    expect(bundle.data['text/plain']).toBe('<Figure: Activation sparsity per layer (2 traces)>');
  });

  it('falls back to HTML only, with one warning, when Chromium is missing', async () => {
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
    expect(sent).toHaveLength(2);
    expect(Object.keys(sent[0][0].data)).toEqual(['text/html', 'text/plain']);
    expect(warn).toHaveBeenCalledTimes(1);
    expect(String(warn.mock.calls[0][0])).toMatch(/no static PNG .*SUGAR_CHROMIUM.*interactive figure only/);
  });

  it.skipIf(skipBrowser)('adds image/png, also as the fallback image inside the HTML', async () => {
    requireChromium();
    const { sent } = captureCell();
    await show(fig, { width: 320, height: 240, scale: 2 });
    const { data, metadata } = sent[0][0];
    expect(Object.keys(data)).toEqual(['text/html', 'image/png', 'text/plain']);
    const img = decodePNG(Buffer.from(data['image/png'], 'base64'));
    expect([img.width, img.height]).toEqual([640, 480]);
    expect(metadata['image/png']).toEqual({ width: 320, height: 240 });
    expect(data['text/html']).toContain(`src="data:image/png;base64,${data['image/png']}"`);
  });

  it("with plotly: 'once', only the first figure carries plotly.js", async () => {
    const { sent } = captureCell();
    await show(fig, { png: false, plotly: 'once' });
    await show(fig, { png: false, plotly: 'once' });
    // An earlier test already sent it inline in this process.
    expect(sent.every(([b]) => !b.data['text/html'].includes('window.Plotly = Plotly;'))).toBe(true);
    expect(sent[1][0].data['text/html']).toContain('if (window.Plotly) { draw(); return; }');
  });
});
