import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { initBackend, tf, type ActivationSpec } from '@sugar-lab/core';
import { loadDataset } from '@sugar-lab/datasets';
import { buildModel } from '@sugar-lab/models';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fit } from './fit';
import { withoutTiming } from './metrics';
import { planUnit, type PackMember } from './pack-policy';
import { BASE_CONFIG, maxRelDiff } from './test-utils/fixture';
import { trainUnit } from './train-unit';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'sugar-unit-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

const mlp = (activation: ActivationSpec, seed: number, extra: Record<string, unknown> = {}) =>
  buildModel('mlp', { activation, inputShape: [2], numClasses: 3, seed, depth: 3, width: 16, ...extra });
const member = (model: tf.LayersModel, seed: number): PackMember => ({ model, config: { ...BASE_CONFIG, seed, epochs: 2 }, options: { fused: false } });

describe('planUnit: the one place that decides how runs train together', () => {
  let prev: string;
  beforeAll(async () => {
    prev = tf.getBackend();
    await initBackend('wasm', { quiet: true });
  });
  afterAll(async () => {
    await initBackend(prev as 'cpu', { quiet: true });
  });

  it('packs small MLPs on wasm, trains wide ones, other models and the cpu backend one after another, and says why', () => {
    const relu = { kind: 'relu' } as const;
    const small = [mlp(relu, 0), mlp(relu, 1)];
    const wide = [mlp(relu, 0, { width: 64 }), mlp(relu, 1, { width: 64 })];
    const bn = [mlp(relu, 0, { batchNorm: true }), mlp(relu, 1, { batchNorm: true })];
    try {
      expect(planUnit(small.map(member), 'auto')).toMatchObject({ packed: true, how: '2 runs as one pack (stacked)' });
      expect(planUnit(small.map(member), 'auto', 'cpu')).toMatchObject({
        packed: false,
        how: '2 runs one after another: stacking anything does not pay on cpu',
      });
      expect(planUnit(wide.map(member), 'auto')).toMatchObject({ packed: false, how: expect.stringMatching(/layers wider than 32 does not pay on wasm/) });
      expect(planUnit(bn.map(member), 'auto')).toMatchObject({ packed: false, how: expect.stringMatching(/one after another: .*has non-trainable weights/) });
      expect(() => planUnit(bn.map(member), 'always')).toThrow(/non-trainable weights/);
      expect(planUnit([member(small[0], 0)], 'auto')).toMatchObject({ packed: false, how: 'alone', plans: [undefined] });
    } finally {
      [...small, ...wide, ...bn].forEach((m) => m.dispose());
    }
  });

  it('a unit trained one after another gives each run what fit gives it alone', async () => {
    const data = await loadDataset('spirals', { nTrain: 96, nTest: 48, seed: 1 });
    const acts: ActivationSpec[] = [{ kind: 'relu' }, { kind: 'sugar', surrogate: { name: 'bsilu' } }];
    const models = acts.map((a, i) => mlp(a, i, { batchNorm: true }));
    const alone = acts.map((a, i) => mlp(a, i, { batchNorm: true }));
    try {
      let how = '';
      const got = await trainUnit(
        data,
        models.map((m, i) => member(m, i)),
        { onPlan: (h) => (how = h) },
      );
      expect(how).toMatch(/^2 runs one after another/);
      for (const [i, m] of alone.entries()) {
        const want = await fit(m, data, member(m, i).config, { fused: false });
        expect(got[i].status).toBe('completed');
        expect(maxRelDiff(got[i].epochs.map(withoutTiming), want.epochs.map(withoutTiming))).toBe(0);
      }
    } finally {
      [...models, ...alone].forEach((m) => m.dispose());
    }
  });
});
