import { describe, expect, it } from 'vitest';
import { describeValue } from './describe-value';
import { applyDefaults, describeOptions, optionIssues, optionRows, type OptionSchema } from './option-schema';

const schema: OptionSchema = {
  depth: { type: 'number', integer: true, min: 0, required: true },
  width: { type: 'number', integer: true, min: 1, default: 8, description: 'units per layer' },
  dropout: { type: 'number', min: 0, max: 1, exclusiveMax: true, default: 0 },
  head: { type: 'string', choices: ['linear', 'mlp'] },
  batchNorm: { type: 'boolean', default: false },
  limit: { type: 'object', options: { train: { type: 'number', integer: true, min: 1 } } },
};

const reasons = (v: unknown) => optionIssues(schema, v).map((i) => `${i.path.join('.')}: ${i.reason}`);

describe('option schemas', () => {
  it('accepts valid options', () => {
    expect(optionIssues(schema, { depth: 2, width: 4, dropout: 0.5, head: 'mlp', batchNorm: true, limit: { train: 10 } })).toEqual([]);
  });

  it('names unknown keys with a suggestion, at every level', () => {
    expect(reasons({ depth: 1, dropuot: 0.1 })).toEqual([
      "dropuot: unknown option 'dropuot'; known options: depth, width, dropout, head, batchNorm, limit; did you mean 'dropout'?",
    ]);
    expect(reasons({ depth: 1, limit: { trian: 5 } })).toEqual(["limit.trian: unknown option 'trian'; known options: train; did you mean 'train'?"]);
    expect(optionIssues({}, { x: 1 })[0].reason).toBe("unknown option 'x'; this takes no options");
  });

  it('says what was expected and what was found, NaN and strings included', () => {
    expect(reasons({ depth: 1, width: 0 })).toEqual(['width: must be an integer >= 1; found 0']);
    expect(reasons({ depth: 1, dropout: NaN })).toEqual(['dropout: must be a finite number in [0, 1); found NaN']);
    expect(reasons({ depth: 1, dropout: Infinity })).toEqual(['dropout: must be a finite number in [0, 1); found Infinity']);
    expect(reasons({ depth: 1, width: 'abc' })).toEqual(["width: must be an integer >= 1; found the string 'abc'"]);
    expect(reasons({ depth: 1, head: 'big' })).toEqual(["head: must be 'linear' or 'mlp'; found 'big'"]);
    expect(reasons({ depth: 1, batchNorm: 'yes' })).toEqual(["batchNorm: must be a boolean; found the string 'yes'"]);
    expect(reasons({})).toEqual(['depth: must be an integer >= 0; found undefined']);
    expect(reasons([1])).toEqual([': must be an object; found [1]']);
  });

  it('fills defaults and describes itself for help texts', () => {
    expect(applyDefaults(schema, { depth: 3 })).toEqual({ depth: 3, width: 8, dropout: 0, batchNorm: false });
    expect(describeOptions(schema)).toContain('width  an integer >= 1, default 8: units per layer');
    expect(describeOptions(schema)).toContain('  train  an integer >= 1');
    expect(optionRows(schema).map((r) => r.path.join('.'))).toEqual(['depth', 'width', 'dropout', 'head', 'batchNorm', 'limit', 'limit.train']);
    expect(optionRows(schema)[0]).toEqual({ path: ['depth'], expected: 'an integer >= 0', required: true });
    expect(optionRows(schema)[3]).toEqual({ path: ['head'], expected: "'linear' or 'mlp'", required: false });
  });

  it('describes values as they are, not as JSON shows them', () => {
    expect(describeValue(NaN)).toBe('NaN');
    expect(describeValue(-Infinity)).toBe('-Infinity');
    expect(describeValue('0.1', 'number')).toBe("the string '0.1'");
    expect(describeValue({ lr: NaN })).toBe('{"lr":"<NaN>"}');
    expect(describeValue(null)).toBe('null');
  });
});
