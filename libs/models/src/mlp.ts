import { tf } from '@sugar-lab/core';
import { chain, LayerMaker } from './layers';
import { checkBool, checkCommon, checkInt, checkRate, type CommonModelOptions } from './options';

export interface MlpOptions extends CommonModelOptions {
  /** Number of hidden layers (0: a linear classifier). */
  depth: number;
  /** Units per hidden layer. */
  width: number;
  /** Dense -> BatchNorm -> act (the dense then has no bias). Default false. */
  batchNorm?: boolean;
  /** Dropout rate after each hidden activation. Default 0 (no dropout layer). */
  dropout?: number;
}

/**
 * Fully connected net: [flatten] -> depth x (dense{i} [-> bn{i}] -> act{i} [-> dropout{i}]) -> fc.
 * Inputs of rank > 1 are flattened first.
 */
export function mlp(opts: MlpOptions, registryName = 'mlp'): tf.LayersModel {
  checkCommon(registryName, opts);
  checkInt(registryName, 'depth', opts.depth, 0);
  checkInt(registryName, 'width', opts.width, 1);
  checkBool(registryName, 'batchNorm', opts.batchNorm);
  checkRate(registryName, 'dropout', opts.dropout);
  const bn = opts.batchNorm ?? false;
  const rate = opts.dropout ?? 0;
  const m = new LayerMaker(opts.seed, opts.activation);

  const input = tf.input({ shape: opts.inputShape, name: 'input' });
  let x = opts.inputShape.length > 1 ? chain(input, tf.layers.flatten({ name: 'flatten' })) : input;
  for (let i = 1; i <= opts.depth; i++) {
    x = chain(
      x,
      // A bias before batch norm is cancelled by its mean subtraction and never gets a gradient.
      m.dense(`dense${i}`, opts.width, !bn),
      bn ? m.bn(`bn${i}`) : undefined,
      m.act(`act${i}`),
      rate > 0 ? m.dropout(`dropout${i}`, rate) : undefined,
    );
  }
  const logits = chain(x, m.dense('fc', opts.numClasses, true, 'glorot'));
  return tf.model({ inputs: input, outputs: logits, name: opts.name ?? registryName });
}
