import { tf } from '@sugar-lab/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { activationLayerNames, buildModel } from './index';
import { GELU, RELU, SUGAR, useCpu } from './test-utils/setup';

beforeAll(useCpu);

const small = { inputShape: [8, 8, 3], numClasses: 3, seed: 0, width: 0.125 };

describe('activation positions', () => {
  it('ResNet-18: stem act1, then act1/act2 of each of the 8 blocks, in forward order', () => {
    const m = buildModel('resnet18', { ...small, activation: RELU });
    const blocks = ['1_1', '1_2', '2_1', '2_2', '3_1', '3_2', '4_1', '4_2'];
    expect(activationLayerNames(m)).toEqual(['act1', ...blocks.flatMap((b) => [`block${b}_act1`, `block${b}_act2`])]);
    m.dispose();
  });

  it('VGG-11 and MLP name their positions', () => {
    const v = buildModel('vgg11', { ...small, inputShape: [32, 32, 3], activation: RELU, head: 'mlp' });
    expect(activationLayerNames(v)).toEqual([
      'block1_act1',
      'block2_act1',
      'block3_act1',
      'block3_act2',
      'block4_act1',
      'block4_act2',
      'block5_act1',
      'block5_act2',
      'head_act1',
      'head_act2',
    ]);
    const p = buildModel('mlp', { ...small, activation: RELU, depth: 3, width: 4, batchNorm: true, dropout: 0.1 });
    expect(activationLayerNames(p)).toEqual(['act1', 'act2', 'act3']);
    expect(p.layers.map((l) => l.name)).toEqual([
      'input',
      'flatten',
      'dense1',
      'bn1',
      'act1',
      'dropout1',
      'dense2',
      'bn2',
      'act2',
      'dropout2',
      'dense3',
      'bn3',
      'act3',
      'dropout3',
      'fc',
    ]);
    [v, p].forEach((x) => x.dispose());
  });

  it("every position is core's activation layer for the spec", () => {
    for (const [spec, cls] of [
      [RELU, 'ReLU'],
      [SUGAR, 'SugarReLU'],
      [GELU, 'Activation'],
    ] as const) {
      const m = buildModel('resnet18', { ...small, activation: spec });
      const classes = new Set(activationLayerNames(m).map((n) => m.getLayer(n).getClassName()));
      expect([...classes]).toEqual([cls]);
      m.dispose();
    }
  });

  it('convs feeding batch norm have no bias; the classifier does', () => {
    const m = buildModel('resnet18', { ...small, activation: RELU });
    const convs = m.layers.filter((l) => l.getClassName() === 'Conv2D');
    expect(convs.length).toBe(20); // stem + 16 block convs + 3 projections
    for (const c of convs) expect(c.getWeights().length).toBe(1);
    expect(m.getLayer('fc').getWeights().length).toBe(2);
    m.dispose();
  });

  it('is functional: any activation can be tapped as an output', () => {
    const m = buildModel('resnet18', { ...small, activation: SUGAR });
    const names = activationLayerNames(m);
    const probe = tf.model({ inputs: m.inputs, outputs: names.map((n) => m.getLayer(n).output as tf.SymbolicTensor) });
    const outs = tf.tidy(() => (probe.predict(tf.ones([2, 8, 8, 3])) as tf.Tensor[]).map((t) => t.shape));
    expect(outs[0]).toEqual([2, 8, 8, 8]);
    expect(outs[outs.length - 1]).toEqual([2, 1, 1, 64]);
    m.dispose();
  });
});

describe('serialization', () => {
  it('round-trips through the Keras JSON format with its activation layers and weights', async () => {
    const m = buildModel('resnet18', { ...small, activation: SUGAR });
    const json = m.toJSON(null, false) as object;
    const back = await tf.models.modelFromJSON(json as never);
    back.setWeights(m.getWeights());
    expect(activationLayerNames(back)).toEqual(activationLayerNames(m));
    expect(back.getLayer('block3_1_act2').getClassName()).toBe('SugarReLU');
    const x = tf.randomNormal([2, 8, 8, 3], 0, 1, 'float32', 4);
    const [a, b] = [m, back].map((n) => n.predict(x) as tf.Tensor);
    expect(Array.from(b.dataSync())).toEqual(Array.from(a.dataSync()));
    tf.dispose([x, a, b]);
    [m, back].forEach((n) => n.dispose());
  });
});

describe('forward math against hand-written references', () => {
  it('MLP with BN (inference) equals x -> relu(bn(xW)) -> fc computed by hand', () => {
    const m = buildModel('mlp', { activation: RELU, inputShape: [3], numClasses: 2, seed: 5, depth: 1, width: 4, batchNorm: true });
    const [W, gamma, beta, mean, variance] = m
      .getLayer('dense1')
      .getWeights()
      .concat(m.getLayer('bn1').getWeights())
      .map((t) => t.arraySync());
    const [V, c] = m
      .getLayer('fc')
      .getWeights()
      .map((t) => t.arraySync()) as [number[][], number[]];
    const x = [0.5, -1.25, 2];
    const h = (W as number[][])[0].map((_, j) => {
      const z = x.reduce((a, xi, i) => a + xi * (W as number[][])[i][j], 0);
      const n = ((gamma as number[])[j] * (z - (mean as number[])[j])) / Math.sqrt((variance as number[])[j] + 1e-5) + (beta as number[])[j];
      return Math.max(0, n);
    });
    const want = c.map((cj, j) => h.reduce((a, hi, i) => a + hi * V[i][j], cj));
    const got = tf.tidy(() => (m.predict(tf.tensor2d([x])) as tf.Tensor).arraySync() as number[][])[0];
    got.forEach((g, j) => expect(g).toBeCloseTo(want[j], 5));
    m.dispose();
  });

  it('stride-2 convs pad one pixel on every side (PyTorch padding=1)', () => {
    const m = buildModel('resnet18', { ...small, activation: RELU });
    const tap = tf.model({ inputs: m.inputs, outputs: ['block1_2_act2', 'block2_1_conv1'].map((n) => m.getLayer(n).output as tf.SymbolicTensor) });
    const x = tf.randomNormal([1, 8, 8, 3], 0, 1, 'float32', 3);
    const outs = tap.predict(x) as tf.Tensor[];
    const [inp, out] = outs.map((t) => t.arraySync() as number[][][][]);
    tf.dispose(outs);
    const k = m.getLayer('block2_1_conv1').getWeights()[0].arraySync() as number[][][][];
    const [H, C, O] = [8, 8, 16];
    expect([out[0].length, out[0][0].length, out[0][0][0].length]).toEqual([4, 4, O]);
    for (let i = 0; i < 4; i++)
      for (let j = 0; j < 4; j++)
        for (let o = 0; o < O; o++) {
          let s = 0;
          for (let di = 0; di < 3; di++)
            for (let dj = 0; dj < 3; dj++) {
              const [r, q] = [2 * i + di - 1, 2 * j + dj - 1];
              if (r < 0 || q < 0 || r >= H || q >= H) continue;
              for (let ch = 0; ch < C; ch++) s += inp[0][r][q][ch] * k[di][dj][ch][o];
            }
          expect(out[0][i][j][o]).toBeCloseTo(s, 4);
        }
    x.dispose();
    m.dispose();
  });
});
