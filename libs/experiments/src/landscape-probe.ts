import { hessianEigenvalues, LandscapeError, LandscapeEvaluator, sharpness } from '@sugar-lab/analysis';
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
  /** Lanczos steps (or power iterations per eigenvalue with method 'power') for the Hessian (default 20). */
  powerIterations?: number;
  /** Seeds directions and start vectors (default 0): equal seeds give every variant the same raw directions. */
  seed?: number;
  /** The run's data settings (`normalize`), so the probe sees the inputs the model was trained on. */
  data?: DataConfig;
  /** Samples per forward pass (default 256). */
  batchSize?: number;
  /** Default 'lanczos'; 'power' is cheaper per step but leaves lambda_min far from converged. */
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
  landscapeSeconds: number;
}

function positiveInt(name: string, x: unknown): number {
  if (!Number.isInteger(x) || (x as number) < 1) throw new LandscapeError(`runLandscape: ${name} expected an integer >= 1; found ${JSON.stringify(x)}`);
  return x as number;
}

/**
 * Landscape scalars of a trained model on the first `samples` test samples of `data`: sharpness, the
 * Hessian's extreme eigenvalues and their ratio. Leaves the model's weights as they were and no
 * tensors behind. A loss that is not finite near the weights gives NaN Hessian values rather than an error.
 */
export function runLandscape(model: tf.LayersModel, data: Dataset, opts: LandscapeProbeOptions = {}): LandscapeScalars {
  const t0 = performance.now();
  const samples = positiveInt('samples', opts.samples ?? 256);
  const seed = opts.seed ?? 0;
  const outShape = model.outputs[0]?.shape ?? [];
  const source = dataSource(data, opts.data ?? {}, seed, (outShape[outShape.length - 1] ?? undefined) as number | undefined);
  const n = Math.min(samples, source.size('test') ?? 0);
  if (n === 0) throw new LandscapeError(`runLandscape: dataset '${data.name}' has no test samples to measure on`);
  const { x, y } = source.range('test', 0, n);
  const evaluator = new LandscapeEvaluator(model, { x, y }, { batchSize: opts.batchSize });
  tf.dispose([x, y]);
  try {
    const sharp = sharpness(evaluator, { directions: positiveInt('directions', opts.directions ?? 8), radius: opts.radius ?? 0.5, seed });
    let spectrum = { max: NaN, min: NaN, ratio: NaN };
    try {
      spectrum = hessianEigenvalues(evaluator, { iterations: positiveInt('powerIterations', opts.powerIterations ?? 20), seed, method: opts.method });
    } catch (err) {
      if (!(err instanceof LandscapeError && /non-finite/.test(err.message))) throw err;
    }
    return {
      sharpness: sharp.sharpness,
      hessianTop: spectrum.max,
      hessianMin: spectrum.min,
      convexityRatio: spectrum.ratio,
      landscapeSeconds: (performance.now() - t0) / 1000,
    };
  } finally {
    evaluator.dispose();
  }
}
