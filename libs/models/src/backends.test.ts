import { initBackend, tf, type BackendName } from '@sugar-lab/core';
import { afterAll, describe, expect, it } from 'vitest';
import { buildModel } from './index';
import { SUGAR } from './test-utils/setup';

afterAll(() => initBackend('cpu', { quiet: true }));

// Initializers draw from a seeded JS generator, so a seed means the same weights on every
// backend; the forward pass then agrees to float32 round-off.
async function run(backend: BackendName) {
  if ((await initBackend(backend, { quiet: true })) !== backend) return undefined;
  const m = buildModel('resnet18', { activation: SUGAR, inputShape: [8, 8, 3], numClasses: 3, seed: 9, width: 0.125 });
  const out = tf.tidy(() => {
    const x = tf.randomNormal([2, 8, 8, 3], 0, 1, 'float32', 1);
    return { weights: m.getWeights().map((w) => Array.from(w.dataSync())), logits: (m.predict(x) as tf.Tensor).arraySync() as number[][] };
  });
  m.dispose();
  return out;
}

describe('backends', () => {
  it('the same seed gives the same weights and logits on cpu, wasm and tensorflow (where it loads)', async () => {
    const ref = (await run('cpu'))!;
    let compared = 0;
    for (const b of ['wasm', 'tensorflow'] as const) {
      const got = await run(b);
      if (!got) continue;
      compared++;
      expect(got.weights).toEqual(ref.weights);
      got.logits.flat().forEach((v, i) => expect(v).toBeCloseTo(ref.logits.flat()[i], 4));
    }
    expect(compared).toBeGreaterThan(0); // wasm ships with core, so at least it must run
  });
});
