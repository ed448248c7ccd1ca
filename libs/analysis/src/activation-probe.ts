import { ACTIVATION_RULE, describeLayers, hasKernel, probeStats, SUGAR_PROBE_STATS, tf } from '@sugar-lab/core';
import { findActivationLayers } from './activation-layers';
import { ProbeError } from './errors';
import { ProbeTaps } from './probe-taps';

/** What one probe pass measured for one activation layer. */
export interface LayerUnitStats {
  layer: string;
  className: string;
  /** Units (neurons, or channels of a convolution). */
  units: number;
  /** Per unit: fraction of inputs x positions with pre-activation > 0. */
  activationProb: Float32Array;
  /** Per unit: 1 where the pre-activation is never > 0 on the probe set. */
  dead: Uint8Array;
  deadCount: number;
  deadFraction: number;
  /** Mean over units of activationProb. */
  meanActivationProb: number;
  /** Fraction of the activation's outputs that are exactly 0. */
  sparsity: number;
  /** Mean and population std of the pre-activation over all entries. */
  preMean: number;
  preStd: number;
}

export interface ActivationProbeOptions {
  /** Names of the layers to probe (default: every activation layer, see findActivationLayers). */
  layers?: readonly string[];
  /** Probe samples per forward pass (default 256); bounds memory on convolutional models. */
  batchSize?: number;
}

// Per layer and batch, one row segment: [positive count per unit..., zero count, mean, variance].
const EXTRA = 3;

/**
 * Measures unit statistics of every activation layer on a fixed probe set with one
 * multi-output forward pass (per probe batch): tap models whose outputs are each activation's
 * input and output (`ProbeTaps`: nested models and activations fused into Dense/Conv layers included).
 * All reductions are tf ops; one read per measurement.
 */
export class ActivationProbe {
  /** The probed layers: activation layers, and Dense/Conv layers whose fused activation is probed at their output. */
  readonly layers: tf.layers.Layer[];
  /** Units per probed layer (the last axis of its output: neurons, or channels). */
  readonly units: readonly number[];
  private readonly taps: ProbeTaps;
  private readonly x: tf.Tensor;
  private readonly batchSize: number;
  private readonly perSample: number[];

  /**
   * `x` is copied: the caller keeps ownership of its tensor.
   *
   * @param model the model whose activations are measured (the live model: every measurement reads its current weights)
   * @param x the probe set, samples along the first axis
   * @param opts which layers to probe and the samples per forward pass
   */
  constructor(model: tf.LayersModel, x: tf.Tensor, opts: ActivationProbeOptions = {}) {
    this.layers = findActivationLayers(model, opts.layers);
    if (this.layers.length === 0) {
      throw new ProbeError(
        `ActivationProbe: expected at least one activation layer or fused activation in model '${model.name}', that is ${ACTIVATION_RULE}; found ${describeLayers(model) || 'no layers'}`,
      );
    }
    if (x.shape[0] === 0) throw new ProbeError('ActivationProbe: expected a non-empty probe set; found 0 samples');
    this.batchSize = opts.batchSize ?? 256;
    if (!Number.isInteger(this.batchSize) || this.batchSize < 1) {
      throw new ProbeError(`ActivationProbe: batchSize must be an integer >= 1; found ${opts.batchSize}`);
    }
    this.taps = new ProbeTaps(model, this.layers);
    const shapes = this.layers.map((l) => (l.outputShape as number[]).slice(1));
    this.units = shapes.map((s) => s[s.length - 1]);
    this.perSample = shapes.map((s) => s.reduce((a, d) => a * d, 1));
    this.x = tf.keep(x.clone());
  }

  /** Samples in the probe set. */
  get size(): number {
    return this.x.shape[0];
  }

  /** The probe set (owned by the probe: read it, do not dispose it). */
  get input(): tf.Tensor {
    return this.x;
  }

  /**
   * The statistics of a row measured elsewhere over the whole probe set at once (train's fused MLP forward pass):
   * per probed layer, in order, the count of pre-activations > 0 per unit, zeros after it, mean and variance.
   *
   * @param row the measured sums of the whole probe set, laid out per probed layer (in `layers` order) as the count
   *   of positive pre-activations per unit, then the count of zero outputs, the pre-activation mean and its variance
   */
  summarizeRow(row: Float32Array): LayerUnitStats[] {
    return this.summarize(row, [this.size]);
  }

