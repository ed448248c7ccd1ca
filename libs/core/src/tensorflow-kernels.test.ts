import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getSurrogate, hasKernel, initBackend, setNativeOpsEnabled, sugarRelu, tf } from './index';
import { SUGAR_BSILU_GRAD, SUGAR_RELU_GRAD, TFJS_FUSED } from './tensorflow-kernels';
import { useBackend } from './test-utils/backends';

// Finite values, the specials, and values right at the kink.
function inputs(n: number): Float32Array {
  const v = new Float32Array(n);
  let s = 12345;
  for (let i = 0; i < n; i++) {
    s = (s * 1103515245 + 12345) >>> 0;
    v[i] = ((s / 2 ** 32) * 2 - 1) * 8;
  }
  [-0, 0, NaN, Infinity, -Infinity, 3e38, -3e38, 1e-45, -1e-45, 1e-38].forEach((x, i) => (v[i * 5] = x));
  return v;
}

const bits = (a: Float32Array) => Array.from(new Uint32Array(a.buffer, a.byteOffset, a.length));

// What tfjs-node's own Step kernel computed (with libtensorflow's comparisons: denormals count as 0 there).
function tfjsNodeStep(x: tf.Tensor, alpha: number): tf.Tensor {
  return tf.where(tf.isNaN(x), x, tf.where(tf.greater(x, tf.scalar(0)), tf.ones(x.shape), tf.fill(x.shape, alpha)));
}

// These are the routes through tfjs-node's own kernels, checked to the bit; sugar-lab's native kernels (BLAS
// matmul, one-pass B-SiLU gradient) sum and round differently and are checked in native-ops.test.ts.
beforeAll(() => {
  setNativeOpsEnabled(false);
});

afterAll(async () => {
  setNativeOpsEnabled(true);
  await initBackend('cpu', { quiet: true });
});

