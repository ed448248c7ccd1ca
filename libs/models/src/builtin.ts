import type { OptionSchema } from '@sugar-lab/core';
import { convnext, CONVNEXT_OPTIONS, CONVNEXT_SIZES, type ConvNextSize } from './convnext';
import { mlp } from './mlp';
import { convnextSize, mlpSize, resnetSize, swinSize, vggSize, vggSmallSize, vitSize } from './model-size';
import { registerModel } from './registry';
import { resnet, RESNET_BLOCKS, type ResNetName } from './resnet';
import { swin, SWIN_OPTIONS, SWIN_SIZES, type SwinSize } from './swin';
import { vgg, VGG_CONFIGS, type VggName } from './vgg';
import { vggSmall, VGG_SMALL_OPTIONS } from './vgg-small';
import { vit, VIT_OPTIONS, VIT_SIZES, type VitSize } from './vit';

// Option schemas of the built-in families (what spec validation, help and docs read); each builder also
// checks its own options when called directly.
const rate = (description: string) => ({ type: 'number', min: 0, max: 1, exclusiveMax: true, default: 0, description }) as const;
const widthMultiplier = {
  type: 'number',
  min: 0,
  exclusiveMin: true,
  default: 1,
  description: 'channel multiplier; channels are round(c * width), at least 1',
} as const;

export const MLP_OPTIONS: OptionSchema = {
  depth: { type: 'number', integer: true, min: 0, required: true, description: 'hidden layers (0: a linear classifier)' },
  width: { type: 'number', integer: true, min: 1, required: true, description: 'units per hidden layer' },
  batchNorm: { type: 'boolean', default: false, description: 'dense -> BatchNorm -> act' },
  dropout: rate('dropout after each hidden activation'),
};

export const VGG_OPTIONS: OptionSchema = {
  batchNorm: { type: 'boolean', default: true, description: 'conv -> BatchNorm -> act' },
  head: { type: 'string', choices: ['linear', 'mlp'], default: 'linear', description: "'linear': flatten -> fc; 'mlp': two 512-wide hidden layers" },
  dropout: rate("dropout in the 'mlp' head"),
  width: widthMultiplier,
  convBias: { type: 'boolean', description: 'bias in the convs (default: only without batch norm)' },
};

export const RESNET_OPTIONS: OptionSchema = { width: widthMultiplier };

registerModel('mlp', {
  family: 'mlp',
  description: 'fully connected: depth x (dense [-> bn] -> act [-> dropout]) -> fc',
  options: MLP_OPTIONS,
  build: mlp,
  size: mlpSize,
});

for (const v of Object.keys(VGG_CONFIGS) as VggName[]) {
  registerModel(v, {
    family: 'vgg',
    description: `${v.toUpperCase()} for CIFAR: 3x3 convs ${JSON.stringify(VGG_CONFIGS[v])}, max-pool per stage, BN by default, flatten -> fc`,
    options: VGG_OPTIONS,
    build: (opts, name) => vgg(v, opts, name),
    size: (opts) => vggSize(v, opts),
  });
}

registerModel('vgg-small', {
  family: 'vgg',
  description:
    'VGG-style CNN for 28x28 and up: stages x (convs x conv3x3 [-> bn] -> act, max-pool), channels 16 doubling per stage, flatten -> [hidden 128 -> act] -> fc',
  options: VGG_SMALL_OPTIONS,
  build: vggSmall,
  size: vggSmallSize,
});

for (const v of Object.keys(RESNET_BLOCKS) as ResNetName[]) {
  registerModel(v, {
    family: 'resnet',
    description: `ResNet-${v.slice(6)} for CIFAR: 3x3 stem, BasicBlocks ${JSON.stringify(RESNET_BLOCKS[v])}, global avg pool -> fc`,
    options: RESNET_OPTIONS,
    build: (opts, name) => resnet(v, opts, name),
    size: (opts) => resnetSize(v, opts),
  });
}

for (const size of Object.keys(CONVNEXT_SIZES) as ConvNextSize[]) {
  const { depths, dims } = CONVNEXT_SIZES[size];
  registerModel(`convnext-${size}`, {
    family: 'convnext',
    description: `ConvNeXt-${size} with a CIFAR-sized patchify stem: blocks ${JSON.stringify(depths)}, channels ${JSON.stringify(dims)}, GELU by default`,
    options: CONVNEXT_OPTIONS,
    build: (opts, name) => convnext(size, opts, name),
    size: (opts) => convnextSize(size, opts),
  });
}

for (const size of Object.keys(VIT_SIZES) as VitSize[]) {
  const { dim, depth, heads } = VIT_SIZES[size];
  registerModel(`vit-${size}`, {
    family: 'vit',
    description: `ViT-${size === 'tiny' ? 'Ti' : 'S'}, patch 4 for 32x32: width ${dim}, ${depth} blocks, ${heads} heads, class token, GELU by default`,
    options: VIT_OPTIONS,
    build: (opts, name) => vit(size, opts, name),
    size: (opts) => vitSize(size, opts),
  });
}

for (const size of Object.keys(SWIN_SIZES) as SwinSize[]) {
  const { dim, depths, heads } = SWIN_SIZES[size];
  registerModel(`swin-${size}`, {
    family: 'swin',
    description: `Swin-T scaled for 32x32 (patch 2, window 4): width ${dim}, blocks ${JSON.stringify(depths)}, heads ${JSON.stringify(heads)}, GELU by default`,
    options: SWIN_OPTIONS,
    build: (opts, name) => swin(size, opts, name),
    size: (opts) => swinSize(size, opts),
  });
}
