/** Base class of every error @sugar-lab/plots throws on purpose: `catch (e) { if (e instanceof PlotError) ... }`; `name` is the class's name. */
export class PlotError extends Error {
  constructor(message?: string, options?: ErrorOptions) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** Input to a figure builder has the wrong shape; `path` names the offending field (e.g. `runs[2].values`). */
export class PlotInputError extends PlotError {
  constructor(
    readonly path: string,
    readonly expected: string,
    readonly found: string,
  ) {
    super(`${path}: expected ${expected}, found ${found}`);
  }
}

/** No headless Chromium to render static images with. */
export class RendererUnavailableError extends PlotError {
  constructor(message: string) {
    super(message);
  }
}

/** Chromium ran but plotly.js failed to draw the figure. */
export class RenderError extends PlotError {
  constructor(message: string) {
    super(message);
  }
}
