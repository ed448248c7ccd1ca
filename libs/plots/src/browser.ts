// The public API of @sugar-lab/plots in a browser, by name (package.json's "browser" export): the figure builders,
// whose plain plotly.js JSON a page draws with its own Plotly.newPlot. Node's entry (index.ts) adds the output: HTML
// files, images through Chromium, notebook displays. src/browser.test.ts snapshots this list (api-browser.txt).

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

// errors
export { PlotError, PlotInputError, RenderError, RendererUnavailableError } from './errors';
