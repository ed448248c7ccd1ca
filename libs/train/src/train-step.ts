import { tf } from '@sugar-lab/core';
import { correctCount, softmaxCrossEntropy } from './loss';
import type { Optimizer } from './optimizers';

/**
 * The batch's mean loss and how many of its rows the model got right.
 *
 * @internal plumbing between sugar-lab libraries (exported for them; not part of the documented API)
 */
export interface StepOutcome {
  loss: number;
  right: number;
}

/**
 * One optimizer step on a batch: forward, softmax cross-entropy, backward, update. The loss and the correct
 * count come back in one read (the only host sync of the step: fit needs the loss to stop a diverging run
 * at the batch where it diverged). A non-finite loss skips the update. `onGradients` sees the gradients
 * before the update (probes); they are freed after it.
 *
 * @param model the model to train
 * @param variables the variables the optimizer updates, in its order
 * @param optimizer the run's optimizer
 * @param xb the batch's inputs
 * @param yb its one-hot targets
 * @param lr the learning rate of this step
 * @param onGradients sees the gradients, keyed by variable name, before the update
 *
 * @internal plumbing between sugar-lab libraries (exported for them; not part of the documented API)
 */
export function trainStep(
  model: tf.LayersModel,
  variables: tf.Variable[],
  optimizer: Optimizer,
  xb: tf.Tensor,
  yb: tf.Tensor,
  lr: number,
  onGradients?: (grads: tf.NamedTensorMap) => void,
): StepOutcome {
  return tf.tidy(() => {
    let correct: tf.Scalar | undefined;
    const { value, grads } = tf.variableGrads(() => {
      const logits = model.apply(xb, { training: true }) as tf.Tensor;
      correct = tf.keep(correctCount(logits, yb));
      return softmaxCrossEntropy(logits, yb);
    }, variables);
    const [loss, right] = tf.stack([value, correct!]).dataSync();
    correct!.dispose();
    if (Number.isFinite(loss)) {
      onGradients?.(grads);
      optimizer.apply(grads, lr);
    }
    return { loss, right };
  });
}
