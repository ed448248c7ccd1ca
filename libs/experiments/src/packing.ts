import { isFusedActivation, nativeOpsBuilt } from '@sugar-lab/core';
import { packFields } from '@sugar-lab/train';
import { canonicalJSON } from './canonical-json';
import type { PlannedRun } from './grid';
import { trainConfigOf } from './run-config';

/**
 * The widest MLP whose runs train faster packed than one by one, per backend. Measured on a 2-core machine
 * (CPU time, 3 seeds packed against the same 3 runs one after another, Adam, batch 64, probes on):
 *   wasm:        width 24 x 12 layers 4.1 s vs 6.0 s, 32 x 8: 0.74 vs 1.14, 64 x 4: 0.81 vs 0.91, 256 x 4: 7.5 vs 4.8
 *                (its batched matmul is a plain loop; a 2-D one goes to XNNPACK, which wins once the layers are wide);
 *   tensorflow:  24 x 12 4.5 s (12 packed) vs 15.5, 64 x 4: 0.56 vs 1.19, 256 x 4: 1.18 vs 1.51;
 *   cpu:         slower packed at every width measured (24 x 4: 0.91 vs 0.79): its kernels cost per element, not per op.
 * With the backend unknown (the worker takes the fastest that loads) the wasm limit holds, which pays on both.
 */
export const PACK_MAX_WIDTH: Record<'tensorflow' | 'wasm' | 'cpu' | 'default', number> = { tensorflow: 256, wasm: 32, cpu: 0, default: 32 };

/** More members than this make a pack's tensors large for no further gain; bigger groups are split evenly. */
export const PACK_MAX_SIZE = 16;

export interface PackingOptions {
  backend?: 'tensorflow' | 'wasm' | 'cpu';
  /** false: every run alone (`--no-pack`). */
  enabled?: boolean;
  /** Worker processes: packs are split until each has one (a pack trains in one process). */
  workers?: number;
  /** Whether runs of different activations share packs; default: on tensorflow where the native kernels are built. */
  mixActivations?: boolean;
}

/** Why a run trains alone, or undefined when it can share a pack. */
export function unpackableReason(run: PlannedRun, backend?: PackingOptions['backend']): string | undefined {
  const { name, width, batchNorm, dropout } = run.config.model as { name: string; width?: number; batchNorm?: boolean; dropout?: number };
  if (name !== 'mlp') return `model '${name}' (only MLPs pack)`;
  if (batchNorm) return 'batch norm';
  if (dropout) return 'dropout';
  const b = backend ?? run.config.backend ?? 'default';
  const limit = PACK_MAX_WIDTH[b];
  if (!(typeof width === 'number' && width <= limit))
    return limit ? `width ${width} > ${limit} on ${b === 'default' ? 'an unknown backend' : b}` : `the ${b} backend`;
  return undefined;
}

/**
 * What runs must share to be packed: everything but the seed and the optimizer's scalars (lr, momentum,
 * betas, eps, weight decay: per-member tensors in a pack); whether momentum and decay are on stays shared.
 * The activation is shared too unless `mix`: op by op, a pack of mixed activations applies each one to its
 * members' slice, which measured slower than packs of one (wasm, 12 quick runs, 4 epochs: 5.4 s CPU in packs of 3
 * mixed, 4.1 s in packs of 3 seeds). The fused native step (tensorflow) computes each member's own activation at no
 * extra cost, so there activations it computes mix, and a sweep needs fewer worker processes (a process start
 * costs ~0.45 s here): the quick sweep in 2 packs of 6 took 3.4 s wall against 4.7 s in 4 packs of 3, both fused.
 */
export function packKey(run: PlannedRun, mix = false): string {
  const { seed: _seed, optimizer, activation, ...rest } = run.config;
  const { lr: _lr, momentum: _m, weightDecay: _wd, beta1: _b1, beta2: _b2, eps: _eps, ...kind } = optimizer as unknown as Record<string, unknown>;
  const act = mix && isFusedActivation(activation) ? 'fused' : activation;
  return canonicalJSON({ rest, activation: act, optimizer: kind, shared: packFields(trainConfigOf(run.config)) });
}

function mixes(run: PlannedRun, opts: PackingOptions): boolean {
  return opts.mixActivations ?? ((opts.backend ?? run.config.backend) === 'tensorflow' && nativeOpsBuilt());
}

// Halves the largest pack until there are as many work units as workers (or nothing left to split).
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
 * The sweep's work units in grid order of their first run: packs (runs that share a pack key, at most
 * PACK_MAX_SIZE each, split further while there are fewer units than `workers`) and single runs (unpackable
 * ones, a key nothing else shares, or packing off).
 */
export function planPacks(runs: PlannedRun[], opts: PackingOptions = {}): PlannedRun[][] {
  if (opts.enabled === false) return runs.map((r) => [r]);
  const groups = new Map<string, PlannedRun[]>();
  const units: PlannedRun[][] = [];
  for (const run of runs) {
    if (unpackableReason(run, opts.backend)) {
      units.push([run]);
      continue;
    }
    const key = packKey(run, mixes(run, opts));
    let group = groups.get(key);
    if (!group) {
      groups.set(key, (group = []));
      units.push(group);
    }
    group.push(run);
  }
  const sized = units.flatMap((u) => (u.length > PACK_MAX_SIZE ? chunks(u, PACK_MAX_SIZE) : [u]));
  return opts.workers ? fillWorkers(sized, opts.workers) : sized;
}

/** The progress line about packing (`packing 12 runs into 4 packs of 3`), or undefined when nothing packs. */
export function packingMessage(units: PlannedRun[][], opts: PackingOptions = {}): string | undefined {
  const packs = units.filter((u) => u.length > 1);
  const alone = units.filter((u) => u.length === 1);
  if (opts.enabled === false) return units.length ? `packing off (--no-pack): ${units.length} runs one by one` : undefined;
  if (!packs.length) {
    const why = alone[0] && unpackableReason(alone[0][0], opts.backend);
    return alone.length && why ? `not packing: ${why}` : undefined;
  }
  const bySize = new Map<number, number>();
  for (const p of packs) bySize.set(p.length, (bySize.get(p.length) ?? 0) + 1);
  const sizes = [...bySize].sort((a, b) => b[0] - a[0]).map(([size, n]) => `${n} pack${n > 1 ? 's' : ''} of ${size}`);
  const packed = packs.reduce((s, p) => s + p.length, 0);
  const mixed = packs.some((p) => new Set(p.map((r) => canonicalJSON(r.config.activation))).size > 1);
  return `packing ${packed} runs into ${sizes.join(' and ')} (one stacked computation each${mixed ? ', activations mixed in the fused native step' : ''}; --no-pack trains them one by one)${alone.length ? `; ${alone.length} run${alone.length > 1 ? 's' : ''} alone` : ''}`;
}
