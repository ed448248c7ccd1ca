import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkEvents, tensorboardMissing } from '../../../../tools/tensorboard/check-events';
import { CLI, runIds, tinySpecFile, tmpDir } from '../test-utils/cli-process';

// TensorBoard events are on by default, for `sugar run` and `sugar run-one` alike; --no-tensorboard turns them off,
// also in the tasks of an emitted Slurm script.

const sugar = (args: string[]) => spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8' });
const tbDir = (out: string, id: string) => path.join(out, 'runs', id, 'tb');

describe('TensorBoard events from the CLI', () => {
  it("run-one writes the run's events by default, equal to its metrics.jsonl as TensorBoard reads them", (ctx) => {
    const dir = tmpDir('sugar-tb-');
    const out = path.join(dir, 'out');
    expect(sugar(['run', tinySpecFile(dir, 2, [0]), '--emit', 'slurm', '--out', out]).status).toBe(0);
    const [id] = runIds(out);
    const r = sugar(['run-one', out, id]);
    expect(r.status, r.stderr).toBe(0);
    expect(fs.readdirSync(tbDir(out, id))).toEqual([expect.stringMatching(/^events\.out\.tfevents\./)]);
    const missing = tensorboardMissing();
    if (missing) ctx.skip(missing);
    const runDir = path.join(out, 'runs', id);
    const check = checkEvents(tbDir(out, id), path.join(runDir, 'metrics.jsonl'), path.join(runDir, 'config.json'));
    expect(check.problems).toEqual([]);
    expect(check.summary!.epochs).toEqual([0, 1, 2]);
  });

  it('--no-tensorboard: no events from a sweep, and every task of an emitted script is told so', () => {
    const dir = tmpDir('sugar-tb-');
    const spec = tinySpecFile(dir, 1, [0, 1]);
    const out = path.join(dir, 'out');
    const r = sugar(['run', spec, '--out', out, '--no-tensorboard', '--workers', '1']);
    expect(r.status, r.stderr).toBe(0);
    for (const id of fs.readdirSync(path.join(out, 'runs'))) expect(fs.existsSync(tbDir(out, id))).toBe(false);
    const slurm = path.join(dir, 'slurm');
    expect(sugar(['run', spec, '--emit', 'slurm', '--out', slurm, '--no-tensorboard']).status).toBe(0);
    expect(fs.readFileSync(path.join(slurm, 'sweep.sbatch'), 'utf8')).toMatch(/run-one "\$OUT" --task "\$SLURM_ARRAY_TASK_ID".* --no-tensorboard$/m);
  });

  it('--tensorboard says the default; the last of the two flags wins', () => {
    const dir = tmpDir('sugar-tb-');
    const out = path.join(dir, 'out');
    const r = sugar(['run', tinySpecFile(dir, 1, [0]), '--out', out, '--no-tensorboard', '--tensorboard']);
    expect(r.status, r.stderr).toBe(0);
    const [id] = fs.readdirSync(path.join(out, 'runs'));
    expect(fs.readdirSync(tbDir(out, id))).toEqual([expect.stringMatching(/^events\.out\.tfevents\./)]);
  });
});
