import { tf } from '@sugar-lab/core';
import { LandscapeError } from './errors';
import type { ParamVector } from './param-vector';

export type WeightSelection = 'all' | 'trainable';

/** The live variables behind a model's weights: 'all' in `model.weights` order (what `getWeights()` lists) or the trainable ones. */
export function modelVariables(model: tf.LayersModel, which: WeightSelection = 'all'): tf.Variable[] {
  const ws = which === 'all' ? model.weights : model.trainableWeights;
  return ws.map((w) => w.read() as tf.Variable);
}

/**
 * Copies of a model's current weights. `model.getWeights()` hands out the live variables, which
 * training then changes; take a snapshot before `fit` to keep the initialization.
 *
 * @param model the model to copy the weights of
 * @param which 'all' weights in `model.weights` order (default) or the trainable ones
 */
export function snapshotWeights(model: tf.LayersModel, which: WeightSelection = 'all'): tf.Tensor[] {
  return modelVariables(model, which).map((v) => tf.clone(v));
}

/** Copies of the variables' current values (a point to come back to). */
export function snapshotVariables(vars: tf.Variable[]): ParamVector {
  return vars.map((v) => tf.clone(v));
}

/** Sets each variable to its value in place (`variable.assign`); the caller keeps ownership of `values`. */
export function assignVariables(vars: tf.Variable[], values: ParamVector, where = 'assignVariables'): void {
  if (values.length !== vars.length) throw new LandscapeError(`${where}: expected ${vars.length} tensors, one per variable; found ${values.length}`);
  values.forEach((t, i) => {
    if (!tf.util.arraysEqual(t.shape, vars[i].shape)) {
      throw new LandscapeError(`${where}: variable ${i} ('${vars[i].name}') expected shape [${vars[i].shape.join(',')}]; found [${t.shape.join(',')}]`);
    }
  });
  vars.forEach((v, i) => v.assign(values[i]));
}
