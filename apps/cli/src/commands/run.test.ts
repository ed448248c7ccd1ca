import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';

const MAIN = path.resolve(__dirname, '..', '..', 'dist', 'main.js');

const SPEC = `name: cli-check
base:
  dataset: { name: spirals, classes: 3, nTrain: 64, nTest: 32 }
  model: { name: mlp, depth: 1, width: 4 }
  activation: { kind: relu }
  optimizer: { name: sgd, lr: 0.01, momentum: 0.9 }
  epochs: 1
  batchSize: 32
  seed: 0
  backend: cpu
grid:
  activation: [{ kind: relu }, { kind: gelu }]
baseline: relu
`;

function sugar(args: string[], cwd: string) {
  const r = spawnSync(process.execPath, [MAIN, ...args], { cwd, encoding: 'utf8', env: { ...process.env, SUGAR_QUIET: '1' }, timeout: 120_000 });
  return { code: r.status, out: `${r.stdout}${r.stderr}` };
}

function workspace(files: Record<string, string>): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cli-run-'));
  for (const [name, text] of Object.entries(files)) fs.writeFileSync(path.join(dir, name), text);
  return dir;
}

describe('sugar run refuses a bad spec before anything trains', () => {
  it('names the path of a typo and writes nothing', () => {
    const dir = workspace({ 'bad.yaml': SPEC.replace('momentum: 0.9', 'momentun: 0.9') });
    const r = sugar(['run', 'bad.yaml', '--out', 'out'], dir);
    expect(r.code).not.toBe(0);
    expect(r.out).toMatch(/invalid spec bad\.yaml:\n\s+base\.optimizer\.momentun: is not an option of optimizer; .*did you mean 'momentum'\?/);
    expect(fs.existsSync(path.join(dir, 'out'))).toBe(false);
  });

  it('checks --backend when the command line is read', () => {
    const dir = workspace({ 'ok.yaml': SPEC });
    const r = sugar(['run', 'ok.yaml', '--out', 'out', '--backend', 'wsam'], dir);
    expect(r.code).not.toBe(0);
    expect(r.out).toMatch(/--backend.*expected one of tensorflow, wasm, cpu; found 'wsam'; did you mean 'wasm'\?/);
    expect(fs.existsSync(path.join(dir, 'out'))).toBe(false);
  });

  it('refuses a model or a batch too large for this machine, with the estimate and the option, before any data is read', () => {
    const cifar = (model: string, batchSize: number) =>
      SPEC.replace('{ name: spirals, classes: 3, nTrain: 64, nTest: 32 }', '{ name: cifar10 }')
        .replace('{ name: mlp, depth: 1, width: 4 }', model)
        .replace('batchSize: 32', `batchSize: ${batchSize}`);
    // vgg11 x 1000 channels: 9e12 parameters; a ViT on 1x1 patches (1025 tokens) holds 1.2e8 values per sample.
    const dir = workspace({ 'wide.yaml': cifar('{ name: vgg11, width: 1000 }', 128), 'tokens.yaml': cifar('{ name: vit-tiny, patchSize: 1 }', 50000) });
    const wide = sugar(['run', 'wide.yaml', '--out', 'out'], dir);
    expect(wide.code).not.toBe(0);
    expect(wide.out).toMatch(
      /invalid spec wide\.yaml:\n\s+base\.model\.width: makes a vgg11 model of 9\.2\de\+12 parameters: about [\d.e+]+ GiB with gradients, Adam's moments and a checkpoint, more than this machine's [\d.]+ GiB/,
    );
    const tokens = sugar(['run', 'tokens.yaml', '--out', 'out'], dir);
    expect(tokens.code).not.toBe(0);
    expect(tokens.out).toMatch(
      /base\.batchSize: gives batches of 50000 samples whose activations \(1\.1\de\+8 values per sample in a vit-tiny model, kept for the backward pass\) need at least [\d.e+]+ GiB; with the model's 0\.103 GiB and the data's 0\.687 GiB that is more than this machine's/,
    );
    expect(fs.existsSync(path.join(dir, 'out'))).toBe(false);
  });

  it('refuses an --only that selects nothing (a typo) with what the grid holds; two terms on one axis are alternatives', () => {
    const dir = workspace({ 'ok.yaml': SPEC.replace('activation: [{ kind: relu }, { kind: gelu }]', 'seed: [0, 1]') });
    const typo = sugar(['run', 'ok.yaml', '--out', 'out', '--only', 'seed=2'], dir);
    expect(typo.code).toBe(1);
    expect(typo.out).toMatch(/sugar: --only 'seed=2' matches none of the 2 runs \(did you mean seed=0\?\); the grid holds seed: 0, 1/);
    expect(fs.existsSync(path.join(dir, 'out', 'runs'))).toBe(false); // nothing trained
    // Terms on one axis are alternatives (seed 0 or 1), terms on different axes must all hold.
    const both = sugar(['run', 'ok.yaml', '--out', 'out', '--only', 'seed=0,seed=1'], dir);
    expect(both.out).toMatch(/cli-check: 2 completed/);
    expect(both.code).toBe(0);
  });

  it('refuses a spec nested deeper than any config, naming the file and the place (no "Maximum call stack size exceeded")', () => {
    const deep = `{"name": "deep", "base": ${'{"a": '.repeat(100_000)}1${'}'.repeat(100_000)}}`;
    const dir = workspace({ 'deep.json': deep });
    const r = sugar(['run', 'deep.json', '--out', 'out'], dir);
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/sugar: invalid spec deep\.json:\n\s+base\.a\.a: nested more than 64 levels deep below here/);
    expect(r.out).not.toMatch(/call stack/);
    expect(fs.existsSync(path.join(dir, 'out'))).toBe(false);
  });

  it('refuses a spec name that would write outside runs/', () => {
    const dir = workspace({ 'escape.yaml': SPEC.replace('name: cli-check', 'name: ../../escape') });
    const r = sugar(['run', 'escape.yaml'], dir);
    expect(r.code).not.toBe(0);
    expect(r.out).toMatch(/name: must be a plain directory name/);
    expect(fs.readdirSync(dir)).toEqual(['escape.yaml']);
    expect(fs.existsSync(path.join(dir, '..', '..', 'escape'))).toBe(false);
  });

  it('refuses another spec in a results directory, even with --resume; --extend adds grid points', () => {
    const dir = workspace({
      'a.yaml': SPEC,
      'b.yaml': SPEC.replace('epochs: 1', 'epochs: 2'),
      'c.yaml': SPEC.replace('{ kind: gelu }]', '{ kind: gelu }, { kind: elu }]'),
    });
    expect(sugar(['run', 'a.yaml', '--out', 'out', '--emit', 'slurm'], dir).code).toBe(0);
    const other = sugar(['run', 'b.yaml', '--out', 'out', '--resume'], dir);
    expect(other.code).not.toBe(0);
    expect(other.out).toMatch(
      /holds the sweep of spec 'cli-check' \(spec [0-9a-f]{12}\), not 'cli-check' \(spec [0-9a-f]{12}\); they differ in base\.epochs: 1 -> 2\. Run this spec with a new --out, or pass --extend/,
    );
    expect(fs.existsSync(path.join(dir, 'out', 'runs'))).toBe(true);
    expect(fs.readdirSync(path.join(dir, 'out', 'runs'))).toHaveLength(2);
    expect(sugar(['run', 'b.yaml', '--out', 'out', '--emit', 'slurm', '--extend'], dir).out).toMatch(/--extend: .*changes existing runs/);
    const extended = sugar(['run', 'c.yaml', '--out', 'out', '--emit', 'slurm', '--extend'], dir);
    expect(extended.code).toBe(0);
    expect(extended.out).toMatch(/3 array tasks/);
  });
});

