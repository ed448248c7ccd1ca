import { describe, expect, it } from 'vitest';
import { closestName, didYouMean, editDistance } from './did-you-mean';

describe('did you mean', () => {
  it('counts a swapped pair of letters as one edit', () => {
    expect(editDistance('dropuot', 'dropout')).toBe(1);
    expect(editDistance('momentun', 'momentum')).toBe(1);
    expect(editDistance('', 'abc')).toBe(3);
    expect(editDistance('kitten', 'sitting')).toBe(3);
  });

  it('suggests the closest name for the typos people make', () => {
    expect(closestName('momentun', ['lr', 'momentum', 'nesterov'])).toBe('momentum');
    expect(closestName('minFactr', ['kind', 'minFactor'])).toBe('minFactor');
    expect(closestName('sise', ['enabled', 'size', 'batchSize'])).toBe('size');
    expect(closestName('normalise', ['normalize', 'augment'])).toBe('normalize');
    expect(closestName('lrr', ['lr', 'momentum'])).toBe('lr');
    expect(closestName('batchnorm', ['batchNorm', 'dropout'])).toBe('batchNorm');
    expect(closestName('testAcc', ['testLoss', 'testAccuracy', 'trainAccuracy'])).toBe('testAccuracy');
    expect(didYouMean('dropuot', ['depth', 'width', 'dropout'])).toBe("; did you mean 'dropout'?");
  });

  it('stays quiet when nothing is close', () => {
    expect(closestName('learningRate', ['lr', 'momentum'])).toBeUndefined();
    expect(didYouMean('zzz', ['lr'])).toBe('');
    expect(didYouMean(3, ['lr'])).toBe('');
  });
});
