import { sugarize, tf } from '@sugar-lab/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { activationLayerNames, buildModel } from './index';
import { ACTIVATIONS, useCpu } from './test-utils/setup';

beforeAll(useCpu);

// How this package names activation positions; only the test reads it: positions are found by class.
const POSITION_NAME = /(^|_)act\d*$/;

const SMALL: [string, Record<string, unknown>, number[]][] = [
  ['mlp', { depth: 3, width: 4, batchNorm: true, dropout: 0.1 }, [2]],
  ['vgg11', { width: 0.125, head: 'mlp' }, [32, 32, 3]],
  ['resnet18', { width: 0.125 }, [8, 8, 3]],
  ['convnext-atto', { width: 0.1 }, [16, 16, 3]],
  ['vit-tiny', { width: 1 / 16, depth: 2 }, [8, 8, 3]],
  ['swin-tiny', { width: 0.125 }, [32, 32, 3]],
];

describe('activationLayerNames', () => {
  it.each(SMALL)('%s: every activation position, and only those, for every activation', (name, extra, shape) => {
    for (const [label, activation] of ACTIVATIONS) {
      const m = buildModel(name, { activation, inputShape: shape, numClasses: 3, seed: 0, ...extra } as never);
      const byName = m.layers.filter((l) => POSITION_NAME.test(l.name)).map((l) => l.name);
      expect(byName.length, `${name} ${label}`).toBeGreaterThan(0);
      expect(activationLayerNames(m), `${name} ${label}`).toEqual(byName);
      m.dispose();
    }
  });

  it('finds a Dense(relu), and the layer sugarize split out of it, which carry no position name', () => {
    const m = tf.sequential({
      layers: [tf.layers.dense({ inputShape: [3], units: 4, activation: 'relu', name: 'hidden' }), tf.layers.dense({ units: 2, name: 'out' })],
    });
    const s = sugarize(m, { name: 'bsilu' });
    expect(activationLayerNames(s)).toEqual(['hidden_sugar']);
    // Before sugarize the relu is fused into the dense layer: its position is that layer, as the probes tap it.
    expect(activationLayerNames(m)).toEqual(['hidden']);
    [m, s].forEach((x) => x.dispose());
  });
});
