import { beforeEach, describe, expect, it } from 'vitest';
import { VARIANT_PALETTE, assignVariantColors, resetVariantColors, sequentialColors, setVariantColor, variantColor, variantColors, withAlpha } from './palette';

beforeEach(() => resetVariantColors());

describe('variant colors', () => {
  it('gives a variant the same color in every later figure, whatever it is shown with', () => {
    const first = variantColors(['relu', 'sugar(bsilu,alpha=1.67)', 'gelu']);
    const second = variantColors(['sugar(bsilu,alpha=1.67)']);
    const third = variantColors(['elu', 'sugar(bsilu,alpha=1.67)', 'relu']);
    expect(second.get('sugar(bsilu,alpha=1.67)')).toBe(first.get('sugar(bsilu,alpha=1.67)'));
    expect(third.get('sugar(bsilu,alpha=1.67)')).toBe(first.get('sugar(bsilu,alpha=1.67)'));
    expect(third.get('relu')).toBe('#4d4d4d');
  });

  it('is deterministic: a fresh process gives the same colors for the same figures', () => {
    const names = ['sugar(nelu,alpha=0.01)', 'elu', 'selu', 'mish'];
    const a = variantColors(names);
    resetVariantColors();
    const b = variantColors([...names].reverse());
    expect([...b.entries()].sort()).toEqual([...a.entries()].sort());
  });

  it('keeps colors distinct within a figure while the palette lasts', () => {
    const names = Array.from({ length: VARIANT_PALETTE.length }, (_, i) => `variant-${i}`);
    const colors = variantColors(names);
    expect(new Set(colors.values()).size).toBe(names.length);
    expect([...colors.values()].every((c) => VARIANT_PALETTE.includes(c))).toBe(true);
  });

  it('lets colors be pinned or assigned in order', () => {
    setVariantColor('gelu', '#000000');
    expect(variantColor('gelu')).toBe('#000000');
    const m = assignVariantColors(['relu', 'a', 'b']);
    expect(m.get('relu')).toBe('#4d4d4d');
    expect(m.get('a')).toBe(VARIANT_PALETTE[0]);
    expect(m.get('b')).toBe(VARIANT_PALETTE[1]);
    expect(variantColors(['b', 'a']).get('a')).toBe(VARIANT_PALETTE[0]);
  });
});

describe('color helpers', () => {
  it('adds alpha to hex colors', () => {
    expect(withAlpha('#1f77b4', 0.2)).toBe('rgba(31,119,180,0.2)');
    expect(withAlpha('#fff', 1)).toBe('rgba(255,255,255,1)');
  });

  it('samples viridis from its dark end', () => {
    const c = sequentialColors(3);
    expect(c[0]).toBe('#440154');
    expect(new Set(c).size).toBe(3);
  });
});
