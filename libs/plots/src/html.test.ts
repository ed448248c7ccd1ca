import { readFileSync } from 'node:fs';
import { chromium } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import type { Figure } from './figure';
import { scriptJSON, toHTML, toHTMLFragment } from './html';
import { PLOTLY_VERSION, plotlyScriptTag } from './plotly-bundle';
import { CHROMIUM_ARGS, chromiumPath } from './render';
import { requireChromium, skipBrowser } from './test-utils/browser';
import { trainingCurves } from './training-curves';

const fig: Figure = trainingCurves(
  [
    { variant: 'relu', seed: 0, epochs: [1, 2], values: [0.123456, 0.654321] },
    { variant: '</script><b>x', seed: 0, epochs: [1, 2], values: [0.5, 0.75] },
  ],
  { metric: 'test accuracy' },
);
const installed = readFileSync(require.resolve('plotly.js-dist-min/plotly.min.js'), 'utf8');

describe('toHTML', () => {
  const html = toHTML(fig);

  it('is a complete page carrying the figure data', () => {
    expect(html.startsWith('<!DOCTYPE html>')).toBe(true);
    expect(html).toContain('</html>');
    expect(html).toContain('0.123456');
    expect(html).toContain('0.654321');
    expect(html).toContain('test accuracy');
  });

  it('inlines the pinned plotly.js and names its version', () => {
    expect(PLOTLY_VERSION).toBe('4.1.2');
    expect(html).toContain(`data-plotly-version="${PLOTLY_VERSION}"`);
    expect(html).toContain(`plotly.js v${PLOTLY_VERSION}`);
    expect(html).toContain('window.Plotly = Plotly;');
    // A chunk from the middle of the installed bundle, verbatim.
    const mid = Math.floor(installed.length / 2);
    expect(html).toContain(installed.slice(mid, mid + 2000));
    expect(html.length).toBeGreaterThan(installed.length);
    expect(html).not.toMatch(/<script[^>]+src=/);
  });

  it('cannot be broken out of by data: names are escaped inside the script', () => {
    const scripts = html.match(/<script/g)!.length;
    expect(html.match(/<\/script>/g)!.length).toBe(scripts);
    expect(html).toContain('\\u003c/script\\u003e\\u003cb\\u003ex');
    expect(JSON.parse(scriptJSON({ s: '</script>\u2028&' }))).toEqual({ s: '</script>\u2028&' });
  });
});

describe('toHTMLFragment', () => {
  it('gives every fragment its own div id and leaves plotly.js out', () => {
    const a = toHTMLFragment(fig);
    const b = toHTMLFragment(fig);
    const idOf = (s: string) => /<div id="([^"]+)"/.exec(s)![1];
    expect(idOf(a)).not.toBe(idOf(b));
    expect(a).toContain(`getElementById(${JSON.stringify(idOf(a))})`);
    expect(a.length).toBeLessThan(20_000);
    expect(toHTMLFragment(fig, { id: 'mine' })).toContain('<div id="mine"');
  });

  it('embeds a fallback image that the script removes once plotly.js draws', () => {
    const f = toHTMLFragment(fig, { fallbackPng: Buffer.from([1, 2, 3]) });
    expect(f).toContain('<img class="sugar-plot-fallback"');
    expect(f).toContain('src="data:image/png;base64,AQID"');
  });

  it('plotlyScriptTag holds the whole bundle once', () => {
    const tag = plotlyScriptTag();
    expect(tag.split('window.Plotly = Plotly;').length).toBe(2);
    expect(tag.endsWith('</script>')).toBe(true);
  });
});

describe.skipIf(skipBrowser)('a page with fragments and the library, in Chromium', () => {
  it('draws fragments that came before the library, also under require.js (classic Notebook), and keeps each fallback until then', async () => {
    requireChromium();
    const browser = await chromium.launch({ executablePath: chromiumPath(), args: [...CHROMIUM_ARGS], headless: true });
    try {
      const page = await browser.newPage();
      const errors: string[] = [];
      page.on('pageerror', (e) => errors.push(e.message));
      page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
      // What require.js defines: a UMD bundle that sees it registers an anonymous module instead of window.Plotly.
      // It must be hidden while the library runs and be back afterwards.
      const amd = '<script>window.define = function () { throw new Error("anonymous define() seen by require.js"); }; window.define.amd = {};</script>';
      const png = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==', 'base64');
      const fragments = [toHTMLFragment(fig, { id: 'a', fallbackPng: png }), toHTMLFragment(fig, { id: 'b', fallbackPng: png })].join('\n');
      await page.setContent(`<!DOCTYPE html><html><body>${amd}${fragments}</body></html>`);
      // No library yet: the static images stay.
      expect(await page.locator('img.sugar-plot-fallback').count()).toBe(2);
      await page.evaluate((tag) => {
        // As a notebook front end inserts an output: a script element that runs.
        const script = document.createElement('script');
        script.textContent = /<script[^>]*>([\s\S]*)<\/script>$/.exec(tag)![1];
        document.body.appendChild(script);
      }, plotlyScriptTag());
      await page.waitForSelector('#a .main-svg');
      await page.waitForSelector('#b .main-svg');
      expect(await page.locator('img.sugar-plot-fallback').count()).toBe(0);
      expect(await page.evaluate(() => typeof (window as unknown as { define: { amd?: unknown } }).define.amd)).toBe('object');
      expect(errors).toEqual([]);
    } finally {
      await browser.close();
    }
  });
});
