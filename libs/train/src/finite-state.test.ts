import { initBackend, tf, type BackendName } from '@sugar-lab/core';
import { buildModel } from '@sugar-lab/models';
import { afterAll, describe, expect, it } from 'vitest';
import { fit } from './fit';
import { fitPacked } from './packed-fit';
import type { TensorData } from './data';

afterAll(async () => {
  await initBackend('cpu', { quiet: true });
});

// One +Inf input: ReLU on wasm keeps the batch loss finite while the first kernel's gradient, and so the
// kernel, becomes non-finite (the loss alone called such a run 'completed', with 100% dead units).
function infData(): TensorData {
  const n = 256;
  const x = new Float32Array(n * 2).map((_, i) => Math.sin(i));
  x[10] = Infinity;
  return {
    train: {
      x: tf.tensor2d(x, [n, 2]),
      y: tf.tensor1d(
        Int32Array.from({ length: n }, (_, i) => i % 3),
        'int32',
      ),
    },
    numClasses: 3,
  };
}
const model = (seed: number) => buildModel('mlp', { activation: { kind: 'relu' }, inputShape: [2], numClasses: 3, seed, depth: 4, width: 16 });
const config = (seed: number) => ({ seed, epochs: 3, batchSize: 64, optimizer: { name: 'sgd' as const, lr: 0.1 }, progress: 'none' as const });

describe.each<BackendName>(['wasm', 'cpu'])('a run whose state stops being finite on %s', (backend) => {
  it('ends diverged, naming the tensor, the epoch and its steps; never completed', async () => {
    await initBackend(backend, { quiet: true });
    const data = infData();
    const models = [model(0), model(1), model(2)];
    try {
      const alone = await fit(models[0], data, config(0));
      expect(alone.status).toBe('diverged');
      expect(alone.error).toMatch(
        /^(loss became NaN at epoch 1, batch \d, step \d|weight 'dense\d*\/kernel' holds \d+ non-finite values? at the end of epoch 1 \(steps 1-4\))/,
      );
      const packed = await fitPacked(
        data,
        models.slice(1).map((m, i) => ({ model: m, config: config(i + 1) })),
      );
      expect(packed.map((r) => r.status)).toEqual(['diverged', 'diverged']);
    } finally {
      models.forEach((m) => m.dispose());
      tf.dispose([data.train.x, data.train.y]);
    }
  });
});
