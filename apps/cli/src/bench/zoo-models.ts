import type { ActivationSpec, tf } from '@sugar-lab/core';
import { buildModel } from '@sugar-lab/models';

/** Zoo models timed at the paper's CIFAR shapes (32x32x3, 10 classes, batch 128). */
export const ZOO_BENCH = ['resnet18', 'vgg16'];

export function zooStepModel(name: string, activation: ActivationSpec): { model: tf.LayersModel; batch: number } {
  if (!ZOO_BENCH.includes(name)) throw new Error(`unknown bench model '${name}'; expected one of mlp, cnn, ${ZOO_BENCH.join(', ')}`);
  return { model: buildModel(name, { activation, inputShape: [32, 32, 3], numClasses: 10, seed: 0 }), batch: 128 };
}
