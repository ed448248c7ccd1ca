import { afterAll, describe, expect, it } from 'vitest';
import { accuracyBars } from './accuracy-bars';
import { deadUnitsFigure } from './dead-units';
import type { Figure } from './figure';
import { toHTMLFragment } from './html';
import { figureWidth, fractionRange, MAX_FIGURE_WIDTH } from './layout';
import { closeRenderer, toSVG } from './render';
import { sparsityFigure } from './sparsity';
import { skipBrowser, requireChromium } from './test-utils/browser';
import { drawInColumn, screenshotColumn } from './test-utils/in-page';
import { trainingCurves } from './training-curves';

// What a 12-layer, 5-variant sweep draws: long labels, many legend entries.
const VARIANTS = ['relu', 'sugar(bsilu,alpha=1.67)', 'sugar(nelu,alpha=0.05)', 'gelu', 'sugar(bsilu,alpha=1.67) | optimizer.lr=0.003'];
const LAYERS = Array.from({ length: 12 }, (_, i) => `act${i + 1}`);
const layerBars = () => sparsityFigure(VARIANTS.flatMap((variant, k) => LAYERS.map((layer, i) => ({ variant, layer, sparsity: 0.004 * i * (k + 1) }))));
const curves = () =>
  trainingCurves(
    VARIANTS.flatMap((variant, v) =>
      [0, 1].map((seed) => ({ variant, seed, epochs: [1, 2, 3], values: [0.5, 0.6, 0.7].map((x) => x + 0.02 * v + 0.01 * seed) })),
    ),
    { metric: 'test accuracy' },
  );
const deadLines = () =>
  deadUnitsFigure(VARIANTS.flatMap((variant) => LAYERS.slice(0, 3).map((layer) => ({ variant, layer, epochs: [0, 1], fraction: [0.01, 0.02] }))));

describe('figure sizes and ranges', () => {
  it('caps default widths to fit an 1100 px column', () => {
    expect(figureWidth(1400)).toBe(MAX_FIGURE_WIDTH);
    expect(MAX_FIGURE_WIDTH).toBeLessThanOrEqual(1100);
    for (const fig of [layerBars(), accuracyBars(VARIANTS.map((variant, i) => ({ variant, mean: 0.8 + i / 100 })))]) {
      expect(fig.layout.width).toBeLessThanOrEqual(MAX_FIGURE_WIDTH);
    }
  });

  it('zooms a fraction axis to the data: values under 25% fill the axis', () => {
    expect(fractionRange([0.0081, 0.21])).toEqual([0, 0.25]);
    expect(fractionRange([0, 0])).toEqual([0, 0.05]);
    expect(fractionRange([0.5, 0.97])).toEqual([0, 1]);
    expect(layerBars().layout.yaxis?.range).toEqual([0, 0.25]);
  });
});

// The legend group's box in the SVG plotly.js draws: translate(x, y) of <g class="legend"> and its background rect.
function legendBox(svg: string): { x: number; y: number; width: number; height: number } {
  const m = /<g class="legend"[^>]*transform="translate\(([-\d.]+),\s*([-\d.]+)\)"><rect class="bg"[^>]*width="([\d.]+)" height="([\d.]+)"/.exec(svg);
  if (!m) throw new Error('no legend in the SVG');
  const [x, y, width, height] = m.slice(1).map(Number);
  return { x, y, width, height };
}

describe.skipIf(skipBrowser)('legends inside the figure, drawn by plotly.js in headless Chromium', () => {
  afterAll(() => closeRenderer());

  it.each([
    ['per-layer bars', layerBars],
    ['training curves', curves],
    ['dead units per layer', deadLines],
  ] as [string, () => Figure][])('%s at 800 x 500 and 480 x 500', async (_name, make) => {
    requireChromium();
    for (const width of [800, 480]) {
      const box = legendBox(await toSVG(make(), { width, height: 500 }));
      expect(box.x).toBeGreaterThanOrEqual(0);
      expect(box.y).toBeGreaterThanOrEqual(0);
      expect(box.x + box.width).toBeLessThanOrEqual(width);
      expect(box.y + box.height).toBeLessThanOrEqual(500);
      // Every entry is drawn: the legend is not cut to a scrolling box.
      expect(box.width).toBeGreaterThan(100);
    }
  });
});

describe.skipIf(skipBrowser)('figures in a page column (the report is 1100 px wide; a narrow window less)', () => {
  afterAll(() => closeRenderer());

  it.each([1100, 800, 480])('keeps the figure and its legend inside a %i px column', async (width) => {
    requireChromium();
    for (const [name, fig] of [
      ['per-layer-bars', layerBars()],
      ['training-curves', curves()],
    ] as const) {
      // As wide as the builders ever ask for, the width a 1400 px figure had before.
      const wide = { ...fig, layout: { ...fig.layout, width: 1400 } };
      const { column, svg, legend } = await drawInColumn(toHTMLFragment(wide), width);
      expect(svg.x + svg.width).toBeLessThanOrEqual(column.x + column.width + 0.5);
      expect(legend).toBeDefined();
      expect(legend!.x).toBeGreaterThanOrEqual(column.x);
      expect(legend!.x + legend!.width).toBeLessThanOrEqual(column.x + column.width + 0.5);
      expect(legend!.y + legend!.height).toBeLessThanOrEqual(svg.y + svg.height + 0.5);
      await screenshotColumn(`${name}-in-${width}px-column`);
    }
  });
});
