import { modelSize } from '@sugar-lab/models';
import { describe, expect, it } from 'vitest';
import { memoryIssues } from './memory-estimate';

const GiB = 2 ** 30;
const cifar = (model: Record<string, unknown>, batchSize = 128) => ({
  dataset: { name: 'cifar10' },
  model,
  activation: { kind: 'relu' },
  optimizer: { name: 'adam', lr: 1e-3 },
  epochs: 1,
  batchSize,
  seed: 0,
});

describe('memoryIssues: every model family against a machine of a given size', () => {
  it('lets the standard CIFAR runs through on 16 GiB', () => {
    for (const name of ['vgg16', 'resnet34', 'convnext-tiny', 'vit-small', 'swin-tiny']) {
      expect(memoryIssues(cifar({ name }), 16 * GiB)).toEqual([]);
    }
  });

  it("refuses a CNN whose parameters cannot fit, naming the option that made it large and the model's exact size", () => {
    const [issue] = memoryIssues(cifar({ name: 'resnet18', width: 64 }), 16 * GiB);
    const params = modelSize('resnet18', { width: 64, inputShape: [32, 32, 3], numClasses: 10 })!.params;
    expect(issue.path).toEqual(['model', 'width']);
    expect(issue.reason).toBe(
      `makes a resnet18 model of ${params.toExponential(2)} parameters: about ${((params * 20) / GiB).toPrecision(3)} GiB with gradients, Adam's moments and a checkpoint, more than this machine's 16.0 GiB`,
    );
    expect(memoryIssues(cifar({ name: 'vit-tiny', depth: 100_000 }), 16 * GiB)[0].path).toEqual(['model', 'depth']);
  });

  it("refuses a batch whose activations cannot fit (a ViT on 1x1 patches: 1025 tokens), at batchSize, with each part's share", () => {
    const model = { name: 'vit-tiny', patchSize: 1 };
    const activations = modelSize('vit-tiny', { patchSize: 1, inputShape: [32, 32, 3], numClasses: 10 })!.activations;
    expect(memoryIssues(cifar(model, 16), 16 * GiB)).toEqual([]);
    const [issue] = memoryIssues(cifar(model, 256), 16 * GiB);
    expect(issue.path).toEqual(['batchSize']);
    expect(issue.reason).toBe(
      `gives batches of 256 samples whose activations (${activations.toExponential(2)} values per sample in a vit-tiny model, kept for the ` +
        `backward pass) need at least ${((256 * activations * 4) / GiB).toPrecision(3)} GiB; with the model's 0.103 GiB and ` +
        `the data's 0.687 GiB that is more than this machine's 16.0 GiB`,
    );
    // The batch cannot be larger than the training split: 4 samples are one batch of 4.
    expect(memoryIssues({ ...cifar(model, 1e9), dataset: { name: 'cifar10', limit: { train: 4 } } }, 16 * GiB)).toEqual([]);
  });

  it('names the data and the model together when both are too large; a model it cannot size is left to its build', () => {
    const issues = memoryIssues({ ...cifar({ name: 'mlp', depth: 2, width: 1e7 }), dataset: { name: 'spirals', nTrain: 1e12 } }, 16 * GiB);
    expect(issues.map((i) => i.path)).toEqual([
      ['dataset', 'nTrain'],
      ['model', 'width'],
    ]);
    expect(memoryIssues(cifar({ name: 'vgg11', width: 1e6 }), 16 * GiB)).toHaveLength(1);
    expect(memoryIssues({ ...cifar({ name: 'vgg11', width: 1e6 }), dataset: { name: 'fashion-mnist' } }, 16 * GiB)).toEqual([]); // 28x28: vgg11's build refuses it
  });
});
