import { beforeAll, describe, expect, it } from 'vitest';
import { buildModel, countParams, type ModelOptionsMap } from './index';
import { RELU, useCpu } from './test-utils/setup';

beforeAll(useCpu);

const cifar = { activation: RELU, inputShape: [32, 32, 3], numClasses: 10, seed: 0 };

function count<K extends keyof ModelOptionsMap>(name: K, opts: ModelOptionsMap[K]) {
  const m = buildModel(name, opts);
  try {
    return countParams(m);
  } finally {
    m.dispose();
  }
}

// Trainable counts equal PyTorch's sum(p.numel() for p in model.parameters()) for the reference
// implementations (kuangliu/pytorch-cifar; torchvision vgg*_bn features): conv weights, BN gamma
// and beta; BN moving mean/variance are the non-trainable part (PyTorch buffers).
describe('parameter counts against the standard CIFAR architectures', () => {
  it('ResNet-18: 11,173,962', () => {
    expect(count('resnet18', cifar)).toEqual({ trainable: 11_173_962, nonTrainable: 9_600, total: 11_183_562 });
  });

  it('ResNet-34: 21,282,122', () => {
    expect(count('resnet34', cifar).trainable).toBe(21_282_122);
  });

  // VGG-16-BN, head flatten(512) -> fc(10). The reference count 14,728,266 (pytorch-cifar VGG('VGG16'))
  // includes a bias in each of the 13 convs (4,224 scalars) that batch norm cancels; our default
  // drops it (convBias false with BN), convBias: true reproduces the reference exactly.
  it('VGG-16 with BN and a single dense head: 14,728,266 with conv bias, 4,224 fewer without', () => {
    expect(count('vgg16', { ...cifar, convBias: true })).toEqual({ trainable: 14_728_266, nonTrainable: 8_448, total: 14_736_714 });
    expect(count('vgg16', cifar).trainable).toBe(14_728_266 - 4_224);
  });

  it('VGG-11 / VGG-13 with conv bias: 9,231,114 / 9,416,010 (pytorch-cifar)', () => {
    expect(count('vgg11', { ...cifar, convBias: true }).trainable).toBe(9_231_114);
    expect(count('vgg13', { ...cifar, convBias: true }).trainable).toBe(9_416_010);
  });

  it('VGG-16 without BN keeps the conv biases; the mlp head adds two 512-unit layers', () => {
    const conv = 14_710_464; // 3x3 kernels of the 13 convs
    expect(count('vgg16', { ...cifar, batchNorm: false })).toEqual({ trainable: conv + 4_224 + 5_130, nonTrainable: 0, total: conv + 4_224 + 5_130 });
    expect(count('vgg16', { ...cifar, head: 'mlp' }).trainable).toBe(conv + 2 * 4_224 + 2 * (512 * 512 + 512) + 5_130);
  });

  it('MLP: by formula', () => {
    const [i, w, c] = [784, 100, 10];
    for (const depth of [0, 1, 3]) {
      const plain = depth === 0 ? i * c + c : i * w + w + (depth - 1) * (w * w + w) + w * c + c;
      expect(count('mlp', { ...cifar, inputShape: [28, 28, 1], depth, width: w }).trainable).toBe(plain);
    }
    // with BN the dense layers lose their bias and each hidden layer gains gamma, beta (+ 2w moving stats)
    const bn = i * w + 2 * w + 2 * (w * w + 2 * w) + w * c + c;
    expect(count('mlp', { ...cifar, inputShape: [784], depth: 3, width: w, batchNorm: true })).toEqual({
      trainable: bn,
      nonTrainable: 3 * 2 * w,
      total: bn + 6 * w,
    });
  });
});
