import { beforeAll, describe, expect, it } from 'vitest';
import { buildModel, countParams } from './index';
import { useCpu } from './test-utils/setup';

beforeAll(useCpu);

const imagenet = { inputShape: [224, 224, 3], numClasses: 1000, seed: 0 };

function params(name: string, opts: Record<string, unknown>): number {
  const m = buildModel(name, { ...imagenet, activation: { kind: 'gelu' }, ...opts });
  try {
    return countParams(m).trainable;
  } finally {
    m.dispose();
  }
}

// Published parameter counts (millions, two decimals) of the ImageNet-1k models, as timm lists them
// in results/results-imagenet.csv (param_count column): convnext_atto.d2_in1k 3.70, convnext_femto.d1_in1k
// 5.22, convnext_pico.d1_in1k 9.05, convnext_nano.d1h_in1k 15.59, convnext_tiny.fb_in1k 28.59,
// vit_tiny_patch16_224.augreg_in21k_ft_in1k 5.72, vit_small_patch16_224.augreg_in21k_ft_in1k 22.05,
// swin_tiny_patch4_window7_224.ms_in1k 28.29. (9.07 and 15.62 are ConvNeXt-V2's pico and nano: GRN
// in place of layer scale.) The exact counts follow from the layer shapes (see each comment).
describe('parameter counts of the ImageNet configurations against the published ones', () => {
  it.each([
    // stem 4x4x3xC + C + LN 2C; per block 8d^2 + 58d; downsample LN 2d + 2x2 conv 4 d d' + d'; head LN + fc
    ['convnext-atto', 3.7, 3_695_520],
    ['convnext-femto', 5.22, 5_217_784],
    ['convnext-pico', 9.05, 9_045_672],
    ['convnext-nano', 15.59, 15_593_560],
    ['convnext-tiny', 28.59, 28_589_128],
  ])('%s: %sM (%i)', (name, published, exact) => {
    const n = params(name, { patchSize: 4 });
    expect(n).toBe(exact);
    expect(Math.round(n / 1e4) / 100).toBe(published);
  });

  it.each([
    // patch 16x16x3xD + D, class token D, 197 positions x D, 12 blocks of 12D^2 + 13D, LN 2D, fc
    ['vit-tiny', 5.72, 5_717_416],
    ['vit-small', 22.05, 22_050_664],
  ])('%s/16: %sM (%i)', (name, published, exact) => {
    const n = params(name, { patchSize: 16 });
    expect(n).toBe(exact);
    expect(Math.round(n / 1e4) / 100).toBe(published);
  });

  it('swin-tiny (patch 4, window 7): 28.29M (28,288,354), with 169 x heads bias entries per block', () => {
    const n = params('swin-tiny', { patchSize: 4, windowSize: 7 });
    expect(n).toBe(28_288_354);
    expect(Math.round(n / 1e4) / 100).toBe(28.29);
  });
});
