import { activationLayer, type ActivationSpec, tf } from '@sugar-lab/core';

export type ReferenceModel = 'mlp' | 'cnn';

export const REFERENCE_SHAPES: Record<ReferenceModel, { input: number[]; classes: number; batch: number; what: string }> = {
  mlp: { input: [784], classes: 10, batch: 256, what: 'MLP 784-512-512-512-10, batch 256' },
  cnn: { input: [32, 32, 3], classes: 10, batch: 64, what: 'conv32-conv32-pool-conv64-conv64-pool-dense10 on 32x32x3, batch 64' },
};

/** The two step benchmarks every backend is measured on (the same shapes as the PyTorch reference script). */
export function referenceModel(kind: ReferenceModel, activation: ActivationSpec, seed = 0): tf.LayersModel {
  const init = (i: number) => tf.initializers.glorotUniform({ seed: seed * 1000 + i });
  const { input, classes } = REFERENCE_SHAPES[kind];
  const x = tf.input({ shape: input });
  let h: tf.SymbolicTensor = x;
  let i = 0;
  const act = (t: tf.SymbolicTensor) => activationLayer(activation).apply(t) as tf.SymbolicTensor;
  if (kind === 'mlp') {
    for (const units of [512, 512, 512]) h = act(tf.layers.dense({ units, kernelInitializer: init(i++) }).apply(h) as tf.SymbolicTensor);
  } else {
    for (const [filters, pool] of [
      [32, false],
      [32, true],
      [64, false],
      [64, true],
    ] as const) {
      h = act(tf.layers.conv2d({ filters, kernelSize: 3, padding: 'same', kernelInitializer: init(i++) }).apply(h) as tf.SymbolicTensor);
      if (pool) h = tf.layers.maxPooling2d({ poolSize: 2 }).apply(h) as tf.SymbolicTensor;
    }
    h = tf.layers.flatten().apply(h) as tf.SymbolicTensor;
  }
  const y = tf.layers.dense({ units: classes, kernelInitializer: init(i) }).apply(h) as tf.SymbolicTensor;
  return tf.model({ inputs: x, outputs: y });
}
