import { readFileSync } from 'node:fs';
import { PlotError } from './errors';

/** The plotly.js release this lib is built and tested against (libs/plots/package.json pins it). */
export const PLOTLY_VERSION = '4.1.2';

let cached: { source: string; version: string; file: string } | undefined;

/** The installed plotly.js-dist-min bundle, checked to be the pinned release. Read once per process. */
export function plotlyBundle(): { source: string; version: string; file: string } {
  if (cached) return cached;
  const file = require.resolve('plotly.js-dist-min/plotly.min.js');
  const pkgFile = require.resolve('plotly.js-dist-min/package.json');
  const version = (JSON.parse(readFileSync(pkgFile, 'utf8')) as { version: string }).version;
  if (version !== PLOTLY_VERSION) {
    throw new PlotError(`plotly.js-dist-min: expected the pinned ${PLOTLY_VERSION} (libs/plots/package.json), found ${version} at ${pkgFile}`);
  }
  const source = readFileSync(file, 'utf8');
  if (!source.slice(0, 200).includes(`plotly.js v${version}`)) {
    throw new PlotError(
      `${file}: expected a header naming plotly.js v${version} in the first 200 characters; the bundle is not the release its package.json names`,
    );
  }
  // Inlined into a <script>; a literal "</script" inside would end the element early.
  cached = { source: source.replace(/<\/script/gi, '<\\/script'), version, file };
  return cached;
}

/** The version of the plotly.js bundle this installation inlines into HTML (from the bundle's package.json). */
export function plotlyVersion(): string {
  return plotlyBundle().version;
}

/** The global queue of figures waiting for plotly.js: fragments push their draw function, the library drains it. */
export const PENDING_PLOTS = '__sugarLabPlots';

/**
 * A <script> element holding the whole pinned plotly.js: include it once per page, before or after the fragments
 * (it draws every fragment that came before it). It defines `window.Plotly` also under require.js (the classic
 * Jupyter Notebook): `define` is hidden while the bundle runs, because a UMD bundle that sees it registers an
 * anonymous AMD module instead of the global (4.1.2's wrapper does not look, other releases' do).
 */
export function plotlyScriptTag(): string {
  const { source, version } = plotlyBundle();
  return (
    `<script type="text/javascript" data-plotly-version="${version}">\n` +
    `/* plotly.js ${version} (plotly.js-dist-min, pinned), inlined by @sugar-lab/plots so the page works offline */\n` +
    `(function () {\n` +
    `var amd = window.define;\n` +
    `window.define = undefined;\n` +
    `try {\n${source}\n} finally {\n  window.define = amd;\n}\n` +
    `var pending = window.${PENDING_PLOTS} || [];\n` +
    `window.${PENDING_PLOTS} = [];\n` +
    `for (var i = 0; i < pending.length; i++) pending[i]();\n` +
    `})();\n</script>`
  );
}
