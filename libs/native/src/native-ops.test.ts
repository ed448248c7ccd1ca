import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import {
  getSurrogate,
  hasKernel,
  initBackend,
  nativeOpsInfo,
  setNativeOpsEnabled,
  SUGAR_ADAM_STEP,
  SUGAR_GELU,
  SUGAR_PACKED_DENSE,
  packedDense,
  sugarRelu,
  surrogateActivation,
  tf,
} from '@sugar-lab/core';
import { loadSurrogateReference } from './reference';

// CI builds the native kernels (g++, libopenblas-dev) and sets this, so these tests run there instead of skipping.
const REQUIRED = process.env.SUGAR_REQUIRE_NATIVE_OPS === '1';

async function nativeOrSkip(ctx: { skip: () => void }): Promise<boolean> {
  if ((await initBackend('tensorflow', { quiet: true })) !== 'tensorflow') {
    if (REQUIRED) throw new Error('SUGAR_REQUIRE_NATIVE_OPS=1 but the tensorflow backend does not load');
    console.warn('NOTE: the tensorflow backend does not load; the native kernels are not checked');
    ctx.skip();
    return false;
  }
  const info = nativeOpsInfo();
  if (!info?.loaded) {
    if (REQUIRED) throw new Error(`SUGAR_REQUIRE_NATIVE_OPS=1 but the native kernels are off: ${info?.reason}`);
    console.warn(`NOTE: native kernels not loaded (${info?.reason}); their checks are skipped`);
    ctx.skip();
    return false;
  }
  return true;
}

/** f() with the native kernels off: tfjs-node's own kernels (and sugar-lab's tfjs-op fallbacks). */
function withoutNative<T>(f: () => T): T {
  const prev = setNativeOpsEnabled(false);
  try {
    return f();
  } finally {
    setNativeOpsEnabled(prev);
  }
}

const bits = (a: Float32Array) => Array.from(new Uint32Array(a.buffer, a.byteOffset, a.length));

function seeded(n: number, seed: number, scale = 1): Float32Array {
  const v = new Float32Array(n);
  let s = seed >>> 0;
  for (let i = 0; i < n; i++) {
    s = (s * 1103515245 + 12345) >>> 0;
    v[i] = ((s / 2 ** 32) * 2 - 1) * scale;
  }
  return v;
}

/** a @ b in float64 (row-major, optional transposes, optional batch). */
function matmul64(a: Float32Array, as: number[], b: Float32Array, bs: number[], ta: boolean, tb: boolean): Float64Array {
  const r = as.length;
  const batch = r === 3 ? as[0] : 1;
  const m = ta ? as[r - 1] : as[r - 2];
  const k = ta ? as[r - 2] : as[r - 1];
  const n = tb ? bs[r - 2] : bs[r - 1];
  const out = new Float64Array(batch * m * n);
  for (let p = 0; p < batch; p++)
    for (let i = 0; i < m; i++)
      for (let j = 0; j < n; j++) {
        let acc = 0;
        for (let q = 0; q < k; q++) {
          const av = ta ? a[p * m * k + q * m + i] : a[p * m * k + i * k + q];
          const bv = tb ? b[p * k * n + j * k + q] : b[p * k * n + q * n + j];
          acc += av * bv;
        }
        out[p * m * n + i * n + j] = acc;
      }
  return out;
}

afterEach(() => {
  setNativeOpsEnabled(true);
});

afterAll(async () => {
  await initBackend('cpu', { quiet: true });
});

