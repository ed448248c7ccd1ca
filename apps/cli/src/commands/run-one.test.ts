import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { CLI, loggedEpochs, range, runIds, startCli, tinySpecFile, tmpDir, waitFor } from '../test-utils/cli-process';

// One writer per run, with real processes: `sugar run` and `sugar run-one` on one directory, SIGTERM
// (what Slurm sends on scancel, preemption and time limits), kill -9, and locks left by other hosts.

const EPOCHS = 30;

function emit(seeds: number[]): { dir: string; out: string; spec: string; ids: string[] } {
  const dir = tmpDir('sugar-run-one-');
  const spec = tinySpecFile(dir, EPOCHS, seeds);
  const out = path.join(dir, 'out');
  const r = spawnSync(process.execPath, [CLI, 'run', spec, '--emit', 'slurm', '--out', out], { encoding: 'utf8' });
  expect(r.status, r.stderr).toBe(0);
  return { dir, out, spec, ids: runIds(out) };
}

const runDir = (out: string, id: string) => path.join(out, 'runs', id);
const lockFile = (out: string, id: string) => path.join(runDir(out, id), '.lock');
const finished = (out: string, id: string) => fs.existsSync(path.join(runDir(out, id), 'summary.json'));
const trainedOnce = (out: string, id: string) => expect(loggedEpochs(runDir(out, id)), id).toEqual(range(EPOCHS));

describe('sugar run and sugar run-one on one directory', () => {
  it('never both train a run: each side skips or refuses the run the other holds', async () => {
    const { out, spec, ids } = emit([0, 1, 2]);
    const training = (id: string) => loggedEpochs(runDir(out, id)).length >= 2 && !finished(out, id);
    // run-one trains the first run and is paused mid-run (SIGSTOP: alive, holding its lock) while the sweep starts.
    const one = startCli(['run-one', out, ids[0]]);
    await waitFor('run-one to start training', () => training(ids[0]));
    one.proc.kill('SIGSTOP');
    const sweep = startCli(['run', spec, '--out', out, '--resume', '--workers', '1', '--backend', 'cpu']);
    await waitFor('the sweep to skip the first run and train the next', () => /skipped, another process trains it/.test(sweep.output()) && training(ids[1]));
    // Paused mid-run in turn: a run-one on the run it trains is refused.
    sweep.proc.kill('SIGSTOP');
    const refused = spawnSync(process.execPath, [CLI, 'run-one', out, ids[1]], { encoding: 'utf8' });
    expect(refused.status).toBe(1);
    expect(refused.stderr).toMatch(new RegExp(`sugar: run ${ids[1]} is in use by process ${sweep.proc.pid} on ${os.hostname()}`));
    sweep.proc.kill('SIGCONT');
    one.proc.kill('SIGCONT');
    const [r1, r2] = await Promise.all([one.exited, sweep.exited]);
    expect(r1.code, one.output()).toBe(0);
    expect(r2.code, sweep.output()).toBe(0);
    expect(sweep.output()).toMatch(
      new RegExp(`seed=0: skipped, another process trains it: run ${ids[0]} is in use by process ${one.proc.pid} on ${os.hostname()}`),
    );
    expect(sweep.output()).toMatch(/2 completed, 0 diverged, 0 failed, 0 already done, 1 skipped: another process is training them/);
    for (const id of ids) {
      expect(finished(out, id)).toBe(true);
      trainedOnce(out, id);
      expect(fs.existsSync(lockFile(out, id))).toBe(false);
    }
  });
});

