import { createHash } from 'node:crypto';
import { canonicalHash, canonicalJSON } from '@sugar-lab/core';
import { describe, expect, it } from 'vitest';
import { resolveTrainConfig } from './config';
import { configHash } from './fit-run';

// train's own implementation before it moved to core: the independent reference the shared one must equal byte for byte,
// or every checkpoint on disk stops resuming ("config changed").
function formerStableStringify(x: unknown): string {
  if (x === null || typeof x !== 'object') return JSON.stringify(x) ?? 'null';
  if (Array.isArray(x)) return `[${x.map(formerStableStringify).join(',')}]`;
  const o = x as Record<string, unknown>;
  return `{${Object.keys(o)
    .filter((k) => o[k] !== undefined)
    .sort()
    .map((k) => `${JSON.stringify(k)}:${formerStableStringify(o[k])}`)
    .join(',')}}`;
}

const CONFIG = { epochs: 3, batchSize: 32, optimizer: { name: 'sgd' as const, lr: 0.1 }, seed: 1 };

describe('config hashes (core canonical JSON)', () => {
  it('equal the former implementation on configs and edge cases', () => {
    const samples: unknown[] = [
      resolveTrainConfig(CONFIG),
      { b: 1, a: [1, { z: 2, y: undefined }, null], n: 1e-7, big: 1e21, neg: -0 },
      [undefined, 'é\u2028'],
      'x',
      3,
      null,
    ];
    for (const s of samples) {
      expect(canonicalJSON(s)).toBe(formerStableStringify(s));
      expect(canonicalHash(s)).toBe(createHash('sha256').update(formerStableStringify(s)).digest('hex'));
    }
  });

  it("a checkpoint's config hash is unchanged", () => {
    expect(configHash(resolveTrainConfig(CONFIG))).toBe('6fc9448e9b00bf8c2d764fc02ad6d17098300e9ea8b09c348f5c36643853fef1');
  });
});
