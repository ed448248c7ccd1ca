// The tiny experiment the tests of experiments and the CLI sweep, built in one place. Dependency-free on purpose:
// the CLI's tests import it by relative path, and importing '../spec' here would load a second copy of this lib's
// source beside the built one the CLI runs.

type Json = Record<string, unknown>;

/**
 * The run config a tiny test sweep starts from: 3-class spirals, a 2x8 MLP, Adam, 2 epochs, on the cpu backend;
 * a run trains in about a second. The run ids and spec hash pinned in plugins.test.ts are computed from these
 * values, so changing one here fails that test rather than silently moving what the other tests measure.
 */
const TINY_BASE: Json = {
  dataset: { name: 'spirals', classes: 3, nTrain: 96, nTest: 48, noise: 0.1 },
  model: { name: 'mlp', depth: 2, width: 8 },
  activation: { kind: 'relu' },
  optimizer: { name: 'adam', lr: 0.01 },
  epochs: 2,
  batchSize: 32,
  seed: 0,
  backend: 'cpu',
};

const isObject = (x: unknown): x is Json => x !== null && typeof x === 'object' && !Array.isArray(x);

/** A copy of `into` with `over` merged in: objects key by key, anything else (arrays too) replaced; `undefined` removes the key. */
export function deepMerge(into: Json, over: Json): Json {
  const out: Json = structuredClone(into);
  for (const [k, v] of Object.entries(over)) {
    if (v === undefined) delete out[k];
    else out[k] = isObject(v) && isObject(out[k]) ? deepMerge(out[k], v) : structuredClone(v);
  }
  return out;
}

/** The tiny run config with `overrides` deep-merged in (`{ model: { depth: 3 }, probes: { size: 64 } }`). */
export function tinyBase(overrides: Json = {}): Json {
  return deepMerge(TINY_BASE, overrides);
}

/** The parts of a spec a test states: `base` is merged into the tiny run config; the rest (grid, baseline, ...) is taken as given. */
export interface TinySpecParts extends Json {
  base?: Json;
}

/** A raw spec, as a user writes it (parse it with parseSpec or write it to a file): named 'tiny' unless `parts` names it. */
export function tinySpec({ base, ...rest }: TinySpecParts = {}): Json {
  return { name: 'tiny', base: tinyBase(base), ...rest };
}
