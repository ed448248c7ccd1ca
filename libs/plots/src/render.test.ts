import { afterAll, describe, expect, it } from 'vitest';
import { RendererUnavailableError } from './errors';
import { accuracyBars } from './accuracy-bars';
import { chromiumPath, closeRenderer, toPNG, toSVG } from './render';
import { skipBrowser, requireChromium } from './test-utils/browser';
import { decodePNG, pixelStats } from './test-utils/png';
import { trainingCurves } from './training-curves';

describe('chromiumPath', () => {
  it('names the missing binary and the Debian package', () => {
    expect(() => chromiumPath({ SUGAR_CHROMIUM: '/nonexistent/chromium' })).toThrow(RendererUnavailableError);
    expect(() => chromiumPath({ SUGAR_CHROMIUM: '/nonexistent/chromium' })).toThrow(/SUGAR_CHROMIUM is \/nonexistent\/chromium, but no file exists there/);
  });
});

const runs = ['relu', 'sugar(bsilu,alpha=1.67)'].flatMap((variant, v) =>
  [0, 1, 2].map((seed) => ({
    variant,
    seed,
    epochs: [1, 2, 3, 4, 5, 6],
    values: [1, 2, 3, 4, 5, 6].map((e) => (0.8 + 0.1 * v) * (1 - Math.exp(-e / 2)) + 0.02 * (seed - 1)),
  })),
);

describe.skipIf(skipBrowser)('static export through headless Chromium', () => {
  // Checked in each test (not in beforeAll) so a missing Chromium counts as failed tests.
  afterAll(() => closeRenderer());

  it('renders a PNG that is not blank, at width x height x scale', async () => {
    requireChromium();
    const png = await toPNG(trainingCurves(runs, { metric: 'test accuracy' }), { width: 400, height: 300, scale: 2 });
    const img = decodePNG(png);
    expect([img.width, img.height]).toEqual([800, 600]);
    const { distinctColors, nonWhiteFraction } = pixelStats(img);
    // Text, grid, two colored lines and their bands anti-aliased: many colors, a fair amount of ink.
    expect(distinctColors).toBeGreaterThan(100);
    expect(nonWhiteFraction).toBeGreaterThan(0.02);
    expect(nonWhiteFraction).toBeLessThan(0.6);
  });

  it('renders SVG text and reuses the browser', async () => {
    requireChromium();
    const svg = await toSVG(accuracyBars([{ variant: 'relu', mean: 0.9, low: 0.88, high: 0.92 }]), { width: 300, height: 200 });
    expect(svg).toContain('<svg');
    expect(svg).toContain('relu');
  });
});
