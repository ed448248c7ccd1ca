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

export function plotlyVersion(): string {
  return plotlyBundle().version;
}

/** A <script> element holding the whole pinned plotly.js: include it once per page, before any fragment. */
export function plotlyScriptTag(): string {
  const { source, version } = plotlyBundle();
  return (
    `<script type="text/javascript" data-plotly-version="${version}">\n` +
    `/* plotly.js ${version} (plotly.js-dist-min, pinned), inlined by @sugar-lab/plots so the page works offline */\n` +
    `${source}\n</script>`
  );
}
