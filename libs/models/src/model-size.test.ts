import { beforeAll, describe, expect, it } from 'vitest';
import { buildModel, countParams, listModels, modelSize } from './index';
import { RELU, useCpu } from './test-utils/setup';

beforeAll(useCpu);

type Case = [name: string, options: Record<string, unknown>, inputShape: number[]];

// Small configurations of every built-in model, each option that adds or removes layers switched at least once.
const CASES: Case[] = [
  ['mlp', { depth: 2, width: 8 }, [4]],
  ['mlp', { depth: 3, width: 5, batchNorm: true, dropout: 0.1 }, [6, 6, 1]],
  ['mlp', { depth: 0, width: 1 }, [7]],
  ['vgg11', { width: 1 / 16 }, [32, 32, 3]],
  ['vgg13', { width: 1 / 16, batchNorm: false, head: 'mlp', dropout: 0.2 }, [32, 32, 3]],
  ['vgg16', { width: 1 / 16, convBias: true, head: 'mlp' }, [36, 40, 1]],
  ['vgg-small', {}, [28, 28, 1]],
  ['vgg-small', { stages: 3, convs: 3, width: 4, hidden: 0, batchNorm: false }, [30, 30, 3]],
  ['vgg-small', { convs: 1, dropout: 0.3, convBias: true }, [16, 16, 1]],
  ['resnet18', { width: 1 / 8 }, [32, 32, 3]],
  ['resnet34', { width: 1 / 16 }, [9, 11, 1]],
  ['convnext-atto', { width: 0.1 }, [32, 32, 3]],
  ['convnext-femto', { width: 0.1, dropPath: 0.1, layerScale: 0, kernelSize: 3 }, [32, 32, 3]],
  ['convnext-pico', { width: 0.05, patchSize: 4 }, [64, 48, 1]],
  ['convnext-nano', { width: 0.05, dropPath: 0.2 }, [16, 16, 3]],
  ['convnext-tiny', { width: 0.05 }, [32, 32, 3]],
  ['vit-tiny', { width: 0.125, depth: 2, patchSize: 8 }, [32, 32, 3]],
  ['vit-small', { width: 0.0625, depth: 3, dropPath: 0.1, patchSize: 5 }, [32, 30, 1]],
  ['swin-tiny', { width: 0.125 }, [32, 32, 3]],
  ['swin-tiny', { width: 0.125, windowSize: 2, dropPath: 0.1, patchSize: 1 }, [16, 16, 1]],
];

function built(name: string, options: Record<string, unknown>, inputShape: number[]) {
  const model = buildModel(name, { ...options, activation: RELU, inputShape, numClasses: 7, seed: 0 });
  try {
    // What the layers' outputs hold per sample: what modelSize's `activations` counts (the input is data, not a layer's).
    const outputs = model.layers
      .filter((l) => l.getClassName() !== 'InputLayer')
      .reduce((sum, l) => sum + (l.outputShape as number[]).slice(1).reduce((a, b) => a * b, 1), 0);
    return { params: countParams(model).total, outputs };
  } finally {
    model.dispose();
  }
}

describe('modelSize: a model built from nothing but its options', () => {
  it('has a case for every built-in model', () => {
    expect(new Set(CASES.map(([name]) => name))).toEqual(new Set(listModels()));
  });

  it.each(CASES)('%s %j on %j: parameters exactly as built, activations as the layers output', (name, options, inputShape) => {
    const size = modelSize(name, { ...options, inputShape, numClasses: 7 })!;
    const model = built(name, options, inputShape);
    expect(size.params).toBe(model.params);
    // The transformers also keep q, k, v and the attention scores inside their attention layers.
    if (/^(vit|swin)/.test(name)) {
      expect(size.activations).toBeGreaterThan(model.outputs);
      expect(size.activations).toBeLessThan(3 * model.outputs);
    } else expect(size.activations).toBe(model.outputs);
  });

  // The published counts that params.test.ts and modern-params.test.ts check on built models, here without building.
  it('gives the standard architectures their published parameter counts', () => {
    const cifar = { inputShape: [32, 32, 3], numClasses: 10 };
    const imagenet = { inputShape: [224, 224, 3], numClasses: 1000 };
    expect(modelSize('resnet18', cifar)!.params).toBe(11_183_562);
    expect(modelSize('vgg16', { ...cifar, convBias: true })!.params).toBe(14_736_714);
    expect(modelSize('convnext-tiny', { ...imagenet, patchSize: 4 })!.params).toBe(28_589_128);
    expect(modelSize('vit-small', { ...imagenet, patchSize: 16 })!.params).toBe(22_050_664);
    // no batch norm in the transformers: the total is the trainable count
    expect(modelSize('swin-tiny', { ...imagenet, patchSize: 4, windowSize: 7 })!.params).toBe(28_288_354);
  });

  it('sizes what cannot be built: a 1e9-wide MLP, an input the model cannot take is undefined', () => {
    // 2 x W + W, W x W + W, W x 3 + 3
    expect(modelSize('mlp', { depth: 2, width: 1e9, inputShape: [2], numClasses: 3 })!.params).toBeCloseTo(1e18 + 7e9 + 3, -6);
    expect(modelSize('vgg11', { inputShape: [28, 28, 1], numClasses: 10 })).toBeUndefined(); // five 2x2 pools
    expect(modelSize('vgg-small', { stages: 1e6, inputShape: [28, 28, 1], numClasses: 10 })).toBeUndefined();
    expect(modelSize('resnet18', { inputShape: [2], numClasses: 3 })).toBeUndefined();
  });
});
