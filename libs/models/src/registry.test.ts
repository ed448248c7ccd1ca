import { tf } from '@sugar-lab/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { optionIssues } from '@sugar-lab/core';
import { buildModel, DuplicateModelError, getModelInfo, listModels, modelOptions, registerModel, UnknownModelError } from './index';
import { mlp } from './mlp';
import { RELU, useCpu } from './test-utils/setup';

beforeAll(useCpu);

describe('model registry', () => {
  it('lists the built-in models', () => {
    expect(listModels()).toEqual(expect.arrayContaining(['mlp', 'resnet18', 'resnet34', 'vgg11', 'vgg13', 'vgg16']));
    expect(getModelInfo('resnet18')).toMatchObject({ name: 'resnet18', family: 'resnet' });
    expect(getModelInfo('vgg13').family).toBe('vgg');
  });

  it('gives every model the library registers its option schema, in the shared shape', () => {
    const builtin = listModels();
    for (const name of builtin) expect(modelOptions(name), `${name} declares no option schema`).toBeDefined();
    expect(getModelInfo('mlp').options).toMatchObject({ depth: { type: 'number', required: true }, width: { type: 'number', integer: true, min: 1 } });
    expect(optionIssues(modelOptions('vgg16')!, { head: 'mlp', width: 0.5 })).toEqual([]);
    expect(optionIssues(modelOptions('resnet18')!, { width: 0 })[0].reason).toBe('must be a number > 0; found 0');
  });

  it('names the known models when asked for an unknown one', () => {
    expect(() => buildModel('resnet50', { activation: RELU, inputShape: [8], numClasses: 2, seed: 0 })).toThrow(UnknownModelError);
    expect(() => getModelInfo('nope')).toThrow(/unknown model 'nope'; expected one of: .*resnet18/);
    expect(() => getModelInfo('resnet19')).toThrow(/did you mean 'resnet18'\?/);
  });

  it('registers a custom model, refuses a duplicate, replaces with override', () => {
    const build = (o: Parameters<typeof mlp>[0], name: string) => mlp({ ...o, depth: 1, width: 3 }, name);
    registerModel('tiny-mlp', { family: 'mlp', description: 'one hidden layer of 3', build });
    expect(() => registerModel('tiny-mlp', { family: 'mlp', description: 'again', build })).toThrow(DuplicateModelError);
    registerModel('tiny-mlp', { family: 'mlp', description: 'replaced', build }, { override: true });
    expect(getModelInfo('tiny-mlp').description).toBe('replaced');

    const m = buildModel('tiny-mlp', { activation: RELU, inputShape: [4], numClasses: 2, seed: 0 } as never);
    expect(m.name).toBe('tiny-mlp');
    expect(m).toBeInstanceOf(tf.LayersModel);
    expect(m.getLayer('dense1').outputShape).toEqual([null, 3]);
    m.dispose();
  });

  it('uses opts.name for the model name', () => {
    const m = buildModel('mlp', { activation: RELU, inputShape: [4], numClasses: 2, seed: 0, depth: 1, width: 2, name: 'probe' });
    expect(m.name).toBe('probe');
    m.dispose();
  });
});
