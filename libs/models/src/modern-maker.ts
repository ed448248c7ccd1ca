import { activationLayer, applyDefaults, optionIssues, tf, type ActivationSpec, type OptionSchema } from '@sugar-lab/core';
import { truncNormal } from './block-helpers';
import { ClassToken, ClassTokenPool } from './class-token';
import { DropPath } from './drop-path';
import { ModelConfigError } from './errors';
import { LayerNorm } from './layer-norm';
import { LayerScale } from './layer-scale';
import { layerSeed } from './layers';
import { MultiHeadSelfAttention } from './multi-head-attention';
import { COMMON_MODEL_OPTIONS, checkCommon, type CommonModelOptions } from './options';
import { PatchEmbedding } from './patch-embedding';
import { PatchMerging } from './patch-merging';
import { PositionEmbedding } from './position-embedding';
import { WindowAttention } from './window-attention';

type X = tf.SymbolicTensor;

/** Common options with the activation optional: the modern models default to GELU, as published. */
export type ModernModelOptions = Omit<CommonModelOptions, 'activation'> & { activation?: ActivationSpec };

export const GELU: ActivationSpec = { kind: 'gelu' };

/**
 * Checks a modern model's options against its schema (the first problem is thrown with its path, as
 * `buildModel` does) and returns them with the schema's defaults (and GELU) filled in.
 */
export function resolveOptions<T>(model: string, schema: OptionSchema, options: ModernModelOptions, rank: number): T & CommonModelOptions {
  const opts = { ...options, activation: options?.activation ?? GELU };
  checkCommon(model, opts, rank);
  const [issue] = optionIssues(schema, opts, { allowKeys: COMMON_MODEL_OPTIONS });
  if (issue) throw new ModelConfigError(model, issue.path.join('.'), issue.expected, issue.found, issue.unknownKey ? issue.reason : undefined);
  return { ...opts, ...applyDefaults(schema, opts) } as T & CommonModelOptions;
}

/** Stochastic depth rate of each of `n` blocks: linear from 0 to `max` (timm's linspace). */
export function dropRates(n: number, max: number): number[] {
  return Array.from({ length: n }, (_, i) => (n > 1 ? (max * i) / (n - 1) : 0));
}

/**
 * Makes the layers of the ConvNeXt, ViT and Swin models in build order, each weighted layer with the
 * next per-layer seed: kernels trunc-normal(0.02) and zero biases as timm initializes them, every
 * MLP activation through core's `activationLayer` with the one spec.
 */
export class ModernMaker {
  private index = 0;

  constructor(
    private readonly seed: number,
    private readonly activation: ActivationSpec,
  ) {}

  private next(): number {
    return layerSeed(this.seed, this.index++);
  }

  dense(x: X, name: string, units: number): X {
    return tf.layers.dense({ name, units, kernelInitializer: truncNormal(0.02, this.next()), biasInitializer: 'zeros' }).apply(x) as X;
  }

  depthwise(x: X, name: string, kernelSize: number): X {
    const init = truncNormal(0.02, this.next());
    return tf.layers.depthwiseConv2d({ name, kernelSize, padding: 'same', depthwiseInitializer: init, biasInitializer: 'zeros' }).apply(x) as X;
  }

  norm(x: X, name: string, epsilon: number): X {
    return new LayerNorm({ name, epsilon }).apply(x) as X;
  }

  act(x: X, name: string): X {
    return activationLayer(this.activation, { name }).apply(x) as X;
  }

  patch(x: X, name: string, patchSize: number, filters: number): X {
    return new PatchEmbedding({ name, patchSize, filters, seed: this.next() }).apply(x) as X;
  }

  merge(x: X, name: string): X {
    return new PatchMerging({ name, seed: this.next() }).apply(x) as X;
  }

  attention(x: X, name: string, numHeads: number): X {
    return new MultiHeadSelfAttention({ name, numHeads, seed: this.next() }).apply(x) as X;
  }

  windowAttention(x: X, name: string, numHeads: number, windowSize: number, shiftSize: number): X {
    return new WindowAttention({ name, numHeads, windowSize, shiftSize, seed: this.next() }).apply(x) as X;
  }

  classToken(x: X, name: string): X {
    return new ClassToken({ name, seed: this.next() }).apply(x) as X;
  }

  classPool(x: X, name: string): X {
    return new ClassTokenPool({ name }).apply(x) as X;
  }

  positions(x: X, name: string): X {
    return new PositionEmbedding({ name, seed: this.next() }).apply(x) as X;
  }

  /** fc1 -> act -> fc2: the transformer MLP / ConvNeXt's inverted bottleneck, on the last axis. */
  mlp(x: X, prefix: string, hidden: number): X {
    const out = x.shape[x.shape.length - 1] as number;
    return this.dense(this.act(this.dense(x, `${prefix}_fc1`, hidden), `${prefix}_act`), `${prefix}_fc2`, out);
  }

  /** shortcut + [layer scale] -> [drop path] of a residual branch (each left out when it does nothing). */
  residual(shortcut: X, branch: X, prefix: string, dropRate: number, scale?: number): X {
    let y = branch;
    if (scale) y = new LayerScale({ name: `${prefix}_scale`, initValue: scale }).apply(y) as X;
    if (dropRate > 0) y = new DropPath({ name: `${prefix}_drop`, rate: dropRate, seed: this.next() }).apply(y) as X;
    return tf.layers.add({ name: `${prefix}_add` }).apply([shortcut, y]) as X;
  }
}
