/** Base class of every error @sugar-lab/plots throws on purpose: `catch (e) { if (e instanceof PlotError) ... }`; `name` is the class's name. */
export class PlotError extends Error {
  /**
   * Makes the error; `name` becomes the concrete subclass's name.
   *
   * @param message the full human-readable message: what was expected, what was found and where
   * @param options standard `Error` options; `cause` keeps the underlying error (a failed browser launch, a failed write)
   */
  constructor(message?: string, options?: ErrorOptions) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** Input to a figure builder has the wrong shape; `path` names the offending field (e.g. `runs[2].values`). */
export class PlotInputError extends PlotError {
  /**
   * Makes the error; the message reads `<path>: expected <expected>, found <found>`.
   *
   * @param path the offending field inside the builder's input (`'runs[2].values'`)
   * @param expected what the field must hold, in words (`'an array of finite numbers'`)
   * @param found what it holds instead, in words
   */
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
  /**
   * Makes the error.
   *
   * @param message the full message: where Chromium was looked for, and how to install one or point to it
   */
  constructor(message: string) {
    super(message);
  }
}

/** Chromium ran but plotly.js failed to draw the figure. */
export class RenderError extends PlotError {
  /**
   * Makes the error.
   *
   * @param message the full message: the figure and what plotly.js or the browser reported
   */
  constructor(message: string) {
    super(message);
  }
}
