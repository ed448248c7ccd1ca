import { tf } from '@sugar-lab/core';
import { kernelLayers } from './activation-layers';
import { ProbeError } from './errors';

/**
 * Running mean of the L2 norm of each layer's kernel gradient over the steps it is fed. The sum
 * stays on the device (one small kept tensor); `read` syncs once.
 */
export class GradientNormMeter {
  readonly layerNames: string[];
  private readonly variableNames: string[];
  private sum: tf.Tensor1D | undefined;
  private count = 0;

  /**
   * Finds the layers to meter; nothing is measured until `accumulate` is fed.
   *
   * @param model the model whose kernel layers (Dense, Conv*, nested models' included) are metered, in model order
   */
  constructor(model: tf.LayersModel) {
    const entries = kernelLayers(model);
    this.layerNames = entries.map((e) => e.layer.name);
    this.variableNames = entries.map((e) => e.kernel.name);
  }

  /**
   * Adds this step's kernel-gradient norms. `grads` is keyed by variable name (as tf.variableGrads returns).
   *
   * @param grads this step's gradients keyed by variable name; a kernel without an entry counts as NaN. Not disposed
   */
  accumulate(grads: tf.NamedTensorMap): void {
    if (this.variableNames.length === 0) return;
    const next = tf.tidy(() => {
      const norms = this.variableNames.map((name) => {
        const g = grads[name];
        return g ? tf.sqrt(tf.sum(tf.square(g))) : tf.scalar(NaN);
      });
      const stacked = tf.stack(norms) as tf.Tensor1D;
      return this.sum ? tf.add<tf.Tensor1D>(this.sum, stacked) : stacked;
    });
    this.sum?.dispose();
    this.sum = tf.keep(next);
    this.count++;
  }

  /**
   * Adds one step's norms computed elsewhere (one per kernel, in `layerNames` order), e.g. a packed run's
   * row of norms taken over stacked kernels; the caller keeps ownership of `norms`.
   *
   * @param norms one L2 norm per metered kernel, in `layerNames` order
   */
  accumulateNorms(norms: tf.Tensor1D): void {
    if (this.variableNames.length === 0) return;
    if (norms.shape[0] !== this.variableNames.length) {
      throw new ProbeError(
        `GradientNormMeter.accumulateNorms: expected ${this.variableNames.length} norms (${this.layerNames.join(', ')}); found ${norms.shape[0]}`,
      );
    }
    const next = tf.tidy(() => (this.sum ? tf.add<tf.Tensor1D>(this.sum, norms) : norms.clone()));
    this.sum?.dispose();
    this.sum = tf.keep(next);
    this.count++;
  }

  /** Steps accumulated since the last read. */
  get steps(): number {
    return this.count;
  }

  /** Mean norm per layer name since the last read (undefined if no step was fed), then resets. */
  read(): Record<string, number> | undefined {
    if (!this.sum || this.count === 0) return undefined;
    const sums = this.sum.dataSync();
    const out: Record<string, number> = {};
    this.layerNames.forEach((name, i) => (out[name] = sums[i] / this.count));
    this.reset();
    return out;
  }

  /** Drops the accumulated sum and step count without reading them. */
  reset(): void {
    this.sum?.dispose();
    this.sum = undefined;
    this.count = 0;
  }

  /** Frees the accumulated sum on the device. */
  dispose(): void {
    this.reset();
  }
}