describe("a sweep's console", () => {
  it('after --emit slurm, a plain sugar run trains the planned runs: none is called interrupted', () => {
    const dir = workspace({ 'a.yaml': SPEC });
    expect(sugar(['run', 'a.yaml', '--out', 'out', '--emit', 'slurm'], dir).code).toBe(0);
    const r = sugar(['run', 'a.yaml', '--out', 'out'], dir);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/cli-check: 2 completed, 0 diverged, 0 failed, 0 already done -> /);
    expect(r.out).not.toMatch(/interrupted/);
  });

  it('says when --resume moved a corrupt checkpoint of a unit member aside and trained from the one before', () => {
    const dir = workspace({ 'a.yaml': SPEC.replace('epochs: 1', 'epochs: 3') });
    expect(sugar(['run', 'a.yaml', '--out', 'out', '--emit', 'slurm'], dir).code).toBe(0);
    const ids = fs
      .readFileSync(path.join(dir, 'out', 'run-ids.txt'), 'utf8')
      .trim()
      .split('\n');
    // One run trained to the end and its summary lost (a crash before it was written): its last checkpoint, then a bit flipped in it.
    expect(sugar(['run-one', 'out', ids[0]], dir).code).toBe(0);
    const run = path.join(dir, 'out', 'runs', ids[0]);
    fs.rmSync(path.join(run, 'summary.json'));
    const latest = fs.readFileSync(path.join(run, 'checkpoint', 'LATEST'), 'utf8').trim();
    const tensors = path.join(run, 'checkpoint', latest, 'tensors.bin');
    const bytes = fs.readFileSync(tensors);
    bytes[bytes.length - 1] ^= 0xff;
    fs.writeFileSync(tensors, bytes);
    // Both runs go to one worker as one unit: the warning comes from inside it.
    const r = sugar(['run', 'a.yaml', '--out', 'out', '--resume', '--workers', '1'], dir);
    expect(r.out).toMatch(new RegExp(`run ${ids[0]}: warning: [^\\n]*${latest}[^\\n]*`));
    expect(r.out).toMatch(/cli-check: 2 completed/);
    expect(r.code).toBe(0);
  });
});
