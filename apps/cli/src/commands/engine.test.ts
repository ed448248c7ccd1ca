import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { CLI, nobodyCanRead, tmpDir, writeTinySpec } from '../test-utils/cli-process';

// What computes a sweep's numbers besides its spec (--backend, the native kernels, plugin files) is recorded,
// never switched silently, and never mixed under one label. Tried as users hit it, through the real CLI.

const sugar = (args: string[], opts: { cwd?: string; asNobody?: boolean; env?: NodeJS.ProcessEnv } = {}) => {
  const env = { ...process.env, SUGAR_QUIET: '1', SUGAR_BACKEND: '', ...opts.env };
  const [cmd, argv] = opts.asNobody ? ['runuser', ['-u', 'nobody', '--', process.execPath, CLI, ...args]] : [process.execPath, [CLI, ...args]];
  const r = spawnSync(cmd, argv, { encoding: 'utf8', cwd: opts.cwd, env });
  return { status: r.status, out: `${r.stdout}${r.stderr}` };
};
// Every summary.json of a results directory, in run-id order.
const summaries = (out: string) =>
  fs
    .readdirSync(path.join(out, 'runs'))
    .sort()
    .map((id) => path.join(out, 'runs', id, 'summary.json'))
    .filter((f) => fs.existsSync(f))
    .map((f) => JSON.parse(fs.readFileSync(f, 'utf8')));
// tfjs-node loads here (as root), and its libtensorflow lives in root's cache, which another user cannot read:
// the situation of a user whose tensorflow backend does not load.
const tensorflowLoads = () =>
  spawnSync(process.execPath, ['-e', "require('@tensorflow/tfjs-node')"], { cwd: path.resolve(__dirname, '..', '..') }).status === 0;

function tinySweep(dir: string, base: Record<string, unknown> = {}, extra: Record<string, unknown> = {}): string {
  return writeTinySpec(dir, { name: 'engine', base: { model: { depth: 2, width: 8 }, epochs: 1, ...base }, grid: { seed: [0, 1] }, ...extra });
}

