import { canonicalJSON, isFusedActivation, nativeOpsBuilt, readNativeState } from '@sugar-lab/core';
import { packFields } from '@sugar-lab/train';
import type { PlannedRun } from './grid';
import { trainConfigOf } from './run-config';

/** More members than this make a pack's tensors large for no further gain; bigger groups are split evenly. */
const UNIT_MAX_SIZE = 16;

export interface PackingOptions {
  backend?: 'tensorflow' | 'wasm' | 'cpu';
  /** false: every run alone (`--no-pack`). */
  enabled?: boolean;
  /** Worker processes: units are split until each has one (a unit trains in one process). */
  workers?: number;
  /** Whether runs of different activations share units; default: on tensorflow where the native kernels are built. */
  mixActivations?: boolean;
}

/**
 * What runs must share to go to one worker as a work unit: everything but the seed and the optimizer's scalars
 * (lr, momentum, betas, eps, weight decay: per-member tensors in a pack); whether momentum and decay are on stays
 * shared. Whether a unit then trains as one pack is train's planUnit's decision, on the real models and backend.
 * The activation is shared too unless `mix`: op by op, a pack of mixed activations applies each one to its
 * members' slice, which is slower than packs of one activation; the fused native step computes each member's own
 * activation at no extra cost, so there activations it computes mix and a sweep needs fewer worker processes
 * (figures: docs/benchmarks.md, "Packing").
 */
export function packKey(run: PlannedRun, mix = false): string {
  const { seed: _seed, optimizer, activation, ...rest } = run.config;
  const { lr: _lr, momentum: _m, weightDecay: _wd, beta1: _b1, beta2: _b2, eps: _eps, ...kind } = optimizer as unknown as Record<string, unknown>;
  const act = mix && isFusedActivation(activation) ? 'fused' : activation;
  return canonicalJSON({ rest, activation: act, optimizer: kind, shared: packFields(trainConfigOf(run.config)) });
}

/** The backend a run's worker will train on: --backend, the run's own, else tensorflow where native setup built it. */
function expectedBackend(run: PlannedRun, opts: PackingOptions): string | undefined {
  return opts.backend ?? run.config.backend ?? (readNativeState()?.ok ? 'tensorflow' : undefined);
}

function mixes(run: PlannedRun, opts: PackingOptions): boolean {
  return opts.mixActivations ?? (expectedBackend(run, opts) === 'tensorflow' && nativeOpsBuilt());
}

// Halves the largest unit until there are as many units as workers (or nothing left to split).
function fillWorkers(units: PlannedRun[][], workers: number): PlannedRun[][] {
  const out = [...units];
  while (out.length > 0 && out.length < workers) {
    const i = out.reduce((best, u, j) => (u.length > out[best].length ? j : best), 0);
    if (out[i].length < 2) break;
    const half = Math.ceil(out[i].length / 2);
    out.splice(i, 1, out[i].slice(0, half), out[i].slice(half));
  }
  return out;
}

function chunks<T>(items: T[], max: number): T[][] {
  const n = Math.ceil(items.length / max);
  const size = Math.ceil(items.length / n);
  return Array.from({ length: n }, (_, i) => items.slice(i * size, (i + 1) * size)).filter((c) => c.length);
}

/**
 * The sweep's work units in grid order of their first run: runs that share a pack key (at most 16 each, split
 * further while there are fewer units than `workers`), or every run alone with packing off.
 */
export function planUnits(runs: PlannedRun[], opts: PackingOptions = {}): PlannedRun[][] {
  if (opts.enabled === false) return runs.map((r) => [r]);
  const groups = new Map<string, PlannedRun[]>();
  const units: PlannedRun[][] = [];
  for (const run of runs) {
    const key = packKey(run, mixes(run, opts));
    let group = groups.get(key);
    if (!group) {
      groups.set(key, (group = []));
      units.push(group);
    }
    group.push(run);
  }
  const sized = units.flatMap((u) => (u.length > UNIT_MAX_SIZE ? chunks(u, UNIT_MAX_SIZE) : [u]));
  return opts.workers ? fillWorkers(sized, opts.workers) : sized;
}

/** The progress line about work units (`12 runs in 2 work units of 6 ...`), or undefined when every run is alone. */
export function packingMessage(units: PlannedRun[][], opts: PackingOptions = {}): string | undefined {
  if (opts.enabled === false) return units.length ? `packing off (--no-pack): ${units.length} runs one by one` : undefined;
  const shared = units.filter((u) => u.length > 1);
  if (!shared.length) return undefined;
  const bySize = new Map<number, number>();
  for (const u of shared) bySize.set(u.length, (bySize.get(u.length) ?? 0) + 1);
  const sizes = [...bySize].sort((a, b) => b[0] - a[0]).map(([size, n]) => `${n} unit${n > 1 ? 's' : ''} of ${size}`);
  const n = shared.reduce((s, u) => s + u.length, 0);
  const alone = units.length - shared.length;
  const mixed = shared.some((u) => new Set(u.map((r) => canonicalJSON(r.config.activation))).size > 1);
  return `${n} runs in ${sizes.join(' and ')} (each trained as one pack where it pays${mixed ? ', activations mixed in the fused native step' : ''}; --no-pack trains them one by one)${alone ? `; ${alone} run${alone > 1 ? 's' : ''} alone` : ''}`;
}
