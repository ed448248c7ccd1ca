import { beforeAll, describe, expect, it } from 'vitest';
import { buildModel, modelSummary } from './index';
import { RELU, useCpu } from './test-utils/setup';

beforeAll(useCpu);

describe('modelSummary', () => {
  it('tabulates name, class, output shape and params, with totals', () => {
    const m = buildModel('mlp', { activation: RELU, inputShape: [5], numClasses: 2, seed: 0, depth: 1, width: 3, batchNorm: true, name: 'tiny' });
    const lines = modelSummary(m).split('\n');
    expect(lines[0]).toBe('model tiny: 5 layers');
    expect(lines[1].split(/\s+/)).toEqual(['layer', 'class', 'output', 'params']);
    const rows = lines.slice(3, -1).map((l) => l.trim().split(/\s+/));
    expect(rows).toEqual([
      ['input', 'InputLayer', '[b,5]', '0'],
      ['dense1', 'Dense', '[b,3]', '15'],
      ['bn1', 'BatchNormalization', '[b,3]', '12'],
      ['act1', 'ReLU', '[b,3]', '0'],
      ['fc', 'Dense', '[b,2]', '8'],
    ]);
    expect(lines[lines.length - 1]).toBe('params: 35 total, 29 trainable, 6 non-trainable');
    m.dispose();
  });
});
