import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { SpecError } from './errors';
import { listPresets } from './presets';
import { loadSpecFile } from './spec';

// Specs as a user writes them: a YAML file with one mistake, read by the real loader.
const BASE = `name: t
base:
  dataset: { name: spirals, classes: 3, nTrain: 200, nTest: 100, noise: 0.1 }
  model: { name: mlp, depth: 2, width: 8 }
  activation: { kind: relu }
  optimizer: { name: sgd, lr: 0.01, momentum: 0.9 }
  schedule: { kind: cosine, minFactor: 0.1 }
  probes: { size: 64 }
  data: { normalize: true }
  epochs: 2
  batchSize: 32
  seed: 0
grid:
  activation:
    - { kind: relu }
    - { kind: sugar, surrogate: { name: bsilu, alpha: 1.67 } }
  seed: [0, 1]
baseline: relu
`;

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'spec-file-'));
let n = 0;
function write(text: string | Buffer, ext = '.yaml'): string {
  const file = path.join(dir, `spec${n++}${ext}`);
  fs.writeFileSync(file, text);
  return file;
}

/** The spec's issues as `path: message` lines (the loader must throw a SpecError). */
function issuesOf(text: string | Buffer, ext?: string): string[] {
  try {
    loadSpecFile(write(text, ext));
  } catch (err) {
    expect(err).toBeInstanceOf(SpecError);
    return (err as SpecError).issues.map((i) => `${i.path}: ${i.message}`);
  }
  throw new Error('expected the spec to be refused');
}

/** BASE with `from` replaced by `to` (the replacement must happen). */
function edit(from: string, to: string, text = BASE): string {
  expect(text).toContain(from);
  return text.replace(from, to);
}

