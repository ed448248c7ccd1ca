// The public API of @sugar-lab/plots in Node, by name: what is not listed here is internal to the lib. It is the
// browser's API (browser.ts) plus the output: HTML, images, notebooks.
// src/index.test.ts snapshots this list (api.txt beside package.json), so a change to it shows in review.
export * from './browser';

// output: HTML, images, notebooks
export { toHTML, toHTMLFragment, type FragmentOptions, type HTMLOptions } from './html';
export { plotlyBundle, plotlyScriptTag, plotlyVersion } from './plotly-bundle';
export { closeRenderer, toPNG, toSVG, type ImageOptions } from './render';
export { show, type MimeBundle, type PlotlyDelivery, type ShowOptions, type ShowResult } from './show';
