import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { CLI, runIds, tmpDir, writeTinySpec } from '../test-utils/cli-process';

// Plugins through the real CLI: an ES module plugin in a directory outside the workspace (no node_modules
// anywhere above it), named with --require; the sweep's workers, a later `report` and a Slurm task's `run-one`
// (fresh processes, no --require) all find its surrogate.

const sugar = (args: string[], cwd?: string) =>
  spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', cwd, env: { ...process.env, SUGAR_QUIET: '1' } });

function setup(): { dir: string; spec: string; plugin: string } {
  const dir = tmpDir('sugar-plugins-');
  const plugin = path.join(dir, 'plugin', 'step-surrogate.mjs');
  fs.mkdirSync(path.dirname(plugin));
  fs.writeFileSync(
    plugin,
    `import { registerSurrogate, tf } from '@sugar-lab/core';
registerSurrogate({ name: 'cliStep', params: { k: { default: 2, positive: true } }, fn: (x, { k }) => tf.div(tf.softplus(tf.mul(x, k)), k), grad: (x, { k }) => tf.sigmoid(tf.mul(x, k)) });
`,
  );
  const spec = writeTinySpec(dir, {
    name: 'cli-plugin',
    base: { model: { depth: 2, width: 8 }, epochs: 2 },
    grid: { activation: [{ kind: 'relu' }, { kind: 'sugar', surrogate: { name: 'cliStep', k: 3 } }] },
    baseline: 'relu',
  });
  return { dir, spec, plugin };
}

describe('sugar run --require', () => {
  it('loads the plugin in the runner and its workers; report and run-one load it from the results directory', () => {
    const { dir, spec, plugin } = setup();
    const out = path.join(dir, 'out');
    // Relative to the cwd, as a user types it.
    const run = sugar(['run', spec, '--require', './plugin/step-surrogate.mjs', '--workers', '2', '--out', out], dir);
    expect(run.status, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/cli-plugin: 2 completed, 0 diverged, 0 failed/);
    expect(JSON.parse(fs.readFileSync(path.join(out, 'spec.json'), 'utf8')).plugins).toEqual([plugin]);

    const report = sugar(['report', out]);
    expect(report.status, report.stderr).toBe(0);
    expect(fs.readFileSync(path.join(out, 'report', 'report.md'), 'utf8')).toContain('sugar(cliStep,k=3)');

    const slurm = path.join(dir, 'slurm');
    const emit = sugar(['run', spec, '--require', plugin, '--emit', 'slurm', '--out', slurm]);
    expect(emit.status, emit.stderr).toBe(0);
    const task = sugar(['run-one', slurm, '--task', '1']);
    expect(task.status, task.stderr).toBe(0);
    expect(task.stdout.trim()).toBe(`${runIds(slurm)[1]}: completed`);
  });

  it('without the plugin the spec is refused before anything runs; a missing plugin is named with its path', () => {
    const { dir, spec } = setup();
    const out = path.join(dir, 'out');
    const without = sugar(['run', spec, '--out', out]);
    expect(without.status).toBe(1);
    expect(without.stderr).toMatch(/grid\.activation\[1\]\.surrogate\.name: unknown surrogate 'cliStep'/);
    expect(fs.existsSync(out)).toBe(false);

    const missing = sugar(['run', spec, '--require', './nope.mjs', '--out', out], dir);
    expect(missing.status).toBe(1);
    expect(missing.stderr).toContain(
      `sugar: plugin './nope.mjs' (--require): not found: no file or package directory at ${path.join(fs.realpathSync(dir), 'nope.mjs')}`,
    );

    const listed = path.join(dir, 'listed.json');
    fs.writeFileSync(listed, JSON.stringify({ ...JSON.parse(fs.readFileSync(spec, 'utf8')), plugins: ['./plugins/step.mjs'] }));
    const named = sugar(['run', listed, '--out', out]);
    expect(named.status).toBe(1);
    expect(named.stderr).toContain(
      `invalid spec ${listed}:\n  plugins[0]: cannot load plugin './plugins/step.mjs': not found: no file or package directory at ${path.join(dir, 'plugins', 'step.mjs')}`,
    );
    expect(fs.existsSync(out)).toBe(false);
  });
});
