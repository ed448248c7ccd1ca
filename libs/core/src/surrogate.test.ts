import { describe, expect, it } from 'vitest';
import { getSurrogate, listSurrogates, registerSurrogate, SurrogateError, tf } from './index';
import { surrogateFromSpec, surrogateToSpec } from './surrogate';

const BUILTINS = ['relu', 'bsilu', 'nelu', 'leakyRelu', 'elu', 'selu', 'gelu', 'geluTanh', 'silu', 'mish'];

describe('surrogate registry', () => {
  it('lists every built-in', () => {
    expect(listSurrogates().slice(0, BUILTINS.length)).toEqual(BUILTINS);
  });

  it('fills defaults and prints canonical strings', () => {
    expect(getSurrogate('bsilu').params).toEqual({ alpha: 1.67 });
    expect(getSurrogate('bsilu').toString()).toBe('bsilu(alpha=1.67)');
    expect(String(getSurrogate('nelu', { alpha: 0.1 }))).toBe('nelu(alpha=0.1)');
    expect(getSurrogate('leakyRelu').params.alpha).toBe(0.01);
    expect(getSurrogate('elu').params.alpha).toBe(1);
    expect(getSurrogate('gelu').toString()).toBe('gelu');
    expect(getSurrogate('gelu').params).toEqual({});
  });

  it('rejects unknown names, listing the valid ones', () => {
    expect(() => getSurrogate('bsiluu')).toThrow(SurrogateError);
    expect(() => getSurrogate('bsiluu')).toThrow(/unknown surrogate 'bsiluu'; expected one of: relu, bsilu, nelu, leakyRelu, elu/);
  });

  it('rejects bad parameters', () => {
    expect(() => getSurrogate('bsilu', { alpha: 0 })).toThrow(/alpha must be > 0; found value 0/);
    expect(() => getSurrogate('nelu', { alpha: -1 })).toThrow(/alpha must be > 0/);
    expect(() => getSurrogate('bsilu', { alpha: NaN })).toThrow(/finite number; found value NaN/);
    expect(() => getSurrogate('bsilu', { alpha: Infinity })).toThrow(/finite number/);
    expect(() => getSurrogate('bsilu', { beta: 1 })).toThrow(/unknown parameter 'beta'; expected one of: alpha/);
    expect(() => getSurrogate('gelu', { alpha: 1 })).toThrow(/unknown parameter 'alpha'; expected no parameters/);
    expect(() => getSurrogate('bsilu', { alpha: '1' as unknown as number })).toThrow(/finite number/);
  });

  it('round-trips specs', () => {
    const s = getSurrogate('nelu', { alpha: 0.1 });
    expect(surrogateToSpec(s)).toEqual({ name: 'nelu', alpha: 0.1 });
    expect(surrogateFromSpec(surrogateToSpec(s))).toBe(s);
    expect(surrogateToSpec(getSurrogate('silu'))).toEqual({ name: 'silu' });
    expect(() => surrogateFromSpec({ name: 'nope' })).toThrow(/unknown surrogate 'nope'/);
    expect(() => surrogateFromSpec(null as never)).toThrow(/spec must be an object/);
  });

  it('registers custom surrogates with their own parameters', () => {
    registerSurrogate({
      name: 'testSoftplus',
      params: { beta: { default: 2, positive: true } },
      fn: (x, { beta }) => tf.div(tf.softplus(tf.mul(x, beta)), beta),
      grad: (x, { beta }) => tf.sigmoid(tf.mul(x, beta)),
    });
    const s = getSurrogate('testSoftplus', { beta: 3 });
    expect(s.toString()).toBe('testSoftplus(beta=3)');
    expect(surrogateToSpec(s)).toEqual({ name: 'testSoftplus', beta: 3 });
    expect(surrogateFromSpec({ name: 'testSoftplus', beta: 3 } as never)).toBe(s);
    expect(listSurrogates()).toContain('testSoftplus');
    expect(() => registerSurrogate({ name: 'testSoftplus', fn: (x) => x, grad: (x) => x })).toThrow(/already registered/);
    expect(() => registerSurrogate({ name: 'bad name', fn: (x) => x, grad: (x) => x })).toThrow(/name must match/);
    expect(() => registerSurrogate({ name: 'sugar', fn: (x) => x, grad: (x) => x })).toThrow(/reserved/);
    expect(() => registerSurrogate({ name: 'badDefault', params: { a: { default: -1, positive: true } }, fn: (x) => x, grad: (x) => x })).toThrow(
      /a must be > 0; found default -1/,
    );
  });
});
