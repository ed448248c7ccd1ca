/** Input to a figure builder has the wrong shape; `path` names the offending field (e.g. `runs[2].values`). */
export class PlotInputError extends Error {
  constructor(
    readonly path: string,
    readonly expected: string,
    readonly found: string,
  ) {
    super(`${path}: expected ${expected}, found ${found}`);
    this.name = 'PlotInputError';
  }
}

/** No headless Chromium to render static images with. */
export class RendererUnavailableError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RendererUnavailableError';
  }
}

/** Chromium ran but plotly.js failed to draw the figure. */
export class RenderError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RenderError';
  }
}
