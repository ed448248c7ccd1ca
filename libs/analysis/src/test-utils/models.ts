// Tiny models with hand-set weights, shared by the probe tests (not part of the public API).
import { tf } from '@sugar-lab/core';

/**
 * input[2] -> Dense(3, no bias, W1) -> ReLU -> Dense(2, no bias, W2) -> Activation('relu') -> Dense(2) logits.
 * With W1 = [[1,-1,0],[0,1,0]] unit 2 of the first ReLU is dead on every input.
 */
export function tinyMlp(
  w1 = [
    [1, -1, 0],
    [0, 1, 0],
  ],
  w2 = [
    [1, 0],
    [0, 1],
    [1, -1],
  ],
): tf.LayersModel {
  const input = tf.input({ shape: [2] });
  const d1 = tf.layers.dense({ units: 3, useBias: false, name: 'd1' });
  const r1 = tf.layers.reLU({ name: 'relu1' });
  const d2 = tf.layers.dense({ units: 2, useBias: false, name: 'd2' });
  const r2 = tf.layers.activation({ activation: 'relu', name: 'relu2' });
  const out = tf.layers.dense({ units: 2, name: 'logits', kernelInitializer: 'ones' });
  const y = out.apply(r2.apply(d2.apply(r1.apply(d1.apply(input))))) as tf.SymbolicTensor;
  const model = tf.model({ inputs: input, outputs: y, name: 'tiny' });
  d1.setWeights([tf.tensor2d(w1)]);
  d2.setWeights([tf.tensor2d(w2)]);
  return model;
}

export const PROBE_X = [
  [1, 0],
  [0, 1],
  [-1, -1],
  [2, 1],
];

/** tinyMlp as tfjs users write it: a tf.sequential of dense layers with a fused relu (named d1, d2), then logits. */
export function tinyFusedMlp(
  w1 = [
    [1, -1, 0],
    [0, 1, 0],
  ],
  w2 = [
    [1, 0],
    [0, 1],
    [1, -1],
  ],
): tf.Sequential {
  const model = tf.sequential({
    name: 'tiny_fused',
    layers: [
      tf.layers.dense({ inputShape: [2], units: 3, useBias: false, activation: 'relu', name: 'd1' }),
      tf.layers.dense({ units: 2, useBias: false, activation: 'relu', name: 'd2' }),
      tf.layers.dense({ units: 2, name: 'logits', kernelInitializer: 'ones' }),
    ],
  });
  model.getLayer('d1').setWeights([tf.tensor2d(w1)]);
  model.getLayer('d2').setWeights([tf.tensor2d(w2)]);
  return model;
}

/**
 * Models with activations fused into Dense/Conv layers, each with one Activation('tanh') layer too: a functional
 * CNN (Conv2D, DepthwiseConv2D, SeparableConv2D with relu, Conv1D with elu), and an MLP nested in a Sequential or in
 * a functional model. With `split`, every fused activation is an Activation layer of its own after a linear layer
 * instead (the reference the probes of the fused model must match). Seeded weights and biases.
 */
export function fusedModel(kind: 'cnn' | 'nested-sequential' | 'nested-functional', split = false): tf.LayersModel {
  const init = (s: number) => tf.initializers.randomNormal({ seed: s });
  const fused = (activation: 'relu' | 'elu', layer: (activation: string) => tf.layers.Layer): tf.layers.Layer[] =>
    split ? [layer('linear'), tf.layers.activation({ activation })] : [layer(activation)];
  const apply = (layers: tf.layers.Layer[], h: tf.SymbolicTensor) => layers.reduce((t, l) => l.apply(t) as tf.SymbolicTensor, h);
  const dense = (units: number, s: number, inputShape?: number[]) => (activation: string) =>
    tf.layers.dense({ units, activation: activation as 'relu', inputShape, kernelInitializer: init(s), biasInitializer: init(s + 50) });
  if (kind === 'cnn') {
    const input = tf.input({ shape: [6, 6, 2] });
    const image = apply(
      [
        ...fused('relu', (a) =>
          tf.layers.conv2d({ filters: 4, kernelSize: 3, padding: 'same', activation: a as 'relu', kernelInitializer: init(1), biasInitializer: init(2) }),
        ),
        ...fused('relu', (a) =>
          tf.layers.depthwiseConv2d({ kernelSize: 3, padding: 'same', activation: a as 'relu', depthwiseInitializer: init(3), biasInitializer: init(4) }),
        ),
        tf.layers.activation({ activation: 'tanh' }),
        ...fused('relu', (a) =>
          tf.layers.separableConv2d({ filters: 3, kernelSize: 3, activation: a as 'relu', depthwiseInitializer: init(5), pointwiseInitializer: init(6) }),
        ),
        tf.layers.flatten(),
      ],
      input,
    );
    const rows = apply(
      [
        tf.layers.reshape({ targetShape: [12, 6] }),
        ...fused('elu', (a) => tf.layers.conv1d({ filters: 3, kernelSize: 3, activation: a as 'elu', kernelInitializer: init(7), biasInitializer: init(8) })),
        tf.layers.flatten(),
      ],
      input,
    );
    const joined = tf.layers.concatenate().apply([image, rows]) as tf.SymbolicTensor;
    return tf.model({ inputs: input, outputs: apply([dense(3, 9)('linear')], joined) });
  }
  const inner = tf.sequential({ layers: [...fused('relu', dense(8, 1, [6])), tf.layers.activation({ activation: 'tanh' }), ...fused('relu', dense(8, 2))] });
  const head = [...fused('relu', dense(5, 3)), dense(3, 4)('linear')];
  if (kind === 'nested-sequential') return tf.sequential({ layers: [inner, ...head] });
  const input = tf.input({ shape: [6] });
  return tf.model({ inputs: input, outputs: apply([inner, ...head], input) });
}