describe('a spec file with a typo is refused, naming the place', () => {
  it('accepts the spec without typos, and every shipped preset', () => {
    expect(loadSpecFile(write(BASE)).name).toBe('t');
    for (const p of listPresets()) expect(() => loadSpecFile(p.file)).not.toThrow();
  });

  it.each([
    ['momentum: 0.9', 'momentun: 0.9', /^base\.optimizer\.momentun: .*did you mean 'momentum'\?$/],
    ['minFactor: 0.1', 'minFactr: 0.1', /^base\.schedule\.minFactr: .*did you mean 'minFactor'\?$/],
    ['size: 64', 'sise: 64', /^base\.probes\.sise: .*did you mean 'size'\?$/],
    ['normalize: true', 'normalise: true', /^base\.data\.normalise: .*did you mean 'normalize'\?$/],
    ['width: 8 }', 'width: 8, dropuot: 0.1 }', /^base\.model\.dropuot: unknown option 'dropuot'; .*did you mean 'dropout'\?$/],
    ['noise: 0.1 }', 'nosie: 0.1 }', /^base\.dataset\.nosie: unknown option 'nosie'; .*did you mean 'noise'\?$/],
    ['  epochs: 2', '  epoch: 2', /^base\.epoch: is not a run config field; .*did you mean 'epochs'\?$/],
    ['  optimizer:', '  optimiser:', /^base\.optimiser: is not a run config field; .*did you mean 'optimizer'\?$/],
    ['baseline: relu', 'baselin: relu', /^baselin: is not a spec field; .*did you mean 'baseline'\?$/],
    ['  seed: 0\n', '  seed: 0\n  landscape: { sampels: 64 }\n', /^base\.landscape\.sampels: unknown option 'sampels'; .*did you mean 'samples'\?$/],
    ['alpha: 1.67 }', 'alhpa: 1.67 }', /^grid\.activation\[1\]\.surrogate\.alhpa: surrogate 'bsilu': unknown parameter 'alhpa'; .*did you mean 'alpha'\?$/],
    ['{ kind: relu }\n    -', '{ kind: relu, regoin: all }\n    -', /^grid\.activation\[0\]\.regoin: unknown key for kind 'relu'/],
    ['name: mlp', 'name: mpl', /^base\.model\.name: unknown model 'mpl'; .*did you mean 'mlp'\?$/],
    ['name: spirals', 'name: spiral', /^base\.dataset\.name: unknown dataset 'spiral'; .*did you mean 'spirals'\?$/],
  ])('%s -> %s', (from, to, expected) => {
    const issues = issuesOf(edit(from, to));
    expect(issues[0]).toMatch(expected);
    // A misspelt required field is also reported missing; nothing else.
    expect(issues.slice(1).every((i) => /must be|is required/.test(i))).toBe(true);
  });

  it('an axis that names no field is an error at the axis, not two identical variants', () => {
    expect(issuesOf(edit('  seed: [0, 1]', '  seed: [0, 1]\n  optimizer.lrr: [0.1, 0.2]'))).toEqual([
      "grid.optimizer.lrr: is not an option of optimizer; expected one of: name, lr, momentum, nesterov, weightDecay, decayOn, beta1, beta2, eps; did you mean 'lr'?",
    ]);
    expect(issuesOf(edit('  seed: [0, 1]', '  seed: [0, 1]\n  optimzer.lr: [0.1, 0.2]'))[0]).toMatch(
      /^grid\.optimzer\.lr: 'optimzer' is not a run config field; .*did you mean 'optimizer'\?$/,
    );
    expect(issuesOf(edit('  seed: [0, 1]', '  seed: [0, 1]\n  model.dropuot: [0.1, 0.2]'))[0]).toMatch(
      /^grid\.model\.dropuot: unknown option 'dropuot'.*did you mean 'dropout'\?$/,
    );
    expect(issuesOf(edit('  seed: [0, 1]', '  seed: [0, 1]\n  epochs.x: [1]'))).toEqual([
      "grid.epochs.x: base.epochs is 2, not a mapping, so 'epochs.x' names no field",
    ]);
    expect(issuesOf(edit('  seed: [0, 1]', '  seed: [0, 1]\n  model.width: [4, 8]\n  model: [{ name: mlp, depth: 2, width: 8 }]'))[0]).toMatch(
      /^grid\.model\.width: is replaced by the later axis 'model'/,
    );
  });

  it('checks model and dataset options of every grid point against their schemas', () => {
    expect(
      issuesOf(edit('  seed: [0, 1]', '  seed: [0, 1]\n  model:\n    - { name: mlp, depth: 2, width: 8 }\n    - { name: mlp, depth: 2, width: 0 }')),
    ).toEqual(['grid.model[1].width: must be an integer >= 1; found 0']);
    expect(issuesOf(edit('nTrain: 200', 'nTrain: 0'))).toEqual(['base.dataset.nTrain: must be an integer >= 1; found 0']);
    // A combination only: resnet18 takes no depth; the mlp points are fine.
    const combo = edit('  seed: [0, 1]', '  seed: [0, 1]\n  model: [{ name: mlp, depth: 2, width: 8 }, { name: resnet18 }]\n  model.depth: [2, 3]');
    expect(issuesOf(combo)).toEqual(["grid.model.depth: unknown option 'depth'; known options: width"]);
    expect(issuesOf(edit('  seed: 0\n', '  seed: 0\n  backend: gpu\n'))).toEqual([
      "base.backend: must be one of tensorflow, wasm, cpu; found 'gpu'; did you mean 'cpu'?",
    ]);
    expect(issuesOf(edit('  seed: 0\n', '  seed: 0\n  backend: wsam\n'))[0]).toMatch(/did you mean 'wasm'\?$/);
    expect(issuesOf(edit('  seed: 0\n', '  seed: 0\n  backend: metal\n'))).toEqual(["base.backend: must be one of tensorflow, wasm, cpu; found 'metal'"]);
  });

  it('says NaN, Infinity and strings for what they are', () => {
    expect(issuesOf(edit('lr: 0.01', 'lr: .nan'))).toEqual(['base.optimizer.lr: must be a finite number >= 0; found NaN']);
    expect(issuesOf(edit('lr: 0.01', 'lr: abc'))).toEqual(["base.optimizer.lr: must be a number >= 0; found the string 'abc'"]);
    expect(issuesOf(edit('  epochs: 2', '  epochs: .inf'))).toEqual(['base.epochs: must be an integer >= 0; found Infinity']);
    expect(issuesOf(edit('noise: 0.1 }', 'noise: .nan }'))).toEqual(['base.dataset.noise: must be a finite number >= 0; found NaN']);
    expect(issuesOf(edit('alpha: 1.67 }', "alpha: '1.67' }"))[0]).toMatch(
      /^grid\.activation\[1\]\.surrogate\.alpha: .*must be a finite number; found the string '1.67'$/,
    );
    expect(issuesOf(edit('  seed: [0, 1]', '  seed: [0, .nan]'))).toEqual(['grid.seed[1]: must be an integer >= 0; found NaN']);
  });

  it('refuses duplicate grid points, naming both', () => {
    const dup = edit('alpha: 1.67 } }', 'alpha: 1.67 } }\n    - { kind: sugar, surrogate: { name: bsilu } }');
    expect(issuesOf(dup)).toEqual([
      'grid.activation[2]: the grid points (sugar(bsilu,alpha=1.67), seed 0) and (sugar(bsilu,alpha=1.67), seed 0) are the same run once defaults are filled in; remove one',
      'grid.activation[2]: the grid points (sugar(bsilu,alpha=1.67), seed 1) and (sugar(bsilu,alpha=1.67), seed 1) are the same run once defaults are filled in; remove one',
    ]);
    expect(issuesOf(edit('  seed: [0, 1]', '  seed: [0, 1, 0]'))[0]).toMatch(
      /^grid\.seed\[2\]: the grid points \(relu, seed 0\) and \(relu, seed 0\) are the same run/,
    );
    // The same model spelt with its default made explicit is the same run too.
    const model = edit('  seed: [0, 1]', '  seed: [0]\n  model: [{ name: mlp, depth: 2, width: 8 }, { name: mlp, depth: 2, width: 8, batchNorm: false }]');
    expect(issuesOf(model)[0]).toMatch(
      /^grid\.model\[1\]: the grid points \(relu \| mlp\(depth=2,width=8\), seed 0\) and \(relu \| mlp\(depth=2,width=8,batchNorm=false\), seed 0\) are the same run/,
    );
  });

  it('refuses a baseline that is not a variant and a metric that does not exist or is not measured', () => {
    expect(issuesOf(edit('baseline: relu', 'baseline: gelu'))).toEqual([
      "baseline: 'gelu' is not a variant on the activation axis; expected one of: 'relu', 'sugar(bsilu,alpha=1.67)'; did you mean 'relu'?",
    ]);
    expect(issuesOf(edit('baseline: relu', 'baseline: sugar'))[0]).toMatch(/^baseline: 'sugar' is not a variant .*did you mean 'sugar\(bsilu,alpha=1.67\)'\?$/);
    expect(issuesOf(edit('baseline: relu', 'baseline: rleu'))[0]).toMatch(/did you mean 'relu'\?$/);
    expect(issuesOf(`${BASE}metric: testAcc\n`)[0]).toMatch(
      /^metric: unknown metric 'testAcc'; expected one of: testAccuracy, .*did you mean 'testAccuracy'\?$/,
    );
    expect(issuesOf(`${BASE}metric: sharpness\n`)[0]).toMatch(/^metric: 'sharpness' is not measured by this spec's runs \(it needs the landscape probe/);
    expect(issuesOf(`${BASE}metric: valAccuracy\n`)[0]).toMatch(/^metric: 'valAccuracy' is not measured .*dataset\.validation/);
    expect(loadSpecFile(write(edit('noise: 0.1 }', 'noise: 0.1, validation: 0.2 }', `${BASE}metric: valAccuracy\n`))).metric).toBe('valAccuracy');
  });

  it('refuses a name that would leave the results directory', () => {
    for (const name of ['../../x', '/tmp/x', 'a/b', '..', '.hidden', 'a\\\\b']) {
      expect(issuesOf(edit('name: t', `name: "${name}"`))[0]).toMatch(/^name: must be a plain directory name/);
    }
    expect(loadSpecFile(write(edit('name: t', 'name: my-sweep_2.v1'))).name).toBe('my-sweep_2.v1');
  });

  it('tolerates a byte-order mark; names the line of bytes that are not UTF-8', () => {
    expect(loadSpecFile(write(`\uFEFF${BASE}`)).name).toBe('t');
    expect(loadSpecFile(write(`\uFEFF${JSON.stringify({ ...loadSpecFile(write(BASE)) })}`, '.json')).name).toBe('t');
    const bytes = Buffer.concat([Buffer.from('name: t\ndescription: caf'), Buffer.from([0xe9]), Buffer.from(' latin-1\nbase: {}\n')]);
    expect(issuesOf(bytes)).toEqual([': not valid UTF-8 at line 2, column 17 (byte 24): byte 0xe9; save the file as UTF-8']);
  });

  it('carries each path as parts, not only as text', () => {
    try {
      loadSpecFile(write(edit('alpha: 1.67 }', 'alpha: -1 }')));
    } catch (err) {
      expect((err as SpecError).issues[0]).toMatchObject({
        path: 'grid.activation[1].surrogate.alpha',
        parts: ['grid', 'activation', 1, 'surrogate', 'alpha'],
      });
      return;
    }
    throw new Error('expected a SpecError');
  });
});

describe('a spec nested deeper than any config', () => {
  it('is refused with the file and the place named, as JSON and as YAML', () => {
    const deep = (n: number) => `{"name":"x","base":${'{"a":'.repeat(n)}1${'}'.repeat(n)}}`;
    expect(issuesOf(deep(100_000), '.json')).toEqual(["base.a.a: nested more than 64 levels deep below here; a spec's values are at most 64 levels"]);
    expect(issuesOf(deep(100_000), '.yaml')[0]).toMatch(/^: not valid YAML: Maximum call stack size exceeded at line 1, column \d+/);
    expect(issuesOf(deep(65), '.json')).toEqual(["base.a.a: nested more than 64 levels deep below here; a spec's values are at most 64 levels"]);
  });
});
