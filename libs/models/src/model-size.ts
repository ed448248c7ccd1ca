import { applyDefaults } from '@sugar-lab/core';
import { CONVNEXT_OPTIONS, CONVNEXT_SIZES, type ConvNextSize } from './convnext';
import { RESNET_BLOCKS, type ResNetName } from './resnet';
import { SWIN_OPTIONS, SWIN_SIZES, type SwinSize } from './swin';
import { VGG_CONFIGS, type VggName } from './vgg';
import { VGG_SMALL_OPTIONS } from './vgg-small';
import { VIT_OPTIONS, VIT_SIZES, type VitSize } from './vit';

/** How large a model is, computed from its options without building it (building allocates every weight). */
export interface ModelSize {
  /** Every weight, trainable or not (batch-norm statistics): `countParams(model).total` of the built model. */
  params: number;
  /**
   * Values one sample leaves in the layers' outputs, which a training step keeps for its backward pass; for the
   * transformers also the attention's q, k, v and its score matrices (heads x tokens^2, before and after softmax).
   */
  activations: number;
}

/** What a size is computed from: the model's own options (defaults filled in here) and the data's shape and classes. */
export type ModelSizeOptions = { inputShape: number[]; numClasses: number } & Record<string, unknown>;

type Opts = ModelSizeOptions;
const prod = (xs: number[]) => xs.reduce((a, b) => a * b, 1);
const scaled = (c: number, width: unknown) => Math.max(1, Math.round(c * ((width as number | undefined) ?? 1)));
const image = (o: Opts) => (o.inputShape.length === 3 ? (o.inputShape as [number, number, number]) : undefined);

/** Adds layers up: parameters, and the values each layer's output holds per sample. */
class Tally {
  params = 0;
  activations = 0;

  /** A layer with `params` weights whose output holds `out` values; `times` such layers. */
  add(params: number, out: number, times = 1): this {
    this.params += params * times;
    this.activations += out * times;
    return this;
  }

  get size(): ModelSize {
    return { params: this.params, activations: this.activations };
  }
}

/** [flatten] -> depth x (dense [-> bn] -> act [-> dropout]) -> fc (mlp.ts). */
export function mlpSize(o: Opts): ModelSize {
  const [depth, width] = [o.depth as number, o.width as number];
  const bn = (o.batchNorm as boolean | undefined) ?? false;
  const dropout = ((o.dropout as number | undefined) ?? 0) > 0;
  const features = prod(o.inputShape);
  const t = new Tally();
  if (o.inputShape.length > 1) t.add(0, features);
  if (depth > 0) {
    const layer = (fanIn: number) => fanIn * width + (bn ? 0 : width);
    t.add(layer(features), width).add(layer(width), width, depth - 1);
    t.add(bn ? 4 * width : 0, width * ((bn ? 1 : 0) + 1 + (dropout ? 1 : 0)), depth); // [bn], act, [dropout]
  }
  return t.add((depth > 0 ? width : features) * o.numClasses + o.numClasses, o.numClasses).size;
}

/** conv k x k (`bias`) [-> bn] -> act on an h x w map, `cin` -> `cout` channels, 'same' padding. */
function convBlock(t: Tally, hw: number, cin: number, cout: number, bias: boolean, bn: boolean, times = 1): void {
  t.add(9 * cin * cout + (bias ? cout : 0), hw * cout, times);
  if (bn) t.add(4 * cout, hw * cout, times);
  t.add(0, hw * cout, times);
}

/** A flattened map -> [hidden dense -> act [-> dropout]] x n -> fc. */
function denseHead(t: Tally, features: number, hidden: number, n: number, dropout: boolean, classes: number): void {
  let fanIn = features;
  for (let i = 0; i < n; i++) {
    t.add(fanIn * hidden + hidden, hidden).add(0, hidden);
    if (dropout) t.add(0, hidden);
    fanIn = hidden;
  }
  t.add(fanIn * classes + classes, classes);
}

/** VGG-11/13/16 for CIFAR (vgg.ts): undefined for an input it cannot take (its build says why). */
export function vggSize(variant: VggName, o: Opts): ModelSize | undefined {
  const shape = image(o);
  if (!shape || shape[0] < 32 || shape[1] < 32) return undefined;
  let [h, w, c] = shape;
  const bn = (o.batchNorm as boolean | undefined) ?? true;
  const bias = (o.convBias as boolean | undefined) ?? !bn;
  const t = new Tally();
  for (const stage of VGG_CONFIGS[variant]) {
    for (const filters of stage) {
      convBlock(t, h * w, c, scaled(filters, o.width), bias, bn);
      c = scaled(filters, o.width);
    }
    [h, w] = [Math.floor(h / 2), Math.floor(w / 2)];
    t.add(0, h * w * c); // pool
  }
  t.add(0, h * w * c); // flatten
  const mlpHead = o.head === 'mlp';
  denseHead(t, h * w * c, scaled(512, o.width), mlpHead ? 2 : 0, mlpHead && ((o.dropout as number | undefined) ?? 0) > 0, o.numClasses);
  return t.size;
}

