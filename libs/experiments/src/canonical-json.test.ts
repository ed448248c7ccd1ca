import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { runId } from './canonical-json';
import { expandGrid } from './grid';
import { listPresets, resolveSpec } from './presets';

// The experiments lib's own implementation before it moved to core: ids on disk were made with it, so the shared
// one must give the same bytes or every existing results directory would re-train all its runs.
const sortKeys = (v: unknown): unknown =>
  Array.isArray(v)
    ? v.map(sortKeys)
    : v && typeof v === 'object'
      ? Object.fromEntries(
          Object.keys(v)
            .sort()
            .filter((k) => (v as Record<string, unknown>)[k] !== undefined)
            .map((k) => [k, sortKeys((v as Record<string, unknown>)[k])]),
        )
      : v;
const formerHash = (v: unknown) =>
  createHash('sha256')
    .update(JSON.stringify(sortKeys(v)))
    .digest('hex');

describe('run ids (core canonical JSON)', () => {
  it('are unchanged for every run of every preset', () => {
    for (const { name } of listPresets()) {
      const spec = resolveSpec(name);
      for (const r of expandGrid(spec)) expect(r.id, `${name} ${r.variant}`).toBe(formerHash(r.config).slice(0, 12));
    }
  });

  it('are pinned for one config', () => {
    expect(runId({ b: [1, { d: 2, c: undefined }], a: 'x' })).toBe(formerHash({ a: 'x', b: [1, { d: 2 }] }).slice(0, 12));
    expect(runId({ epochs: 2, seed: 0, model: { name: 'mlp', width: 8, depth: 2 } })).toBe('12f60145098b');
  });
});
