import { resolveTrainConfig } from './config';
import { resumeRun } from './fit-resume';
import { attachProbes, createRun, disposeRun } from './fit-run';
import type { FitResult } from './metrics';
import { planUnit, type PackMember } from './pack-policy';
import { PackError, type PackPlan } from './packed-plan';
import type { Member } from './step';
import { Trainer } from './trainer';

export interface TrainUnitOptions {
  /** 'auto' (default): pack where planUnit says it pays; 'always': one pack or a PackError (fitPacked). */
  pack?: 'auto' | 'always';
  /**
   * How the unit trains (planUnit's line: packed, fused, or one after another, and why).
   *
   * @param how the plan, one line
   */
  onPlan?(how: string): void;
}

/** Validates and creates every member's run (config, data, probes, checkpoint resumed); throws before training. */
function prepare(data: Parameters<typeof createRun>[1], members: PackMember[], plans: (PackPlan | undefined)[]): Member[] {
  const out: Member[] = [];
  try {
    members.forEach((m, i) => {
      const run = createRun(m.model, data, m.config, m.options ?? {});
      out.push({ run, ...(plans[i] ? { plan: plans[i] } : {}) });
      attachProbes(run, m.options?.activationLayers);
      resumeRun(run);
    });
  } catch (err) {
    out.forEach((m) => disposeRun(m.run));
    throw err;
  }
  return out;
}

async function trainTogether(data: Parameters<typeof createRun>[1], members: PackMember[], plans: (PackPlan | undefined)[]): Promise<FitResult[]> {
  const prepared = prepare(data, members, plans);
  await new Trainer(prepared).run();
  return prepared.map((m) => m.result!);
}

/**
 * Trains a work unit of K >= 1 runs on the same data: what `fit` (K = 1), `fitPacked` and a sweep's worker all
 * call. planUnit decides how (one pack, or one after another); every member ends with its own result, log,
 * checkpoints and status, as `fit(member.model, data, member.config, member.options)` would. Bad configs or data,
 * and a checkpoint of another config, throw before anything trains.
 *
 * @param data tensors, or a dataset from `loadDataset`, shared by every member
 * @param members each run's model, config and options (as `fit` takes them)
 * @param opts 'auto' or 'always' pack, and where planUnit's line goes
 */
export async function trainUnit(data: Parameters<typeof createRun>[1], members: PackMember[], opts: TrainUnitOptions = {}): Promise<FitResult[]> {
  if (!members.length) throw new PackError('trainUnit: expected at least one member; found none');
  members.forEach((m) => resolveTrainConfig(m.config)); // every config checked before any run trains
  const plan = planUnit(members, opts.pack ?? 'auto');
  opts.onPlan?.(plan.how);
  if (plan.packed || members.length === 1) return trainTogether(data, members, plan.plans);
  const results: FitResult[] = [];
  for (const [i, m] of members.entries()) results.push(...(await trainTogether(data, [m], [plan.plans[i]])));
  return results;
}
