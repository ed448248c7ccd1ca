import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { BackendName } from '@sugar-lab/core';
import { expandGrid, resolveSpec, runSweep } from '@sugar-lab/experiments';

/** tools/bench, from apps/cli/dist/bench or apps/cli/src/bench. */
export const TOOLS_BENCH = path.resolve(__dirname, '..', '..', '..', '..', 'tools', 'bench');

const python = () => process.env.SUGAR_TORCH_PYTHON || 'python3';

/** PyTorch ms/step by `model|activation`, with the torch version and thread count. */
export interface TorchStepTimes {
  torch: string;
  threads: number;
  times: Record<string, number>;
}

function lastLine(r: ReturnType<typeof spawnSync>): string {
  return (
    String(r.stderr || r.error?.message || '')
      .trim()
      .split('\n')
      .pop() ?? ''
  );
}

/** Runs tools/bench/torch_reference.py; undefined (the reason logged) when torch is missing or it fails. */
export function torchStepTimes(models: string[], steps: number, warmup: number, log: (l: string) => void): TorchStepTimes | undefined {
  const script = path.join(TOOLS_BENCH, 'torch_reference.py');
  const r = spawnSync(python(), [script, '--models', models.join(','), '--steps', String(steps), '--warmup', String(warmup)], {
    encoding: 'utf8',
    timeout: 1_800_000,
  });
  if (r.status !== 0) {
    log(`no PyTorch reference: ${python()} ${path.basename(script)} failed: ${lastLine(r)}`);
    return undefined;
  }
  const out = JSON.parse(r.stdout) as { torch: string; threads: number; results: { model: string; activation: string; msPerStep: number }[] };
  return { torch: out.torch, threads: out.threads, times: Object.fromEntries(out.results.map((x) => [`${x.model}|${x.activation}`, x.msPerStep])) };
}

/** The fastest of several rounds, per key: on a shared machine the least disturbed round is the truest. */
export function bestOf(rounds: Record<string, number>[]): Record<string, number> {
  const best: Record<string, number> = {};
  for (const r of rounds) for (const [k, v] of Object.entries(r)) if (!(k in best) || v < best[k]) best[k] = v;
  return best;
}

export interface SweepTiming {
  preset: string;
  runs: number;
  sugarSeconds: number;
  /** What the runner chose, as it logs it. */
  parallelism: string;
  backend: string;
  torchSeconds?: number;
  torch?: string;
  torchProcs?: number;
  torchThreads?: number;
}

/**
 * `sugar run <preset>` (the real runner: worker processes, checkpoints, metrics, probes) into a fresh
 * temporary directory, then the same sweep as a plain PyTorch script (tools/bench/torch_quick_sweep.py,
 * 2 processes), back to back. Both directories are removed afterwards.
 */
export async function sweepReference(preset: string, backend: BackendName | undefined, log: (l: string) => void): Promise<SweepTiming> {
  const spec = resolveSpec(preset);
  const runs = expandGrid(spec);
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'sugar-bench-sweep-'));
  try {
    const t0 = performance.now();
    let parallelism = '';
    const r = await runSweep(spec, {
      out: path.join(tmp, 'sugar'),
      backend,
      onEvent: (e) => {
        if (e.type === 'log' && e.message.startsWith('parallelism: ')) parallelism = e.message.slice('parallelism: '.length);
      },
    });
    const sugarSeconds = (performance.now() - t0) / 1000;
    if (r.completed !== runs.length) log(`sweep ${preset}: ${r.completed} of ${runs.length} runs completed (${r.failed} failed, ${r.diverged} diverged)`);
    const timing: SweepTiming = {
      preset,
      runs: runs.length,
      sugarSeconds,
      parallelism,
      backend: backend ?? String(runs[0]?.config.backend ?? 'default'),
    };
    if (preset !== 'quick') return timing;
    const script = path.join(TOOLS_BENCH, 'torch_quick_sweep.py');
    const t = spawnSync(python(), [script, '--procs', '2', '--out', path.join(tmp, 'torch')], { encoding: 'utf8', timeout: 1_800_000 });
    if (t.status !== 0) {
      log(`no PyTorch sweep reference: ${python()} ${path.basename(script)} failed: ${lastLine(t)}`);
      return timing;
    }
    const out = JSON.parse(t.stdout) as { torch: string; procs: number; threads: number; seconds: number };
    return { ...timing, torchSeconds: out.seconds, torch: out.torch, torchProcs: out.procs, torchThreads: out.threads };
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

export function formatSweepTiming(s: SweepTiming): string {
  const head = `sweep ${s.preset} (${s.runs} runs): sugar run ${s.sugarSeconds.toFixed(1)} s on ${s.backend} [${s.parallelism}]`;
  if (s.torchSeconds === undefined) return head;
  return `${head}; PyTorch script ${s.torchSeconds.toFixed(1)} s (torch ${s.torch}, ${s.torchProcs} processes x ${s.torchThreads} thread${s.torchThreads === 1 ? '' : 's'}); sugar / torch x${(s.sugarSeconds / s.torchSeconds).toFixed(2)}`;
}