describe('sugar run-one stopped and resubmitted', () => {
  it('SIGTERM: checkpoints, frees the run, exits 143; the rerun finishes it with every epoch once', async () => {
    const { out, ids } = emit([0]);
    const p = startCli(['run-one', out, ids[0]]);
    await waitFor('a few epochs', () => loggedEpochs(runDir(out, ids[0])).length >= 4);
    p.proc.kill('SIGTERM');
    const r = await p.exited;
    expect(r.code, p.output()).toBe(143);
    expect(p.output()).toMatch(/SIGTERM: stopping/);
    expect(p.output()).toContain(`${ids[0]}: interrupted (checkpointed; rerun to continue)`);
    expect(fs.existsSync(lockFile(out, ids[0]))).toBe(false);
    expect(finished(out, ids[0])).toBe(false);
    const stoppedAt = loggedEpochs(runDir(out, ids[0])).length;
    expect(stoppedAt).toBeLessThan(EPOCHS + 1);
    const again = spawnSync(process.execPath, [CLI, 'run-one', out, '--task', '0'], { encoding: 'utf8' });
    expect(again.status, again.stderr).toBe(0);
    expect(again.stdout).toContain(`${ids[0]}: completed`);
    trainedOnce(out, ids[0]);
  });

  it('SIGTERM to a sweep: workers checkpoint, locks are freed, exit 143; --resume finishes every run once', async () => {
    const { out, spec, ids } = emit([0, 1]);
    const sweep = startCli(['run', spec, '--out', out, '--resume', '--workers', '2', '--backend', 'cpu']);
    await waitFor('both runs training', () => ids.every((id) => loggedEpochs(runDir(out, id)).length >= 3));
    sweep.proc.kill('SIGTERM');
    const r = await sweep.exited;
    expect(r.code, sweep.output()).toBe(143);
    expect(sweep.output()).toMatch(/2 interrupted/);
    for (const id of ids) expect(fs.existsSync(lockFile(out, id))).toBe(false);
    const again = spawnSync(process.execPath, [CLI, 'run', spec, '--out', out, '--resume', '--backend', 'cpu'], { encoding: 'utf8' });
    expect(again.status, again.stderr).toBe(0);
    for (const id of ids) trainedOnce(out, id);
  });

  it('kill -9: the lock stays behind, and a rerun on this host takes it over (its process is gone)', async () => {
    const { out, ids } = emit([0]);
    const p = startCli(['run-one', out, ids[0]]);
    await waitFor('a few epochs', () => loggedEpochs(runDir(out, ids[0])).length >= 4);
    p.proc.kill('SIGKILL');
    await p.exited;
    expect(JSON.parse(fs.readFileSync(lockFile(out, ids[0]), 'utf8')).pid).toBe(p.proc.pid);
    const again = spawnSync(process.execPath, [CLI, 'run-one', out, ids[0]], { encoding: 'utf8' });
    expect(again.status, again.stderr).toBe(0);
    expect(again.stderr).toContain(`run ${ids[0]}: took over its lock (process ${p.proc.pid} on this host is gone)`);
    trainedOnce(out, ids[0]);
  });

  it("another host's lock: refused while its heartbeat is fresh, taken over once it is older than SUGAR_LOCK_STALE_S", () => {
    const { out, ids } = emit([0]);
    const lock = lockFile(out, ids[0]);
    const fake = (ageS: number) => {
      fs.writeFileSync(lock, JSON.stringify({ host: 'node-042', pid: 31337, since: '2026-12-01T08:00:00.000Z', token: 'a1b2c3' }));
      const t = new Date(Date.now() - ageS * 1000);
      fs.utimesSync(lock, t, t);
    };
    fake(20);
    const refused = spawnSync(process.execPath, [CLI, 'run-one', out, ids[0]], { encoding: 'utf8', env: { ...process.env, SUGAR_LOCK_STALE_S: '60' } });
    expect(refused.status).toBe(1);
    expect(refused.stderr).toMatch(
      new RegExp(
        `sugar: run ${ids[0]} is in use by process 31337 on node-042 \\(since 2026-12-01T08:00:00.000Z, heartbeat 2\\d(\\.\\d)? s ago\\); lock file ${lock.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}; it is taken over once its heartbeat is older than SUGAR_LOCK_STALE_S \\(60 s\\)`,
      ),
    );
    expect(loggedEpochs(runDir(out, ids[0]))).toEqual([]);
    fake(90);
    const taken = spawnSync(process.execPath, [CLI, 'run-one', out, ids[0]], { encoding: 'utf8', env: { ...process.env, SUGAR_LOCK_STALE_S: '60' } });
    expect(taken.status, taken.stderr).toBe(0);
    expect(taken.stderr).toMatch(/took over its lock \(its heartbeat from process 31337 on node-042 is 9\d(\.\d)? s old \(limit 60 s, SUGAR_LOCK_STALE_S\)\)/);
    trainedOnce(out, ids[0]);
  });
});

describe('sugar run-one ids', () => {
  it('refuses an id that is not a plain run id, and a run-ids.txt line that is not one', () => {
    const { out, ids } = emit([0]);
    fs.mkdirSync(path.join(out, 'elsewhere'), { recursive: true });
    for (const bad of ['../elsewhere', `${ids[0]}/..`, '..', 'ABCDEF012345', `${ids[0]}0`]) {
      const r = spawnSync(process.execPath, [CLI, 'run-one', out, bad], { encoding: 'utf8' });
      expect(r.status).toBe(1);
      expect(r.stderr).toContain(`sugar: run-one: expected a run id (12 hex digits, a line of run-ids.txt); found ${JSON.stringify(bad)}`);
    }
    const unknown = spawnSync(process.execPath, [CLI, 'run-one', out, '0123456789ab'], { encoding: 'utf8' });
    expect(unknown.stderr).toContain(`found no run '0123456789ab'`);
    fs.appendFileSync(path.join(out, 'run-ids.txt'), '../../etc\n');
    const r = spawnSync(process.execPath, [CLI, 'run-one', out, '--task', '0'], { encoding: 'utf8' });
    expect(r.status).toBe(1);
    expect(r.stderr).toContain(`${path.join(out, 'run-ids.txt')}:2: expected a run id (12 hex digits, a line of run-ids.txt); found "../../etc"`);
    const task = spawnSync(process.execPath, [CLI, 'run-one', out, '--task', 'x'], { encoding: 'utf8' });
    expect(task.status).toBe(1);
    expect(fs.readdirSync(path.join(out, 'elsewhere'))).toEqual([]);
  });
});
