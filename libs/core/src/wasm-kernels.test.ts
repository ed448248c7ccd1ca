import { afterAll, describe, expect, it } from 'vitest';
import { initBackend, tf } from './index';
import { registerWasmConvGradKernels } from './wasm-kernels';
import { useBackend } from './test-utils/backends';

type Pad = 'same' | 'valid' | number;
interface Case {
  x: [number, number, number, number];
  f: [number, number, number, number];
  strides: number;
  pad: Pad;
}

function seeded(shape: number[], seed: number): tf.Tensor {
  return tf.randomUniform(shape, -1, 1, 'float32', seed);
}

// Gradients of sum(conv(x, f) * w) with respect to x and f, as plain arrays.
function convGrads(kind: 'conv2d' | 'depthwise', c: Case): { dx: number[]; df: number[] } {
  return tf.tidy(() => {
    const x = seeded(c.x, 1) as tf.Tensor4D;
    const f = seeded(c.f, 2) as tf.Tensor4D;
    const conv = (a: tf.Tensor4D, b: tf.Tensor4D) => (kind === 'conv2d' ? tf.conv2d(a, b, c.strides, c.pad) : tf.depthwiseConv2d(a, b, c.strides, c.pad));
    const w = seeded(conv(x, f).shape, 3);
    const [dx, df] = tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.mul(conv(a as tf.Tensor4D, b as tf.Tensor4D), w)))([x, f]);
    return { dx: Array.from(dx.dataSync()), df: Array.from(df.dataSync()) };
  });
}

const CONV: Case[] = [
  { x: [2, 7, 6, 3], f: [3, 3, 3, 4], strides: 1, pad: 'same' },
  { x: [2, 7, 6, 3], f: [3, 3, 3, 4], strides: 2, pad: 'same' },
  { x: [1, 8, 8, 2], f: [3, 2, 2, 5], strides: 2, pad: 'valid' },
  { x: [2, 5, 5, 2], f: [1, 1, 2, 3], strides: 1, pad: 'valid' },
  { x: [1, 6, 7, 2], f: [3, 3, 2, 2], strides: 1, pad: 1 },
  { x: [1, 9, 9, 1], f: [5, 5, 1, 2], strides: 3, pad: 'same' },
];
const DEPTHWISE: Case[] = [
  { x: [2, 7, 6, 3], f: [3, 3, 3, 1], strides: 1, pad: 'same' },
  { x: [2, 7, 6, 3], f: [3, 3, 3, 2], strides: 2, pad: 'same' },
  { x: [1, 8, 9, 2], f: [3, 2, 2, 3], strides: 2, pad: 'valid' },
  { x: [1, 6, 6, 2], f: [3, 3, 2, 2], strides: 1, pad: 1 },
];

async function onBackend<T>(name: 'cpu' | 'wasm', fn: () => T): Promise<T> {
  await initBackend(name, { quiet: true });
  return fn();
}

function expectClose(got: number[], want: number[], what: string): void {
  expect(got.length, what).toBe(want.length);
  const worst = Math.max(...want.map((w, i) => Math.abs(got[i] - w) / Math.max(1, Math.abs(w))));
  expect(worst, what).toBeLessThan(1e-5);
}

afterAll(async () => {
  await initBackend('cpu', { quiet: true });
});