/** The VGG-style CNN for small images (vgg-small.ts). */
export function vggSmallSize(options: Opts): ModelSize | undefined {
  const o = applyDefaults(VGG_SMALL_OPTIONS, options) as Opts & Record<'stages' | 'width' | 'convs' | 'hidden' | 'dropout', number> & { batchNorm: boolean };
  const shape = image(o);
  // More 2x2 pools than the input has room for: the build refuses it (and 2 ** stages may not even be finite).
  if (!shape || Math.min(shape[0], shape[1]) < 2 ** o.stages) return undefined;
  let [h, w, c] = shape;
  const bias = (o.convBias as boolean | undefined) ?? !o.batchNorm;
  const t = new Tally();
  for (let s = 0; s < o.stages; s++) {
    const filters = o.width * 2 ** s;
    convBlock(t, h * w, c, filters, bias, o.batchNorm);
    convBlock(t, h * w, filters, filters, bias, o.batchNorm, o.convs - 1);
    [h, w, c] = [Math.floor(h / 2), Math.floor(w / 2), filters];
    t.add(0, h * w * c); // pool
  }
  t.add(0, h * w * c); // flatten
  denseHead(t, h * w * c, o.hidden, o.hidden > 0 ? 1 : 0, o.dropout > 0, o.numClasses);
  return t.size;
}

/** ResNet-18/34 for CIFAR (resnet.ts): 3x3 stem, BasicBlocks, global average pool, fc. */
export function resnetSize(variant: ResNetName, o: Opts): ModelSize | undefined {
  const shape = image(o);
  if (!shape || shape[0] < 8 || shape[1] < 8) return undefined;
  let [h, w, c] = shape;
  const t = new Tally();
  const conv = (k: number, cin: number, cout: number, hw: number) => t.add(k * k * cin * cout, hw * cout);
  const bn = (hw: number, ch: number) => t.add(4 * ch, hw * ch);
  const stem = scaled(64, o.width);
  conv(3, c, stem, h * w);
  bn(h * w, stem);
  t.add(0, h * w * stem);
  c = stem;
  RESNET_BLOCKS[variant].forEach((blocks, s) => {
    const filters = scaled(64 * 2 ** s, o.width);
    for (let b = 0; b < blocks; b++) {
      const stride = s > 0 && b === 0 ? 2 : 1;
      // A stride-2 conv is an explicit 1-pixel zero pad, then a 'valid' conv: both outputs count.
      if (stride === 2) t.add(0, (h + 2) * (w + 2) * c);
      const [ho, wo] = [Math.floor((h - 1) / stride) + 1, Math.floor((w - 1) / stride) + 1];
      const hw = ho * wo;
      conv(3, c, filters, hw);
      bn(hw, filters);
      t.add(0, hw * filters); // act1
      conv(3, filters, filters, hw);
      bn(hw, filters);
      if (stride !== 1 || c !== filters) {
        conv(1, c, filters, hw);
        bn(hw, filters);
      }
      t.add(0, 2 * hw * filters); // add, act2
      [h, w, c] = [ho, wo, filters];
    }
  });
  return t.add(0, c).add(c * o.numClasses + o.numClasses, o.numClasses).size; // pool, fc
}

// The layers the transformer-era models share (modern-maker.ts): LayerNorm, patch embedding, dense, the MLP.
const norm = (t: Tally, tokens: number, c: number, times = 1) => t.add(2 * c, tokens * c, times);
const patchEmbed = (t: Tally, tokens: number, p: number, cin: number, cout: number) => t.add(p * p * cin * cout + cout, tokens * cout);
/** fc1 (4c) -> act -> fc2 on `tokens` positions. */
const mlpBlock = (t: Tally, tokens: number, c: number, times: number) =>
  t
    .add(c * 4 * c + 4 * c, tokens * 4 * c, times)
    .add(0, tokens * 4 * c, times)
    .add(4 * c * c + c, tokens * c, times);
/** The residual's add, with a layer scale and drop path where they exist. */
const residual = (t: Tally, tokens: number, c: number, scale: boolean, drops: number, times: number) => {
  if (scale) t.add(c, tokens * c, times);
  t.add(0, tokens * c, drops).add(0, tokens * c, times);
};
/** Blocks of a stage whose drop-path rate is above 0 (the rate rises linearly from 0 over all blocks). */
const dropped = (rate: number, from: number, blocks: number) => (rate > 0 ? blocks - (from === 0 ? 1 : 0) : 0);
/** Self-attention of `tokens` tokens in groups of `group`: qkv and output projections, q k v, scores before and after softmax. */
const attention = (t: Tally, tokens: number, c: number, heads: number, group: number, times: number) =>
  t.add(c * 3 * c + 3 * c + c * c + c, tokens * c + 3 * tokens * c + 2 * heads * tokens * group, times);

