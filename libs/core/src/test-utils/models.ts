import { tf } from '../index';

/** 6-16-16-3 MLP with Dense(relu) layers, one Activation('relu') and one ReLU layer. */
export function mlp(seed = 1): tf.Sequential {
  const init = (s: number) => tf.initializers.glorotNormal({ seed: seed * 10 + s });
  return tf.sequential({
    name: 'mlp',
    layers: [
      tf.layers.dense({ inputShape: [6], units: 16, activation: 'relu', kernelInitializer: init(1) }),
      tf.layers.dense({ units: 16, kernelInitializer: init(2) }),
      tf.layers.activation({ activation: 'relu' }),
      tf.layers.dense({ units: 16, kernelInitializer: init(3) }),
      tf.layers.reLU(),
      tf.layers.dense({ units: 3, kernelInitializer: init(4) }),
    ],
  });
}

/** A small residual CNN (functional, with tf.layers.add, batch norm, relu inside convs and after the add). */
export function residualCnn(seed = 1): tf.LayersModel {
  const init = (s: number) => tf.initializers.heNormal({ seed: seed * 10 + s });
  const input = tf.input({ shape: [8, 8, 2], name: 'image' });
  const stem = tf.layers
    .conv2d({ filters: 4, kernelSize: 3, padding: 'same', activation: 'relu', kernelInitializer: init(1), name: 'stem' })
    .apply(input) as tf.SymbolicTensor;
  let h = tf.layers.conv2d({ filters: 4, kernelSize: 3, padding: 'same', kernelInitializer: init(2), name: 'conv_a' }).apply(stem) as tf.SymbolicTensor;
  h = tf.layers.batchNormalization({ name: 'bn_a' }).apply(h) as tf.SymbolicTensor;
  h = tf.layers.reLU({ name: 'relu_a' }).apply(h) as tf.SymbolicTensor;
  h = tf.layers.conv2d({ filters: 4, kernelSize: 3, padding: 'same', kernelInitializer: init(3), name: 'conv_b' }).apply(h) as tf.SymbolicTensor;
  const sum = tf.layers.add({ name: 'residual' }).apply([stem, h]) as tf.SymbolicTensor;
  const out = tf.layers.activation({ activation: 'relu', name: 'relu_out' }).apply(sum) as tf.SymbolicTensor;
  const pooled = tf.layers.globalAveragePooling2d({ name: 'pool' }).apply(out) as tf.SymbolicTensor;
  const logits = tf.layers.dense({ units: 3, kernelInitializer: init(4), name: 'head' }).apply(pooled) as tf.SymbolicTensor;
  return tf.model({ inputs: input, outputs: logits, name: 'rescnn' });
}
