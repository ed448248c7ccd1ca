import { Rng } from './rng';
import { createTeacher } from './teacher';
import type { DatasetDefinition, RawSplit } from './types';

type Params = Record<string, number | string | boolean>;

/** Fills `n` samples of `dim` features; `sample(i, rng, out)` writes sample i's features into `out` and returns its class. */
function generate(n: number, dim: number, rng: Rng, sample: (i: number, rng: Rng, out: Float64Array) => number): RawSplit {
  const x = new Float32Array(n * dim);
  const y = new Int32Array(n);
  const out = new Float64Array(dim);
  for (let i = 0; i < n; i++) {
    y[i] = sample(i, rng, out);
    for (let d = 0; d < dim; d++) x[i * dim + d] = out[d];
  }
  return { x, y };
}

interface Synth {
  name: string;
  title: string;
  description: string;
  defaults: Params;
  dim(p: Params): number;
  classes(p: Params): number;
  classNames?(p: Params): string[];
  /** Per-dataset state drawn once from the seed and shared by both splits (blob centres, the teacher). */
  setup?(p: Params, seed: number): unknown;
  sample(p: Params, shared: unknown): (i: number, rng: Rng, out: Float64Array) => number;
}

const num = (p: Params, k: string) => p[k] as number;

function define(s: Synth): DatasetDefinition {
  const defaults = { nTrain: 1000, nTest: 1000, ...s.defaults };
  const names = (p: Params) => s.classNames?.(p) ?? Array.from({ length: s.classes(p) }, (_, i) => `class ${i}`);
  return {
    info: {
      name: s.name,
      title: s.title,
      kind: 'synthetic',
      description: s.description,
      shape: [s.dim(defaults)],
      numClasses: s.classes(defaults),
      classNames: names(defaults),
      trainSize: defaults.nTrain,
      testSize: defaults.nTest,
      defaults,
    },
    load(p, seed) {
      const shared = s.setup?.(p, seed);
      const dim = s.dim(p);
      const sample = s.sample(p, shared);
      return {
        train: generate(num(p, 'nTrain'), dim, new Rng(seed, s.name, 'train'), sample),
        test: generate(num(p, 'nTest'), dim, new Rng(seed, s.name, 'test'), sample),
        shape: [dim],
        numClasses: s.classes(p),
        classNames: names(p),
      };
    },
  };
}

export const spirals = define({
  name: 'spirals',
  title: 'Spirals',
  description: 'k interleaved spiral arms in 2-D (options: classes, turns, noise).',
  defaults: { classes: 3, turns: 1, noise: 0.05 },
  dim: () => 2,
  classes: (p) => num(p, 'classes'),
  sample: (p) => (i, rng, out) => {
    const k = num(p, 'classes');
    const c = i % k;
    const t = rng.next();
    const angle = (2 * Math.PI * c) / k + 2 * Math.PI * num(p, 'turns') * t;
    out[0] = t * Math.cos(angle) + num(p, 'noise') * rng.normal();
    out[1] = t * Math.sin(angle) + num(p, 'noise') * rng.normal();
    return c;
  },
});

export const moons = define({
  name: 'moons',
  title: 'Two moons',
  description: 'Two interleaving half circles in 2-D (option: noise).',
  defaults: { noise: 0.1 },
  dim: () => 2,
  classes: () => 2,
  sample: (p) => (i, rng, out) => {
    const c = i % 2;
    const t = Math.PI * rng.next();
    out[0] = (c === 0 ? Math.cos(t) : 1 - Math.cos(t)) + num(p, 'noise') * rng.normal();
    out[1] = (c === 0 ? Math.sin(t) : 0.5 - Math.sin(t)) + num(p, 'noise') * rng.normal();
    return c;
  },
});

export const blobs = define({
  name: 'blobs',
  title: 'Gaussian blobs',
  description: 'Isotropic Gaussian clusters around centres drawn uniformly from [-box, box]^dim (options: classes, dim, std, box).',
  defaults: { classes: 3, dim: 2, std: 1, box: 10 },
  dim: (p) => num(p, 'dim'),
  classes: (p) => num(p, 'classes'),
  setup: (p, seed) => {
    const rng = new Rng(seed, 'blobs', 'centres');
    return Array.from({ length: num(p, 'classes') }, () => Array.from({ length: num(p, 'dim') }, () => rng.uniform(-num(p, 'box'), num(p, 'box'))));
  },
  sample: (p, shared) => (i, rng, out) => {
    const centres = shared as number[][];
    const c = i % centres.length;
    for (let d = 0; d < out.length; d++) out[d] = centres[c][d] + num(p, 'std') * rng.normal();
    return c;
  },
});

function cellLabel(x: number, y: number, cells: number): number {
  const ix = Math.min(cells - 1, Math.floor(((x + 1) / 2) * cells));
  const iy = Math.min(cells - 1, Math.floor(((y + 1) / 2) * cells));
  return (ix + iy) % 2;
}

const board = (name: string, title: string, description: string, cells: number) =>
  define({
    name,
    title,
    description,
    defaults: { cells, noise: 0 },
    dim: () => 2,
    classes: () => 2,
    // Labels come from the clean point; `noise` then blurs the features, so classes overlap near cell edges.
    sample: (p) => (_i, rng, out) => {
      const x = rng.uniform(-1, 1);
      const y = rng.uniform(-1, 1);
      out[0] = x + num(p, 'noise') * rng.normal();
      out[1] = y + num(p, 'noise') * rng.normal();
      return cellLabel(x, y, num(p, 'cells'));
    },
  });

export const xor = board('xor', 'XOR', 'Uniform points in [-1, 1]^2, class = sign(x) xor sign(y) (options: noise; cells = 2).', 2);
export const checkerboard = board(
  'checkerboard',
  'Checkerboard',
  'Uniform points in [-1, 1]^2 labelled by a cells x cells checkerboard (options: cells, noise).',
  4,
);

export const teacher = define({
  name: 'teacher',
  title: 'Random ReLU teacher',
  description: 'Gaussian inputs labelled by argmax of a random ReLU network drawn from the seed (options: dim, depth, width, classes).',
  defaults: { dim: 10, depth: 2, width: 32, classes: 2 },
  dim: (p) => num(p, 'dim'),
  classes: (p) => num(p, 'classes'),
  setup: (p, seed) => createTeacher({ dim: num(p, 'dim'), depth: num(p, 'depth'), width: num(p, 'width'), classes: num(p, 'classes') }, seed),
  // The teacher labels the float32-rounded features, exactly what a student will see.
  sample: (_p, shared) => (_i, rng, out) => {
    for (let d = 0; d < out.length; d++) out[d] = Math.fround(rng.normal());
    return (shared as ReturnType<typeof createTeacher>).label(out);
  },
});
