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

/**
 * How a test model applies its hidden activations: fused into each Dense/Conv layer (`activation: 'relu'`,
 * as tfjs users write it) when `split` is undefined, else a linear layer followed by `split()`'s layer (what a
 * user would write by hand to put an activation layer there).
 */
export type Split = (() => tf.layers.Layer) | undefined;

function hidden(split: Split, layer: (activation: 'relu' | 'linear') => tf.layers.Layer): tf.layers.Layer[] {
  return split ? [layer('linear'), split()] : [layer('relu')];
}

function chain(input: tf.SymbolicTensor, layers: tf.layers.Layer[]): tf.SymbolicTensor {
  return layers.reduce((h, l) => l.apply(h) as tf.SymbolicTensor, input);
}

/** 6-16-16-3 MLP as the user wrote it: tf.sequential of dense layers with a fused relu. */
export function fusedMlp(split?: Split, seed = 1): tf.Sequential {
  const init = (s: number) => tf.initializers.glorotNormal({ seed: seed * 10 + s });
  return tf.sequential({
    layers: [
      ...hidden(split, (activation) => tf.layers.dense({ inputShape: [6], units: 16, activation, kernelInitializer: init(1) })),
      ...hidden(split, (activation) => tf.layers.dense({ units: 16, activation, kernelInitializer: init(2) })),
      tf.layers.dense({ units: 3, kernelInitializer: init(3) }),
    ],
  });
}

/** A functional CNN with a fused relu in a Conv2D, a DepthwiseConv2D, a SeparableConv2D and a Conv1D branch. */
export function fusedConvNet(split?: Split, seed = 1): tf.LayersModel {
  const init = (s: number) => tf.initializers.heNormal({ seed: seed * 10 + s });
  const input = tf.input({ shape: [6, 6, 2] });
  const image = chain(input, [
    ...hidden(split, (activation) => tf.layers.conv2d({ filters: 4, kernelSize: 3, padding: 'same', activation, kernelInitializer: init(1) })),
    ...hidden(split, (activation) => tf.layers.depthwiseConv2d({ kernelSize: 3, padding: 'same', activation, depthwiseInitializer: init(2) })),
    ...hidden(split, (activation) =>
      tf.layers.separableConv2d({ filters: 3, kernelSize: 3, activation, depthwiseInitializer: init(3), pointwiseInitializer: init(4) }),
    ),
    tf.layers.globalAveragePooling2d({}),
  ]);
  const rows = chain(input, [
    tf.layers.reshape({ targetShape: [12, 6] }),
    ...hidden(split, (activation) => tf.layers.conv1d({ filters: 3, kernelSize: 3, activation, kernelInitializer: init(5) })),
    tf.layers.globalAveragePooling1d({}),
  ]);
  const joined = tf.layers.concatenate().apply([image, rows]) as tf.SymbolicTensor;
  return tf.model({ inputs: input, outputs: tf.layers.dense({ units: 3, kernelInitializer: init(6) }).apply(joined) as tf.SymbolicTensor });
}

/** A Sequential of fused-relu dense layers nested in a Sequential (`outer: 'sequential'`) or a functional model. */
export function nestedFusedMlp(outer: 'sequential' | 'functional', split?: Split, seed = 1): tf.LayersModel {
  const init = (s: number) => tf.initializers.glorotNormal({ seed: seed * 10 + s });
  const inner = tf.sequential({
    layers: [
      ...hidden(split, (activation) => tf.layers.dense({ inputShape: [6], units: 8, activation, kernelInitializer: init(1) })),
      ...hidden(split, (activation) => tf.layers.dense({ units: 8, activation, kernelInitializer: init(2) })),
    ],
  });
  const head = [
    ...hidden(split, (activation) => tf.layers.dense({ units: 5, activation, kernelInitializer: init(3) })),
    tf.layers.dense({ units: 3, kernelInitializer: init(4) }),
  ];
  if (outer === 'sequential') return tf.sequential({ layers: [inner, ...head] });
  const input = tf.input({ shape: [6] });
  return tf.model({ inputs: input, outputs: chain(input, [inner, ...head]) });
}
