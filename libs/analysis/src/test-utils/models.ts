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
