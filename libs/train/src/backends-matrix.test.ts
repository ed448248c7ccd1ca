// Every public training path on every backend, with both label forms TensorData documents: class indices and one-hot.
import { initBackend, tf, type BackendName } from '@sugar-lab/core';
import { loadDataset } from '@sugar-lab/datasets';
import { buildModel } from '@sugar-lab/models';
import { afterAll, describe, expect, it } from 'vitest';
import { resolveTrainConfig } from './config';
import { dataSource, type TensorData } from './data';
import { evaluate } from './evaluate';
import { fit } from './fit';
import { withoutTiming, type FitResult } from './metrics';
import { fitPacked } from './packed-fit';
import { BASE_CONFIG } from './test-utils/fixture';

afterAll(async () => {
  await initBackend('cpu', { quiet: true });
});

const relu = { kind: 'relu' } as const;
const bsilu = { kind: 'sugar', surrogate: { name: 'bsilu' } } as const;
const model = (seed: number, activation: typeof relu | typeof bsilu = relu) =>
  buildModel('mlp', { activation, inputShape: [2], numClasses: 3, seed, depth: 3, width: 16 });

/** The spirals as tensors, labels as class indices (int32 [n]) or one-hot (float32 [n, 3]). */
async function tensors(form: 'index' | 'onehot'): Promise<TensorData> {
  const ds = await loadDataset('spirals', { nTrain: 128, nTest: 64, seed: 1 });
  const split = (s: { x: ArrayLike<number>; y: ArrayLike<number> }, n: number) => {
    const labels = Array.from(s.y);
    const y = form === 'index' ? tf.tensor1d(labels, 'int32') : tf.tidy(() => tf.oneHot(tf.tensor1d(labels, 'int32'), 3).toFloat());
    return { x: tf.tensor2d(Array.from(s.x), [n, 2]), y };
  };
  return { train: split(ds.train, 128), test: split(ds.test, 64), numClasses: 3 };
}
const disposeData = (d: TensorData) => tf.dispose([d.train.x, d.train.y, d.test!.x, d.test!.y]);
const config = { ...BASE_CONFIG, epochs: 2 };
const records = (r: FitResult) => r.epochs.map(withoutTiming);

describe.each<BackendName>(['cpu', 'wasm', 'tensorflow'])('on %s', (backend) => {
  it('fit, fitPacked, evaluate and the probes take class indices and one-hot labels alike', async () => {
    if ((await initBackend(backend, { quiet: true })) !== backend) {
      // tensorflow loads wherever native setup built it; CI requires it (SUGAR_REQUIRE_NATIVE_OPS).
      expect(process.env.SUGAR_REQUIRE_NATIVE_OPS === '1' ? backend : 'absent').toBe('absent');
      return;
    }
    const before = tf.memory().numTensors;
    const got: Record<string, { fit: FitResult; packed: FitResult[]; evalAcc: number }> = {};
    for (const form of ['index', 'onehot'] as const) {
      const data = await tensors(form);
      const m = model(0);
      const pm = [model(0), model(1, bsilu)];
      try {
        const one = await fit(m, data, config);
        expect(one.status, `${form}: ${one.error ?? ''}`).toBe('completed');
        expect(one.final!.probes!.layers.length).toBe(3);
        const packed = await fitPacked(
          data,
          pm.map((model, i) => ({ model, config: { ...config, seed: i } })),
        );
        expect(packed.map((r) => r.status)).toEqual(['completed', 'completed']);
        const evalAcc = evaluate(m, dataSource(data, resolveTrainConfig(config).data, 0, 3), 'test').accuracy;
        got[form] = { fit: one, packed, evalAcc };
      } finally {
        [m, ...pm].forEach((x) => x.dispose());
        disposeData(data);
      }
    }
    // The same numbers whichever way the labels come.
    expect(records(got.index.fit)).toEqual(records(got.onehot.fit));
    expect(got.index.packed.map(records)).toEqual(got.onehot.packed.map(records));
    expect(got.index.evalAcc).toBe(got.onehot.evalAcc);
    expect(got.index.evalAcc).toBe(got.index.fit.final!.evalAcc);
    expect(tf.memory().numTensors).toBe(before);
  }, 60_000);
});
