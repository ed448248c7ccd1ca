import { ActivationSpecError } from '@sugar-lab/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildModel, ModelConfigError } from './index';
import { RELU, useCpu } from './test-utils/setup';

beforeAll(useCpu);

const base = { activation: RELU, inputShape: [8, 8, 3], numClasses: 10, seed: 0 };

describe('option checks', () => {
  it('names the model, the option, what was expected and what was found', () => {
    expect(() => buildModel('mlp', { ...base, depth: -1, width: 4 })).toThrow("mlp: option 'depth' must be an integer >= 0; found -1");
    expect(() => buildModel('mlp', { ...base, depth: 1, width: 4, dropout: 1 })).toThrow(/'dropout' must be a number in \[0, 1\); found 1/);
    expect(() => buildModel('resnet18', { ...base, inputShape: [8, 8] })).toThrow(/'inputShape' must be rank 3/);
    expect(() => buildModel('resnet18', { ...base, width: 0 })).toThrow(ModelConfigError);
    expect(() => buildModel('resnet18', { ...base, numClasses: 0 })).toThrow(/'numClasses' must be an integer >= 1; found 0/);
    expect(() => buildModel('resnet18', { ...base, seed: 0.5 })).toThrow(/'seed' must be an integer/);
    expect(() => buildModel('vgg11', base)).toThrow("vgg11: option 'inputShape' must be height and width >= 32 (five 2x2 max-pools); found [8,8,3]");
    expect(() => buildModel('vgg11', { ...base, inputShape: [32, 32, 3], head: 'big' as never })).toThrow(/'head' must be 'linear' or 'mlp'/);
  });

  it('rejects unknown options with a suggestion, and says NaN and strings as they are', () => {
    expect(() => buildModel('mlp', { ...base, depth: 1, width: 4, dropuot: 0.1 } as never)).toThrow(
      /^mlp: unknown option 'dropuot'; known options: depth, width, batchNorm, dropout; did you mean 'dropout'\?$/,
    );
    expect(() => buildModel('resnet18', { ...base, widht: 2 } as never)).toThrow(/did you mean 'width'\?/);
    expect(() => buildModel('mlp', { ...base, depth: 1, width: NaN })).toThrow("mlp: option 'width' must be an integer >= 1; found NaN");
    expect(() => buildModel('mlp', { ...base, depth: 1, width: '4' as never })).toThrow("mlp: option 'width' must be an integer >= 1; found the string '4'");
    expect(() => buildModel('vgg11', { ...base, inputShape: [32, 32, 3], dropout: Infinity })).toThrow(
      "vgg11: option 'dropout' must be a finite number in [0, 1); found Infinity",
    );
    try {
      buildModel('mlp', { ...base, depth: 1, width: 0 });
    } catch (err) {
      expect(err).toMatchObject({ path: 'width', reason: 'must be an integer >= 1; found 0' });
    }
  });

  it('checks the activation spec with core, naming its path', () => {
    const bad = { kind: 'sugar', surrogate: { name: 'nope' } };
    expect(() => buildModel('resnet18', { ...base, activation: bad })).toThrow(ActivationSpecError);
    expect(() => buildModel('resnet18', { ...base, activation: bad })).toThrow(/activation\.surrogate/);
  });
});
