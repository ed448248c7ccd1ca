// The public API of @sugar-lab/plots, by name: what is not listed here is internal to the lib.
// src/index.test.ts snapshots this list (api.txt beside package.json), so a change to it shows in review.

// figures: plain plotly.js JSON
export type { Annotation, Axis, Datum, ErrorBars, Figure, Layout, LineStyle, MarkerStyle, PlotConfig, PlotlyTrace } from './figure';

// figure builders
export { surrogateFigure, type SurrogateCurve, type SurrogateFigureOptions } from './surrogate-figure';
export { trainingCurves, type BandKind, type TrainingCurvesOptions, type TrainingRun } from './training-curves';
export { deadUnitsFigure, type DeadUnitsOptions, type DeadUnitsSeries } from './dead-units';
export { activationHistogram, type ActivationHistogramOptions, type ActivationProbabilities } from './activation-histogram';
export { sparsityFigure, type SparsityOptions, type SparsityRow } from './sparsity';
export { accuracyBars, accuracyRange, type AccuracyBarsOptions, type AccuracyRow } from './accuracy-bars';
export { landscapeContour, landscapeLine, landscapeSurface, type LandscapeGrid, type LandscapeLine, type LandscapeOptions } from './landscape';

// variant colors
export { assignVariantColors, setVariantColor } from './palette';

// output: HTML, images, notebooks
export { toHTML, toHTMLFragment, type FragmentOptions, type HTMLOptions } from './html';
export { plotlyScriptTag, plotlyVersion } from './plotly-bundle';
export { closeRenderer, toPNG, toSVG, type ImageOptions } from './render';
export { show, type MimeBundle, type PlotlyDelivery, type ShowOptions, type ShowResult } from './show';

// errors
export { PlotError, PlotInputError, RenderError, RendererUnavailableError } from './errors';
