import { tf } from '@sugar-lab/core';

/** Labels as one-hot float32 [n, classes] (class indices are expanded). */
export function oneHotLabels(y: tf.Tensor, numClasses: number): tf.Tensor {
  return y.rank === 1 ? tf.oneHot(tf.cast(y, 'int32'), numClasses) : tf.cast(y, 'float32');
}

/** Mean softmax cross-entropy of logits [n, classes] against one-hot labels. */
export function softmaxCrossEntropy(logits: tf.Tensor, oneHot: tf.Tensor): tf.Scalar {
  return tf.tidy(() => tf.neg(tf.mean(tf.sum(tf.mul(oneHot, tf.logSoftmax(logits)), -1))) as tf.Scalar);
}

/** Number of rows whose arg-max logit is the labelled class (float32 scalar; ties go to the first). */
export function correctCount(logits: tf.Tensor, oneHot: tf.Tensor): tf.Scalar {
  return tf.tidy(() => tf.sum(tf.cast(tf.equal(tf.argMax(logits, -1), tf.argMax(oneHot, -1)), 'float32')) as tf.Scalar);
}