  /** Runs the probe set through the model at its current weights and returns the statistics of each probed layer, in order. */
  measure(): LayerUnitStats[] {
    const n = this.size;
    const rows: tf.Tensor[] = [];
    const batchSizes: number[] = [];
    this.taps.sync();
    try {
      for (let start = 0; start < n; start += this.batchSize) {
        const b = Math.min(this.batchSize, n - start);
        batchSizes.push(b);
        rows.push(
          tf.tidy(() => {
            const xb = b === n ? this.x : sliceRows(this.x, start, b);
            const taps = this.taps.read(xb);
            const parts: tf.Tensor[] = [];
            // One native op a layer where sugar-lab's kernels run (~16 tfjs ops otherwise, most of the probes' time
            // on the quick MLP: docs/benchmarks.md, "Native kernels"): the same counts, moments summed in double.
            const native = hasKernel(SUGAR_PROBE_STATS);
            for (let i = 0; i < this.layers.length; i++) {
              const { pre, post } = taps.get(this.layers[i])!;
              if (native && pre.dtype === 'float32' && post.dtype === 'float32') {
                parts.push(...probeStats(pre, post));
                continue;
              }
              const axes = Array.from({ length: pre.rank - 1 }, (_, k) => k);
              const { mean, variance } = tf.moments(pre);
              parts.push(
                tf.cast(tf.sum(tf.cast(tf.greater(pre, 0), 'int32'), axes), 'float32'),
                tf.cast(tf.reshape(tf.sum(tf.cast(tf.equal(post, 0), 'int32')), [1]), 'float32'),
                tf.reshape(mean, [1]),
                tf.reshape(variance, [1]),
              );
            }
            return tf.concat(parts);
          }),
        );
      }
      const stacked = tf.stack(rows);
      const all = stacked.dataSync() as Float32Array;
      stacked.dispose();
      return this.summarize(all, batchSizes);
    } finally {
      for (const r of rows) r.dispose();
    }
  }

  private summarize(all: Float32Array, batchSizes: number[]): LayerUnitStats[] {
    const rowLen = all.length / batchSizes.length;
    const n = this.size;
    const out: LayerUnitStats[] = [];
    let offset = 0;
    for (let i = 0; i < this.layers.length; i++) {
      const layer = this.layers[i];
      const units = this.units[i];
      const perSample = this.perSample[i];
      const positions = perSample / units;
      const pos = new Float64Array(units);
      let zeros = 0;
      let mean = 0;
      let m2 = 0;
      let count = 0;
      for (let b = 0; b < batchSizes.length; b++) {
        const row = b * rowLen + offset;
        for (let u = 0; u < units; u++) pos[u] += all[row + u];
        zeros += all[row + units];
        // Chan et al.'s pairwise combination of (count, mean, M2) over batches.
        const nb = batchSizes[b] * perSample;
        const mb = all[row + units + 1];
        const m2b = all[row + units + 2] * nb;
        const total = count + nb;
        const delta = mb - mean;
        mean += (delta * nb) / total;
        m2 += m2b + (delta * delta * count * nb) / total;
        count = total;
      }
      const activationProb = new Float32Array(units);
      const dead = new Uint8Array(units);
      let deadCount = 0;
      let probSum = 0;
      for (let u = 0; u < units; u++) {
        activationProb[u] = pos[u] / (n * positions);
        probSum += activationProb[u];
        if (pos[u] === 0) {
          dead[u] = 1;
          deadCount++;
        }
      }
      out.push({
        layer: layer.name,
        className: layer.getClassName(),
        units,
        activationProb,
        dead,
        deadCount,
        deadFraction: deadCount / units,
        meanActivationProb: probSum / units,
        sparsity: zeros / (n * perSample),
        preMean: mean,
        preStd: Math.sqrt(m2 / count),
      });
      offset += units + EXTRA;
    }
    return out;
  }

  /** Frees the probe set's copy and the tap models; the probe cannot measure afterwards. */
  dispose(): void {
    this.x.dispose();
    this.taps.dispose();
  }
}

function sliceRows(x: tf.Tensor, start: number, count: number): tf.Tensor {
  return tf.slice(x, [start, ...x.shape.slice(1).map(() => 0)], [count, ...x.shape.slice(1).map(() => -1)]);
}
