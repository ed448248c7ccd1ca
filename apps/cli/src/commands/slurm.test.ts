import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { CLI, loggedEpochs, range, runIds, tinySpecFile, tmpDir, waitFor } from '../test-utils/cli-process';

// A real Slurm cluster (tools/slurm/start-cluster.sh, which CI runs before the tests): an emitted sweep is
// submitted with sbatch, one task is cancelled mid-run (scancel: SIGTERM), the script is resubmitted, and
// every run must end up trained exactly once. Skipped, saying why, only where Slurm is not installed or no
// cluster is up; with SUGAR_REQUIRE_SLURM=1 (set by .ci/run) those are failures instead.

const EPOCHS = 30;

function sh(cmd: string, args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(cmd, args, { encoding: 'utf8' });
  return { status: r.status, stdout: r.stdout ?? '', stderr: r.error ? String(r.error) : (r.stderr ?? '') };
}

/** Why the Slurm test cannot run here, or undefined when it can. */
function slurmMissing(): string | undefined {
  if (sh('sh', ['-c', 'command -v sbatch']).status !== 0) return 'sbatch is not on PATH (install slurm-wlm and munge, then run tools/slurm/start-cluster.sh)';
  const s = sh('sinfo', ['-h', '-o', '%T']);
  if (s.status !== 0) return `no Slurm cluster answers (sinfo: ${s.stderr.trim()}); start one with tools/slurm/start-cluster.sh`;
  if (!/^(idle|mixed|allocated|completing)/m.test(s.stdout)) return `no usable Slurm node (sinfo says '${s.stdout.trim()}')`;
  return undefined;
}

function sbatch(script: string): string {
  const r = sh('sbatch', ['--parsable', script]);
  expect(r.status, r.stderr).toBe(0);
  return r.stdout.trim().split(';')[0];
}

const jobGone = (job: string) => sh('squeue', ['-h', '-j', job, '-o', '%i']).stdout.trim() === '';

describe('Slurm', () => {
  it('an emitted sweep, one task cancelled mid-run and the script resubmitted: every run trained exactly once, then sugar report', async (ctx) => {
    const missing = slurmMissing();
    if (missing) {
      if (process.env.SUGAR_REQUIRE_SLURM === '1') throw new Error(`SUGAR_REQUIRE_SLURM=1 but ${missing}`);
      ctx.skip(missing);
    }
    const dir = tmpDir('sugar-slurm-');
    const spec = tinySpecFile(dir, EPOCHS, [0, 1, 2, 3]);
    const out = path.join(dir, 'slurm results'); // a space: every path in the script must be quoted
    const emit = spawnSync(process.execPath, [CLI, 'run', spec, '--emit', 'slurm', '--out', out, '--cpus', '1', '--time', '10:00'], { encoding: 'utf8' });
    expect(emit.status, emit.stderr).toBe(0);
    const script = path.join(out, 'sweep.sbatch');
    const ids = runIds(out);
    const runDir = (id: string) => path.join(out, 'runs', id);
    const done = (id: string) => fs.existsSync(path.join(runDir(id), 'summary.json'));
    const log = (job: string, task: number) => {
      const f = path.join(out, 'slurm', `${job}_${task}.out`);
      return fs.existsSync(f) ? fs.readFileSync(f, 'utf8') : '';
    };

    const job1 = sbatch(script);
    let victim = -1;
    await waitFor(
      'a task mid-run',
      () => {
        victim = ids.findIndex((id) => !done(id) && loggedEpochs(runDir(id)).length >= 3 && loggedEpochs(runDir(id)).length < EPOCHS / 2);
        return victim >= 0;
      },
      90_000,
    );
    expect(sh('scancel', [`${job1}_${victim}`]).status).toBe(0);
    await waitFor(`job ${job1} to end`, () => jobGone(job1), 90_000, 500);

    const id = ids[victim];
    expect(done(id), log(job1, victim)).toBe(false);
    expect(log(job1, victim)).toMatch(/SIGTERM: stopping/);
    expect(log(job1, victim)).toContain(`${id}: interrupted (checkpointed; rerun to continue)`);
    expect(fs.existsSync(path.join(runDir(id), '.lock'))).toBe(false);
    const stoppedAt = loggedEpochs(runDir(id));
    expect(stoppedAt.length).toBeLessThan(EPOCHS + 1);

    const job2 = sbatch(script);
    await waitFor(`job ${job2} to end`, () => jobGone(job2), 90_000, 500);
    expect(log(job2, victim)).toContain(`${id}: completed`);
    for (let i = 0; i < ids.length; i++) {
      expect(done(ids[i]), `${ids[i]}: ${log(job1, i)}${log(job2, i)}`).toBe(true);
      expect(JSON.parse(fs.readFileSync(path.join(runDir(ids[i]), 'summary.json'), 'utf8')).status).toBe('completed');
      expect(loggedEpochs(runDir(ids[i])), ids[i]).toEqual(range(EPOCHS));
    }
    // The resumed run continued from its checkpoint: the epochs logged before the cancel are unchanged.
    expect(loggedEpochs(runDir(id)).slice(0, stoppedAt.length)).toEqual(stoppedAt);

    const report = spawnSync(process.execPath, [CLI, 'report', out], { encoding: 'utf8' });
    expect(report.status, report.stderr).toBe(0);
    const md = fs.readFileSync(path.join(out, 'report', 'report.md'), 'utf8');
    for (const i of ids) expect(md).toContain(i);
  });
});
