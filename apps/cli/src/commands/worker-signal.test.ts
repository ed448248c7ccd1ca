import * as fs from 'node:fs';
import * as path from 'node:path';
import { isProcessAlive } from '@sugar-lab/core';
import { describe, expect, it } from 'vitest';
import { childrenOf } from '../../../../libs/experiments/src/test-utils/sweep-process';
import { loggedEpochs, snapshotFiles, startCli, tmpDir, waitFor, writeTinySpec } from '../test-utils/cli-process';

describe('a worker stopped by a signal nobody sent to sugar run', () => {
  it('leaves its run interrupted and resumable, and the command fails (exit 1), saying so', async () => {
    const dir = tmpDir('sugar-worker-signal-');
    // cpu, wide layers: the run is still training when its worker is stopped.
    const spec = writeTinySpec(dir, {
      name: 'sig',
      base: { backend: 'cpu', model: { depth: 2, width: 1500 }, epochs: 3, probes: { enabled: false } },
      grid: { seed: [0] },
    });
    const cli = startCli(['run', spec, '--out', path.join(dir, 'out'), '--workers', '1']);
    let worker: number | undefined;
    await waitFor('the worker', () => (worker = childrenOf(cli.proc.pid!)[0]) !== undefined, 30_000);
    await new Promise((r) => setTimeout(r, 1000));
    process.kill(worker!, 'SIGTERM');
    const { code } = await cli.exited;
    expect(cli.output()).toMatch(/sig: 0 completed, 0 diverged, 0 failed, 0 already done, 1 interrupted \(rerun with --resume\)/);
    expect(code).toBe(1);
  }, 120_000);

  it('killed with SIGKILL (as the OOM killer does) fails its run with what killed it, not TensorFlow log lines', async () => {
    const dir = tmpDir('sugar-worker-kill-');
    const spec = writeTinySpec(dir, {
      name: 'oom',
      base: { backend: 'cpu', model: { depth: 2, width: 1500 }, epochs: 3, probes: { enabled: false } },
      grid: { seed: [0] },
    });
    const out = path.join(dir, 'out');
    const cli = startCli(['run', spec, '--out', out, '--workers', '1']);
    let worker: number | undefined;
    await waitFor('the worker', () => (worker = childrenOf(cli.proc.pid!)[0]) !== undefined, 30_000);
    await new Promise((r) => setTimeout(r, 1000));
    process.kill(worker!, 'SIGKILL');
    const { code } = await cli.exited;
    expect(code).toBe(1);
    const [id] = fs.readdirSync(path.join(out, 'runs'));
    const summary = JSON.parse(fs.readFileSync(path.join(out, 'runs', id, 'summary.json'), 'utf8'));
    expect(summary).toMatchObject({
      status: 'failed',
      error: 'worker was killed by SIGKILL (the kernel OOM killer, a scheduler or a user: see dmesg) before reporting',
    });
  }, 120_000);
});

// cpu, width 3000: one step is seconds inside one synchronous call, where the worker's IPC 'disconnect' cannot arrive.
function longStepSweep(name: string) {
  const dir = tmpDir(`sugar-${name}-`);
  const spec = writeTinySpec(dir, {
    name,
    base: { backend: 'cpu', dataset: { nTrain: 64 }, model: { depth: 2, width: 3000 }, epochs: 1, probes: { enabled: false } },
    grid: { seed: [0] },
  });
  return { dir, spec, out: path.join(dir, 'out') };
}

/** Starts the sweep and waits until its worker is inside training: epoch 0's checkpoint written, then a moment into the steps. */
async function midStep(args: string[], group = false) {
  const cli = startCli(args, {}, group);
  let worker: number | undefined;
  await waitFor('the worker', () => (worker = childrenOf(cli.proc.pid!)[0]) !== undefined, 30_000);
  const runs = path.join(args[args.indexOf('--out') + 1], 'runs');
  const latest = () => fs.readdirSync(runs).map((id) => path.join(runs, id, 'checkpoint', 'LATEST'));
  await waitFor('training', () => fs.existsSync(runs) && latest().some((f) => fs.existsSync(f)), 60_000);
  await new Promise((r) => setTimeout(r, 700));
  return { cli, worker: worker! };
}

describe('a runner that ends while its worker is inside a long step', () => {
  it('SIGKILLed alone: the worker goes, nothing in the results changes after the runner died, and --resume finishes the run', async () => {
    const { spec, out } = longStepSweep('runner-kill');
    const { cli, worker } = await midStep(['run', spec, '--out', out, '--workers', '1']);
    const before = snapshotFiles(out);
    process.kill(cli.proc.pid!, 'SIGKILL');
    await cli.exited;
    await waitFor('the worker to go', () => !isProcessAlive(worker), 5000);
    expect(snapshotFiles(out)).toEqual(before);
    const resumed = startCli(['run', spec, '--out', out, '--workers', '1', '--resume']);
    expect((await resumed.exited).code).toBe(0);
    expect(resumed.output()).toMatch(/runner-kill: 1 completed, 0 diverged, 0 failed, 0 already done/);
    const [id] = fs.readdirSync(path.join(out, 'runs'));
    expect(loggedEpochs(path.join(out, 'runs', id)).at(-1)).toBe(1);
  }, 240_000);

  it('a second Ctrl-C ends the runner (exit 130) and its worker at once, and nothing is written afterwards', async () => {
    const { spec, out } = longStepSweep('double-sigint');
    const { cli, worker } = await midStep(['run', spec, '--out', out, '--workers', '1'], true);
    // Ctrl-C in a terminal reaches the whole foreground process group: the runner and its worker.
    process.kill(-cli.proc.pid!, 'SIGINT');
    await waitFor('the first Ctrl-C to be taken', () => /send it again to quit now/.test(cli.output()), 10_000);
    process.kill(-cli.proc.pid!, 'SIGINT');
    const { code } = await cli.exited;
    const after = snapshotFiles(out);
    expect(code).toBe(130);
    await waitFor('the worker to go', () => !isProcessAlive(worker), 5000);
    // The worker's step would have ended its epoch seconds later with a checkpoint and a metrics line: none came.
    await new Promise((r) => setTimeout(r, 3000));
    expect(snapshotFiles(out)).toEqual(after);
  }, 240_000);
});
