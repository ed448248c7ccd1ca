import {
  hessianEigenvalues,
  LandscapeError,
  LandscapeEvaluator,
  NonFiniteLossError,
  sharpness,
  type HessianOptions,
  type HessianSpectrum,
} from '@sugar-lab/analysis';
import { tf } from '@sugar-lab/core';
import type { Dataset } from '@sugar-lab/datasets';
import { dataSource, type DataConfig } from '@sugar-lab/train';

export interface LandscapeProbeOptions {
  /** The first `samples` of the test split (default 256; all of it when it is smaller). */
  samples?: number;
  /** Filter-normalized directions sampled for sharpness (default 8). */
  directions?: number;
  /** Sharpness radius, a fraction of each filter's norm (default 0.5). */
  radius?: number;
  /**
   * The most Lanczos steps (or power iterations per eigenvalue with method 'power') for the Hessian; fewer
   * when both ends converge first (default 200; 1000 with 'power').
   */
  powerIterations?: number;
  /** Relative residual both Hessian ends must reach (default 1e-3; see `HessianOptions.tolerance`). */
  tolerance?: number;
  /** Seeds directions and start vectors (default 0): equal seeds give every variant the same raw directions. */
  seed?: number;
  /** The run's data settings (`normalize`), so the probe sees the inputs the model was trained on. */
  data?: DataConfig;
  /** Samples per forward pass (default 256). */
  batchSize?: number;
  /** Default 'lanczos'; 'power' rarely gets lambda_min of a network to converge (it then says so). */
  method?: 'lanczos' | 'power';
}

/** Flat scalars for a run summary's `final`. */
export interface LandscapeScalars {
  /** Largest loss rise within `radius` along the sampled filter-normalized directions. */
  sharpness: number;
  /** Largest Hessian eigenvalue of the loss. */
  hessianTop: number;
  /** Smallest Hessian eigenvalue (negative: the loss curves down somewhere). */
  hessianMin: number;
  /** |hessianMin / hessianTop|: near 0 locally convex, larger with more negative curvature. */
  convexityRatio: number;
  /** Whether both Hessian ends met the tolerance; reports flag the values of runs where they did not. */
  hessianConverged: boolean;
  /** Hessian-vector products used (two gradients each). */
  hessianIterations: number;
  /** The larger relative residual of the two ends (NaN when the loss was not finite). */
  hessianResidual: number;
  landscapeSeconds: number;
}

const NOT_FINITE = { max: NaN, min: NaN, ratio: NaN, converged: false, products: 0, residual: NaN };

// A loss that is not finite near the weights (a run that ended on the edge of diverging) has no curvature: NaN.
function spectrumOf(evaluator: LandscapeEvaluator, opts: HessianOptions): Pick<HessianSpectrum, keyof typeof NOT_FINITE> {
  try {
    return hessianEigenvalues(evaluator, opts);
  } catch (err) {
    if (err instanceof NonFiniteLossError) return NOT_FINITE;
    throw err;
  }
}

function positiveInt(name: string, x: unknown): number {
  if (!Number.isInteger(x) || (x as number) < 1) throw new LandscapeError(`runLandscape: ${name} expected an integer >= 1; found ${JSON.stringify(x)}`);
  return x as number;
}

/**
 * Landscape scalars of a trained model on the first `samples` test samples of `data`: sharpness, the
 * Hessian's extreme eigenvalues and their ratio, with whether they converged. Leaves the model's weights as
 * they were and no tensors behind. A loss that is not finite near the weights gives NaN Hessian values
 * rather than an error.
 */
export function runLandscape(model: tf.LayersModel, data: Dataset, opts: LandscapeProbeOptions = {}): LandscapeScalars {
  const t0 = performance.now();
  const samples = positiveInt('samples', opts.samples ?? 256);
  const directions = positiveInt('directions', opts.directions ?? 8);
  const iterations = opts.powerIterations === undefined ? undefined : positiveInt('powerIterations', opts.powerIterations);
  const seed = opts.seed ?? 0;
  const outShape = model.outputs[0]?.shape ?? [];
  const source = dataSource(data, opts.data ?? {}, seed, outShape[outShape.length - 1] ?? undefined);
  const n = Math.min(samples, source.size('test') ?? 0);
  if (n === 0) throw new LandscapeError(`runLandscape: dataset '${data.name}' has no test samples to measure on`);
  const { x, y } = source.range('test', 0, n);
  const evaluator = new LandscapeEvaluator(model, { x, y }, { batchSize: opts.batchSize });
  tf.dispose([x, y]);
  try {
    const sharp = sharpness(evaluator, { directions, radius: opts.radius ?? 0.5, seed });
    const spectrum = spectrumOf(evaluator, { iterations, tolerance: opts.tolerance, seed, method: opts.method });
    return {
      sharpness: sharp.sharpness,
      hessianTop: spectrum.max,
      hessianMin: spectrum.min,
      convexityRatio: spectrum.ratio,
      hessianConverged: spectrum.converged,
      hessianIterations: spectrum.products,
      hessianResidual: spectrum.residual,
      landscapeSeconds: (performance.now() - t0) / 1000,
    };
  } finally {
    evaluator.dispose();
  }
}
