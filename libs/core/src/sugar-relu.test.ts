import { afterAll, describe, expect, it } from 'vitest';
import { getSurrogate, initBackend, sugarRelu, surrogateActivation, tf, type Surrogate } from './index';
import { TEST_BACKENDS, useBackend } from './test-utils/backends';
import { loadSurrogateReference, referenceSurrogateName, type ReferenceEntry } from './test-utils/reference';

// float32 tolerance against float64 references: about 40 ulps of the larger of |value| and 1.
const TOL = 5e-6;

function close(got: ArrayLike<number>, want: number[], what: string, tol = TOL): void {
  let worst = 0;
  let at = -1;
  for (let i = 0; i < want.length; i++) {
    const err = Math.abs(got[i] - want[i]) / Math.max(1, Math.abs(want[i]));
    if (!(err <= worst)) [worst, at] = [err, i];
  }
  expect(worst, `${what}: worst error ${worst} at index ${at} (got ${got[at]}, want ${want[at]})`).toBeLessThanOrEqual(tol);
}

function gradOf(s: Surrogate, xs: number[], region?: 'all' | 'negative'): Float32Array {
  return tf.tidy(() => {
    const g = tf.grad((x: tf.Tensor) => sugarRelu(x, s, { region }))(tf.tensor1d(xs));
    return g.dataSync() as Float32Array;
  });
}

function randomSpecial(n: number, seed: number): Float32Array {
  const v = tf.tidy(() => tf.randomNormal([n], 0, 3, 'float32', seed).dataSync() as Float32Array).slice();
  const special = [-0, 0, NaN, -NaN, 3e38, -3e38, Infinity, -Infinity, 1e-45, -1e-45, 1e-38, -1e-38];
  special.forEach((x, i) => (v[i * 7] = x));
  return v;
}

function bits(a: Float32Array): Uint32Array {
  return new Uint32Array(a.buffer, a.byteOffset, a.length);
}

afterAll(async () => {
  await initBackend('cpu', { quiet: true });
});

// Read once at collection time: a missing reference fails the suite instead of skipping it.
const REFERENCE: Record<string, ReferenceEntry> | Error = (() => {
  try {
    return loadSurrogateReference();
  } catch (err) {
    return err as Error;
  }
})();

it('has the reference vectors (fails, never skips, when they are missing)', () => {
  if (REFERENCE instanceof Error) throw REFERENCE;
  expect(Object.keys(REFERENCE)).toEqual(expect.arrayContaining(['bsilu', 'bsilu@1.0', 'nelu', 'gelu', 'mish']));
});

describe.each(TEST_BACKENDS)('sugarRelu on %s', (backend) => {
  it('d/dx sum(sugarRelu(x, S)) and S.fn match the reference for every surrogate', async (ctx) => {
    if (await useBackend(backend)) return ctx.skip();
    if (REFERENCE instanceof Error) throw REFERENCE;
    for (const [key, ref] of Object.entries(REFERENCE)) {
      const s = getSurrogate(referenceSurrogateName(key), ref.params);
      close(gradOf(s, ref.x), ref.grad, `${backend} ${key} grad`);
      close(
        tf.tidy(() => s.fn(tf.tensor1d(ref.x)).dataSync()),
        ref.value,
        `${backend} ${key} value`,
      );
      // region 'negative': 1 for x > 0, f'(x) for x <= 0.
      close(
        gradOf(s, ref.x, 'negative'),
        ref.x.map((x, i) => (x > 0 ? 1 : ref.grad[i])),
        `${backend} ${key} negative`,
      );
    }
  });

  it('forward is bit-identical to tf.relu, including -0, huge values and NaN', async (ctx) => {
    if (await useBackend(backend)) return ctx.skip();
    const data = randomSpecial(997, 7);
    for (const name of ['bsilu', 'nelu', 'relu', 'gelu']) {
      const [got, want] = tf.tidy(() => {
        const x = tf.tensor1d(data);
        return [sugarRelu(x, { name }).dataSync(), tf.relu(x).dataSync()] as Float32Array[];
      });
      expect(bits(got)).toEqual(bits(want));
    }
    const shaped = tf.tidy(() => {
      const x = tf.tensor(data.subarray(0, 24), [2, 3, 4]);
      const y = sugarRelu(x, 'bsilu');
      return { shape: y.shape, dtype: y.dtype };
    });
    expect(shaped).toEqual({ shape: [2, 3, 4], dtype: 'float32' });
  });

  it('scales the upstream gradient and leaks no tensors', async (ctx) => {
    if (await useBackend(backend)) return ctx.skip();
    const s = getSurrogate('bsilu');
    const before = tf.memory().numTensors;
    const [got, want] = tf.tidy(() => {
      const x = tf.tensor2d([
        [-2, -0.5, 0],
        [0.5, 1, 3],
      ]);
      const w = tf.tensor2d([
        [1, 2, 3],
        [4, 5, 6],
      ]);
      const g = tf.grad((v: tf.Tensor) => tf.sum(tf.mul(sugarRelu(v, s), w)))(x);
      return [g.dataSync(), tf.mul(w, s.grad(x)).dataSync()];
    });
    expect(Array.from(got)).toEqual(Array.from(want));
    expect(tf.memory().numTensors).toBe(before);
  });

  it("surrogateActivation uses f forward and the closed-form f' backward", async (ctx) => {
    if (await useBackend(backend)) return ctx.skip();
    if (REFERENCE instanceof Error) throw REFERENCE;
    const ref = REFERENCE['bsilu'];
    const s = getSurrogate('bsilu', ref.params);
    const [y, g] = tf.tidy(() => {
      const x = tf.tensor1d(ref.x);
      const { value, grad } = tf.valueAndGrad((v: tf.Tensor) => tf.sum(surrogateActivation(v, s)))(x);
      return [surrogateActivation(x, s).dataSync(), grad.dataSync(), value];
    });
    close(y, ref.value, 'bsilu forward');
    close(g, ref.grad, 'bsilu forward grad');
  });
});

describe('sugarRelu arguments', () => {
  it('rejects bad surrogates and regions', () => {
    const x = tf.tensor1d([1]);
    expect(() => sugarRelu(x, 'bsiluu')).toThrow(/unknown surrogate 'bsiluu'/);
    expect(() => sugarRelu(x, { name: 'bsilu', alpha: -1 })).toThrow(/alpha must be > 0/);
    expect(() => sugarRelu(x, 'bsilu', { region: 'positive' as never })).toThrow(/region must be one of: all, negative; found "positive"/);
    x.dispose();
  });
});
