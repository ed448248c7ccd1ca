import { tf } from '@sugar-lab/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildModel, layerSeed } from './index';
import { RELU, useCpu } from './test-utils/setup';

beforeAll(useCpu);

const weightsOf = (m: tf.LayersModel) => m.getWeights().map((w) => w.dataSync().slice());

function build(seed: number) {
  return buildModel('resnet18', { activation: RELU, inputShape: [8, 8, 3], numClasses: 3, seed, width: 0.125 });
}

describe('seeded initialization', () => {
  it('derives distinct 32-bit seeds per (seed, layer index)', () => {
    const seen = new Set<number>();
    for (const s of [0, 1, 2, 12345]) for (let i = 0; i < 100; i++) seen.add(layerSeed(s, i));
    expect(seen.size).toBe(400);
    expect(layerSeed(7, 3)).toBe(layerSeed(7, 3));
    for (const v of seen) expect(Number.isInteger(v) && v >= 0 && v < 2 ** 32).toBe(true);
  });

  it('same seed: bit-identical weights; different seed: different weights', () => {
    const [a, b, c] = [build(42), build(42), build(43)];
    const [wa, wb, wc] = [a, b, c].map(weightsOf);
    expect(wa.length).toBe(wb.length);
    wa.forEach((w, i) => expect(Buffer.from(w.buffer).equals(Buffer.from(wb[i].buffer))).toBe(true));
    const kernels = a.getWeights().flatMap((w, i) => (w.shape.length > 1 ? [i] : []));
    for (const i of kernels) expect(wa[i]).not.toEqual(wc[i]);
    [a, b, c].forEach((m) => m.dispose());
  });

  it('gives layers of the same shape different weights', () => {
    const m = build(0);
    const k1 = m.getLayer('block1_1_conv1').getWeights()[0].dataSync();
    const k2 = m.getLayer('block1_1_conv2').getWeights()[0].dataSync();
    expect(k1.length).toBe(k2.length);
    expect(Array.from(k1)).not.toEqual(Array.from(k2));
    m.dispose();
  });

  it('uses He-normal kernels (truncated, std sqrt(2/fan_in)) and zero biases', () => {
    const m = buildModel('mlp', { activation: RELU, inputShape: [200], numClasses: 2, seed: 1, depth: 1, width: 400 });
    const [kernel, bias] = m
      .getLayer('dense1')
      .getWeights()
      .map((w) => Array.from(w.dataSync()));
    const mean = kernel.reduce((a, x) => a + x, 0) / kernel.length;
    const std = Math.sqrt(kernel.reduce((a, x) => a + (x - mean) ** 2, 0) / kernel.length);
    expect(Math.abs(mean)).toBeLessThan(0.005);
    expect(std).toBeGreaterThan(0.1 * 0.97);
    expect(std).toBeLessThan(0.1 * 1.03);
    // truncated at 2 sigma of the untruncated normal, sigma = 0.1 / 0.8796 (std of N(0,1) cut to [-2, 2])
    expect(Math.max(...kernel.map(Math.abs))).toBeLessThanOrEqual((2 * 0.1) / 0.87962566103423978 + 1e-6);
    expect(Math.max(...kernel.map(Math.abs))).toBeGreaterThan(0.2);
    expect(bias.every((x) => x === 0)).toBe(true);
    m.dispose();
  });
});
