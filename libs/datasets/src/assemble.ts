import { DatasetOptionError } from './errors';
import { Rng } from './rng';
import type { ChannelStats, Split } from './types';

export interface AugmentOptions {
  /** Random crop after zero-padding by this many pixels on each side (0: no crop). */
  crop?: number;
  /** Random horizontal flip with probability 1/2. */
  flip?: boolean;
}

export interface AssembleOptions {
  /** true: per-channel (x - mean) / std with the training split's statistics; or explicit statistics. */
  normalize?: boolean | ChannelStats;
  /** true: crop 4 + flip (the standard CIFAR recipe). Off by default. Images only. */
  augment?: boolean | AugmentOptions;
  /** Seed and epoch key the augmentation of every sample (default 0, 0). */
  seed?: number;
  epoch?: number;
}

function resolveAugment(split: Split, augment: AssembleOptions['augment']): Required<AugmentOptions> | undefined {
  if (!augment) return undefined;
  const a = augment === true ? { crop: 4, flip: true } : { crop: augment.crop ?? 0, flip: augment.flip ?? false };
  if (!a.crop && !a.flip) return undefined;
  if (split.shape.length !== 3)
    throw new DatasetOptionError('augment', 'image samples (height x width x channels)', `samples of shape [${split.shape.join(', ')}]`);
  if (!Number.isInteger(a.crop) || a.crop < 0) throw new DatasetOptionError('augment.crop', 'an integer >= 0', String(a.crop));
  return a;
}

/**
 * The float32 features of `indices`, scaled, optionally augmented and normalized, in `[n, ...shape]` order.
 * Augmentation for sample i depends only on (seed, epoch, i), so it does not change with batch size or
 * position, and a resumed run reproduces it.
 */
export function assemble(split: Split, indices: ArrayLike<number>, opts: AssembleOptions = {}): Float32Array {
  const S = split.shape.reduce((a, b) => a * b, 1);
  const C = split.shape[split.shape.length - 1] ?? 1;
  const stats = opts.normalize === true ? split.stats : opts.normalize || undefined;
  const mul = new Float64Array(C);
  const add = new Float64Array(C);
  for (let c = 0; c < C; c++) {
    const std = stats && stats.std[c] > 0 ? stats.std[c] : 1;
    mul[c] = split.scale / (stats ? std : 1);
    add[c] = stats ? -stats.mean[c] / std : 0;
  }
  const aug = resolveAugment(split, opts.augment);
  const out = new Float32Array(indices.length * S);
  const x = split.x;
  for (let j = 0; j < indices.length; j++) {
    const idx = indices[j];
    if (idx < 0 || idx >= split.length || !Number.isInteger(idx))
      throw new RangeError(`sample index ${idx} is outside the ${split.name} split (0..${split.length - 1})`);
    const src = idx * S;
    const dst = j * S;
    if (!aug) {
      for (let k = 0, c = 0; k < S; k++) {
        out[dst + k] = x[src + k] * mul[c] + add[c];
        if (++c === C) c = 0;
      }
      continue;
    }
    const [H, W] = split.shape;
    const rng = new Rng(opts.seed ?? 0, 'augment', opts.epoch ?? 0, idx);
    const dy = aug.crop ? rng.int(2 * aug.crop + 1) - aug.crop : 0;
    const dx = aug.crop ? rng.int(2 * aug.crop + 1) - aug.crop : 0;
    const flip = aug.flip && rng.next() < 0.5;
    // out(y, x) = padded(y + dy, x' + dx), x' = W - 1 - x when flipped; outside the image is the zero pad.
    for (let y = 0; y < H; y++) {
      const sy = y + dy;
      for (let xx = 0; xx < W; xx++) {
        const sx = (flip ? W - 1 - xx : xx) + dx;
        const o = dst + (y * W + xx) * C;
        const inside = sy >= 0 && sy < H && sx >= 0 && sx < W;
        const s = src + (sy * W + sx) * C;
        for (let c = 0; c < C; c++) out[o + c] = (inside ? x[s + c] : 0) * mul[c] + add[c];
      }
    }
  }
  return out;
}