describe('the backend a sweep trains on', () => {
  it('an explicit --backend that cannot load is an error naming why; a fallback is said and recorded', (ctx) => {
    if (!nobodyCanRead(CLI) || !tensorflowLoads()) return ctx.skip();
    const dir = tmpDir('sugar-engine-');
    fs.chmodSync(dir, 0o777);
    const spec = tinySweep(dir, { backend: undefined });
    fs.chmodSync(spec, 0o644);
    const strict = sugar(['run', spec, '--backend', 'tensorflow', '--out', path.join(dir, 'strict')], { cwd: dir, asNobody: true });
    expect(strict.status).toBe(1);
    expect(strict.out).toMatch(
      /backend 'tensorflow' was asked for \(explicitly\) and could not be initialized: @tensorflow\/tfjs-node failed to load: libtensorflow/,
    );
    expect(summaries(path.join(dir, 'strict')).map((s) => s.status)).toEqual(['failed', 'failed']);

    const auto = sugar(['run', spec, '--out', path.join(dir, 'auto')], { cwd: dir, asNobody: true });
    expect(auto.status, auto.out).toBe(0);
    expect(auto.out).toMatch(/trained on wasm: tensorflow did not load \(@tensorflow\/tfjs-node failed to load/);
    for (const s of summaries(path.join(dir, 'auto'))) {
      expect(s.backend).toBe('wasm');
      expect(s.engine).toMatchObject({ backend: 'wasm', kernels: 'none', fallback: expect.stringMatching(/^trained on wasm: tensorflow did not load/) });
    }
  }, 120_000);

  it('--backend is recorded: a resume continues on it, another is refused, Slurm tasks get it', () => {
    const dir = tmpDir('sugar-engine-');
    const spec = tinySweep(dir, { backend: undefined, epochs: 1 });
    const out = path.join(dir, 'out');
    expect(sugar(['run', spec, '--backend', 'cpu', '--out', out, '--only', 'seed=0']).status).toBe(0);
    expect(summaries(out).map((s) => s.engine.backend)).toEqual(['cpu']);
    const other = sugar(['run', spec, '--backend', 'wasm', '--out', out, '--resume']);
    expect(other.status).not.toBe(0);
    expect(other.out).toMatch(/was run with --backend cpu; this command asks for --backend wasm\. Its runs would mix two backends under one label/);
    const resumed = sugar(['run', spec, '--out', out, '--resume']);
    expect(resumed.status, resumed.out).toBe(0);
    expect(resumed.out).toMatch(/--backend cpu, as this sweep was started/);
    expect(summaries(out).map((s) => s.engine.backend)).toEqual(['cpu', 'cpu']);

    const slurm = path.join(dir, 'slurm');
    expect(sugar(['run', spec, '--emit', 'slurm', '--backend', 'wasm', '--out', slurm]).status).toBe(0);
    expect(fs.readFileSync(path.join(slurm, 'sweep.sbatch'), 'utf8')).toMatch(/run-one "\$OUT" --task "\$SLURM_ARRAY_TASK_ID" --backend wasm\n/);
    const task = sugar(['run-one', slurm, '--task', '0']);
    expect(task.status, task.out).toBe(0);
    expect(summaries(slurm).map((s) => s.engine.backend)).toEqual(['wasm']);
  }, 120_000);
});

describe('--resume', () => {
  it('in a directory that holds no sweep is an error, not a fresh start', () => {
    const dir = tmpDir('sugar-engine-');
    const r = sugar(['run', tinySweep(dir), '--out', path.join(dir, 'typo'), '--resume']);
    expect(r.status).toBe(1);
    expect(r.out).toContain(`sugar: --resume: ${path.join(dir, 'typo')} holds no sweep (no spec.json)`);
    expect(fs.existsSync(path.join(dir, 'typo'))).toBe(false);
  });
});

describe('native kernels asked for', () => {
  it('that do not load are said in the run log and recorded in every summary', (ctx) => {
    if (!tensorflowLoads()) return ctx.skip();
    const dir = tmpDir('sugar-engine-');
    const missing = path.join(dir, 'no-such-sugar-ops.node');
    const out = path.join(dir, 'out');
    const r = sugar(['run', tinySweep(dir), '--backend', 'tensorflow', '--out', out], { env: { SUGAR_OPS: missing } });
    expect(r.status, r.out).toBe(0);
    expect(r.out).toContain(`SUGAR_OPS=${missing} was asked for but no native kernels are loaded`);
    for (const s of summaries(out)) {
      expect(s.engine).toMatchObject({ backend: 'tensorflow', kernels: 'none', kernelsNote: expect.stringContaining(`SUGAR_OPS=${missing} was asked for`) });
    }
  }, 120_000);
});

describe('a plugin edited during a sweep', () => {
  it('is refused with the file named, so two versions of its code never share a label', () => {
    const dir = tmpDir('sugar-engine-');
    const plugin = path.join(dir, 'step.mjs');
    const code = (k: number) =>
      `import { registerSurrogate, tf } from '@sugar-lab/core';\nregisterSurrogate({ name: 'editedStep', fn: (x) => tf.relu(x), grad: (x) => tf.sigmoid(tf.mul(x, ${k})) });\n`;
    fs.writeFileSync(plugin, code(3));
    const spec = tinySweep(dir, { activation: { kind: 'sugar', surrogate: { name: 'editedStep' } } }, { plugins: ['./step.mjs'] });
    const out = path.join(dir, 'out');
    const first = sugar(['run', spec, '--out', out, '--only', 'seed=0'], { cwd: dir });
    expect(first.status, first.out).toBe(0);
    fs.writeFileSync(plugin, code(5));
    const again = sugar(['run', spec, '--out', out, '--resume'], { cwd: dir });
    expect(again.status).not.toBe(0);
    expect(again.out).toMatch(/plugin .*step\.mjs edited \(sha256 [0-9a-f]{12} -> [0-9a-f]{12}\) since its sweep started/);
    expect(summaries(out)).toHaveLength(1);
    expect(summaries(out)[0].engine.plugins[plugin]).toMatch(/^[0-9a-f]{64}$/);
  }, 120_000);
});
