import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { childrenOf } from '../../../../libs/experiments/src/test-utils/sweep-process';
import { startCli, tmpDir, waitFor, writeTinySpec } from '../test-utils/cli-process';

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
