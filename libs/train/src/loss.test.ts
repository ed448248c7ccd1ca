import { initBackend, tf, type BackendName } from '@sugar-lab/core';
import { afterAll, describe, expect, it } from 'vitest';
import { correctCount, softmaxCrossEntropy } from './loss';

// Logits spread wide enough that a naive exp would overflow, one-hot labels.
function problem(n: number, c: number): { logits: number[][]; labels: number[][] } {
  let s = 7;
  const rnd = () => ((s = (s * 1103515245 + 12345) >>> 0) / 2 ** 32) * 2 - 1;
  const logits = Array.from({ length: n }, (_, i) => Array.from({ length: c }, () => rnd() * (i === 0 ? 90 : 6)));
  const labels = Array.from({ length: n }, (_, i) => Array.from({ length: c }, (_, k) => (k === (i * 5) % c ? 1 : 0)));
  return { logits, labels };
}

/** Loss and gradient in float64: mean_i -log softmax(z_i)[y_i], d/dz = (softmax - y) / n. */
function reference(logits: number[][], labels: number[][]): { loss: number; grad: number[] } {
  const n = logits.length;
  let loss = 0;
  const grad: number[] = [];
  logits.forEach((z, i) => {
    const m = Math.max(...z);
    const e = z.map((v) => Math.exp(v - m));
    const sum = e.reduce((a, b) => a + b, 0);
    z.forEach((v, k) => {
      loss -= (labels[i][k] * (v - m - Math.log(sum))) / n;
      grad.push((e[k] / sum - labels[i][k]) / n);
    });
  });
  return { loss, grad };
}

afterAll(async () => {
  await initBackend('cpu', { quiet: true });
});

describe('softmaxCrossEntropy', () => {
  for (const backend of ['cpu', 'wasm', 'tensorflow'] as BackendName[]) {
    it(`matches the float64 loss and gradient (softmax - labels) / n on ${backend}, leaking nothing`, async (ctx) => {
      if ((await initBackend(backend, { quiet: true })) !== backend) return ctx.skip();
      for (const [n, c] of [
        [64, 3],
        [256, 10],
        [1, 5],
      ]) {
        const { logits, labels } = problem(n, c);
        const want = reference(logits, labels);
        const before = tf.memory().numTensors;
        const init = tf.tensor2d(logits);
        const z = tf.variable(init);
        init.dispose();
        const [loss, grad, right] = tf.tidy(() => {
          const y = tf.tensor2d(labels);
          const { value, grads } = tf.variableGrads(() => softmaxCrossEntropy(z, y), [z]);
          // int32 one-hot labels (tf.oneHot's dtype) give the same numbers
          const asInt = softmaxCrossEntropy(z, tf.cast(y, 'int32')).dataSync()[0];
          expect(asInt).toBe(value.dataSync()[0]);
          return [value.dataSync()[0], grads[z.name].dataSync() as Float32Array, correctCount(z, y).dataSync()[0]];
        });
        z.dispose();
        expect(tf.memory().numTensors).toBe(before);
        expect(Math.abs(loss - want.loss) / Math.max(1, want.loss)).toBeLessThan(2e-6);
        grad.forEach((g, i) => expect(Math.abs(g - want.grad[i]), `n=${n} c=${c} [${i}]`).toBeLessThan(1e-7 + 1e-6 * Math.abs(want.grad[i])));
        const argmax = logits.map((z) => z.indexOf(Math.max(...z)));
        expect(right).toBe(argmax.filter((k, i) => labels[i][k] === 1).length);
      }
    });
  }
});
