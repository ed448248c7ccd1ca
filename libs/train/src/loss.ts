import { hasKernel, SUGAR_SOFTMAX_XENT, tf } from '@sugar-lab/core';

/** Labels as one-hot float32 [n, classes] (class indices are expanded). */
export function oneHotLabels(y: tf.Tensor, numClasses: number): tf.Tensor {
  return y.rank === 1 ? tf.oneHot(tf.cast(y, 'int32'), numClasses) : tf.cast(y, 'float32');
}

/**
 * Mean softmax cross-entropy of logits [n, classes] against labels whose rows sum to 1 (one-hot, any dtype). Its gradient is
 * written out, (softmax - labels) / n, rather than taken through log-softmax, mean and sum by autodiff (4 backward
 * kernels instead of ~12); on tensorflow the forward pass and that gradient are one native kernel.
 */
export function softmaxCrossEntropy(logits: tf.Tensor, labels: tf.Tensor): tf.Scalar {
  return tf.tidy(() => crossEntropy(logits, labels.dtype === 'float32' ? labels : tf.cast(labels, 'float32')));
}

function crossEntropy(logits: tf.Tensor, oneHot: tf.Tensor): tf.Scalar {
  const n = logits.shape[0] ?? 1;
  const op = tf.customGrad((z, save) => {
    if (hasKernel(SUGAR_SOFTMAX_XENT)) {
      const [rows, backprop] = tf.engine().runKernel<tf.Tensor[]>(SUGAR_SOFTMAX_XENT, { logits: z as tf.Tensor, labels: oneHot });
      (save as tf.GradSaveFunc)([backprop]);
      return { value: tf.mean(rows), gradFunc: (dy, [bp]) => tf.mul(bp, tf.div(dy, n)) };
    }
    const logp = tf.logSoftmax(z as tf.Tensor);
    // The labels are saved with the log-probabilities rather than closed over: a cast made inside
    // softmaxCrossEntropy's tidy is gone by the time the gradient runs, unless the engine keeps it for it.
    (save as tf.GradSaveFunc)([logp, oneHot]);
    return { value: tf.neg(tf.mean(tf.sum(tf.mul(oneHot, logp), -1))), gradFunc: (dy, [lp, y]) => tf.mul(tf.sub(tf.exp(lp), y), tf.div(dy, n)) };
  });
  return op(logits) as tf.Scalar;
}

/** Number of rows whose arg-max logit is the labelled class (float32 scalar; ties go to the first). */
export function correctCount(logits: tf.Tensor, oneHot: tf.Tensor): tf.Scalar {
  return tf.tidy(() => tf.sum<tf.Scalar>(tf.cast(tf.equal(tf.argMax(logits, -1), tf.argMax(oneHot, -1)), 'float32')));
}