/** ConvNeXt with a CIFAR-sized patchify stem (convnext.ts). */
export function convnextSize(size: ConvNextSize, options: Opts): ModelSize | undefined {
  const o = applyDefaults(CONVNEXT_OPTIONS, options) as Opts & Record<'patchSize' | 'width' | 'kernelSize' | 'dropPath' | 'layerScale', number>;
  const shape = image(o);
  if (!shape || Math.floor(Math.min(shape[0], shape[1]) / o.patchSize) < 8) return undefined;
  const { depths, dims: base } = CONVNEXT_SIZES[size];
  const dims = base.map((d) => scaled(d, o.width));
  let [h, w] = [Math.floor(shape[0] / o.patchSize), Math.floor(shape[1] / o.patchSize)];
  const t = new Tally();
  patchEmbed(t, h * w, o.patchSize, shape[2], dims[0]);
  norm(t, h * w, dims[0]);
  let first = 0;
  depths.forEach((blocks, s) => {
    const c = dims[s];
    if (s > 0) {
      norm(t, h * w, dims[s - 1]);
      [h, w] = [Math.floor(h / 2), Math.floor(w / 2)];
      patchEmbed(t, h * w, 2, dims[s - 1], c);
    }
    const n = h * w;
    t.add(o.kernelSize ** 2 * c + c, n * c, blocks); // depthwise conv
    norm(t, n, c, blocks);
    mlpBlock(t, n, c, blocks);
    residual(t, n, c, o.layerScale > 0, dropped(o.dropPath, first, blocks), blocks);
    first += blocks;
  });
  const c = dims[dims.length - 1];
  t.add(0, c); // pool
  norm(t, 1, c);
  return t.add(c * o.numClasses + o.numClasses, o.numClasses).size;
}

/** The Vision Transformer (vit.ts): patch embedding, class token, positions, pre-norm blocks, class-token head. */
export function vitSize(size: VitSize, options: Opts): ModelSize | undefined {
  const o = applyDefaults(VIT_OPTIONS, options) as Opts & Record<'patchSize' | 'width' | 'dropPath', number> & { depth?: number };
  const shape = image(o);
  if (!shape || shape[0] < o.patchSize || shape[1] < o.patchSize) return undefined;
  const { heads, dim: base, depth: baseDepth } = VIT_SIZES[size];
  const c = Math.max(heads, Math.round((base * o.width) / heads) * heads);
  const depth = o.depth ?? baseDepth;
  const patches = Math.floor(shape[0] / o.patchSize) * Math.floor(shape[1] / o.patchSize);
  const n = patches + 1;
  const t = new Tally();
  patchEmbed(t, patches, o.patchSize, shape[2], c);
  t.add(0, patches * c)
    .add(c, n * c)
    .add(n * c, n * c); // tokens, class token, positions
  const drops = dropped(o.dropPath, 0, depth);
  norm(t, n, c, depth);
  attention(t, n, c, heads, n, depth);
  residual(t, n, c, false, drops, depth);
  norm(t, n, c, depth);
  mlpBlock(t, n, c, depth);
  residual(t, n, c, false, drops, depth);
  norm(t, n, c);
  return t.add(0, c).add(c * o.numClasses + o.numClasses, o.numClasses).size; // class-token pool, fc
}

/** The Swin Transformer (swin.ts): patch embedding, stages of window attention with patch merging, pooled head. */
export function swinSize(size: SwinSize, options: Opts): ModelSize | undefined {
  const o = applyDefaults(SWIN_OPTIONS, options) as Opts & Record<'patchSize' | 'windowSize' | 'width' | 'dropPath', number>;
  const shape = image(o);
  const step = o.patchSize * 8;
  if (!shape || shape[0] % step || shape[1] % step) return undefined;
  const { depths, heads, dim: base } = SWIN_SIZES[size];
  let c = Math.max(heads[0], Math.round((base * o.width) / heads[0]) * heads[0]);
  let [h, w] = [shape[0] / o.patchSize, shape[1] / o.patchSize];
  const t = new Tally();
  patchEmbed(t, h * w, o.patchSize, shape[2], c);
  norm(t, h * w, c);
  let first = 0;
  depths.forEach((blocks, s) => {
    if (s > 0) {
      [h, w] = [h / 2, w / 2];
      t.add(8 * c + 4 * c * 2 * c, h * w * 2 * c); // patch merging: LayerNorm over 4c, then 4c -> 2c without bias
      c *= 2;
    }
    const n = h * w;
    const win = Math.min(o.windowSize, h, w);
    // Window attention's relative position bias table: (2 win - 1)^2 x heads.
    attention(t, n, c, heads[s], win * win, blocks);
    t.add((2 * win - 1) ** 2 * heads[s], 0, blocks);
    const drops = dropped(o.dropPath, first, blocks);
    norm(t, n, c, blocks);
    residual(t, n, c, false, drops, blocks);
    norm(t, n, c, blocks);
    mlpBlock(t, n, c, blocks);
    residual(t, n, c, false, drops, blocks);
    first += blocks;
  });
  norm(t, h * w, c);
  return t.add(0, c).add(c * o.numClasses + o.numClasses, o.numClasses).size; // pool, fc
}