describe('native kernels (libs/native/kernels)', () => {
  it('load into the tensorflow backend and register every op', async (ctx) => {
    if (!(await nativeOrSkip(ctx))) return;
    expect(nativeOpsInfo()?.ops).toEqual([
      'SugarMatMul',
      'SugarBsiluGrad',
      'SugarNeluGrad',
      'SugarGelu',
      'SugarGeluGrad',
      'SugarAdam',
      'SugarPackedDense',
      'SugarPackedDenseGrad',
      'SugarProbeStats',
      'SugarSgd',
      'SugarMaxPoolGrad',
      'SugarColumnSum',
      'SugarBiasAdd',
      'SugarPackedMlpStep',
      'SugarPackedMlpForward',
    ]);
    // The BLAS build.mjs chose: SUGAR_BLAS's when it forced one.
    const blas = process.env.SUGAR_BLAS?.trim();
    expect(nativeOpsInfo()?.blas).toMatch(blas === 'eigen' ? /^Eigen / : blas === 'openblas' ? /^OpenBLAS / : /^(OpenBLAS|Eigen) /);
    expect(hasKernel(SUGAR_ADAM_STEP)).toBe(true);
    withoutNative(() => expect(hasKernel(SUGAR_ADAM_STEP)).toBe(false));
  });

  it('matMul through BLAS (OpenBLAS or Eigen): every transpose, batched, large and empty shapes, against float64', async (ctx) => {
    if (!(await nativeOrSkip(ctx))) return;
    const cases: [number[], number[], boolean, boolean][] = [
      [[5, 7], [7, 3], false, false],
      [[7, 5], [7, 3], true, false],
      [[5, 7], [3, 7], false, true],
      [[7, 5], [3, 7], true, true],
      [[3, 64, 24], [3, 24, 24], false, false],
      [[3, 24, 64], [3, 3, 24], true, true],
      [[256, 784], [784, 512], false, false],
      [[1, 1], [1, 1], false, false],
    ];
    for (const [as, bs, ta, tb] of cases) {
      const a = seeded(
        as.reduce((x, y) => x * y),
        7,
        2,
      );
      const b = seeded(
        bs.reduce((x, y) => x * y),
        11,
        2,
      );
      const before = tf.memory().numTensors;
      const got = tf.tidy(() => tf.matMul(tf.tensor(a, as), tf.tensor(b, bs), ta, tb).dataSync() as Float32Array);
      expect(tf.memory().numTensors).toBe(before);
      const want = matmul64(a, as, b, bs, ta, tb);
      const k = ta ? as[as.length - 2] : as[as.length - 1];
      // float32 products summed in any order: within k * eps * sum|a||b| (|a|,|b| <= 2).
      const tol = k * 1.2e-7 * 4;
      let worst = 0;
      for (let i = 0; i < want.length; i++) worst = Math.max(worst, Math.abs(got[i] - want[i]));
      expect(worst, `${JSON.stringify([as, bs, ta, tb])}`).toBeLessThanOrEqual(tol);
      expect(got.length).toBe(want.length);
    }
    // An empty inner dimension gives zeros; an empty outer one an empty result.
    expect(Array.from(tf.tidy(() => tf.matMul(tf.zeros([2, 0]), tf.zeros([0, 3])).dataSync()))).toEqual([0, 0, 0, 0, 0, 0]);
    expect(tf.tidy(() => tf.matMul(tf.zeros([0, 4]), tf.zeros([4, 3])).shape)).toEqual([0, 3]);
  });

  it("matMul shapes BLAS does not take (broadcast batch, int32) still give tfjs-node's results", async (ctx) => {
    if (!(await nativeOrSkip(ctx))) return;
    const run = () =>
      tf.tidy(() => [
        tf.matMul(tf.tensor(seeded(35, 3), [1, 5, 7]), tf.tensor(seeded(42, 5), [3, 7, 2])).dataSync() as Float32Array,
        tf.matMul(tf.tensor([[1, 2]], [1, 2], 'int32'), tf.tensor([[3], [4]], [2, 1], 'int32')).dataSync() as Int32Array,
      ]);
    const [f, i] = run();
    const [f0, i0] = withoutNative(run);
    expect(bits(f as Float32Array)).toEqual(bits(f0 as Float32Array));
    expect(Array.from(i)).toEqual(Array.from(i0));
    expect(Array.from(i)).toEqual([11]);
  });

  it("max pooling's gradient is tfjs-node's to the bit: tiled, overlapping and padded windows, ties and NaN", async (ctx) => {
    if (!(await nativeOrSkip(ctx))) return;
    expect(nativeOpsInfo()?.ops).toContain('SugarMaxPoolGrad');
    const cases: [number[], number, number, 'valid' | 'same'][] = [
      [[2, 8, 8, 5], 2, 2, 'valid'],
      [[3, 7, 9, 4], 3, 2, 'same'],
      [[2, 9, 9, 3], 3, 2, 'valid'],
      [[64, 16, 16, 64], 2, 2, 'valid'], // above the parallel threshold
    ];
    for (const [shape, size, stride, pad] of cases) {
      const n = shape.reduce((a, b) => a * b, 1);
      // Values on a coarse grid so windows hold ties; a few NaN.
      const x = seeded(n, 5).map((v, i) => (i % 97 === 0 ? NaN : Math.round(v * 4) / 4));
      const grad = () =>
        tf.tidy(() => {
          const xt = tf.tensor4d(x, shape as [number, number, number, number]);
          const dy = (y: tf.Tensor) => tf.tensor(seeded(y.size, 6), y.shape);
          return tf
            .grad((v: tf.Tensor) => {
              const y = tf.maxPool(v as tf.Tensor4D, size, stride, pad);
              return tf.sum(tf.mul(y, dy(y)));
            })(xt)
            .dataSync() as Float32Array;
        });
      expect(bits(grad()), `${shape.join('x')} ${size}/${stride} ${pad}`).toEqual(bits(withoutNative(grad)));
    }
  });

  it('bias add and its gradient sum: the add to the bit, the sum within float32 rounding of a float64 one', async (ctx) => {
    if (!(await nativeOrSkip(ctx))) return;
    for (const shape of [
      [64, 32, 32, 8],
      [300, 70],
    ]) {
      const n = shape.reduce((a, b) => a * b, 1);
      const c = shape[shape.length - 1];
      const x = seeded(n, 7, 3);
      const bias = seeded(c, 8);
      const add = () =>
        tf.tidy(() => tf.add(tf.tensor(x, shape), tf.reshape(tf.tensor1d(bias), [...shape.slice(1).map(() => 1), c])).dataSync() as Float32Array);
      expect(bits(add())).toEqual(bits(withoutNative(add)));
      const sum = tf.tidy(
        () =>
          tf
            .sum(
              tf.tensor(x, shape),
              shape.slice(0, -1).map((_, i) => i),
            )
            .dataSync() as Float32Array,
      );
      const want = new Float64Array(c);
      for (let i = 0; i < n; i++) want[i % c] += x[i];
      want.forEach((w, u) => expect(Math.abs(sum[u] - w), `column ${u}`).toBeLessThanOrEqual(1e-7 * Math.max(1, Math.abs(w)) * 4));
    }
  });

  it("SUGAR(bsilu)'s one-pass gradient agrees with the tfjs-op version: finite values within float32 rounding, specials alike", async (ctx) => {
    if (!(await nativeOrSkip(ctx))) return;
    expect(nativeOpsInfo()?.ops).toContain('SugarBsiluGrad');
    // Both sides of the parallel threshold (262144 elements), the kink, and the specials.
    for (const n of [4001, 300_000]) {
      const x = seeded(n, 1, 12);
      const dy = seeded(n, 2, 3);
      [-0, 0, NaN, Infinity, -Infinity, 3e38, -3e38, 1e-45, -1e-45, 1e-38, -87, -88, -90, 88, 89].forEach((v, i) => (x[i * 3] = v));
      for (const alpha of [1.67, 0.5]) {
        const s = getSurrogate('bsilu', { alpha });
        const grad = () =>
          tf.tidy(() => {
            const xt = tf.tensor1d(x);
            return tf
              .grad((v: tf.Tensor) => tf.sum(tf.mul(sugarRelu(v, s), tf.tensor1d(dy))))(xt)
              .dataSync() as Float32Array;
          });
        const got = grad();
        const want = withoutNative(grad);
        for (let i = 0; i < n; i++) {
          const what = `n=${n} alpha=${alpha} x=${x[i]} dy=${dy[i]}: got ${got[i]}, want ${want[i]}`;
          if (!Number.isFinite(want[i])) expect(Object.is(got[i], want[i]) || (Number.isNaN(got[i]) && Number.isNaN(want[i])), what).toBe(true);
          else expect(Math.abs(got[i] - want[i]), what).toBeLessThanOrEqual(1e-6 * Math.max(1, Math.abs(want[i]))); // ~8 ulps
        }
      }
    }
  });

  it("SUGAR(nelu)'s one-pass gradient is the tfjs-op version's to the bit, specials included, and second derivatives agree", async (ctx) => {
    if (!(await nativeOrSkip(ctx))) return;
    // The kernel name core routes SUGAR(nelu)'s gradient to (tensorflow-kernels.ts's SUGAR_NELU_GRAD).
    expect(hasKernel('SugarNeluGrad')).toBe(true);
    for (const n of [4001, 300_000]) {
      const x = seeded(n, 3, 6);
      const dy = seeded(n, 4, 3);
      [-0, 0, NaN, Infinity, -Infinity, 3e38, -3e38, 1e-45, -1e-45, 1e-38, 1e20, -1e20].forEach((v, i) => (x[i * 3] = v));
      for (const alpha of [0.01, 0.7]) {
        const s = getSurrogate('nelu', { alpha });
        const before = tf.memory().numTensors;
        const grad = () =>
          tf.tidy(
            () =>
              tf
                .grad((v: tf.Tensor) => tf.sum(tf.mul(sugarRelu(v, s), tf.tensor1d(dy))))(tf.tensor1d(x))
                .dataSync() as Float32Array,
          );
        expect(bits(grad()), `n=${n} alpha=${alpha}`).toEqual(bits(withoutNative(grad)));
        expect(tf.memory().numTensors).toBe(before);
      }
    }
    const s = getSurrogate('nelu', { alpha: 0.3 });
    const second = () =>
      tf.tidy(() => {
        const g = tf.grad((v: tf.Tensor) => tf.sum(tf.grad((u: tf.Tensor) => tf.sum(tf.mul(sugarRelu(u, s), u)))(v)));
        return g(tf.tensor1d([-3, -1, -0.2, 0.5, 2])).dataSync() as Float32Array;
      });
    const [got, want] = [second(), withoutNative(second)];
    want.forEach((w, i) => expect(got[i]).toBeCloseTo(w, 5));
  });

  it("packedDense: a pack's dense layer and its three gradients equal batched matmul + bias, shapes checked", async (ctx) => {
    if (!(await nativeOrSkip(ctx))) return;
    expect(hasKernel(SUGAR_PACKED_DENSE)).toBe(true);
    const [k, b, i, o] = [3, 16, 5, 4];
    const before = tf.memory().numTensors;
    tf.tidy(() => {
      const h = tf.tensor(seeded(k * b * i, 5), [k, b, i]);
      const w = tf.tensor(seeded(k * i * o, 6), [k, i * o]);
      const bias = tf.tensor(seeded(k * o, 7), [k, o]);
      const dy = tf.tensor(seeded(k * b * o, 8), [k, b, o]);
      const reference = (hh: tf.Tensor, ww: tf.Tensor, bb: tf.Tensor) => tf.add(tf.matMul(hh, tf.reshape(ww, [k, i, o])), tf.reshape(bb, [k, 1, o]));
      const loss = (f: typeof reference) => (hh: tf.Tensor, ww: tf.Tensor, bb: tf.Tensor) => tf.sum(tf.mul(f(hh, ww, bb), dy));
      const got = tf.valueAndGrads(loss(packedDense))([h, w, bias]);
      const want = withoutNative(() => tf.valueAndGrads(loss(reference))([h, w, bias]));
      expect(packedDense(h, w, bias).shape).toEqual([k, b, o]);
      [got.value, ...got.grads].forEach((g, n) => {
        const a = g.dataSync();
        const e = [want.value, ...want.grads][n].dataSync();
        expect(g.shape, `output ${n}`).toEqual([want.value, ...want.grads][n].shape);
        a.forEach((v, j) => expect(Math.abs(v - e[j]), `output ${n}[${j}]`).toBeLessThanOrEqual(1e-5 * Math.max(1, Math.abs(e[j]))));
      });
      expect(() => packedDense(h, tf.zeros([k, i * o + 1]), bias)).toThrow(/SugarPackedDense: expected h \[K, B, I\] and w \[K, I\*O\]/);
      expect(() => packedDense(h, w, tf.zeros([k + 1, o]))).toThrow(/another K/);
    });
    expect(tf.memory().numTensors).toBe(before);
  });

  it('GELU as a forward activation: one op each way, against PyTorch float64 and the tfjs ops, specials alike', async (ctx) => {
    if (!(await nativeOrSkip(ctx))) return;
    expect(hasKernel(SUGAR_GELU)).toBe(true);
    const ref = loadSurrogateReference().gelu;
    const run = (xs: Float32Array | number[], dys?: Float32Array) =>
      tf.tidy(() => {
        const xt = tf.tensor1d(xs);
        const w = dys ? tf.tensor1d(dys) : tf.onesLike(xt);
        const { value, grads } = tf.valueAndGrads((v: tf.Tensor) => tf.sum(tf.mul(surrogateActivation(v, 'gelu'), w)))([xt]);
        value.dispose();
        return [surrogateActivation(xt, 'gelu').dataSync() as Float32Array, grads[0].dataSync() as Float32Array];
      });
    const [y, g] = run(ref.x);
    ref.x.forEach((_, i) => {
      expect(Math.abs(y[i] - ref.value[i]), `gelu(${ref.x[i]})`).toBeLessThanOrEqual(5e-6 * Math.max(1, Math.abs(ref.value[i])));
      expect(Math.abs(g[i] - ref.grad[i]), `gelu'(${ref.x[i]})`).toBeLessThanOrEqual(5e-6 * Math.max(1, Math.abs(ref.grad[i])));
    });
    for (const n of [4001, 300_000]) {
      const x = seeded(n, 12, 6);
      const dy = seeded(n, 13, 2);
      [-0, 0, NaN, Infinity, -Infinity, 3e38, -3e38, 1e-45, -1e-45, 1e-38, -4, 4, -3.999].forEach((v, i) => (x[i * 3] = v));
      const got = run(x, dy);
      const want = withoutNative(() => run(x, dy));
      for (const part of [0, 1])
        for (let i = 0; i < n; i++) {
          const [a, e] = [got[part][i], want[part][i]];
          const what = `${part ? 'grad' : 'value'} n=${n} x=${x[i]}: got ${a}, want ${e}`;
          if (!Number.isFinite(e)) expect(Object.is(a, e) || (Number.isNaN(a) && Number.isNaN(e)), what).toBe(true);
          // x * (erf / 2 + 1 / 2) cancels for x << 0: both sides' erf rounding (~4e-7) is scaled by |x| there.
          else expect(Math.abs(a - e), what).toBeLessThanOrEqual(1e-6 * Math.max(1, Math.abs(e), Math.abs(x[i])));
        }
    }
    const second = () =>
      tf.tidy(
        () =>
          tf
            .grad((v: tf.Tensor) => tf.sum(tf.grad((u: tf.Tensor) => tf.sum(surrogateActivation(u, 'gelu')))(v)))(tf.tensor1d([-2, -0.5, 0, 0.7, 3]))
            .dataSync() as Float32Array,
      );
    const [s2, w2] = [second(), withoutNative(second)];
    w2.forEach((w, i) => expect(s2[i]).toBeCloseTo(w, 5));
  });

  it('leaves the forward pass of ReLU and SUGAR exactly tf.relu', async (ctx) => {
    if (!(await nativeOrSkip(ctx))) return;
    const x = seeded(5000, 9, 5);
    const [a, b, c] = tf.tidy(() =>
      [sugarRelu(tf.tensor1d(x), 'bsilu'), tf.relu(tf.tensor1d(x)), withoutNative(() => tf.relu(tf.tensor1d(x)))].map((t) => t.dataSync() as Float32Array),
    );
    expect(bits(a)).toEqual(bits(b));
    expect(bits(a)).toEqual(bits(c));
  });

  it('reports a disabled or broken build and falls back to tfjs-node kernels (fresh processes)', async (ctx) => {
    if (!(await nativeOrSkip(ctx))) return;
    const dist = require.resolve('@sugar-lab/core');
    if (!fs.existsSync(dist)) throw new Error(`build core first: ${dist} is missing`);
    const broken = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'sugar-ops-')), 'sugar-ops.node');
    fs.writeFileSync(broken, 'not a shared library');
    const code = `const c=require(${JSON.stringify(dist)});c.initBackend('tensorflow',{quiet:true}).then(()=>{const y=c.tf.matMul(c.tf.tensor2d([[1,2]]),c.tf.tensor2d([[3],[4]])).dataSync()[0];console.log(JSON.stringify({backend:c.tf.getBackend(),y,line:c.describeNativeOps()}))})`;
    for (const [value, expected] of [
      ['0', /native kernels: off \(disabled by SUGAR_OPS=0\)/],
      [broken, /native kernels: off \(.*sugar-ops\.node does not load/],
    ] as const) {
      const r = spawnSync(process.execPath, ['-e', code], { encoding: 'utf8', env: { ...process.env, SUGAR_OPS: value, TF_CPP_MIN_LOG_LEVEL: '3' } });
      expect(r.status, r.stderr).toBe(0);
      const out = JSON.parse(r.stdout.trim().split('\n').pop()!) as { backend: string; y: number; line: string };
      expect(out.backend).toBe('tensorflow');
      expect(out.y).toBe(11);
      expect(out.line).toMatch(expected);
    }
  });
});
