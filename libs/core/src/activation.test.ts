import { describe, expect, it } from 'vitest';
import { ActivationSpecError, canonicalActivation, parseActivation, resolveActivation, validateActivation, type ActivationSpec } from './index';

describe('canonicalActivation / parseActivation', () => {
  const cases: [ActivationSpec, string][] = [
    [{ kind: 'relu' }, 'relu'],
    [{ kind: 'sugar', surrogate: { name: 'bsilu', alpha: 1.67 } }, 'sugar(bsilu,alpha=1.67)'],
    [{ kind: 'sugar', surrogate: { name: 'bsilu' } }, 'sugar(bsilu,alpha=1.67)'],
    [{ kind: 'sugar', surrogate: { name: 'nelu', alpha: 0.01 }, region: 'negative' }, 'sugar(nelu,alpha=0.01,region=negative)'],
    [{ kind: 'sugar', surrogate: { name: 'nelu', alpha: 0.01 }, region: 'all' }, 'sugar(nelu,alpha=0.01)'],
    [{ kind: 'sugar', surrogate: { name: 'gelu' } }, 'sugar(gelu)'],
    [{ kind: 'gelu' }, 'gelu'],
    [{ kind: 'bsilu', alpha: 1.67 }, 'bsilu(alpha=1.67)'],
    [{ kind: 'elu' }, 'elu(alpha=1)'],
    [{ kind: 'leakyRelu', alpha: 1e-7 }, 'leakyRelu(alpha=1e-7)'],
  ];

  it.each(cases)('%j -> %s', (spec, text) => {
    expect(canonicalActivation(spec)).toBe(text);
    // The parsed string has the same canonical form (parse is the inverse up to defaults).
    expect(canonicalActivation(parseActivation(text))).toBe(text);
  });

  it('parses to plain specs', () => {
    expect(parseActivation('relu')).toEqual({ kind: 'relu' });
    expect(parseActivation('sugar(bsilu,alpha=1.67)')).toEqual({ kind: 'sugar', surrogate: { name: 'bsilu', alpha: 1.67 } });
    expect(parseActivation(' sugar( nelu , alpha=0.1 , region=negative ) ')).toEqual({
      kind: 'sugar',
      surrogate: { name: 'nelu', alpha: 0.1 },
      region: 'negative',
    });
    expect(parseActivation('gelu')).toEqual({ kind: 'gelu' });
    expect(parseActivation('bsilu(alpha=2)')).toEqual({ kind: 'bsilu', alpha: 2 });
  });

  it('rejects malformed strings with what it expected', () => {
    expect(() => parseActivation('sugar(bsiluu)')).toThrow(/unknown surrogate 'bsiluu'; expected one of: relu, bsilu/);
    expect(() => parseActivation('sugar(bsilu,alpha=abc)')).toThrow(/alpha must be a finite number; found 'abc'/);
    expect(() => parseActivation('sugar(bsilu,region=up)')).toThrow(/region: expected one of: all, negative; found 'up'/);
    expect(() => parseActivation('sugar(alpha=1)')).toThrow(/takes the surrogate name first/);
    expect(() => parseActivation('relu(alpha=1)')).toThrow(/unknown key for kind 'relu'/);
    expect(() => parseActivation('bsilu(1.67)')).toThrow(/only key=value arguments/);
    expect(() => parseActivation('gelu(')).toThrow(/expected 'relu', 'sugar\(NAME,k=v,...\)'/);
    expect(() => parseActivation('')).toThrow(ActivationSpecError);
  });
});

describe('validateActivation', () => {
  it('accepts valid specs and returns them', () => {
    const spec: ActivationSpec = { kind: 'sugar', surrogate: { name: 'elu', alpha: 0.5 } };
    expect(validateActivation(spec)).toBe(spec);
    expect(resolveActivation({ kind: 'mish' })).toMatchObject({ kind: 'forward' });
  });

  it('names the path, the expectation and the value found', () => {
    expect(() => validateActivation(null as never)).toThrow(/activation: expected an object \{ kind, ... \}; found null/);
    expect(() => validateActivation({} as never)).toThrow(/activation.kind: expected 'relu', 'sugar' or a surrogate name/);
    expect(() => validateActivation({ kind: 'swish' })).toThrow(/found 'swish'/);
    expect(() => validateActivation({ kind: 'sugar' } as never)).toThrow(/activation.surrogate: expected \{ name, alpha\? \}; found undefined/);
    expect(() => validateActivation({ kind: 'sugar', surrogate: { name: 'bsilu', alpha: -1 } })).toThrow(
      /activation.surrogate: surrogate 'bsilu': parameter alpha must be > 0; found value -1/,
    );
    expect(() => validateActivation({ kind: 'sugar', surrogate: { name: 'bsilu', alpha: NaN } })).toThrow(/finite number; found value NaN/);
    expect(() => validateActivation({ kind: 'sugar', surrogate: { name: 'bsilu' }, region: 'x' } as never)).toThrow(/activation.region/);
    expect(() => validateActivation({ kind: 'sugar', surrogate: { name: 'bsilu' }, extra: 1 } as never)).toThrow(
      /activation.extra: unknown key for kind 'sugar'; expected only surrogate, region/,
    );
    expect(() => validateActivation({ kind: 'gelu', alpha: 1 })).toThrow(/unknown parameter 'alpha'; expected no parameters/);
    expect(() => validateActivation({ kind: 'relu' }, 'spec.model.activation')).not.toThrow();
    expect(() => validateActivation({ kind: 'nope' }, 'spec.model.activation')).toThrow(/^spec.model.activation.kind/);
  });
  it('carries the offending key as a path, and suggests close names', () => {
    const at = (spec: unknown) => {
      try {
        validateActivation(spec as ActivationSpec, 'x');
      } catch (err) {
        expect(err).toBeInstanceOf(ActivationSpecError);
        const e = err as ActivationSpecError;
        return { path: e.path.join('.'), reason: e.reason };
      }
      throw new Error('expected an ActivationSpecError');
    };
    expect(at({ kind: 'sugar', surrogate: { name: 'bsilu', alpha: -1 } })).toEqual({
      path: 'surrogate.alpha',
      reason: "surrogate 'bsilu': parameter alpha must be > 0; found value -1",
    });
    expect(at({ kind: 'sugar', surrogate: { name: 'bsilu', alhpa: 1 } }).reason).toMatch(/unknown parameter 'alhpa'.*did you mean 'alpha'\?/);
    expect(at({ kind: 'sugar', surrogate: { name: 'bsilu', alhpa: 1 } }).path).toBe('surrogate.alhpa');
    expect(at({ kind: 'sugar', surrogate: { name: 'bsiluu' } })).toMatchObject({
      path: 'surrogate.name',
      reason: expect.stringMatching(/did you mean 'bsilu'\?/),
    });
    expect(at({ kind: 'suger', surrogate: { name: 'bsilu' } })).toMatchObject({ path: 'kind', reason: expect.stringMatching(/did you mean 'sugar'\?/) });
    expect(at({ kind: 'sugar', surrogate: { name: 'bsilu' }, regoin: 'all' })).toMatchObject({
      path: 'regoin',
      reason: expect.stringMatching(/did you mean 'region'\?/),
    });
    expect(at({ kind: 'elu', alpha: 'abc' })).toEqual({
      path: 'alpha',
      reason: "surrogate 'elu': parameter alpha must be a finite number; found the string 'abc'",
    });
  });
});
