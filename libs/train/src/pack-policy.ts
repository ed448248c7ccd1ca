import { tf } from '@sugar-lab/core';
import { resolveTrainConfig, type ResolvedTrainConfig, type TrainConfig } from './config';
import type { FitOptions } from './fit-options';
import { nativePlan, trainsNativelyAs } from './packed-native';
import { checkSamePlan, PackError, packPlan, type PackPlan } from './packed-plan';

/**
 * The widest dense layer at which K runs train faster stacked than one after another, per backend (measured:
 * docs/benchmarks.md, "Packing"). wasm's batched matmul is a plain loop, so wide layers lose; cpu's kernels cost
 * per element, not per op, so stacking never pays there.
 */
export const PACK_MAX_WIDTH: Record<string, number> = { tensorflow: 256, wasm: 32, cpu: 0 };

/** One run of a unit: its own model (its initial weights), config (seed, optimizer scalars...) and options. */
export interface PackMember {
  model: tf.LayersModel;
  config: TrainConfig;
  options?: FitOptions;
}

/**
 * What the members of one pack must share: the batch shape and data pipeline and the optimizer's update rule.
 * Seeds, activations, epochs, learning rates and schedules, momentum, betas, eps, weight decay and probes may
 * differ; whether momentum and weight decay are on may not (it changes which state a checkpoint holds).
 *
 * @param config a run's training config
 *
 * @internal plumbing between sugar-lab libraries (exported for them; not part of the documented API)
 */
export function packFields(config: TrainConfig | ResolvedTrainConfig): Record<string, unknown> {
  const c = resolveTrainConfig(config);
  const o = c.optimizer;
  return {
    batchSize: c.batchSize,
    dropLast: c.dropLast,
    data: c.data,
    'optimizer.name': o.name,
    'optimizer.nesterov': o.nesterov,
    'optimizer.decayOn': o.decayOn,
    'optimizer.momentum > 0': o.momentum > 0,
    'optimizer.weightDecay > 0': o.weightDecay > 0,
  };
}

function checkFields(members: PackMember[]): void {
  const first = packFields(members[0].config);
  members.slice(1).forEach((m, i) => {
    const fields = packFields(m.config);
    for (const [key, value] of Object.entries(fields)) {
      if (JSON.stringify(value) !== JSON.stringify(first[key])) {
        throw new PackError(
          `pack member ${i + 2}: ${key} is ${JSON.stringify(value)}; member 1's is ${JSON.stringify(first[key])} (a pack shares ${Object.keys(first).join(', ')})`,
        );
      }
    }
  });
}

/**
 * How a unit trains: as one pack (each member's plan), or each member on its own (a plan where it trains fused).
 *
 * @internal plumbing between sugar-lab libraries (exported for them; not part of the documented API)
 */
export type UnitPlan = { packed: true; plans: PackPlan[]; how: string } | { packed: false; plans: (PackPlan | undefined)[]; how: string };

const fusedAlone = (m: PackMember) => m.options?.fused !== false && !m.options?.callbacks?.onBatchEnd;

/** The members' pack plans, checked to share one architecture and the pack's fields; throws PackError. */
function sharedPlans(members: PackMember[]): PackPlan[] {
  const plans = members.map((m) => packPlan(m.model));
  plans.forEach((p, i) => checkSamePlan(plans[0], p, i));
  checkFields(members);
  return plans;
}

function alone(members: PackMember[], why: string): UnitPlan {
  const plans = members.map((m) => (fusedAlone(m) ? nativePlan(m.model) : undefined));
  const fused = plans.filter(Boolean).length;
  return { packed: false, plans, how: `${why}${fused ? ` (${fused} with the fused native step)` : ''}` };
}

/**
 * The one place that decides how runs train together. `always` (fitPacked): one pack, or a PackError saying why
 * not. `auto` (fit, a sweep's work unit): one run alone (op by op, or as a fused pack of one where the native
 * step computes it, as fit always did); several as one pack where their models stack, share the pack's fields and
 * the backend gains from it (PACK_MAX_WIDTH), else one after another.
 *
 * @param members the unit's runs: each model, config and options
 * @param mode 'auto' (fit, a sweep) or 'always' (fitPacked)
 * @param backend the backend the unit trains on (default the current one)
 *
 * @internal plumbing between sugar-lab libraries (exported for them; not part of the documented API)
 */
export function planUnit(members: PackMember[], mode: 'auto' | 'always', backend = tf.getBackend()): UnitPlan {
  const k = members.length;
  const pack = (plans: PackPlan[]): UnitPlan => ({
    packed: true,
    plans,
    how: `${k} run${k > 1 ? 's' : ''} as one pack (${trainsNativelyAs(plans) ? 'fused native step' : 'stacked'})`,
  });
  if (mode === 'always') return pack(sharedPlans(members));
  if (k === 1) return alone(members, 'alone');
  let plans: PackPlan[];
  try {
    plans = sharedPlans(members);
  } catch (err) {
    if (err instanceof PackError) return alone(members, `${k} runs one after another: ${err.message}`);
    throw err;
  }
  const width = Math.max(...plans[0].layers.map((l) => l.units));
  const limit = PACK_MAX_WIDTH[backend] ?? 0;
  if (width > limit) {
    return alone(members, `${k} runs one after another: stacking ${limit ? `layers wider than ${limit}` : 'anything'} does not pay on ${backend}`);
  }
  return pack(plans);
}