describe('tensorflow kernels', () => {
  const x = inputs(4001);
  const dy = inputs(4001).reverse();

  it("Step: bit-identical to tfjs-node's step (1 above 0, alpha at and below, NaN at NaN), for every alpha", async (ctx) => {
    if (await useBackend('tensorflow')) return ctx.skip();
    for (const alpha of [0, 0.01, 1.6732632423543772, -2]) {
      const [got, want] = tf.tidy(() => {
        const xt = tf.tensor1d(x);
        return [tf.step(xt, alpha).dataSync() as Float32Array, tfjsNodeStep(xt, alpha).dataSync() as Float32Array];
      });
      expect(bits(got)).toEqual(bits(want));
    }
  });

  it("ReLU's gradient runs as one native ReluGrad and equals dy * step(x) wherever x is a number", async (ctx) => {
    if (await useBackend('tensorflow')) return ctx.skip();
    expect(hasKernel(SUGAR_RELU_GRAD)).toBe(true);
    const [got, want] = tf.tidy(() => {
      const xt = tf.tensor1d(x);
      const w = tf.tensor1d(dy);
      const g = tf.grad((v: tf.Tensor) => tf.sum(tf.mul(tf.relu(v), w)))(xt);
      return [g.dataSync() as Float32Array, tf.mul(w, tfjsNodeStep(xt, 0)).dataSync() as Float32Array];
    });
    for (let i = 0; i < x.length; i++) {
      // ReluGrad gives 0 where x is NaN (tfjs: NaN; the forward value is NaN there already).
      if (Number.isNaN(x[i])) expect(got[i]).toBe(0);
      else expect(bits(got.subarray(i, i + 1)), `x=${x[i]} dy=${dy[i]}`).toEqual(bits(want.subarray(i, i + 1)));
    }
  });

  it("SUGAR(bsilu)'s gradient, one dispatch on tensorflow, is bit-identical to dy * bsilu'(x) there", async (ctx) => {
    if (await useBackend('tensorflow')) return ctx.skip();
    expect(hasKernel(SUGAR_BSILU_GRAD)).toBe(true);
    for (const alpha of [1.67, 0.5]) {
      const s = getSurrogate('bsilu', { alpha });
      const before = tf.memory().numTensors;
      const [got, want] = tf.tidy(() => {
        const xt = tf.tensor1d(x);
        const w = tf.tensor1d(dy);
        const g = tf.grad((v: tf.Tensor) => tf.sum(tf.mul(sugarRelu(v, s), w)))(xt);
        return [g.dataSync() as Float32Array, tf.mul(w, s.grad(xt)).dataSync() as Float32Array];
      });
      expect(bits(got)).toEqual(bits(want));
      expect(tf.memory().numTensors).toBe(before);
    }
  });

  it('leaks no tensors and keeps the forward pass of ReLU and SUGAR exactly tf.relu', async (ctx) => {
    if (await useBackend('tensorflow')) return ctx.skip();
    const before = tf.memory().numTensors;
    tf.tidy(() => {
      const xt = tf.tensor1d(x);
      expect(bits(sugarRelu(xt, 'bsilu').dataSync() as Float32Array)).toEqual(bits(tf.relu(xt).dataSync() as Float32Array));
      tf.grad((v: tf.Tensor) => tf.sum(tf.relu(v)))(xt).dataSync();
      tf.step(xt, 0.3).dataSync();
    });
    expect(tf.memory().numTensors).toBe(before);
  });

  it("dense and conv layers (fused ops routed to separate kernels) give tfjs's fused values and gradients, bit for bit", async (ctx) => {
    if (await useBackend('tensorflow')) return ctx.skip();
    const cases = [
      { a: [64, 24], b: [24, 24], conv: false },
      { a: [256, 784], b: [784, 512], conv: false },
      { a: [8, 12, 12, 3], b: [3, 3, 3, 16], conv: true },
    ];
    for (const c of cases) {
      const before = tf.memory().numTensors;
      const run = (op: typeof TFJS_FUSED) =>
        tf.tidy(() => {
          const a = tf.randomNormal(c.a, 0, 1, 'float32', 1);
          const b = tf.randomNormal(c.b, 0, 1, 'float32', 2);
          const bias = tf.randomNormal([c.b[c.b.length - 1]], 0, 1, 'float32', 3);
          const w = tf.randomNormal(c.conv ? [8, 12, 12, 16] : [c.a[0], c.b[1]], 0, 1, 'float32', 4);
          const f = (x: tf.Tensor, k: tf.Tensor, bb: tf.Tensor) =>
            tf.sum(
              tf.mul(
                c.conv ? op.conv2d({ x: x as tf.Tensor4D, filter: k as tf.Tensor4D, bias: bb, strides: 1, pad: 'same' }) : op.matMul({ a: x, b: k, bias: bb }),
                w,
              ),
            );
          const { value, grads } = tf.valueAndGrads(f)([a, b, bias]);
          return [value, ...grads].map((t) => t.dataSync() as Float32Array);
        });
      const got = run(tf.fused);
      const want = run(TFJS_FUSED);
      got.forEach((g, i) => expect(bits(g), `${JSON.stringify(c)} output ${i}`).toEqual(bits(want[i])));
      expect(tf.memory().numTensors).toBe(before);
    }
  });

  it('Reshape with cached shape handles: every dtype, -1, gradients, a bad shape refused, no tensor left behind', async (ctx) => {
    if (await useBackend('tensorflow')) return ctx.skip();
    const before = tf.memory().numTensors;
    tf.tidy(() => {
      for (let round = 0; round < 2; round++) {
        // The second round reuses the cached shape handles.
        const f = tf.reshape(tf.tensor1d(x.slice(0, 24)), [2, -1, 3]);
        expect(f.shape).toEqual([2, 4, 3]);
        expect(bits(f.dataSync() as Float32Array)).toEqual(bits(x.slice(0, 24)));
        expect(Array.from(tf.reshape(tf.tensor([1, 2, 3, 4], [2, 2], 'int32'), [4]).dataSync())).toEqual([1, 2, 3, 4]);
        expect(Array.from(tf.reshape(tf.tensor([true, false]), [2, 1]).dataSync())).toEqual([1, 0]);
        const g = tf.grad((v: tf.Tensor) => tf.sum(tf.mul(tf.reshape(v, [3, 2]), tf.tensor2d([1, 2, 3, 4, 5, 6], [3, 2]))))(tf.zeros([6]));
        expect(Array.from(g.dataSync())).toEqual([1, 2, 3, 4, 5, 6]);
      }
      expect(() => tf.reshape(tf.zeros([6]), [4])).toThrow();
    });
    expect(tf.memory().numTensors).toBe(before);
  });

  it("second derivatives through ReLU and SUGAR(bsilu) match the cpu backend's", async (ctx) => {
    const xs = Array.from(x.subarray(10, 400)).filter((v) => Number.isFinite(v) && Math.abs(v) > 1e-30);
    const second = (act: (t: tf.Tensor) => tf.Tensor) =>
      tf.tidy(() => {
        const xt = tf.tensor1d(xs);
        const v = tf.tensor1d(xs.map((_, i) => Math.cos(i)));
        const u = tf.tensor1d(xs.map((_, i) => Math.sin(i)));
        const g = (p: tf.Tensor, q: tf.Tensor) => tf.grad((a: tf.Tensor) => tf.sum(tf.mul(q, act(a))))(p);
        const dx = tf.grad((a: tf.Tensor) => tf.sum(tf.mul(u, g(a, v))))(xt);
        const dv = tf.grad((q: tf.Tensor) => tf.sum(tf.mul(u, g(xt, q))))(v);
        return [dx.dataSync() as Float32Array, dv.dataSync() as Float32Array];
      });
    for (const act of [(t: tf.Tensor) => tf.relu(t), (t: tf.Tensor) => sugarRelu(t, 'bsilu')]) {
      await initBackend('cpu', { quiet: true });
      const want = second(act);
      if (await useBackend('tensorflow')) return ctx.skip();
      const got = second(act);
      got.forEach((g, k) =>
        g.forEach((val, i) =>
          expect(Math.abs(val - want[k][i]), `${k ? 'd/dv' : 'd/dx'} at x=${xs[i]}`).toBeLessThan(1e-5 * Math.max(1, Math.abs(want[k][i]))),
        ),
      );
    }
  });
});