describe('wasm convolution gradient kernels', () => {
  it('are registered by initBackend and registration is idempotent', async (ctx) => {
    if (await useBackend('wasm')) return ctx.skip();
    for (const k of ['Conv2DBackpropFilter', 'DepthwiseConv2dNativeBackpropFilter', 'DepthwiseConv2dNativeBackpropInput']) {
      expect(tf.getKernel(k, 'wasm'), k).toBeTruthy();
    }
    expect(registerWasmConvGradKernels()).toEqual([]);
  });

  it.each(CONV.map((c) => [JSON.stringify(c), c] as const))('conv2d grads match cpu: %s', async (_, c) => {
    if (await useBackend('wasm')) return;
    const want = await onBackend('cpu', () => convGrads('conv2d', c));
    const got = await onBackend('wasm', () => convGrads('conv2d', c));
    expectClose(got.df, want.df, 'dfilter');
    expectClose(got.dx, want.dx, 'dx');
  });

  it.each(DEPTHWISE.map((c) => [JSON.stringify(c), c] as const))('depthwise grads match cpu: %s', async (_, c) => {
    if (await useBackend('wasm')) return;
    const want = await onBackend('cpu', () => convGrads('depthwise', c));
    const got = await onBackend('wasm', () => convGrads('depthwise', c));
    expectClose(got.df, want.df, 'dfilter');
    expectClose(got.dx, want.dx, 'dx');
  });

  // tfjs' depthwise gradient refuses dilations > 1 (and cpu's backprop kernels ignore them), so
  // the reference is the undilated gradient for a filter with zeros inserted between its taps.
  it('dilated depthwise kernels match the zero-inserted filter gradient', async (ctx) => {
    if (await useBackend('wasm')) return ctx.skip();
    const [fh, fw, dh, dw] = [3, 2, 2, 3];
    const fVals = Array.from({ length: fh * fw * 2 * 2 }, (_, i) => Math.sin(i + 1));
    const dilated = (): tf.Tensor4D => {
      const b = tf.buffer([(fh - 1) * dh + 1, (fw - 1) * dw + 1, 2, 2]);
      for (let i = 0; i < fh; i++)
        for (let j = 0; j < fw; j++)
          for (let c = 0; c < 2; c++)
            for (let m = 0; m < 2; m++) {
              b.set(fVals[((i * fw + j) * 2 + c) * 2 + m], i * dh, j * dw, c, m);
            }
      return b.toTensor() as tf.Tensor4D;
    };
    const want = await onBackend('cpu', () =>
      tf.tidy(() => {
        const x = seeded([1, 9, 8, 2], 6) as tf.Tensor4D;
        const dy = seeded([1, 9, 8, 4], 8);
        const [dx, dfd] = tf.grads((a: tf.Tensor, f: tf.Tensor) => tf.sum(tf.mul(tf.depthwiseConv2d(a as tf.Tensor4D, f as tf.Tensor4D, 1, 'same'), dy)))([
          x,
          dilated(),
        ]);
        const full = dfd.arraySync() as number[][][][];
        const df: number[] = [];
        for (let i = 0; i < fh; i++) for (let j = 0; j < fw; j++) for (let c = 0; c < 2; c++) for (let m = 0; m < 2; m++) df.push(full[i * dh][j * dw][c][m]);
        return { df, dx: Array.from(dx.dataSync()) };
      }),
    );
    const got = await onBackend('wasm', () =>
      tf.tidy(() => {
        const x = seeded([1, 9, 8, 2], 6);
        const dy = seeded([1, 9, 8, 4], 8);
        const filter = tf.tensor4d(fVals, [fh, fw, 2, 2]);
        const attrs = { strides: [1, 1], dilations: [dh, dw], pad: 'same' };
        const run = (k: string, inputs: tf.NamedTensorMap, extra: object) =>
          Array.from(
            tf
              .engine()
              .runKernel<tf.Tensor>(k, inputs, { ...attrs, ...extra })
              .dataSync(),
          );
        return {
          df: run('DepthwiseConv2dNativeBackpropFilter', { x, dy }, { filterShape: filter.shape }),
          dx: run('DepthwiseConv2dNativeBackpropInput', { dy, filter }, { inputShape: x.shape }),
        };
      }),
    );
    expectClose(got.df, want.df, 'dfilter');
    expectClose(got.dx, want.dx, 'dx');
  });

  it('NCHW conv2d filter gradient matches the NHWC one', async (ctx) => {
    if (await useBackend('wasm')) return ctx.skip();
    const [nchw, nhwc] = tf.tidy(() => {
      const x = seeded([2, 3, 6, 5], 4) as tf.Tensor4D;
      const dy = seeded([2, 4, 3, 3], 5) as tf.Tensor4D;
      const run = (xx: tf.Tensor4D, d: tf.Tensor4D, fmt: 'NHWC' | 'NCHW') =>
        tf
          .engine()
          .runKernel<tf.Tensor>('Conv2DBackpropFilter', { x: xx, dy: d }, { strides: [2, 2], pad: 'same', dataFormat: fmt, filterShape: [3, 3, 3, 4] });
      return [run(x, dy, 'NCHW').dataSync(), run(tf.transpose(x, [0, 2, 3, 1]), tf.transpose(dy, [0, 2, 3, 1]), 'NHWC').dataSync()];
    });
    expectClose(Array.from(nchw), Array.from(nhwc), 'NCHW vs NHWC');
  });

  it('leaks no tensors', async (ctx) => {
    if (await useBackend('wasm')) return ctx.skip();
    const c = CONV[1];
    convGrads('conv2d', c);
    convGrads('depthwise', DEPTHWISE[1]);
    const before = tf.memory().numTensors;
    convGrads('conv2d', c);
    convGrads('depthwise', DEPTHWISE[1]);
    expect(tf.memory().numTensors).toBe(before);
  });
});
